"""The annotated-agenda parser on the real Chinese agenda, on English fixtures of the genre, and on broken input."""

from __future__ import annotations

import doctest
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from loader.errors import SourceError
from loader.sources import agenda
from loader.sources import agenda_facts as f
from loader.sources import agenda_text as t
from loader.sources.agenda_facts import ProvisionRef

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "sources" / "000_53ef33334a0e60d7.txt"
EN = Path(__file__).parent / "fixtures" / "agenda_en"
ZH = Path(__file__).parent / "fixtures" / "agenda_zh"
RULES = "UNTOC-review-mechanism-procedures-and-rules"


@pytest.fixture(scope="module")
def real() -> agenda.AnnotatedAgenda:
    return agenda.parse(REAL)


def cited(paragraph) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(p.instrument, p.article, p.paragraph, p.subparagraph) for p in paragraph.facts.provisions]


# --- the real Chinese agenda ---------------------------------------------------------------------------------

def test_header_of_the_real_agenda(real):
    header = real.header
    assert real.language == "zh"
    assert header.parent_body.text == "联合国打击跨国有组织犯罪公约缔约方会议"  # the layout space is gone
    assert real.verbatim(header.parent_body.number) == "联合国打击跨国有组织 犯罪公约缔约方会议"  # kept verbatim
    assert header.distribution.text == "General" and header.distribution.number == 7
    assert (header.distributed, header.distributed_line) == (date(2023, 6, 14), 8)
    assert (header.language, header.original_language) == ("zho", "eng")
    assert header.body.text == "国际合作工作组"
    assert header.title.text == "临时议程说明"
    assert header.symbol is None  # the Chinese text does not print its symbol


def test_meeting_line(real):
    meeting = real.meeting
    assert (meeting.line, meeting.start, meeting.end) == (14, date(2023, 9, 11), date(2023, 9, 12))
    assert (meeting.place, meeting.place_slug, meeting.timezone) == ("维也纳", "vienna", "Europe/Vienna")


def test_five_items_and_the_sub_items_of_item_1(real):
    assert [item.number for item in real.items] == ["1", "2", "3", "4", "5"]
    assert [x.notation for x in real.all_items()] == ["1", "1(a)", "1(b)", "2", "3", "4", "5"]
    first = real.items[0]
    assert first.title == "组织事项"  # the final "：" is not part of the title
    assert [(s.title, s.line) for s in first.subitems] == [("会议开幕", 21), ("通过议程和工作安排", 22)]
    assert real.items[1].title == "《联合国打击跨国有组织犯罪公约》第27条（执法合作）的实际实施情况"
    assert real.items[2].title.startswith("在《打击有组织犯罪公约》生效20年后")
    title = "联合国打击跨国有组织犯罪公约"
    assert real.items[1].provisions == [ProvisionRef("UNTOC", title, "27", None, None, "第27条", "执法合作")]
    assert [item.heading_line for item in real.all_items()] == [30, 32, 38, 48, 62, 80, 84]


def test_opening_time_and_plenary_meetings(real):
    opening = real.find_item("1", "a").paragraphs[0].facts.opening
    assert (opening.day, opening.time, opening.meeting.number) == (date(2023, 9, 11), (10, 0), 14)
    plenary = real.find_item("1", "b").paragraphs[3].facts.plenary
    assert (plenary.meetings, plenary.languages, plenary.days) == (4, 6, 2)


def test_three_bureau_decisions_with_their_dates_and_procedures(real):
    decisions = [d for p in real.find_item("1", "b").paragraphs for d in p.facts.decisions]
    assert [(d.date, d.procedure) for d in decisions] == [
        (date(2022, 8, 5), None),  # the text names no procedure for this one
        (date(2023, 4, 19), "silence"),
        (date(2023, 4, 21), "silence"),
    ]
    assert decisions[0].body_text == "联合国打击跨国有组织犯罪公约缔约方会议扩大主席团"
    assert decisions[1].approved == "国际合作工作组第十四次会议的实质性议题"
    assert decisions[2].approved == "缔约方会议各工作组今后会议包括国际合作工作组第十四次会议的议事方式"
    assert all(d.meetings[-1].number == 14 for d in decisions)


def test_cited_provisions_paragraph_by_paragraph(real):
    item2, item3 = real.find_item("2"), real.find_item("3")
    assert cited(item2.paragraphs[0]) == [("UNTOC", "27", None, None)]
    assert cited(item2.paragraphs[1]) == [
        ("UNTOC", "27", None, None),
        ("UNTOC", "27", "1", "a"), ("UNTOC", "27", "1", "f"),  # "(a)和(f)项": two, not (a) to (f)
        ("UNTOC", "27", "1", "b"), ("UNTOC", "27", "1", "d"), ("UNTOC", "27", "1", "e"),
    ]
    assert ("UNTOC", "27", "1", "c") not in [c for p in item2.paragraphs for c in cited(p)]
    assert cited(item2.paragraphs[2]) == []
    assert [cited(p) for p in item3.paragraphs] == [
        [(RULES, None, "12", None)], [(RULES, None, "10", None)], [], [], [(RULES, None, "53", "h")],
    ]
    assert item3.paragraphs[4].facts.provisions[0].printed == "第53(h)段"


def test_review_mechanism_clusters_threshold_and_digest(real):
    item3 = real.find_item("3")
    fourth = item3.paragraphs[1].facts
    assert [(c.number, c.topics, c.planned_start) for c in fourth.clusters] == [
        (4, "国际合作、司法协助和没收", (2022, 11))]
    assert [(x.percent, x.provision.paragraph) for x in fourth.thresholds] == [(70, "10")]
    first = item3.paragraphs[3].facts
    assert [(c.number, c.topics, c.planned_start) for c in first.clusters] == [(1, "刑事定罪和管辖权", None)]
    [digest] = item3.paragraphs[2].facts.publications
    assert digest.title == "涉及以〈联合国打击跨国有组织犯罪公约〉为法律依据的刑事事项国际合作案例摘要"
    assert (digest.year, digest.late_in_year, digest.kind) == (2021, True, "DigestOfCases")


def test_back_to_back_meetings_and_the_constructive_dialogue(real):
    facts = real.find_item("3").paragraphs[4].facts
    together = facts.back_to_back
    assert (together.start, together.end) == (date(2022, 5, 23), date(2022, 5, 27))
    assert [(m.body_text[-7:], m.number) for m in together.meetings] == [("国际合作工作组", 13), ("政府专家工作组", 13)]
    dialogue = facts.dialogue
    assert dialogue.day == date(2022, 5, 27) and dialogue.day.weekday() == 4  # 星期五
    assert dialogue.after == together.meetings
    assert (dialogue.summary_text, dialogue.summary_by) == ("建设性对话讨论情况书面概要", "工作组主席")
    assert (dialogue.summary_rule.paragraph, dialogue.summary_rule.subparagraph) == ("53", "h")
    assert [(p.marks, p.meeting and p.meeting.number) for p in dialogue.published_on] == [(("2",), None), ((), 14)]


def test_no_documents_for_item_4_and_the_report_of_item_5(real):
    assert real.find_item("4").paragraphs[0].facts.no_documents is True
    assert not any(p.facts.no_documents for x in real.all_items() if x.number != "4" for p in x.paragraphs)
    assert real.find_item("5").paragraphs[0].facts.report.drafted_by == "秘书处"
    assert real.find_item("4").documentation == []


def test_documentation_lists_with_joint_symbols_and_links(real):
    [background] = real.find_item("2").documentation
    assert background.symbols == ["CTOC/COP/WG.3/2023/2"]
    assert background.hyperlink is None  # "(#)" is a placeholder: the source links the symbol nowhere
    assert (background.kind, background.prepared_by, background.line) == ("BackgroundPaper", "秘书处", 58)
    assert [(p.instrument, p.article) for p in background.provisions] == [("UNTOC", "27")]
    [joint] = real.find_item("3").documentation
    assert joint.symbols == ["CTOC/COP/WG.3/2023/3", "CTOC/COP/WG.4/2023/3", "CTOC/COP/WG.7/2023/3"]
    assert joint.hyperlink.endswith("/constructive_dialogues/ic_2022.html")
    assert joint.description.startswith("秘书处编写的背景文件，内容是") and "CTOC" not in joint.description


def test_footnotes_with_their_marks_and_urls(real):
    assert sorted(real.footnotes) == ["1", "2"]
    first, second = real.footnotes["1"], real.footnotes["2"]
    assert (first.line, second.line) == (60, 78)
    assert first.urls == ["www.unodc.org/unodc/en/treaties/CTOC/working-group-on-international-cooperation-2023.html"]
    assert second.urls == [
        "www.unodc.org/unodc/en/organized-crime/intro/review-mechanism-untoc/constructive_dialogues/ic_2022.html"]
    marked = [(x.notation, p.line, p.marks) for x in real.all_items() for p in x.paragraphs if p.marks]
    assert marked == [("1(b)", 46, ["1"]), ("3", 72, ["2"])]
    assert "¹" not in real.find_item("1", "b").paragraphs[3].text


def test_work_programme_slots_times_and_continuations(real):
    slots = real.programme
    vienna = timedelta(hours=2)
    assert [(s.start.isoformat(), s.end.isoformat()) for s in slots] == [
        ("2023-09-11T10:00:00+02:00", "2023-09-11T13:00:00+02:00"),
        ("2023-09-11T15:00:00+02:00", "2023-09-11T18:00:00+02:00"),
        ("2023-09-12T10:00:00+02:00", "2023-09-12T13:00:00+02:00"),
        ("2023-09-12T15:00:00+02:00", "2023-09-12T18:00:00+02:00"),
    ]
    assert all(s.start.utcoffset() == vienna for s in slots)
    rows = [[(e.item.notation, e.continuation, e.line) for e in s.entries] for s in slots]
    assert rows == [
        [("1(a)", False, 94), ("1(b)", False, 95)],  # the row with an empty time belongs to the slot above
        [("2", False, 96), ("2", True, 97), ("3", False, 98)],
        [("3", True, 100)],
        [("4", False, 101), ("5", False, 102)],
    ]
    assert slots[1].entries[1].title == slots[1].entries[0].title  # "（续）" is not part of the title
    assert [(s.day_line, s.line) for s in slots] == [(93, 94), (93, 96), (99, 100), (99, 101)]


def test_every_record_line_points_at_its_verbatim_text(real):
    assert real.verbatim(34).startswith("国际合作工作组第十四次会议")
    for x in real.all_items():
        for paragraph in x.paragraphs:
            assert t.normalise_zh(t.footnote_marks(real.verbatim(paragraph.line))[0]) == paragraph.text


