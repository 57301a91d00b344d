"""The treaty parser on the real UNTOC text, on a small fixture of the genre, and on broken variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.errors import SourceError
from loader.sources import treaty

ROOT = Path(__file__).resolve().parent.parent
UNTOC = ROOT / "data" / "sources" / "untoc" / "UNTOC.en.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "treaty"


@pytest.fixture(scope="module")
def untoc() -> treaty.Treaty:
    return treaty.parse(UNTOC)


def find(parsed: treaty.Treaty, *path: str) -> treaty.Provision:
    for provision in parsed.provisions():
        if provision.path == path:
            return provision
    raise AssertionError(f"no provision {path}")


def test_untoc_title_and_all_41_articles_in_order(untoc):
    assert untoc.title == "United Nations Convention against Transnational Organized Crime"
    assert untoc.title_passage.line == 1
    assert [a.number for a in untoc.articles] == [str(n) for n in range(1, 42)]
    assert untoc.articles[26].heading == "Law enforcement cooperation"
    assert untoc.articles[40].heading == "Depositary and languages"


def test_article_27_paragraph_1_has_subparagraphs_a_to_f_and_b_has_three_items(untoc):
    paragraph = find(untoc, "27", "1")
    assert [p.number for p in paragraph.parts] == ["a", "b", "c", "d", "e", "f"]
    assert [p.number for p in find(untoc, "27", "1", "b").parts] == ["i", "ii", "iii"]
    assert [p.number for p in find(untoc, "27").parts] == ["1", "2", "3"]


def test_provision_text_is_its_own_line_without_the_number(untoc):
    first = find(untoc, "27", "1", "a")
    assert first.text.startswith("To enhance and, where necessary, to establish channels of communication")
    assert first.text.endswith("other criminal activities;")
    assert first.line == 449
    assert first.passages[0].verbatim.startswith("a) To enhance")


def test_a_paragraph_may_follow_a_subparagraph_without_a_blank_line(untoc):
    # 27(1)(f) is line 465 and paragraph 27(2) is line 466: no blank line between.
    assert find(untoc, "27", "1", "f").line == 465
    assert find(untoc, "27", "2").line == 466
    assert find(untoc, "27", "2").text.startswith("With a view to giving effect to this Convention")


def test_articles_without_paragraphs_keep_their_text_or_have_subparagraphs_directly(untoc):
    assert find(untoc, "1").text.startswith("The purpose of this Convention is to promote cooperation")
    assert find(untoc, "1").parts == []
    definitions = find(untoc, "2")
    assert definitions.text == "For the purposes of this Convention:"
    assert [p.number for p in definitions.parts] == list("abcdefghij")
    assert all(p.level == "subparagraph" for p in definitions.parts)
    assert [p.number for p in find(untoc, "23").parts] == ["a", "b"]


def test_sub_items_below_items_article_5_1_a_ii(untoc):
    item = find(untoc, "5", "1", "a", "ii")
    assert [(p.level, p.number) for p in item.parts] == [("subitem", "a"), ("subitem", "b")]
    assert find(untoc, "5", "1", "a", "ii", "a").text == "Criminal activities of the organized criminal group;"
    assert find(untoc, "5", "1", "b").text.startswith("Organizing, directing")


def test_empty_subparagraph_and_item_without_a_space(untoc):
    # Article 6(1)(a) is a bare "a) " line; 6(1)(a)(i) is written "(i)The conversion ...".
    assert find(untoc, "6", "1", "a").text == ""
    assert find(untoc, "6", "1", "a", "i").text.startswith("The conversion or transfer of property")


def test_article_passages_are_number_heading_and_text_lines(untoc):
    assert [p.line for p in find(untoc, "1").passages] == [3, 5, 7]
    assert [p.line for p in find(untoc, "27").passages] == [443, 445]


def test_the_closing_formula_is_not_part_of_article_41(untoc):
    assert [p.line for p in untoc.closing] == [649]
    assert untoc.closing[0].verbatim.startswith("IN WITNESS WHEREOF")
    assert "IN WITNESS" not in find(untoc, "41", "2").text
    assert untoc.preamble == []


def test_levels_count_in_the_whole_convention(untoc):
    counts = {}
    for provision in untoc.provisions():
        counts[provision.level] = counts.get(provision.level, 0) + 1
    assert counts["article"] == 41
    assert counts["subitem"] == 2


def test_small_fixture_of_the_genre():
    parsed = treaty.parse(FIXTURES / "small.md")
    assert parsed.title == "Convention on Small Things"
    assert [p.verbatim for p in parsed.preamble] == ["The States Parties to this Convention,"]
    assert [p.path for p in parsed.provisions()] == [
        ("1",), ("2",), ("2", "a"), ("2", "b"), ("3",), ("3", "1"), ("3", "1", "a"), ("3", "1", "a", "i"),
        ("3", "1", "a", "ii"), ("3", "1", "a", "ii", "a"), ("3", "1", "a", "ii", "b"), ("3", "1", "b"),
        ("3", "2"),
    ]
    assert find(parsed, "3", "1", "a", "i").text == "By talking;"
    assert find(parsed, "3", "2").text == "Nothing in this Convention affects large things."
    assert [p.line for p in parsed.closing] == [40]


def test_an_article_heading_is_optional():
    parsed = treaty.parse_text("####T\n\n### Article  1\n\n1.   One.\n", "t.md")
    assert parsed.articles[0].heading == ""
    assert parsed.articles[0].parts[0].text == "One."


@pytest.mark.parametrize(
    ("fixture", "line", "words"),
    [
        ("article-out-of-sequence.md", 9, "article 3 out of sequence: expected article 2"),
        ("paragraph-out-of-sequence.md", 9, "paragraph '3' of article 1 out of sequence: expected '2'"),
        ("subparagraph-out-of-sequence.md", 11, "subparagraph 'c' of paragraph 1 of article 1 out of sequence"),
        ("subparagraph-before-paragraph.md", 9, "paragraph 1 of article 1 after subparagraphs"),
        ("item-without-subparagraph.md", 9, "item (i) with no subparagraph above it in article 1"),
        ("subitem-without-item.md", 11, "sub-item a. with no item above it in article 1"),
        ("stray-text.md", 11, "unnumbered text after subparagraph a) of paragraph 1 of article 1"),
        ("before-first-article.md", 3, "before the first article"),
        ("no-title.md", 1, "expected the treaty's title as `####Title`"),
        ("stray-heading.md", 7, "a heading that is neither"),
    ],
)
def test_broken_variants_name_file_and_line(fixture, line, words):
    path = FIXTURES / fixture
    with pytest.raises(SourceError) as caught:
        treaty.parse(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_treaty_without_articles_is_an_error():
    with pytest.raises(SourceError, match="no article"):
        treaty.parse(FIXTURES / "no-article.md")


def test_an_item_out_of_roman_sequence():
    text = "####T\n\n### Article  1\n\n1.   One:\n\na) first:\n\n(i) one;\n\n(iii) three.\n"
    with pytest.raises(SourceError, match=r"item 'iii' of subparagraph a\) of paragraph 1 of article 1 .*'ii'"):
        treaty.parse_text(text, "t.md")


def test_an_article_after_the_closing_formula():
    text = "####T\n\n### Article  1\n\nText.\n\nIN WITNESS WHEREOF, signed.\n\n### Article  2\n"
    with pytest.raises(SourceError, match="article 2 after the closing formula") as caught:
        treaty.parse_text(text, "t.md")
    assert caught.value.line == 9


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(SourceError, match="cannot read the treaty text"):
        treaty.parse(tmp_path / "absent.md")
    latin = tmp_path / "latin.md"
    latin.write_bytes("####Convention é\n".encode("latin-1"))
    with pytest.raises(SourceError, match="not UTF-8 text") as caught:
        treaty.parse(latin)
    assert caught.value.path == str(latin)


def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff####A Convention\r\n\r\n### Article  1\r\n\r\n####First\r\n\r\n1.   One.\r\n".encode())
    parsed = treaty.parse(path)
    assert parsed.title == "A Convention"
    assert parsed.articles[0].parts[0].text == "One."
    assert parsed.articles[0].parts[0].line == 7


def test_a_directory_is_not_a_treaty(tmp_path):
    with pytest.raises(SourceError, match="cannot read the treaty text") as caught:
        treaty.parse(tmp_path)
    assert caught.value.path == str(tmp_path)


def test_roman_numerals_round_trip():
    assert [treaty.roman_value(treaty._roman(n)) for n in range(1, 40)] == list(range(1, 40))


@pytest.mark.parametrize("separator", ["\f", "\u2028", "\x1c", "\x85", "\v"])
def test_lines_are_numbered_as_an_editor_numbers_them(tmp_path, separator):
    """A form feed, U+2028 and the other characters ``str.splitlines`` breaks at are not line breaks: the article
    after them is on the line an editor shows, in the passage IRIs (.../L<n>) and in an error."""
    text = f"####T\n\n### Article  1\n\n1.   One{separator}still one.\n\n### Article  3\n"
    path = tmp_path / "t.md"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(SourceError, match="article 3 out of sequence") as caught:
        treaty.parse(path)
    assert caught.value.line == 7
    parsed = treaty.parse_text(text.replace("### Article  3\n", "2.   Two.\n"), "t.md")
    assert [(p.number, p.line) for p in parsed.articles[0].parts] == [("1", 5), ("2", 7)]
    assert parsed.articles[0].parts[0].text == f"One{separator}still one."