# --- English fixtures of the genre ---------------------------------------------------------------------------

def test_english_agenda_with_programme():
    parsed = agenda.parse(EN / "organization.txt")
    assert parsed.language == "en"
    assert parsed.header.symbol.text == "CTOC/COP/WG.3/2023/1"
    assert parsed.header.parent_body.text.startswith("Conference of the Parties")
    assert (parsed.header.distributed, parsed.header.original_language) == (date(2023, 6, 14), "eng")
    assert (parsed.meeting.place, parsed.meeting.start, parsed.meeting.end) == (
        "Vienna", date(2023, 9, 11), date(2023, 9, 12))
    assert [x.notation for x in parsed.all_items()] == ["1", "1(a)", "1(b)", "2", "3", "4"]
    assert parsed.find_item("1", "b").title == "Adoption of the agenda and organization of work"
    opening = parsed.find_item("1", "a").paragraphs[0].facts.opening
    assert (opening.day, opening.time, opening.meeting.number) == (date(2023, 9, 11), (10, 0), 14)
    [decision] = parsed.find_item("1", "b").paragraphs[0].facts.decisions
    assert (decision.date, decision.procedure, decision.body_text) == (date(2023, 4, 19), "silence", "extended Bureau")
    assert decision.approved.startswith("the substantive topics for the fourteenth meeting")
    plenary = parsed.find_item("1", "b").paragraphs[1].facts.plenary
    assert (plenary.meetings, plenary.languages, plenary.days) == (4, 6, 2)
    item2 = parsed.find_item("2")
    assert [(p.article, p.paragraph, p.subparagraph) for p in item2.provisions] == [("27", None, None)]
    assert cited(item2.paragraphs[0]) == [("UNTOC", "27", "1", "a"), ("UNTOC", "27", "1", "f"),
                                          ("UNTOC", "27", "1", "d")]
    facts = item2.paragraphs[1].facts
    assert [(c.number, c.planned_start) for c in facts.clusters] == [(4, (2022, 11))]
    assert [(x.percent, x.provision.instrument, x.provision.paragraph) for x in facts.thresholds] == [(70, RULES, "10")]
    [entry] = item2.documentation
    assert (entry.symbols, entry.hyperlink, entry.kind, entry.prepared_by) == (
        ["CTOC/COP/WG.3/2023/2"], None, "BackgroundPaper", "Secretariat")
    assert parsed.find_item("3").paragraphs[0].facts.no_documents
    assert parsed.find_item("4").paragraphs[0].facts.report.drafted_by == "Secretariat"
    assert parsed.footnotes["1"].urls[0].endswith("international-cooperation-2023.html")  # no final "."
    slots = parsed.programme
    assert [s.start.isoformat() for s in slots] == ["2023-09-11T10:00:00+02:00", "2023-09-11T15:00:00+02:00",
                                                    "2023-09-12T10:00:00+02:00", "2023-09-12T15:00:00+02:00"]
    assert slots[1].end == datetime.fromisoformat("2023-09-11T18:00:00+02:00")  # "3–6 p.m.": both afternoon
    assert [(e.item.notation, e.continuation) for e in slots[2].entries] == [("2", True)]


def test_english_agenda_with_back_to_back_meetings():
    parsed = agenda.parse(EN / "back-to-back.txt")
    assert (parsed.meeting.place, parsed.meeting.start) == ("Vienna", date(2023, 9, 11))  # "dates, Vienna" order
    assert parsed.header.symbol is None and parsed.programme == []
    paragraphs = parsed.items[0].paragraphs
    assert cited(paragraphs[0]) == [(RULES, None, "12", None)]
    [digest] = paragraphs[1].facts.publications
    assert digest.title.startswith("Digest of Cases of International Cooperation")
    assert (digest.year, digest.late_in_year, digest.kind) == (2021, True, "DigestOfCases")
    assert [(c.number, c.topics) for c in paragraphs[2].facts.clusters] == [(1, "criminalization and jurisdiction")]
    facts = paragraphs[3].facts
    assert [(m.body_text, m.number) for m in facts.back_to_back.meetings] == [
        ("Working Group on International Cooperation", 13),
        ("Working Group of Government Experts on Technical Assistance", 13)]
    assert (facts.back_to_back.start, facts.back_to_back.end) == (date(2022, 5, 23), date(2022, 5, 27))
    dialogue = facts.dialogue
    assert (dialogue.day, dialogue.summary_by) == (date(2022, 5, 27), "Chair of the Working Group")
    assert (dialogue.summary_rule.paragraph, dialogue.summary_rule.subparagraph) == ("53", "h")
    assert [p.marks for p in dialogue.published_on] == [("2",), ()]
    assert paragraphs[3].marks == ["2"] and parsed.footnotes["2"].line == 31
    # "2. No documents are expected…" is a numbered paragraph of item 2, not a second heading for it
    [numbered] = parsed.items[1].paragraphs
    assert numbered.line == 35 and numbered.facts.no_documents and parsed.items[1].heading_line == 33


# --- edge and broken input -----------------------------------------------------------------------------------

def test_minimal_chinese_variant_with_spaced_dates_and_afternoon_times():
    parsed = agenda.parse(ZH / "minimal.txt")
    assert parsed.header.parent_body.text == "联合国打击跨国有组织犯罪公约缔约方会议"
    assert (parsed.meeting.start, parsed.meeting.end) == (date(2024, 5, 6), date(2024, 5, 8))  # "6 日至 8 日"
    assert parsed.find_item("1", "a").paragraphs[0].facts.opening.time == (15, 0)  # 下午 3 时
    [decision] = parsed.find_item("1", "b").paragraphs[0].facts.decisions
    assert (decision.date, decision.procedure) == (date(2024, 2, 1), None)
    assert [(s.start.isoformat(), s.end.isoformat()) for s in parsed.programme] == [
        ("2024-05-06T15:00:00+02:00", "2024-05-06T18:00:00+02:00"),
        ("2024-05-07T10:00:00+02:00", "2024-05-07T13:00:00+02:00")]
    assert [(e.item.notation, e.continuation) for e in parsed.programme[1].entries] == [("2", False), ("2", True)]


@pytest.mark.parametrize(("name", "line", "words"), [
    ("no-agenda.txt", None, "no provisional agenda found"),
    ("item-out-of-order.txt", 19, "expected 2, found 3"),
    ("programme-unknown-item.txt", 47, "names item 7, which the agenda lacks"),
    ("programme-bad-date.txt", 45, "not a calendar date: 2024-5-32"),
    ("programme-wrong-weekday.txt", 45, "2024-05-07 is a Tuesday"),
    ("programme-row-without-slot.txt", 43, "no date or time above it"),
    ("meeting-bad-date.txt", 10, "not a calendar date: 2024-2-30"),
    ("footnote-missing.txt", 27, "footnote mark 1 has no footnote text"),
    ("citation-without-instrument.txt", 35, "no instrument is named before it"),
    ("annotation-unknown-item.txt", 33, "annotations headed for item 6, which the agenda lacks"),
])
def test_broken_input_names_the_file_and_line(name, line, words):
    with pytest.raises(SourceError) as caught:
        agenda.parse(ZH / name)
    error = caught.value
    assert error.line == line
    assert words in error.message
    assert str(error).startswith(str(ZH / name) + (f":{line}: " if line else ": "))


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # "31 June 2023" in the header was a traceback (and exit 1, "does not conform", from unkg validate)
    ("1 March 2024", "31 June 2024", "not a calendar date: 2024-6-31", 4),
    # a programme row cut mid-cell was stored as the title "《打击有组织犯"
    ("\t2\t其他事项（续）", "\t2\t其他事项（续", "is not matched: is the line cut short", 47),
    ("2. 其他事项。", "2. 其他《事项。", "is not matched: is the line cut short", 19),
])
def test_an_edit_of_the_minimal_agenda_is_refused_at_its_line(tmp_path, old, new, words, line):
    assert_edit_refused(ZH / "minimal.txt", tmp_path, old, new, words, line)


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # each was ignored: the first line before the dates was the body, the last after them the title
    ("国际合作工作组\n", "国际合作工作组\n\n第十四次会议\n",
     "a header line the parser does not read: two lines before the meeting's dates and place, '国际合作工作组' "
     "(line 12) and '第十四次会议' (line 14): the header holds one, the name of the body that meets", 14),
    ("临时议程说明\n", "增编\n\n临时议程说明\n",
     "two lines after the meeting's dates and place, '增编' (line 16) and '临时议程说明' (line 18): the header holds "
     "one, the title", 16),
    # a stray line after the title: the title was named as the line not read
    ("临时议程说明\n", "临时议程说明\n\n第十四次会议\n",
     "two lines after the meeting's dates and place, '临时议程说明' (line 16) and '第十四次会议' (line 18): the header "
     "holds one, the title", 16),
    ("国际合作工作组\n", "国际合作工作组\n\n第十四次会议\n\n增编\n",
     "three lines before the meeting's dates and place, '国际合作工作组' (line 12), '第十四次会议' (line 14) "
     "and '增编' (line 16)", 14),
    # a name wrapped over two lines was read as its second half, 犯罪公约缔约方会议
    ("联合国打击跨国有组织 犯罪公约缔约方会议", "联合国打击跨国有组织\n犯罪公约缔约方会议",
     "a second line before 'Distr.:', '犯罪公约缔约方会议': the issuing body's name is read from one line (line 5)", 6),
])
def test_a_header_line_read_as_nothing_is_refused_at_its_line(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


def assert_edit_refused(source: Path, tmp_path: Path, old: str, new: str, words: str, line: int) -> None:
    """``source`` with its first ``old`` made ``new`` is refused, saying ``words`` at ``line``."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceError, match=re.escape(words)) as caught:
        agenda.parse(edited)
    assert caught.value.line == line


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # the table's weekdays were checked, the prose's not: a misprinted day or weekday loaded silently
    ("2023 年 9 月 11 日星期一", "2023 年 9 月 11 日星期五", "2023-09-11 is a Monday, not a Friday as written", 34),
    ("2022 年 5 月 27 日星期五", "2022 年 5 月 26 日星期五", "2022-05-26 is a Thursday, not a Friday as written", 72),
    # the meeting line: a wrong weekday, and a range its weekdays keep from being read as one (it became a
    # one-day meeting, 11 September only: a fact no line states)
    ("2023年9月11日和12日，维也纳", "2023年9月11日星期五，维也纳", "2023-09-11 is a Monday, not a Friday", 14),
    ("2023年9月11日和12日，维也纳", "2023年9月11日（星期一）和12日（星期二），维也纳",
     "the meeting's dates do not parse", 14),
])
def test_a_weekday_printed_beside_a_date_must_be_the_dates(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


@pytest.mark.parametrize(("old", "new", "line"), [
    # a back-to-back event that ended four days before it began was stored as dated
    ("5 月 23 日至 27 日", "5 月 27 日至 23 日", 72),
    ("2023年9月11日和12日，维也纳", "2023年9月12日和11日，维也纳", 14),
])
def test_a_range_of_days_that_ends_before_it_starts_is_refused(tmp_path, old, new, line):
    assert_edit_refused(REAL, tmp_path, old, new, "ends (", line)


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # without item 2's heading its paragraphs ("在议程项目2下…") and its document were stored as item 1(b)'s
    ("2. 《联合国打击跨国有组织犯罪公约》第27条（执法合作）的实际实施情况\n", "\n", "item 2 has no annotations", 23),
    ("\n\n3. 在《打击", "\n\n在《打击", "item 3 has no annotations", 24),  # its heading read as a paragraph of item 2
    ("(b) 通过议程和工作安排\n", "\n", "item 1(b) has no annotations", 22),
    ("5. 通过报告\n", "\n", "item 5 has no annotations", 26),  # the last: the annex shows the text goes on
    # without the annex heading the work programme was stored as twelve annotations of item 5, and no programme
    ("附件\n", "\n", "a tab-separated table row among the annotations (is the annex heading missing?)", 92),
    # without a documentation heading the entry was stored as an annotation, markup and all, and its document lost
    ("文件\n\n秘书处编写的关于", "\n\n秘书处编写的关于", "a link ([…](…)) in the annotations of item 2", 58),
    ("文件\n\n秘书处编写的背景文件", "\n\n秘书处编写的背景文件", "a link ([…](…)) in the annotations of item 3", 76),
])
def test_every_item_has_its_annotations_and_the_annex_its_heading(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # the last symbol-like run anywhere in the entry was taken: doc/COP/WG.3/2023/2, a document no line names
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC//COP/WG.3/2023/2]", "symbol 'CTOC//COP/WG.3/2023/2' is not a document", 58),
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/ WG.3/2023/2]", "symbol 'CTOC/COP/ WG.3/2023/2' is not", 58),  # "CTOC/COP"
    ("（[CTOC/COP/WG.3/2023/2](#)）", "（CTOC//COP/WG.3/2023/2）", "symbol 'CTOC//COP/WG.3/2023/2' is not", 58),
    ("（[CTOC/COP/WG.3/2023/2](#)）", "CTOC/COP/WG.3/2023/2", "names 'CTOC/COP/WG.3/2023/2' outside the brackets", 58),
    # a joint symbol misjoined lost its first symbol, CTOC/COP/WG.3/2023/3
    ("2023/3-CTOC/COP/WG.4", "2023/3--CTOC/COP/WG.4", "symbol 'CTOC/COP/WG.3/2023/3--CTOC/COP/WG.4/2023/3-", 76),
    ("2023/3-CTOC/COP/WG.4", "2023/3 CTOC/COP/WG.4", "symbol 'CTOC/COP/WG.3/2023/3 CTOC/COP/WG.4/2023/3-", 76),
])
def test_a_documentation_entrys_symbol_must_be_exactly_a_symbol(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


@pytest.mark.parametrize(("period", "hour"), [("傍晚", "6"), ("深夜", "12"), ("凌晨", "2"), ("早上", "9"),
                                              ("晚", "8"), ("午后", "3"), ("夜", "8"), ("早", "8")])
def test_an_opening_time_after_a_part_of_the_day_not_read_is_refused(tmp_path, period, hour):
    """傍晚 6 时 (dusk) was read as 06:00, 深夜 12 时 (late night) as noon and 午后 3 时 as 03:00: the word was skipped
    and the hour read on the 24-hour clock. A list of such words missed some (晚, 午后): any Chinese word right
    before a bare hour is refused but a date's 日, a weekday, 于, 至 and the like."""
    assert_edit_refused(REAL, tmp_path, "星期一上午 10 时开幕", f"星期一{period} {hour} 时开幕",
                        f"{period}{hour}时: {period} before a time may be a part of the day", 34)


@pytest.mark.parametrize(("printed", "words"), [
    ("星期一傍晚，6 时开幕", "傍晚，6时: 傍晚 before a time"),  # punctuation between them: it opened at 06:00
    ("星期一晚（6 时）开幕", "晚（6时: 晚 before a time"),
    ("星期一 10:00 开幕", "the opening's time is printed as '10:00', which is not read here"),  # no opening time
    ("星期一上午十时开幕", "the opening's time is printed as '十时', which is not read here"),
])
def test_an_opening_time_the_parser_cannot_read_faithfully_is_refused(tmp_path, printed, words):
    assert_edit_refused(REAL, tmp_path, "星期一上午 10 时开幕", printed, words, 34)


@pytest.mark.parametrize("words", ["2023 年 9 月 11 日 10 时开幕", "2023 年 9 月 11 日星期一 10 时开幕",
                                   "2023 年 9 月 11 日星期一于 10 时开幕"])
def test_an_opening_time_without_a_part_of_the_day_is_on_the_24_hour_clock(tmp_path, words):
    text = REAL.read_text(encoding="utf-8").replace("2023 年 9 月 11 日星期一上午 10 时开幕", words, 1)
    assert words in text
    edited = tmp_path / "edited.txt"
    edited.write_text(text, encoding="utf-8")
    assert agenda.parse(edited).find_item("1", "a").paragraphs[0].facts.opening.time == (10, 0)


BAD_SEGMENT = "is no name or number (a '.' or '-' only between letters or digits: WG.3, ES-10)"


@pytest.mark.parametrize(("old", "new", "segment", "line"), [
    # doc/CTOC/COP/WG.3/../2023/1 was minted; its page linked /doc/CTOC/COP/WG.3/../2023/1, which a browser
    # resolves to /doc/CTOC/COP/2023/1, another document (none)
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/WG.3/../2023/1]", "'..'", 58),
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/WG.3/./2023/1]", "'.'", 58),
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/WG.3/2023/2.]", "'2.'", 58),  # a stray final dot kept in the symbol
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/.WG3/2023/2]", "'.WG3'", 58),
    ("[CTOC/COP/WG.3/2023/2]", "[CTOC/COP/WG..3/2023/2]", "'WG..3'", 58),
    ("（[CTOC/COP/WG.3/2023/2](#)）", "（CTOC/COP/WG.3/../2023/2）", "'..'", 58),  # unlinked, in brackets
    ("2023/3-CTOC/COP/WG.4/2023/3", "2023/3-CTOC/COP/WG.4/../3", "'..'", 76),  # in a joint symbol
])
def test_a_documentation_entrys_symbol_with_a_dot_segment_is_refused(tmp_path, old, new, segment, line):
    assert_edit_refused(REAL, tmp_path, old, new, f"its segment {segment} {BAD_SEGMENT}", line)


@pytest.mark.parametrize("symbol", ["CTOC/COP/WG.3/../2023/1", "CTOC/COP/WG.3/2023/1.", "CTOC/COP/./WG.3/2023/1"])
def test_a_printed_symbol_with_a_dot_segment_is_refused_in_the_header(tmp_path, symbol):
    """It was read as the name of the issuing body (and the real one refused as a second such line)."""
    segment = next(s for s in symbol.split("/") if s.startswith(".") or s.endswith("."))
    assert_edit_refused(EN / "organization.txt", tmp_path, "United Nations\tCTOC/COP/WG.3/2023/1",
                        f"United Nations\t{symbol}", f"the document's symbol {symbol!r} is not a document symbol", 1)
    assert_edit_refused(EN / "organization.txt", tmp_path, "United Nations\tCTOC/COP/WG.3/2023/1",
                        f"United Nations\t{symbol}", f"its segment {segment!r} {BAD_SEGMENT}", 1)


UN_NAMES = ["United Nations", "联合国", "Nations Unies", "Naciones Unidas", "Организация Объединенных Наций",
            "الأمم المتحدة"]
BODY = "Conference of the Parties to the United Nations Convention against Transnational Organized Crime"


@pytest.mark.parametrize("name", UN_NAMES)
@pytest.mark.parametrize("layout", ["{name}\tCTOC/COP/WG.3/2023/1", "{name}\n\nCTOC/COP/WG.3/2023/1",
                                    "{name} CTOC/COP/WG.3/2023/1*"])
def test_the_organisations_name_at_the_top_is_skipped_in_each_un_language(tmp_path, name, layout):
    """Only "United Nations" was: "联合国" was taken for the issuing body, and the body's own line refused as a
    second one; "联合国 <symbol>" too. A symbol with the reissue mark '*' was no symbol."""
    text = (EN / "organization.txt").read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace("United Nations\tCTOC/COP/WG.3/2023/1", layout.format(name=name), 1),
                      encoding="utf-8")
    header = agenda.parse(edited).header
    assert header.symbol.text == "CTOC/COP/WG.3/2023/1"
    assert header.parent_body.text == BODY


def test_the_chinese_organisations_name_before_the_body_is_skipped(tmp_path):
    text = REAL.read_text(encoding="utf-8").replace("\n\n联合国打击跨国有组织", "\n联合国\n联合国打击跨国有组织", 1)
    (edited := tmp_path / "edited.txt").write_text(text, encoding="utf-8")
    header = agenda.parse(edited).header
    assert header.parent_body.text == "联合国打击跨国有组织犯罪公约缔约方会议"
    assert header.parent_body.number == 5


@pytest.mark.parametrize("symbol", ["E/CN.15/2023/L.5/Rev.1", "A/RES/78/1", "CTOC/COP/WG.3/2023/CRP.1",
                                    "CTOC/COP/WG.3/2023/2/Add.1", "E/CN.15/2023/L.5/Rev.1-A/78/1"])
def test_symbols_with_dots_inside_their_segments_are_read(tmp_path, symbol):
    text = REAL.read_text(encoding="utf-8").replace("[CTOC/COP/WG.3/2023/2]", f"[{symbol}]", 1)
    (edited := tmp_path / "edited.txt").write_text(text, encoding="utf-8")
    [entry] = agenda.parse(edited).find_item("2").documentation
    assert entry.symbols == symbol.split("-")
    english = (EN / "organization.txt").read_text(encoding="utf-8").replace("CTOC/COP/WG.3/2023/1", symbol, 1)
    (edited_en := tmp_path / "edited_en.txt").write_text(english, encoding="utf-8")
    assert agenda.parse(edited_en).header.symbol.text == symbol


@pytest.mark.parametrize(("symbol", "symbols"), [
    # a '-' inside a segment, as the manifest, loader/iris.py and the shape Document-symbol allow: it was refused
    ("A/ES-10/L.22", ["A/ES-10/L.22"]),
    ("A/RES/ES-10/21", ["A/RES/ES-10/21"]),
    ("A/ES-10/L.22-A/RES/ES-10/21", ["A/ES-10/L.22", "A/RES/ES-10/21"]),  # joined: split before "A/"
])
def test_symbols_with_a_hyphen_inside_a_segment_are_read(tmp_path, symbol, symbols):
    text = REAL.read_text(encoding="utf-8").replace("[CTOC/COP/WG.3/2023/2]", f"[{symbol}]", 1)
    (edited := tmp_path / "edited.txt").write_text(text, encoding="utf-8")
    [entry] = agenda.parse(edited).find_item("2").documentation
    assert entry.symbols == symbols


def test_a_header_symbol_with_a_hyphen_inside_a_segment_is_read(tmp_path):
    """It was refused as "not a document symbol", which it is."""
    text = (EN / "organization.txt").read_text(encoding="utf-8")
    (edited := tmp_path / "edited.txt").write_text(text.replace("CTOC/COP/WG.3/2023/1", "A/ES-10/L.22", 1),
                                                   encoding="utf-8")
    assert agenda.parse(edited).header.symbol.text == "A/ES-10/L.22"


@pytest.mark.parametrize("symbol", ["CTOC/COP/WG.3/2023/1-", "A/ES--10/L.22", "A/-ES/L.22"])
def test_a_misplaced_hyphen_in_a_header_symbol_is_refused(tmp_path, symbol):
    assert_edit_refused(EN / "organization.txt", tmp_path, "United Nations\tCTOC/COP/WG.3/2023/1",
                        f"United Nations\t{symbol}", f"the document's symbol {symbol!r}", 1)


def test_a_documentation_entry_may_print_its_symbol_unlinked_or_none(tmp_path):
    text = REAL.read_text(encoding="utf-8")
    unlinked = tmp_path / "unlinked.txt"
    unlinked.write_text(text.replace("（[CTOC/COP/WG.3/2023/2](#)）", "（CTOC/COP/WG.3/2023/2）", 1), encoding="utf-8")
    [entry] = agenda.parse(unlinked).find_item("2").documentation
    assert (entry.symbols, entry.description[-4:]) == (["CTOC/COP/WG.3/2023/2"], "背景文件")
    forthcoming = tmp_path / "forthcoming.txt"
    forthcoming.write_text(text.replace("（[CTOC/COP/WG.3/2023/2](#)）", "（即将印发）", 1), encoding="utf-8")
    [entry] = agenda.parse(forthcoming).find_item("2").documentation
    assert entry.symbols == [] and entry.description.endswith("背景文件（即将印发）")


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    # the address read up to the space, <https://www.unodc.org/unodc/en/trea>, became the meeting's web site
    ("/en/treaties/", "/en/trea ties/", "the web address 'www.unodc.org/unodc/en/trea' runs on after a space", 60),
    ("www.unodc.org/unodc/en/treaties", "www.unodc .org/unodc/en/treaties", "'www.unodc' runs on after a space", 60),
    ("ic_2022.html。", "ic_2022.htm l。", "runs on after a space: 'l'", 78),
    # the link's address was stored as written, unkg:hyperlink "htps//www…"^^xsd:anyURI
    ("(https://www.unodc", "(htps//www.unodc", "the link's address 'htps//www.unodc.org/", 76),
    ("/intro/review-mechanism-untoc/constructive_dialogues/ic_2022.html)",
     "/intro/review-mechanism-untoc/constructive_dialogues/ic 2022.html)", "a link that does not parse", 76),
])
def test_a_web_address_is_read_whole_or_refused(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


def test_a_web_address_ends_where_chinese_text_follows_it():
    assert t.urls_in("网址为：www.unodc.org/en/wg.html查阅。") == ["www.unodc.org/en/wg.html"]  # not "…html查阅"
    assert t.urls_in("网址为 www.unodc.org/a.html 和 www.unodc.org/b.html。", "zh") == [
        "www.unodc.org/a.html", "www.unodc.org/b.html"]
    assert t.urls_in("网址为 www.unodc.org/a.html (English)。", "zh") == ["www.unodc.org/a.html"]
    assert t.urls_in("at www.unodc.org/a.html and on the page of the meeting.") == ["www.unodc.org/a.html"]


@pytest.mark.parametrize("new", ["14 Juin 2023", "14 june 2023", "June 14, 2023", "2023年6月14日"])
def test_a_date_line_that_does_not_parse_is_refused_not_taken_for_the_body(tmp_path, new):
    # "14 Juin 2023" became the line naming the body that meets, and the document lost its date
    assert_edit_refused(REAL, tmp_path, "14 June 2023", new, f"cannot read the date {new!r}", 8)


def test_a_closing_bracket_without_its_opener_is_no_cut_line(tmp_path):
    text = (ZH / "minimal.txt").read_text(encoding="utf-8")
    numbered = tmp_path / "numbered.txt"
    numbered.write_text(text.replace("2. 其他事项。", "2. 其他事项：1) 报告；2) 其他。", 1), encoding="utf-8")
    assert agenda.parse(numbered).find_item("2", None).title == "其他事项：1) 报告；2) 其他"


def test_missing_file_and_non_utf8_file(tmp_path):
    with pytest.raises(SourceError, match="cannot read the file"):
        agenda.parse(tmp_path / "absent.txt")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("临时议程".encode("gb18030"))
    with pytest.raises(SourceError, match="not UTF-8 text"):
        agenda.parse(latin)


def test_no_meeting_line_and_a_stray_annotation(tmp_path):
    text = (ZH / "minimal.txt").read_text(encoding="utf-8")
    no_meeting = tmp_path / "no-meeting.txt"
    no_meeting.write_text(text.replace("2024 年 5 月 6 日至 8 日，维也纳", "日期待定"), encoding="utf-8")
    with pytest.raises(SourceError, match="no line with the meeting's dates and place") as caught:
        agenda.parse(no_meeting)
    assert caught.value.line == 14
    stray = tmp_path / "stray.txt"
    stray_text = text.replace("说明\n\n1. 组织事项\n", "说明\n\n一段没有标题的文字。\n\n1. 组织事项\n")
    stray.write_text(stray_text, encoding="utf-8")
    with pytest.raises(SourceError, match="text before the first item's annotations") as caught:
        agenda.parse(stray)
    assert caught.value.line == 23


# --- the text recognisers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("第27条第1款(a)和(f)项", [("27", "1", "a"), ("27", "1", "f")]),
    ("第 27 条", [("27", None, None)]),
    ("第27条第1款(b)项", [("27", "1", "b")]),
    ("第 12 段", [(None, "12", None)]),
    ("第 53(h)段", [(None, "53", "h")]),
    ("第27条第1款(a)至(c)项", [("27", "1", "a"), ("27", "1", "b"), ("27", "1", "c")]),
    ("article 27, paragraph 1 (a) and (f)", [("27", "1", "a"), ("27", "1", "f")]),
    ("paragraph 53 (h)", [(None, "53", "h")]),
    ("议程项目 2", []),
    ("国际合作条款实施工作", []),  # 条款 with no number: the word "provisions", no citation
    ("国际合作工作组第十四次会议", []),
    ("第一个专题分类", []),
    ("在议程项目 3 下", []),
    ("under paragraph 10, 70 per cent of the reviews", [(None, "10", None)]),  # a number after: no list
    # forms that were dropped without a word: the citation vanished, or its tail did
    ("第二十七条第一款(b)项", [("27", "1", "b")]),  # Chinese numerals, as official Chinese texts number provisions
    ("第二十七条第一款第(b)项", [("27", "1", "b")]),
    ("《公约》第十条", [("10", None, None)]),
    ("《公约》第一百零五条", [("105", None, None)]),
    ("《公约》 第一百一十条", [("110", None, None)]),
    # a Chinese-numeral 条 or 段 is a provision where the text shows it is one; elsewhere it is an ordinal in prose
    ("第一条建议", []),  # the first recommendation: it cited article 1 of the instrument named nearest
    ("第一段会期", []),  # the first part of the session
    ("第一和第二条建议", []),
    ("《公约》第二十七条和第二十八条", [("27", None, None), ("28", None, None)]),  # listed with one shown
    ("第二十七条和第二十八条第一款", [("27", None, None), ("28", "1", None)]),
    ("第二十七条第1款", [("27", "1", None)]),
    ("第五十三段(h)项", [(None, "53", "h")]),
    ("第1条建议", [("1", None, None)]),  # digits cite, as before
    # a range written as two references was read as its ends only
    ("第1段至第3段", [(None, "1", None), (None, "2", None), (None, "3", None)]),
    ("第27条至第30条", [(x, None, None) for x in ("27", "28", "29", "30")]),
    ("article 27 to article 30", [(x, None, None) for x in ("27", "28", "29", "30")]),
    ("paragraph 12 through paragraph 14", [(None, x, None) for x in ("12", "13", "14")]),
    ("第27条第1款至第27条第3款", [("27", x, None) for x in ("1", "2", "3")]),
    ("第27条第1款(a)项至第27条第1款(c)项", [("27", "1", x) for x in ("a", "b", "c")]),
    ("《公约》第二十七条至第二十九条", [(x, None, None) for x in ("27", "28", "29")]),
    ("第二十七条第一款（b）项", [("27", "1", "b")]),  # full-width brackets
    ("第 53(hh)段", [(None, "53", "hh")]),  # after (z) come (aa), (bb) …
    ("paragraph 53 (hh)", [(None, "53", "hh")]),
    ("第53段(h)项", [(None, "53", "h")]),
    ("paragraph 53 (y) to (bb)", [(None, "53", x) for x in ("y", "z", "aa", "bb")]),
    # a roman-looking doubled letter listed with a doubled letter that is none is that letter's sibling, a letter:
    # each was refused as maybe an item numbered in roman numerals
    ("第53段(hh)和(ii)项", [(None, "53", "hh"), (None, "53", "ii")]),
    ("第53段(hh)项和(ii)项", [(None, "53", "hh"), (None, "53", "ii")]),
    ("第53(hh)至(ii)段", [(None, "53", "hh"), (None, "53", "ii")]),
    ("第53(hh)段至第53(ii)段", [(None, "53", "hh"), (None, "53", "ii")]),  # a range written as two references
    ("第53(ii)段至第53(kk)段", [(None, "53", x) for x in ("ii", "jj", "kk")]),
    ("第27条第1款(hh)和(ii)项", [("27", "1", "hh"), ("27", "1", "ii")]),
    ("paragraph 53 (hh) and (ii)", [(None, "53", "hh"), (None, "53", "ii")]),
    ("paragraph 53 (gg) to (ii)", [(None, "53", x) for x in ("gg", "hh", "ii")]),
    ("article 27, paragraph 1 (ii) to (kk)", [("27", "1", x) for x in ("ii", "jj", "kk")]),
    ("paragraph 53 (bb), (cc) and (ii)", [(None, "53", x) for x in ("bb", "cc", "ii")]),
    ("paragraph 53 (ww), (xx) and (yy)", [(None, "53", x) for x in ("ww", "xx", "yy")]),
    ("paragraph 53 (ll) and (mm)", [(None, "53", "ll"), (None, "53", "mm")]),
    # as before: (ii) between (hh) and (jj); (i) a letter, alone or between (h) and (j)
    ("第53(hh)至(jj)段", [(None, "53", x) for x in ("hh", "ii", "jj")]),
    ("第53(i)段", [(None, "53", "i")]),
    ("第53(h)、(i)和(j)段", [(None, "53", x) for x in "hij"]),
    ("paragraph 53 (h) to (j)", [(None, "53", x) for x in "hij"]),
    ("第27条第1和第2款", [("27", "1", None), ("27", "2", None)]),
    ("第27条第1款和第2款", [("27", "1", None), ("27", "2", None)]),
    ("第27条第1款(a)项和(b)项", [("27", "1", "a"), ("27", "1", "b")]),
    ("第27和28条", [("27", None, None), ("28", None, None)]),
    ("第27至29条", [("27", None, None), ("28", None, None), ("29", None, None)]),
    ("第27条和第28条第1款", [("27", None, None), ("28", "1", None)]),
    ("第12、13段", [(None, "12", None), (None, "13", None)]),
    ("articles 27 and 28", [("27", None, None), ("28", None, None)]),
    ("articles 27, 28 and 29", [("27", None, None), ("28", None, None), ("29", None, None)]),
    ("article 27, paragraphs 1 and 2", [("27", "1", None), ("27", "2", None)]),
    ("paragraphs 12 to 14", [(None, "12", None), (None, "13", None), (None, "14", None)]),
    # the paragraph came out of its article: paragraph 1 alone, then article 27 alone
    ("paragraph 1 (a) of article 27", [("27", "1", "a")]),
])
def test_citations(text, expected):
    assert [(c.article, c.paragraph, c.subparagraph) for c in t.citations(text)] == expected


@pytest.mark.parametrize(("text", "words"), [
    # each was read as less than it cites (the tail dropped) or as nothing, without a word
    ("该条第1款", "'第1款' reads as a provision reference but is not one the parser reads"),  # of which article?
    ("第两条", "'第两条' reads as a provision reference"),
    ("(b)项", "'(b)项' reads as a provision reference"),
    ("subparagraph (a) of paragraph 1", "'subparagraph (a)' reads as a provision reference"),
    ("第二二条", "'二二' is not a number a provision is numbered with"),
    ("第0条", "'0' is not a number a provision is numbered with"),
    ("第27条第1款(a)项(一)目", "is read only as far as '第27条第1款(a)项'"),
    ("第27条第1款第二项", "is read only as far as '第27条第1款'"),
    ("第十二段第二项", "is read only as far as '第十二段'"),  # an item below: a provision, not an ordinal
    ("第一段第二款", "'第二款' reads as a provision reference"),
    ("第一款", "'第一款' reads as a provision reference"),  # 款 is a provision's word only
    ("第27条之一", "is read only as far as '第27条'"),
    ("article 27 (1)", "is read only as far as 'article 27'"),
    ("article 5, paragraph 1 (a) (ii)", "is read only as far as 'article 5, paragraph 1 (a)'"),
    ("article 27 bis", "is read only as far as 'article 27'"),
    ("paragraphs 1 (a) and 2", "is read only as far as 'paragraphs 1 (a)'"),
    ("第27和28条第1款", "a paragraph or subparagraph of several provisions listed"),
    ("第27条第1和第2款(a)项", "a paragraph or subparagraph of several provisions listed"),
    ("paragraph 53 (ab)", "(ab) is no subparagraph letter"),
    ("第53(aaa)段", "(aaa) is no subparagraph letter"),
    ("paragraph 53 (ii)", "(ii) may be the subparagraph after (hh) or an item numbered in roman numerals"),
    # still ambiguous: nothing listed with it is a doubled letter that is no roman numeral
    ("第53(ii)段", "(ii) may be the subparagraph after (hh) or an item numbered in roman numerals"),
    ("paragraph 53 (i) and (ii)", "(ii) may be the subparagraph after (hh) or an item"),  # items i and ii, likely
    ("第53(h)和(ii)段", "(ii) may be the subparagraph after (hh)"),  # a single letter tells nothing of doubled ones
    ("第53(ii)和(xx)段", "(ii) may be the subparagraph after (hh)"),
    ("paragraph 53 (cc) to (ii)", "(cc) may be the subparagraph after (bb)"),
    ("第53(hh)段和第53(ii)段", "'第53(ii)段' cannot be read: (ii) may be"),  # two references, not one list
    ("第53(hh)段至第54(ii)段", "joins references of different kinds or levels, or under different provisions"),
    ("paragraph 53 (hh)(ii)", "is read only as far as 'paragraph 53 (hh)'"),  # item ii under (hh)
    ("第53段(hh)项(ii)", "is read only as far as '第53段(hh)项'"),
    ("paragraph 53 (vi)", "(vi) is no subparagraph letter"),
    ("第29至27条", "the range '29至27' ends before it starts"),
    ("第3段至第1段", "the range '第3段至第1段' ends before it starts"),
    # a range whose ends are not of one kind and level: what lies between is not written
    ("第27条第1款至第28条第2款", "the range '第27条第1款至第28条第2款' joins references of different kinds or levels"),
    ("article 27 to paragraph 3", "the range 'article 27 to paragraph 3' joins references of different kinds"),
    ("articles 27 and 28 to article 30", "joins references of different kinds or levels"),
    # paragraph 3 was attached to no article, and "(A)" was dropped
    ("paragraph 3 of articles 27 and 28", "a paragraph or subparagraph of several provisions listed"),
    ("paragraph 1 (A)", "(A) is no subparagraph letter"),
    ("article 27, paragraph 1 (B)", "(B) is no subparagraph letter"),
    ("paragraph 53 (c) to (a)", "the range '(c) to (a)' ends before it starts"),
])
def test_a_provision_reference_not_read_in_full_is_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        t.citations(text)


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    ("第27条第1款(b)项", "第27条第1款(b)项(一)目", "is read only as far as '第27条第1款(b)项'", 52),  # an annotation
    ("第 27 条（执法合作）的实", "第 27 条之一（执法合作）的实", "is read only as far as", 23),  # an item's title
    ("第 12 段", "第十二段第二项", "is read only as far as '第十二段'", 64),
    ("第27条（执法合作）实际", "第27条第一和第二款(a)项实际", "several provisions listed", 58),  # a documentation entry
])
def test_a_provision_reference_not_read_in_full_is_refused_at_its_line(tmp_path, old, new, words, line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


def test_chinese_numerals_cite_what_digits_cite(tmp_path):
    """第二十七条第一款(a)和(f)项 cited nothing: official Chinese texts number provisions so."""
    text = REAL.read_text(encoding="utf-8")
    numerals = text.replace("第27条第1款(a)和(f)项", "第二十七条第一款(a)和(f)项")
    numerals = numerals.replace("第 53(h)段", "第五十三(h)段")
    assert numerals != text
    edited = tmp_path / "numerals.txt"
    edited.write_text(numerals, encoding="utf-8")
    parsed = agenda.parse(edited)
    assert [cited(p) for p in parsed.find_item("2").paragraphs] == [
        cited(p) for p in agenda.parse(REAL).find_item("2").paragraphs]
    assert cited(parsed.find_item("3").paragraphs[4]) == [(RULES, None, "53", "h")]


def test_a_chinese_ordinal_in_prose_is_neither_cited_nor_refused(tmp_path):
    """"第一条建议" (the first recommendation) cited article 1 of the instrument named nearest before it."""
    old = "将与审议进程的运作有关的事项作为一个项目添加到各自的议程中。"
    text = REAL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace(old, old + "工作组在上次会议上提出的第一条建议仍然适用。"), encoding="utf-8")
    paragraph = agenda.parse(edited).find_item("3").paragraphs[0]
    assert paragraph.line == 64 and "第一条建议" in paragraph.text
    assert cited(paragraph) == cited(agenda.parse(REAL).find_item("3").paragraphs[0]) == [(RULES, None, "12", None)]
    # with no instrument named, the whole agenda was refused for it
    assert f.provisions("第一段会期将审议第一条建议。") == []


def test_a_citation_is_printed_as_the_phrase_that_names_it_alone():
    """Each provision of a list was labelled with the whole phrase: 53(a) "第53(a)和(h)段", a name of two."""
    assert [c.printed for c in t.citations("第 53(h)段")] == ["第 53(h)段"]
    assert [c.printed for c in t.citations("第53(a)和(h)段")] == ["", ""]
    assert [c.printed for c in t.citations("article 27, paragraph 1 (a) and (f)")] == ["", ""]


@pytest.mark.parametrize(("text", "heading"), [
    ("第 27 条（执法合作）的实际实施情况", "执法合作"),  # the article's heading, as the agenda prints it
    ("第27条第1款(a)项（执法合作）", ""),  # after a subparagraph: not the article's
    ("第27条（见下文第3段）", ""),  # words and a number: a remark, not a heading
    ("第27条所涵盖的问题", ""),
])
def test_an_articles_heading_after_its_citation(text, heading):
    assert t.citations(text)[0].heading == heading


@pytest.mark.parametrize("text", ["A/78/123, para. 12", "see ibid., paras. 3-5", "E/2023/10, art. 4"])
def test_abbreviated_references_to_other_documents_are_left_unread(text):
    """"para." was refused: UN English footnotes cite other documents' paragraphs so, which the graph does not
    model, and refusing them refused real English agendas."""
    assert t.citations(text) == []


CONVENTION = "联合国打击跨国有组织犯罪公约"
ITEM_2 = ProvisionRef("UNTOC", CONVENTION, "27", printed="第27条")  # what item 2's title cites: the context


def provisions_of(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(p.instrument, p.article, p.paragraph) for p in f.provisions(text, ITEM_2)]


@pytest.mark.parametrize(("text", "provisions", "documents"), [
    # paragraph 12 of the document was cited as paragraph 12 of the procedures and rules, a fact no line states
    ("根据《审议机制运作程序和规则》第10段（CTOC/COP/2022/9，第12段）", [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    ("根据《审议机制运作程序和规则》第10段，见CTOC/COP/2022/9号文件第12段", [(RULES, None, "10")],
     [["CTOC/COP/2022/9"]]),
    ("根据《审议机制运作程序和规则》第10段，见 CTOC/COP/2022/9 号文件第 12 段至第 14 段", [(RULES, None, "10")],
     [["CTOC/COP/2022/9"]]),  # a range: each of its ends is the document's
    ("根据A/RES/64/179号决议第2段", [], [["A/RES/64/179"]]),  # it was paragraph 2 of item 2's Convention
    # article 3 of the document was cited as article 3 of the Convention
    ("《公约》第27条的实施情况（A/78/123，第3条）", [("UNTOC", "27", None)], [["A/78/123"]]),
    # refused for the wrong reason ("paragraph 12 is cited without an article of the Convention"), or as citing
    # with no instrument named: the paragraph is the document's, named right before it
    ("《公约》第27条（见A/78/123号文件第12段）", [("UNTOC", "27", None)], [["A/78/123"]]),
    ("见A/78/123-A/78/124号文件第12和13段", [], [["A/78/123", "A/78/124"]]),  # a joint symbol: one document
    ("见A/78/123号文件第3条和《公约》第27条", [("UNTOC", "27", None)], [["A/78/123"]]),
    # English: the same, printed before the symbol or after it
    ("under paragraph 10 of the procedures and rules (see paragraph 12 of document CTOC/COP/2022/9)",
     [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    ("under paragraph 10 of the procedures and rules; see CTOC/COP/2022/9, paragraphs 12 to 14.",
     [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    ("article 27 of the Convention (see paragraph 3 of A/78/123)", [("UNTOC", "27", None)], [["A/78/123"]]),
])
def test_a_paragraph_printed_with_a_documents_symbol_is_that_documents_not_a_provision(text, provisions,
                                                                                        documents):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == documents


@pytest.mark.parametrize(("text", "provisions"), [
    ("《公约》（A/RES/55/25，附件一）第27条", [("UNTOC", "27", None)]),  # the symbol in an aside, closed before
    ("见A/78/123号文件。《公约》第27条", [("UNTOC", "27", None)]),  # the instrument named after the document
    ("见A/78/123号文件。第27条也适用", [("UNTOC", "27", None)]),  # another sentence: the item's instrument
    ("秘书处在A/78/123号文件中讨论了《公约》第27条", [("UNTOC", "27", None)]),
    ("article 27 of the Convention, as discussed in A/78/123", [("UNTOC", "27", None)]),
    ("关于HIV/AIDS的第27条", [("UNTOC", "27", None)]),  # no number in it: printed like a symbol, but no document
    # right after the symbol, but naming whose it is: it was read as the document's, and the citation lost
    ("see A/78/123, article 27 of the Convention", [("UNTOC", "27", None)]),
    # UN style puts a comma before "of": the citation was dropped as the document's
    ("see A/78/123, article 27, paragraph 1, of the Convention", [("UNTOC", "27", "1")]),
    ("pursuant to resolution 5/5, article 27, paragraph 1, of the Convention", [("UNTOC", "27", "1")]),
])
def test_a_provision_cited_near_a_symbol_it_does_not_follow_is_still_the_instruments(text, provisions):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == []


@pytest.mark.parametrize(("text", "words"), [
    # each was cited as a provision of the instrument named before, though a document is named nearer
    ("秘书处在A/78/123号文件中讨论了第27条",
     "'第27条' is printed after the document A/78/123, and after the instrument the item is about, "
     "'联合国打击跨国有组织犯罪公约': whether it cites a part of the document or a provision of the instrument is not "
     "written"),
    ("根据《审议机制运作程序和规则》，见A/78/123号文件所载报告第12段",
     "'第12段' is printed after the document A/78/123, and after the instrument named before it, "
     "'审议机制运作程序和规则'"),
    ("A/78/123 discusses article 27", "'article 27' is printed after the document A/78/123"),
    # a paragraph of what is printed as a symbol but is none: the document's IRI cannot be minted from it
    ("见A/78/1.23.-号文件第12段", "'第12段' is printed with 'A/78/1.23.-' as a paragraph of that document, which is "
     "no document symbol: its segment '1.23.-' is no name or number"),
])
def test_a_reference_whose_document_or_instrument_is_not_written_is_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        f.provisions(text, ITEM_2)


@pytest.mark.parametrize(("text", "provisions", "documents"), [
    # listed after a document's paragraph with 和 or "and", an article may be the Convention's: it was taken as the
    # document's (the item's article 27 lost); now, as with a comma, only a reference of the same kind is listed on
    ("A/78/123，第12段和第13段", [], [["A/78/123"]]),
    ("A/78/123，第12段或第13段", [], [["A/78/123"]]),  # 或 did not join
    # an owner printed after a list is the whole list's: article 12 was cited as the Convention's
    ("article 12 and article 13 of document A/78/123", [], [["A/78/123"]]),
    ("article 12 and article 13 of resolution 5/5", [], []),
    ("article 12 and article 13 of the Convention", [("UNTOC", "12", None), ("UNTOC", "13", None)], []),
    # a bracket after an instrument named without its title's marks is an aside to it: article 27 was dropped as the
    # resolution's, or refused
    ("该公约（A/RES/55/25）第27条", [("UNTOC", "27", None)], []),
    ("联合国打击跨国有组织犯罪公约（大会第55/25号决议附件一）第27条", [("UNTOC", "27", None)], []),
])
def test_references_listed_with_a_documents_take_its_owner_only_when_the_text_says_so(text, provisions, documents):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == documents


@pytest.mark.parametrize("text", ["A/78/123，第12段和第27条", "A/78/123, paragraphs 12 and 13, and article 27"])
def test_an_article_listed_after_a_documents_paragraph_is_refused(text):
    with pytest.raises(ValueError, match="is not written"):
        f.provisions(text, ITEM_2)


@pytest.mark.parametrize(("old", "new", "words", "line"), [
    ("这些问题包括：建立或加强联系渠道", "这些问题包括A/78/123号文件所述的建立或加强联系渠道",
     "'第27条第1款(a)和(f)项' is printed after the document A/78/123, and after the instrument named before it", 52),
    ("第 12 段，缔约方会议", "第 12 段，参照A/78/123号文件所载报告第13段，缔约方会议",
     "'第13段' is printed after the document A/78/123", 64),
    ("第 12 段，缔约方会议", "第 12 段（A/78/1.23.-，第13段），缔约方会议", "which is no document symbol", 64),
])
def test_a_reference_whose_document_or_instrument_is_not_written_is_refused_at_its_line(tmp_path, old, new, words,
                                                                                         line):
    assert_edit_refused(REAL, tmp_path, old, new, words, line)


UNDER_RULES = "根据《审议机制运作程序和规则》第10段和"
UNDER_RULES_EN = "under paragraph 10 of the procedures and rules and "


@pytest.mark.parametrize(("text", "provisions"), [
    # each paragraph of the resolution or decision was cited as a paragraph of the procedures and rules, named
    # before it: a fact no line states
    (UNDER_RULES + "大会第55/25号决议第2段", [(RULES, None, "10")]),
    ("根据《审议机制运作程序和规则》第10段，缔约方会议第5/5号决议第3段", [(RULES, None, "10")]),
    (UNDER_RULES + "第8/2号决议第3段", [(RULES, None, "10")]),
    (UNDER_RULES + "第2/1号决定第4段", [(RULES, None, "10")]),
    (UNDER_RULES + "第 8/2 号决议第 3 段至第 5 段", [(RULES, None, "10")]),  # a range: each end the resolution's
    (UNDER_RULES + "第55/25号决议第2和3段", [(RULES, None, "10")]),
    (UNDER_RULES + "第8/2号决议的第3段", [(RULES, None, "10")]),
    (UNDER_RULES + "第5/5号决议附件第3段", [(RULES, None, "10")]),  # its annex's: still the resolution's
    (UNDER_RULES + "安全理事会第1373（2001）号决议第3段", [(RULES, None, "10")]),
    (UNDER_RULES + "第55/25号和第55/255号决议第2段", [(RULES, None, "10")]),
    # article 3 of the resolution was cited as article 3 of the Convention
    ("《公约》第27条和第8/2号决议第3条", [("UNTOC", "27", None)]),
    # refused for the wrong reason ("paragraph 2 is cited without an article of the Convention"): the paragraph is
    # the resolution's
    ("大会第55/25号决议第2段", []),
    # English: printed after the resolution or before it, of it, of its annex or of the body that adopted it
    ("paragraph 2 of General Assembly resolution 55/25", []),
    (UNDER_RULES_EN + "resolution 5/5, paragraph 3", [(RULES, None, "10")]),
    ("under paragraph 10 of the procedures and rules, as requested in paragraph 3 of its resolution 8/2",
     [(RULES, None, "10")]),
    (UNDER_RULES_EN + "decision 3/2, paragraph 4", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraph 4 of Conference of the Parties decision 3/2", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraphs 2 and 3 of resolution 55/25", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraph 3 of the annex to resolution 5/5", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraph 3 of Security Council resolution 1373 (2001)", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraph 3 of Economic and Social Council resolution 2004/19", [(RULES, None, "10")]),
    (UNDER_RULES_EN + "paragraph 3 of resolution 5/5 on the procedures and rules", [(RULES, None, "10")]),
])
def test_a_paragraph_of_a_resolution_named_by_its_number_is_not_cited_as_a_provision(text, provisions):
    """The resolution's symbol is not printed and is not made up: no document is minted for it either."""
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == []


@pytest.mark.parametrize(("text", "provisions"), [
    ("《公约》第27条", [("UNTOC", "27", None)]),
    ("根据大会第55/25号决议通过的《公约》第27条", [("UNTOC", "27", None)]),  # the instrument named after it
    ("《公约》（大会第55/25号决议，附件一）第27条", [("UNTOC", "27", None)]),  # the resolution in an aside, closed
    ("见大会第55/25号决议。《公约》第27条", [("UNTOC", "27", None)]),
    ("见大会第55/25号决议。第27条也适用", [("UNTOC", "27", None)]),  # another sentence: the item's instrument
    ("《公约》第27条和第8/2号决议", [("UNTOC", "27", None)]),  # the resolution printed after the reference
    ("article 27 of the Convention, adopted by General Assembly resolution 55/25", [("UNTOC", "27", None)]),
    ("article 27 of the Convention and resolution 55/25", [("UNTOC", "27", None)]),  # the instrument between
    ("under paragraph 10 of the procedures and rules (resolution 5/5)", [(RULES, None, "10")]),
    ("In resolution 5/5, the Conference referred to article 27 of the Convention", [("UNTOC", "27", None)]),
    ("In accordance with resolution 5/5, article 27 of the Convention", [("UNTOC", "27", None)]),  # says whose
    ("resolution 5/5, paragraph 3 of the procedures and rules", [(RULES, None, "3")]),
])
def test_a_provision_cited_near_a_resolution_it_does_not_follow_is_still_the_instruments(text, provisions):
    assert provisions_of(text) == provisions


@pytest.mark.parametrize(("text", "words"), [
    # each was cited as a provision of the instrument named before, though a resolution is named nearer
    ("大会第55/25号决议通过的第27条",
     "'第27条' is printed after 第55/25号决议, and after the instrument the item is about, "
     "'联合国打击跨国有组织犯罪公约': whether it cites a part of the resolution or a provision of the instrument is "
     "not written"),
    ("根据《审议机制运作程序和规则》，缔约方会议在第5/5号决议中提到的第3段",
     "'第3段' is printed after 第5/5号决议, and after the instrument named before it, '审议机制运作程序和规则'"),
    ("根据《审议机制运作程序和规则》，第2/1号决定所述第4段", "whether it cites a part of the decision"),
    ("Resolution 5/5 of the Conference refers to article 27",
     "'article 27' is printed after Resolution 5/5, and after the instrument the item is about"),
])
def test_a_reference_whose_resolution_or_instrument_is_not_written_is_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        f.provisions(text, ITEM_2)


@pytest.mark.parametrize("printed, kept, documents", [
    ("第 12 段（CTOC/COP/2022/9，第13段），", "CTOC/COP/2022/9，第13段", [["CTOC/COP/2022/9"]]),  # in brackets
    ("第 12 段和缔约方会议第5/5号决议第13段，", "第5/5号决议第13段", []),  # a resolution's: no symbol printed
    ("第 12 段，见秘书处的说明（A/78/123）第13段，", "（A/78/123）第13段", [["A/78/123"]]),  # a note
    ("第 12 段（A/78/123*，第13段），", "A/78/123*，第13段", [["A/78/123"]]),  # a reissue's '*': not refused
], ids=["document", "resolution", "note-named-in-brackets", "reissued-document"])
def test_a_paragraph_of_another_text_in_the_real_agenda_is_not_cited_as_a_rule(tmp_path, printed, kept, documents):
    """Line 64 cites rules paragraph 12; a paragraph of a document, a resolution or a note printed after it was
    cited as rules paragraph 13."""
    text = REAL.read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace("第 12 段，缔约方会议", printed + "缔约方会议", 1), encoding="utf-8")
    paragraph = agenda.parse(edited).find_item("3").paragraphs[0]
    assert paragraph.line == 64 and kept in paragraph.text
    assert cited(paragraph) == [(RULES, None, "12", None)]
    assert paragraph.facts.documents == documents


def test_a_reference_whose_resolution_or_instrument_is_not_written_is_refused_at_its_line(tmp_path):
    assert_edit_refused(REAL, tmp_path, "第 12 段，缔约方会议", "第 12 段，参照第5/5号决议所述第13段，缔约方会议",
                        "'第13段' is printed after 第5/5号决议", 64)


UNDER_RULE_10 = "根据《审议机制运作程序和规则》第10段，"


@pytest.mark.parametrize(("text", "provisions", "documents"), [
    # paragraph 13 of the note was cited as rules paragraph 13: the bracket holding its symbol was read as an aside
    (UNDER_RULE_10 + "见秘书处的说明（A/78/123）第13段", [(RULES, None, "10")], [["A/78/123"]]),
    (UNDER_RULE_10 + "见秘书处的说明 （ A/78/123 ） 第13段", [(RULES, None, "10")], [["A/78/123"]]),
    ("under paragraph 10 of the procedures and rules; see paragraph 13 of the note by the Secretariat (A/78/123)",
     [(RULES, None, "10")], [["A/78/123"]]),
    ("under paragraph 10 of the procedures and rules; see the note by the Secretariat (A/78/123), paragraph 13",
     [(RULES, None, "10")], [["A/78/123"]]),
    # refused for the wrong reason ("paragraph 13 is cited without an article of the Convention")
    ("见秘书处的说明（A/78/123）第13段", [], [["A/78/123"]]),
])
def test_a_paragraph_printed_after_a_bracketed_symbol_is_that_documents(text, provisions, documents):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == documents


@pytest.mark.parametrize(("text", "provisions"), [
    # a bracket opened right where an instrument's title ends is an aside to the title
    ("《审议机制运作程序和规则》（CTOC/COP/2010/17）第12段", [(RULES, None, "12")]),
    ("《公约》（A/RES/55/25）第27条", [("UNTOC", "27", None)]),
    ("the procedures and rules (CTOC/COP/2010/17), paragraph 12", [(RULES, None, "12")]),
    ("paragraph 12 of the procedures and rules (CTOC/COP/2010/17)", [(RULES, None, "12")]),
    ("article 27 of the Convention (A/RES/55/25)", [("UNTOC", "27", None)]),
    # the same aside inside a bracket still open at the reference was refused
    ("（见《公约》（A/RES/55/25，附件一）第27条）", [("UNTOC", "27", None)]),
])
def test_a_symbol_in_an_aside_to_an_instruments_title_leaves_its_provision_alone(text, provisions):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == []


@pytest.mark.parametrize(("text", "words"), [
    # each was cited as a provision of the instrument named before: the bracket is no aside to its title
    (UNDER_RULE_10 + "见秘书处的说明（见A/78/123）第13段", "'第13段' is printed after the document A/78/123, and "
     "after the instrument named before it, '审议机制运作程序和规则'"),
    (UNDER_RULE_10 + "见秘书处的说明（第5/5号决议）第13段", "'第13段' is printed after 第5/5号决议"),
    ("《公约》第27条（A/78/123）第3条", "'第3条' is printed after the document A/78/123"),  # after a provision
    ("under paragraph 10 of the procedures and rules, see the note by the Secretariat (A/78/123) on paragraph 13",
     "'paragraph 13' is printed after the document A/78/123"),
])
def test_a_reference_after_a_bracket_that_is_no_aside_to_a_title_is_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        f.provisions(text, ITEM_2)


def test_a_reference_after_a_bracket_that_is_no_aside_to_a_title_is_refused_at_its_line(tmp_path):
    assert_edit_refused(REAL, tmp_path, "第 12 段，缔约方会议",
                        "第 12 段，见秘书处的说明（见A/78/123）第13段，缔约方会议",
                        "'第13段' is printed after the document A/78/123", 64)


@pytest.mark.parametrize(("text", "provisions", "documents"), [
    # each reference after the first was refused ("'第13段' is printed after the document …: … not written"), though
    # the list is the document's or the resolution's as much as "第12和13段" is
    (UNDER_RULE_10 + "见CTOC/COP/2022/9，第12段和第13段", [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    (UNDER_RULE_10 + "见CTOC/COP/2022/9，第12段、第13段及第14段", [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    (UNDER_RULE_10 + "见CTOC/COP/2022/9，第12段，第13段", [(RULES, None, "10")], [["CTOC/COP/2022/9"]]),
    (UNDER_RULE_10 + "大会第55/25号决议第2段和第3段", [(RULES, None, "10")], []),
    (UNDER_RULE_10 + "第8/2号决议第3段与第5段", [(RULES, None, "10")], []),
    ("under paragraph 10 of the procedures and rules; see A/78/123, paragraph 12 and paragraph 13",
     [(RULES, None, "10")], [["A/78/123"]]),
    ("under paragraph 10 of the procedures and rules; see A/78/123, paragraph 12, paragraph 13",
     [(RULES, None, "10")], [["A/78/123"]]),
    ("under paragraph 10 of the procedures and rules; see resolution 5/5, paragraph 3, or paragraph 4",
     [(RULES, None, "10")], []),
    # the list's next reference names whose it is, or is no list's: as before
    ("see A/78/123, paragraph 12, and article 27 of the Convention", [("UNTOC", "27", None)], [["A/78/123"]]),
    ("见A/78/123号文件第12段和《公约》第27条", [("UNTOC", "27", None)], [["A/78/123"]]),
])
def test_a_reference_listed_after_a_documents_or_resolutions_is_that_ones(text, provisions, documents):
    assert provisions_of(text) == provisions
    assert f.cited_documents(text) == documents


@pytest.mark.parametrize(("text", "words"), [
    # a comma between references of two kinds may end a clause: whose the second is is not written
    ("见A/78/123号文件第12段，第27条规定", "'第27条' is printed after the document A/78/123"),
    ("大会第55/25号决议第2段，第27条规定", "'第27条' is printed after 第55/25号决议"),
])
def test_a_reference_after_a_comma_and_of_another_kind_is_still_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        f.provisions(text, ITEM_2)


def test_a_list_of_a_documents_paragraphs_in_the_real_agenda_is_not_refused(tmp_path):
    """Line 64 cites rules paragraph 12; "（CTOC/COP/2022/9，第12段和第13段）" after it was refused."""
    text = REAL.read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    new = "第 12 段（CTOC/COP/2022/9，第12段和第13段），缔约方会议"
    edited.write_text(text.replace("第 12 段，缔约方会议", new, 1), encoding="utf-8")
    paragraph = agenda.parse(edited).find_item("3").paragraphs[0]
    assert paragraph.line == 64 and "第12段和第13段" in paragraph.text
    assert cited(paragraph) == [(RULES, None, "12", None)]
    assert paragraph.facts.documents == [["CTOC/COP/2022/9"]]


@pytest.mark.parametrize("text", [
    # refused ("'第3段' is printed after the document S/RES/1373, …: … not written"): the year after the symbol
    # left no room for the reference to be printed right after it
    UNDER_RULE_10 + "见S/RES/1373 (2001)，第3段",
    UNDER_RULE_10 + "见S/RES/1373(2001)号决议第3段",
    UNDER_RULE_10 + "见S/RES/1373（2001）号决议第3段",
    UNDER_RULE_10 + "见安全理事会决议（S/RES/1373 (2001)）第3段",
    "under paragraph 10 of the procedures and rules; see S/RES/1373 (2001), paragraph 3",
])
def test_a_paragraph_printed_after_a_security_council_resolutions_symbol_and_year_is_that_documents(text):
    """The symbol's grammar (loader/iris.py) has no room for the year: the document is S/RES/1373, and the year stays
    in the annotation's text."""
    assert provisions_of(text) == [(RULES, None, "10")]
    assert f.cited_documents(text) == [["S/RES/1373"]]


def test_a_year_after_another_symbol_is_not_read_as_part_of_it():
    with pytest.raises(ValueError, match=re.escape("'第3段' is printed after the document A/78/123")):
        f.provisions(UNDER_RULE_10 + "见A/78/123 (2023)，第3段", ITEM_2)


@pytest.mark.parametrize("text", [
    # refused ("'article 3' is printed after resolution 55/25, …: … not written"): the English annex, or the body
    # that adopted it, printed between the number and the reference had no place in the patterns
    UNDER_RULES_EN + "resolution 55/25, annex I, article 3",
    UNDER_RULES_EN + "resolution 55/25, annex, paragraph 3",
    UNDER_RULES_EN + "decision 5/5 of the Conference, paragraph 3",
    UNDER_RULES_EN + "resolution 5/5 of the Conference of the Parties, annex, paragraph 3",
])
def test_an_english_paragraph_after_a_resolutions_annex_or_body_is_the_resolutions(text):
    assert provisions_of(text) == [(RULES, None, "10")]
    assert f.cited_documents(text) == []


@pytest.mark.parametrize(("text", "provisions"), [
    ("resolution 55/25, annex I, article 3 of the Convention", [("UNTOC", "3", None)]),  # it says whose it is
    ("resolution 5/5 of the Conference, the procedures and rules, paragraph 3", [(RULES, None, "3")]),
])
def test_an_english_reference_after_a_resolution_that_names_its_instrument_is_still_the_instruments(text,
                                                                                                   provisions):
    assert provisions_of(text) == provisions


@pytest.mark.parametrize("text", [
    # refused ("'第13段' is printed after the document A/78/123, …: … not written", naming no '*'): the reissue mark
    # after the symbol left no room for the reference to be printed right after it
    UNDER_RULE_10 + "见A/78/123*，第13段",
    UNDER_RULE_10 + "见A/78/123*号文件第13段",
    UNDER_RULE_10 + "见秘书处的说明（A/78/123*）第13段",
    "under paragraph 10 of the procedures and rules; see A/78/123*, paragraph 13",
])
def test_a_paragraph_printed_after_a_reissued_documents_symbol_is_that_documents(text):
    """The final '*' is the UN's mark of a reissue, not the symbol's, as the header reads it."""
    assert provisions_of(text) == [(RULES, None, "10")]
    assert f.cited_documents(text) == [["A/78/123"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("上午 10 时", ((10, 0), None)),
    ("下午3时至6时", ((15, 0), (18, 0))),
    ("上午 10 时至下午 1 时", ((10, 0), (13, 0))),
    ("10 a.m.", ((10, 0), None)),
    ("10 a.m.–1 p.m.", ((10, 0), (13, 0))),
    ("3–6 p.m.", ((15, 0), (18, 0))),
    ("中午 12 时至下午 3 时", ((12, 0), (15, 0))),
    ("中午 1 时", ((13, 0), None)),
    ("14 时至 17 时", ((14, 0), (17, 0))),
    ("12 noon–3 p.m.", ((12, 0), (15, 0))),
    ("上午 10 时至 12 时", ((10, 0), (12, 0))),  # the morning's end, noon: it was read as 00:00 and refused
    ("上午 12 时", ((12, 0), None)),  # it was read as midnight
    # midnight at the end of the day, 24:00: 晚上 12 时 was read as noon, the slot ending before it starts
    ("晚上 9 时至 12 时", ((21, 0), (24, 0))),
    ("下午 6 时至晚上 12 时", ((18, 0), (24, 0))),
    ("夜里 11 时至 12 时", ((23, 0), (24, 0))),  # 夜里 and 午夜 made the cell unread
    ("下午 3 时至午夜 12 时", ((15, 0), (24, 0))),
    ("14 时至 24 时", ((14, 0), (24, 0))),
    ("晚上 9 时至 24 时", ((21, 0), (24, 0))),  # 24 时 took the start's 晚上: "not a time of day: 24:00 晚上"
    ("下午 3 时至 24 时", ((15, 0), (24, 0))),
    ("11 p.m.–12 a.m.", ((23, 0), (24, 0))),  # 12 a.m. after an evening ends the day: it was refused, 00:00
    ("夜里 9 时", ((21, 0), None)),
    ("晚上 8 时", ((20, 0), None)),  # as before
    ("12 时", ((12, 0), None)),  # as before: noon on the 24-hour clock
    # 半, half past, was dropped: 下午 3 时半 read as 15:00
    ("下午 3 时半至 6 时", ((15, 30), (18, 0))),
    ("上午 10 时至 11 时半", ((10, 0), (11, 30))),
    ("晚上 11 时半至 12 时", ((23, 30), (24, 0))),
    ("下午 3 时 30 分至 6 时", ((15, 30), (18, 0))),  # as before
    ("星期一", None),
])
def test_time_cells(text, expected):
    assert t.time_range(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("上午 13 时", "not a time of day: 13:00 上午"),  # 上午 is before noon: it was read as 13:00
    ("下午 13 时至 6 时", "not a time of day: 13:00 下午"),
    ("下午 0 时", "not a time of day: 0:00 下午"),
    ("中午 12 时至 6 时", "not a time of day: 6:00 中午"),  # it was read as ending at 06:00
    ("上午 10 时至 1 时", "the time range ends (01:00) no later than it starts (10:00)"),
    ("下午 3 时至 3 时", "the time range ends (15:00) no later than it starts (15:00)"),
    ("10–1 p.m.", "the time range ends (13:00) no later than it starts (22:00)"),
    ("9–12 a.m.", "the time range ends (00:00) no later than it starts (09:00)"),  # noon, or midnight? not read
    # midnight as a start: the one that begins the day, or the one that ends it? 晚上 12 时 was read as noon
    ("晚上 12 时", "晚上12时 is midnight: it may end a slot (24:00, the end of its day), but as a start"),
    ("午夜 12 时至 6 时", "午夜12时 is midnight: it may end a slot"),
    ("24 时", "24时 is midnight: it may end a slot"),
    ("下午 3 时至晚上 12 时 30 分", "not a time of day: 12:30 晚上 is past midnight, on the next day"),
    ("夜里 1 时", "not a time of day: 1:00 夜里"),  # 01:00 of which day?
    ("晚上 12 时半", "not a time of day: 12:30 晚上 is past midnight"),
])
def test_time_cells_no_clock_shows_are_refused(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        t.time_range(text)


@pytest.mark.parametrize(("old", "new", "line"), [
    # a slot ending before it began loaded, and the shapes' finding named the date row (93 or 99), not this one
    ("上午 10 时至下午 1 时\t1 (a)", "上午 13 时至下午 1 时\t1 (a)", 94),
    ("下午 3 时至 6 时\t4", "下午 3 时至 1 时\t4", 101),
])
def test_a_work_programme_time_no_clock_shows_is_refused_at_its_row(tmp_path, old, new, line):
    assert_edit_refused(REAL, tmp_path, old, new, "cannot read the date or time", line)


def test_a_slot_ending_at_midnight_ends_at_the_next_days_00_00(tmp_path):
    """下午 3 时至晚上 12 时 was refused as ending (12:00, noon) before it starts: 晚上 12 时 ends the day."""
    text = REAL.read_text(encoding="utf-8")
    edited = tmp_path / "edited.txt"
    edited.write_text(text.replace("下午 3 时至 6 时\t4", "下午 3 时至晚上 12 时\t4"), encoding="utf-8")
    slot = agenda.parse(edited).programme[-1]
    assert (slot.day.isoformat(), slot.start.isoformat()) == ("2023-09-12", "2023-09-12T15:00:00+02:00")
    assert slot.end.isoformat() == "2023-09-13T00:00:00+02:00"


def test_an_opening_at_midnight_is_refused_at_its_line(tmp_path):
    """星期一晚上 12 时开幕 was read as opening at noon."""
    assert_edit_refused(REAL, tmp_path, "星期一上午 10 时开幕", "星期一晚上 12 时开幕", "晚上12时 is midnight", 34)


def test_dates_in_both_languages_and_a_bad_one():
    assert t.dates_in("2023年9月11日 和 2023 年 9 月 12 日") == [date(2023, 9, 11), date(2023, 9, 12)]
    assert t.dates_in("on 11 September 2023") == [date(2023, 9, 11)]
    assert t.month_day("Monday, 11 September", 2023) == date(2023, 9, 11)
    assert t.month_day("上午 10 时", 2023) is None
    with pytest.raises(ValueError, match="not a calendar date"):
        t.dates_in("2023年2月29日")


def test_the_recognisers_doctests():
    result = doctest.testmod(t)
    assert result.attempted > 5 and result.failed == 0


def test_a_control_character_or_cr_only_line_ends_are_refused_at_their_line(tmp_path):
    """A NUL in an item's title was stored ("会议\\u0000开幕"@zh); a file with CR-only line ends was "no provisional
    agenda found", with no word of why."""
    assert_edit_refused(REAL, tmp_path, "会议开幕", "会议\x00开幕", "a control character (U+0000) at column 10", 21)
    text = REAL.read_text(encoding="utf-8")
    cr_only = tmp_path / "cr.txt"
    cr_only.write_bytes(text.replace("\r\n", "\n").replace("\n", "\r").encode("utf-8"))
    with pytest.raises(SourceError, match="line ends CR only") as caught:
        agenda.parse(cr_only)
    assert caught.value.line == 1


def test_a_work_programme_row_with_a_cell_more_than_the_table_is_refused(tmp_path):
    """The fourth cell was ignored: text the source prints, dropped without a word."""
    assert_edit_refused(REAL, tmp_path, "1 (a)\t会议开幕", "1 (a)\t会议开幕\t多余", "4 cells, not 3", 94)
