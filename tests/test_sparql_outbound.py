"""Finding SERVICE, LOAD and FROM before a query runs (api.outbound, api.sparql_text), the protocol's USING
parameters (api.update_dataset), and the doctests of the endpoint's modules."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import re

import pyoxigraph as ox
import pytest

from api.outbound import References, Unparsable, references
from api.sparql_text import Unsure, tokens
from api.update_dataset import DatasetConflict, with_using

TRAP = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/sparql> {}" }',
    "SELECT * WHERE { ?s ?p '''multi\nline FROM <x> LOAD''' }",
    "SELECT * WHERE { ?s <http://example.org/service/from/load> ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/sparql> { }",
    "SELECT ?from ?service ?load WHERE { ?from ?service ?load }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * WHERE { ?s a sd:Service }",
])
def test_queries_that_only_mention_the_words_name_nothing(query):
    assert references(query) == References()


@pytest.mark.parametrize(("query", "expected"), [
    (f"SELECT * WHERE {{ SERVICE <{TRAP}> {{ ?s ?p ?o }} }}", References(services=[TRAP])),
    (f"select * where {{ service silent <{TRAP}> {{ ?s ?p ?o }} }}", References(services=[TRAP])),
    ("PREFIX t: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE t:sparql { ?s ?p ?o } }", References(services=[TRAP])),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", References(services=["?endpoint"])),
    (f"SELECT * FROM <{TRAP}> FROM NAMED <{TRAP}/2> {{ }}",
     References(default_graphs=[TRAP], named_graphs=[TRAP + "/2"])),
    ("BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", References(services=[TRAP])),
])
def test_what_a_query_names(query, expected):
    assert references(query, base="http://example.org/") == expected


def test_where_the_lexer_is_unsure_a_text_that_names_a_keyword_is_refused_with_the_position():
    # "<1#x>" looks like an IRI, but Oxigraph reads "less than 1" and a comment, so the SERVICE on the next line is
    # real (Oxigraph would call it) and the quotes must not be taken for a string that hides it. The check used to
    # hand such a text to rdflib's parser; it refuses it now, saying where the doubt is
    query = "SELECT * WHERE { ?s ?p ?o FILTER(?o<1#x>'''\n) SERVICE <" + TRAP + "> { ?s ?p ?o } }\n#'''"
    assert _oxigraph_reads(query)
    with pytest.raises(Unsure):
        tokens(query)
    with pytest.raises(Unparsable, match="'<' at offset 35 may be an IRI or 'less than'"):
        references(query)


def test_a_prefixed_name_holding_a_keyword_in_its_local_part_names_nothing():
    # SPARQL reads "ex:o.SERVICE" as one prefixed name (longest match), and so does Oxigraph
    declared = "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ex: <http://e/> "
    for query in ("SELECT * WHERE { ?s prov:wasDerivedFrom ?o }", "SELECT * WHERE { ?s ex:loadFactor ex:o.SERVICE }"):
        assert references(declared + query) == References()


@pytest.mark.parametrize(("query", "why"), [
    # only a declared prefix makes the word one name; else Oxigraph may read "a" (rdf:type) and ":SERVICE..."
    ("SELECT * WHERE { ?s a:SERVICEt:x ?o }", "the prefix a: of 'a:SERVICEt:x' at offset 20 is not declared"),
    # an expansion that is no IRI (two "#") is the bare prefix "o:" to Oxigraph, then SERVICE t:sparql
    ("PREFIX o: <http://e/o#x> SELECT * { ?s ?p o:SERVICEt:sparql\\#y {} }", "which is no IRI"),
    # a prefix holding a keyword may be the keyword and a name
    ("PREFIX SERVICEt: <http://e/> SELECT * { ?s ?p SERVICEt:x }", "may be read as a keyword followed by a name"),
])
def test_a_word_holding_a_keyword_must_be_one_name_to_oxigraph(query, why):
    with pytest.raises(Unparsable, match=re.escape(why)):
        references(query)


def test_declarations_after_version_hold_as_oxigraph_reads_them():
    # SPARQL 1.2's VERSION stands among the declarations: a PREFIX or BASE after it is not to be missed
    text = ('PREFIX t: <http://allowed/> VERSION "1.2" PREFIX t: <http://other/> BASE <http://b/> '
            "SELECT (STR(t:s) AS ?x) (STR(<r>) AS ?y) FROM t:g { SERVICE t:s {} SERVICE <r> {} }")
    assert references(text).services == ["http://other/s", "http://b/r"]
    expanded = ox.Store().query(text.replace("FROM t:g { SERVICE t:s {} SERVICE <r> {} }", "{}"))
    assert [(row["x"].value, row["y"].value) for row in expanded] == [("http://other/s", "http://b/r")]


def test_a_triple_term_is_never_read_as_an_iri_from_its_second_angle_bracket():
    # the "'" inside opens a string, as to Oxigraph: the SERVICE after the triple term is seen
    assert references("SELECT (<<(?s?p'>')>> AS ?t) { SERVICE <http://e/> {} } #')").services == ["http://e/"]
    declared = "PREFIX prov: <http://www.w3.org/ns/prov#> "
    assert references(declared + "SELECT * { ?s prov:wasDerivedFrom <<(?a?b?c)>> }") == References()
    assert references("SELECT * { <<?s?p?o>> ?q ?r . << <http://a> <http://b> 1 >> ?p <http://e/from> }") == \
        References()
    # after an operand "<" may be "less than" and an IRI follow: with a quote or a keyword in it, refused
    with pytest.raises(Unparsable, match="'<<' at offset 15 may open a triple term or be followed by an IRI"):
        references("ASK { FILTER(?o<<(?s?p'>')>>) SERVICE <http://e/> {} } #')}")


def test_a_language_tag_spelt_as_a_keyword_is_a_tag():
    # "x"@load is a literal; what follows is read as ever: here SERVICEt:sparql, which may be SERVICE t:sparql
    assert references('SELECT * { ?s ?p "x"@load }') == References()
    with pytest.raises(Unparsable, match="may be read as a keyword followed by a name"):
        references('PREFIX SERVICEt: <http://e/> SELECT * { ?s ?p "x"@load SERVICEt:sparql {} }')


@pytest.mark.parametrize("string", ["\'\'\' \\q \'\'\'", "\"a\\qb\"", "\'\\U00110000\'", "\"\\uD800\""])
def test_a_string_holding_an_escape_oxigraph_refuses_is_refused(string):
    # Oxigraph reads such a long string as '' and what follows, which may hold a SERVICE: the lexer never reads past it
    with pytest.raises(Unparsable, match="holds an escape Oxigraph refuses"):
        references(f"SELECT * {{ BIND({string} AS ?x) SERVICE <http://e/> {{}} }}")
    assert references('SELECT * { BIND("a\\tb\\u00e9\\U0001F600\\"" AS ?x) ?s <http://e/from> ?o }') == References()


def test_a_keyword_inside_another_word_is_refused():
    from api.outbound import _from_tokens

    with pytest.raises(Unparsable, match="'1.SERVICE' at offset 23 holds a keyword inside a longer word"):
        _from_tokens(tokens("SELECT * WHERE { ?s ?p 1.SERVICE }"))


ESCAPED_NAME_QUERIES = [
    # SPARQL allows "\\#" and "\\'" in a prefixed name (PN_LOCAL_ESC): the "#" starts no comment, the "'" no string
    "PREFIX : <http://e/> SELECT * WHERE { OPTIONAL { ?s ?p :a\\# } SERVICE <" + TRAP + "> { ?x ?y ?z } "
    "OPTIONAL {\n} }",
    "PREFIX : <http://e/> SELECT * WHERE { OPTIONAL { ?s ?p :a\\' } SERVICE <" + TRAP + "> { ?x ?y ?z } "
    "BIND(\"'\" AS ?w) } # \"",
]
ESCAPED_NAME_UPDATES = [
    "PREFIX : <http://e/> INSERT DATA { <http://a> <http://b> :c\\# } ; LOAD <" + TRAP + "> INTO GRAPH <http://pwn/> ; "
    "INSERT DATA {\n}",
    "PREFIX : <http://e/> INSERT DATA { <http://a> <http://b> :c\\' } ; LOAD <" + TRAP + "> INTO GRAPH <http://pwn/> ; "
    "INSERT DATA { <http://a> <http://b> \"'\" } # \"",
]


@pytest.mark.parametrize(("text", "update"), [(q, False) for q in ESCAPED_NAME_QUERIES]
                         + [(u, True) for u in ESCAPED_NAME_UPDATES])
def test_an_escape_in_a_prefixed_name_hides_no_service_or_load(text, update):
    escaped = [token.text for token in tokens(text) if "\\" in token.text]
    assert escaped in ([":a\\#"], [":a\\'"], [":c\\#"], [":c\\'"])  # one word: the "#" or "'" is in the name
    refs = references(text, update=update)
    assert TRAP in (refs.loads if update else refs.services)


@pytest.mark.parametrize(("text", "words"), [
    ("ASK { ?s ?p ex:a\\#b, ex:a\\'\\~\\.c, :\\-x. }", ["ASK", "ex:a\\#b", "ex:a\\'\\~\\.c", ":\\-x."]),
    ("ASK { ?s ?p ex:a\\. }", ["ASK", "ex:a\\."]),
])
def test_the_lexer_reads_escapes_in_a_local_name_as_part_of_the_name(text, words):
    assert [token.text for token in tokens(text) if token.kind == "word"] == words


@pytest.mark.parametrize(("text", "offset"), [
    ("ASK { ?s ?p ex:a\\u0041 }", 16),  # \u is no escape outside strings and IRIs
    ("ASK { ?s ?p e\\.x:a }", 13),  # nor in a prefix
    ("ASK { ?s ?p a\\#b }", 13),  # nor in a word that is no prefixed name
    ("ASK { ?s ?p \\u0053ERVICE }", 12),
    ("ASK { ?s ?p ex:a\\", 16),
])
def test_a_backslash_that_escapes_nothing_in_a_name_makes_the_lexer_unsure(text, offset):
    with pytest.raises(Unsure, match=f"backslash .* at offset {offset}$"):
        tokens(text)


@pytest.mark.parametrize("text", ["ASK { ?s ?p ?o", "ASK { OPTIONAL { ?s ?p ?o }", "ASK { FILTER(?o"])
def test_brackets_left_open_at_the_end_make_the_lexer_unsure(text):
    with pytest.raises(Unsure, match="left open"):
        tokens(text)


def test_what_an_update_names():
    update = f"LOAD SILENT <{TRAP}> INTO GRAPH <http://g> ; INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{TRAP}> {{}} }}"
    assert references(update, update=True) == References(services=[TRAP], loads=[TRAP])


@pytest.mark.parametrize(("text", "update", "message"), [
    ("SELECT * FROM nope:g WHERE { ?s ?p ?o }", False, "the prefix nope: of 'nope:g' at offset 14 is not declared"),
    ("PREFIX Ex: <http://x/> SELECT * { SERVICE ex:s { } }", False, "prefix ex: of 'ex:s' at offset 42"),  # case
    ("SELECT * { SERVICE <sparql> { } }", False, "<sparql> at offset 19 is relative and there is no base"),
    ("LOAD <sparql>", True, "<sparql> at offset 5 is relative and there is no base"),
    ("PREFIX t: <x/> SELECT * { SERVICE t:s { } }", False, "<x/> at offset 10 is relative and there is no base"),
    ("SELECT * { SERVICE }", False, "SERVICE at offset 11 is followed by '}'"),
    ("SELECT * { SERVICE", False, "bracket"),
    ("SELECT * FROM ?g { }", False, "FROM at offset 9 is followed by '?g'"),
    ("LOAD", True, "nothing follows LOAD at offset 0"),
    ("PREFIX t <http://x/> SELECT * FROM t:g { }", False, "PREFIX at offset 0 is followed by no prefix name"),
    ("PREFIX t: SELECT * FROM t:g { }", False, "PREFIX at offset 0 is followed by no IRI"),
    ("BASE SELECT * FROM <g> { }", False, "BASE at offset 0 is followed by no IRI"),
    ("PREFIX t: <http://x/> SELECT * FROM t:g. { }", False, "'t:g.' at offset 36 is no prefixed name"),
])
def test_what_cannot_be_told_is_refused_with_the_position(text, update, message):
    with pytest.raises(Unparsable, match=re.escape(message)):
        references(text, update=update)


@pytest.mark.parametrize("text", ["ASK { 'unterminated }", "ASK { ?s ?p ?o ) }", 'ASK { "line\nbreak" }'])
def test_the_lexer_gives_up_rather_than_guess(text):
    with pytest.raises(Unsure):
        tokens(text)


def test_tokens_track_bracket_depth():
    found = tokens("INSERT { ?s ?p ?o } WHERE { FILTER(?o < 3) }")
    assert [(t.text, t.depth) for t in found if t.text in ("INSERT", "WHERE", "?o", "<")] == [
        ("INSERT", 0), ("?o", 1), ("WHERE", 0), ("?o", 2), ("<", 2)]


def test_using_parameters_go_before_each_where():
    update = ("INSERT { ?s a <http://t> } WHERE { ?s ?p ?o } ; DELETE { ?a ?b ?c } WHERE { ?a ?b ?c } ; "
              "INSERT DATA { <a> <b> <c> }")
    rewritten = with_using(update, ["http://g/1"], ["http://g/2"])
    assert rewritten == ("INSERT { ?s a <http://t> } USING <http://g/1> USING NAMED <http://g/2> WHERE { ?s ?p ?o }"
                         " ; DELETE { ?a ?b ?c } USING <http://g/1> USING NAMED <http://g/2> WHERE { ?a ?b ?c } ; "
                         "INSERT DATA { <a> <b> <c> }")


@pytest.mark.parametrize(("update", "using", "message"), [
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://g/1"], "own WITH"),
    ("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }", ["http://g/1"], "own USING"),
    ("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://g> } ; DROP ALL ; #"], "not an IRI"),
    # no USING in its grammar: applied to the default graph, the parameter ignored, it deleted what it was kept from
    ("INSERT DATA { <a> <b> <c> } ; delete  where { ?s ?p ?o }", ["http://g/1"], "DELETE WHERE cannot take"),
])
def test_using_parameters_that_cannot_apply(update, using, message):
    with pytest.raises(DatasetConflict, match=message):
        with_using(update, using, [])


@pytest.mark.parametrize("module", ["api.sparql_text", "api.outbound", "api.update_dataset", "api.negotiate",
                                    "api.settings", "api.service_description", "api.server"])
def test_doctests(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_deep_nesting_is_read_without_recursion():
    text = "ASK " + "{" * 3000 + " ?s ?p :a\\. SERVICE <http://x/> { } " + "}" * 3000
    assert references(text) == References(services=["http://x/"])


def test_keywords_inside_prefix_declarations_need_no_closer_look(monkeypatch):
    from api import outbound
    from loader.namespaces import sparql_prefixes

    def no_lexer(text):
        raise AssertionError("the lexer should not be needed")

    monkeypatch.setattr(outbound, "tokens", no_lexer)
    # the sd: namespace ends in "service-description#": it names nothing
    assert references(sparql_prefixes() + "SELECT * WHERE { ?s ?p ?o }") == References()
    monkeypatch.undo()
    # after the prologue, a keyword is still found
    assert references(sparql_prefixes() + "SELECT * WHERE { SERVICE <http://x/> {} }").services == ["http://x/"]
    hidden = "PREFIX a:<http://x/service>SELECT * FROM <http://g/> WHERE {}"
    assert references(hidden).default_graphs == ["http://g/"]


# --- \u escapes: Oxigraph reads them in strings and IRIs only; rdflib everywhere, so it must not judge them -------

STRING_TRICK_QUERY = ("SELECT ?x WHERE { BIND('\\u0027 AS ?a) BIND(CONCAT(' AS ?a) SERVICE <" + TRAP + "> "
                      "{ ?x ?y ?z } BIND(CONCAT(', \\u0027') AS ?d) }")
STRING_TRICK_UPDATE = ("INSERT DATA { <urn:x:a> <urn:x:b> '\\u0027 } ; INSERT DATA { <urn:x:a> <urn:x:b> ' } ; "
                       "LOAD <" + TRAP + "> ; INSERT DATA { <urn:x:a> <urn:x:b> ' } ; "
                       "INSERT DATA { <urn:x:a> <urn:x:b> \\u0027' }")


def test_an_escaped_quote_ends_no_string_for_oxigraph_nor_for_the_check():
    """rdflib expands '\\u0027' before parsing, so for it the SERVICE (or LOAD) sits inside a string: it found
    nothing there, and Oxigraph called the URL. The lexer reads the escape inside the string, as Oxigraph does."""
    import pyoxigraph as ox

    ox.Store().query(STRING_TRICK_QUERY.replace("SERVICE <" + TRAP + ">", ""))  # valid without the SERVICE: parsed
    assert references(STRING_TRICK_QUERY).services == [TRAP]
    assert references(STRING_TRICK_UPDATE, update=True).loads == [TRAP]


def test_an_escape_in_an_iri_is_read_as_oxigraph_reads_it():
    assert references("SELECT * { SERVICE <http://127.0.0.1\\u003a9/sparql> { ?s ?p ?o } }").services == [TRAP]
    assert references("SELECT * FROM <http://g/\\u00e9> { }").default_graphs == ["http://g/\u00e9"]


def test_oxigraph_reads_no_escape_outside_strings_and_iris():
    """What the check relies on: a keyword cannot be spelled with escapes, so a text that does not mention one
    after its prologue names nothing."""
    import pyoxigraph as ox

    for text in ("SELECT * WHERE { \\u0053ERVICE <" + TRAP + "> { ?s ?p ?o } }",
                 "PREFIX e: <http://x/> SELECT * { ?s e:\\u0041 ?o }"):
        with pytest.raises(SyntaxError):
            ox.Store().query(text)
        assert references(text) == References()


def test_a_text_with_escapes_is_read_by_the_lexer_alone():
    assert references('SELECT ?x { BIND(<<( <urn:x:s> <urn:x:p> "caf\\u00e9" )>> AS ?x) }') == References()
    text = 'PREFIX r: <http://127.0.0.1:9/> SELECT * { BIND("\\u0041" AS ?a) SERVICE r:sparql { } }'
    assert references(text).services == [TRAP]
    # where the lexer cannot tell, the text is refused, with the position
    with pytest.raises(Unparsable, match="backslash .* at offset 25"):
        references("SELECT * WHERE { ?s ?p :a\\u0041 } # SERVICE")


@pytest.fixture(scope="module")
def servers_and_trap(tmp_path_factory):
    from conftest import Trap, live_server, make_store, settings_for, w3c_graphs

    trap = Trap()
    read_only = make_store(tmp_path_factory.mktemp("ro") / "store", w3c_graphs())
    writable = make_store(tmp_path_factory.mktemp("rw") / "store", w3c_graphs())
    try:
        with live_server(settings_for(read_only)) as ro, live_server(settings_for(writable, allow_update=True)) as rw:
            yield ro, rw, trap
    finally:
        trap.close()


def test_no_request_leaves_the_server_for_an_escaped_quote(servers_and_trap):
    import httpx

    read_only, writable, trap = servers_and_trap
    query = STRING_TRICK_QUERY.replace(TRAP, trap.url)
    update = STRING_TRICK_UPDATE.replace(TRAP, trap.url)
    before = httpx.get(writable.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).text
    answers = [httpx.get(read_only.sparql, params={"query": query}),
               httpx.post(writable.sparql, data={"update": update})]
    for response in answers:
        assert response.status_code == 400, response.text
        assert trap.url in response.text and "not allowed" in response.text
    escaped_keyword = httpx.get(read_only.sparql, params={  # Oxigraph reads no keyword spelled with escapes
        "query": "SELECT * WHERE { \\u0053ERVICE <" + trap.url + "> { ?s ?p ?o } }"})
    assert escaped_keyword.status_code == 400 and "syntax error" in escaped_keyword.text
    assert trap.requests == []
    after = httpx.get(writable.sparql, params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}).text
    assert after == before


def test_escapes_count_as_no_brackets():
    """A label written with 300 escapes was refused as nested 301 deep: an escape was counted as a possible
    bracket, which Oxigraph never reads it as."""
    import pyoxigraph as ox

    from api.sparql_text import MAX_NESTING, nesting

    label = 'SELECT * { ?s ?p "' + "\\u00e9" * 300 + '" }'
    assert nesting(label) == 1 <= MAX_NESTING
    assert list(ox.Store().query(label)) == []
    with pytest.raises(SyntaxError):  # outside a string, an escaped brace is no brace
        ox.Store().query("SELECT * \\u007B ?s ?p ?o }")


DOT_NAMES = [  # "a:.SERVICE" is the name "a:", a ".", and the keyword to Oxigraph: a local name starts with no dot
    "PREFIX a: <http://e/LegalInstrument> SELECT * {{ ?s a a:.SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "PREFIX : <http://e/> SELECT * {{ ?s ?p :.SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "PREFIX a: <http://e/> SELECT * {{ ?s ?p 'x'^^a:.SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "PREFIX a: <http://e/> SELECT * {{ BIND('\\u0041' AS ?w) ?s ?p a:.SERVICE <{url}> {{ ?x ?y ?z }} }}",
]


@pytest.mark.parametrize("text", DOT_NAMES)
def test_a_keyword_after_a_prefixed_name_and_a_dot_is_found_or_refused(text):
    text = text.format(url=TRAP)
    with contextlib.suppress(Unparsable):  # refused with 400: as good as found
        assert references(text).services == [TRAP]
    # only what is one whole prefixed name hides a keyword
    assert references("PREFIX a: <http://e/> SELECT * { ?s ?p a:o.SERVICE , a:o-.service }") == References()


def test_no_request_leaves_the_server_for_a_keyword_after_a_prefixed_name_and_a_dot(servers_and_trap):
    import httpx

    read_only, writable, trap = servers_and_trap
    for text in DOT_NAMES:
        response = httpx.get(read_only.sparql, params={"query": text.format(url=trap.url)})
        assert response.status_code == 400, response.text
    update = "PREFIX a: <http://e/> INSERT { ?s ?p ?o } WHERE { ?s ?p a:.SERVICE <" + trap.url + "> { } }"
    assert httpx.post(writable.sparql, data={"update": update}).status_code == 400
    assert trap.requests == []


@pytest.mark.parametrize("escape", ["\\U00110000", "\\uD800"])
def test_an_escape_in_an_iri_that_names_no_character_is_unparsable_not_a_crash(escape):
    """chr() raised ValueError (a 500), or the surrogate broke the error message on its way out."""
    with pytest.raises(Unparsable, match="names no character"):
        references(f"SELECT * FROM <http://x/{escape}> {{ }}")
    with pytest.raises(Unparsable, match="names no character"):
        references(f"SELECT * {{ SERVICE <http://x/{escape}> {{ }} }}")


def test_the_endpoint_answers_400_for_an_escape_that_names_no_character(servers_and_trap):
    import httpx

    read_only, _, _ = servers_and_trap
    for escape in ("\\U00110000", "\\uD800"):
        response = httpx.post(read_only.sparql, data={"query": f"SELECT * {{ SERVICE <http://x/{escape}> {{ }} }}"})
        assert response.status_code == 400 and "names no character" in response.text, response.text


CR_COMMENTS = [  # a comment ends at a carriage return for Oxigraph; rdflib read on to the next line feed
    ("#\rBASE <http://127.0.0.1:9/>\nSELECT * { SERVICE <sparql> { ?x ?y ?z } }", False),
    ("PREFIX t: <http://e/>\n#\rPREFIX t: <http://127.0.0.1:9/>\nSELECT * { SERVICE t:sparql { ?x ?y ?z } }", False),
    ("#\rBASE <http://127.0.0.1:9/>\nLOAD <sparql>", True),
]


@pytest.mark.parametrize(("text", "update"), CR_COMMENTS)
def test_a_comment_ends_at_a_carriage_return_for_the_check_as_for_oxigraph(text, update):
    """Found by tests/test_outbound_fuzz.py: rdflib took the BASE or PREFIX after '#\\r' for part of the comment
    and resolved the IRI against another base or prefix, so the check named http://example.org/sparql (or
    http://e/sparql) while Oxigraph called http://127.0.0.1:9/sparql."""
    import pyoxigraph as ox

    prologue, target = (text.split("SELECT")[0], "t:sparql") if "t:" in text else (text.split("SELECT")[0].split(
        "LOAD")[0], "<sparql>")
    solution = next(ox.Store().query(prologue + f"SELECT ({target} AS ?x) {{}}", base_iri="http://example.org/"))
    assert solution["x"].value == TRAP  # Oxigraph's reading
    refs = references(text, update=update, base="http://example.org/")
    assert (refs.loads if update else refs.services) == [TRAP]


def test_a_base_holds_for_the_operations_after_it_for_the_check_as_for_oxigraph():
    """Found while fuzzing (tests/test_outbound_fuzz.py): Oxigraph resolves a relative IRI in a later operation of an
    update against the BASE of an earlier one and fetched http://127.0.0.1:9/sparql, while the check, with rdflib,
    put the endpoint's own base back for each operation and named http://example.org/sparql."""
    update = "BASE <http://127.0.0.1:9/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <sparql>"
    assert references(update, update=True, base="http://example.org/").loads == [TRAP]
    update = "BASE <http://127.0.0.1:9/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; INSERT { ?s ?p ?o } WHERE { " \
        "SERVICE <sparql> { ?s ?p ?o } }"
    assert references(update, update=True, base="http://example.org/").services == [TRAP]
    # the first operation still takes the endpoint's base
    assert references("LOAD <sparql>", update=True, base="http://127.0.0.1:9/").loads == [TRAP]


def test_a_relative_base_is_resolved_against_the_base_before_it_as_in_oxigraph():
    """Found while fuzzing: 'BASE <http://127.0.0.1:9/> BASE <./>' is http://127.0.0.1:9/ to Oxigraph, which called
    http://127.0.0.1:9/sparql, while the check took the base './' as it stood and named 'sparql'."""
    query = "BASE <http://127.0.0.1:9/a/> BASE <../> SELECT * { FILTER(?a<1) SERVICE <sparql> { } }"
    assert references(query, base="http://example.org/").services == [TRAP]
    update = "BASE <http://127.0.0.1:9/> BASE <./> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <sparql>"
    assert references(update, update=True, base="http://example.org/").loads == [TRAP]
    assert references("BASE <./> LOAD <sparql>", update=True, base="http://127.0.0.1:9/").loads == [TRAP]
    with pytest.raises(Unparsable, match="relative"):  # nothing to resolve it against: refused
        references("BASE <./> LOAD <sparql>", update=True)


def _oxigraph_reads(text: str, update: bool = False) -> bool:
    """Whether Oxigraph parses ``text`` (running it may fail: nothing listens on the trap's port)."""
    import pyoxigraph as ox

    try:
        (ox.Store().update if update else ox.Store().query)(text)
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001 (a failed call: the text was parsed)
        return True
    return True


GLUED_KEYWORDS = [  # Oxigraph matches a keyword without looking at what follows it, and tries the next reading
    ("PREFIX t: <http://127.0.0.1:9/> SELECT * { SERVICEt:sparql { ?x ?y ?z } }", False, "SERVICEt:sparql"),
    ("PREFIX t: <http://127.0.0.1:9/> LOADt:sparql", True, "LOADt:sparql"),
    ("PREFIX : <http://127.0.0.1:9/> SELECT * { ?s ?p trueSERVICE:sparql { ?x ?y ?z } }", False,
     "trueSERVICE:sparql"),
    ("PREFIX : <http://127.0.0.1:9/> ASKFROM:g { }", False, "ASKFROM:g"),
    # a local name holds one run of dots for Oxigraph: this is ex:a.b, a dot and SERVICE
    ("PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a.b.SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } }", False,
     "ex:a.b.SERVICE"),
]


@pytest.mark.parametrize(("text", "update", "word"), GLUED_KEYWORDS)
def test_a_keyword_oxigraph_reads_inside_a_word_is_refused(text, update, word):
    """Each of these got past the check (the lexer took the word for one prefixed name, which hides no keyword) while
    Oxigraph read the keyword in it: with the keyword misspelt, Oxigraph refuses the text."""
    keyword = next(k for k in ("SERVICE", "LOAD", "FROM") if k in word)
    assert _oxigraph_reads(text, update) and not _oxigraph_reads(text.replace(keyword, keyword[:-1] + "X"), update)
    with pytest.raises(Unparsable, match=re.escape(f"{word!r} at offset {text.index(word)}")):
        references(text, update=update)


# --- prefixed names and relative IRIs, read as Oxigraph reads them (no other parser is asked) ---------------------

def _oxigraph_value(prologue: str, term: str, base: str | None = "http://example.org/") -> str:
    """What Oxigraph makes of ``term`` after ``prologue``: the query (SELECT (STR(term) AS ?x) {}) gives it."""
    import pyoxigraph as ox

    return next(ox.Store().query(f"{prologue} SELECT (STR({term}) AS ?x) {{}}", base_iri=base))["x"].value


LOCAL_NAMES = ["sparql", "a\\.b", "a\\-b", "a\\~b\\_c", "a%41%2e", "a\\#f", "a\\?q\\=1\\&r", "a\\/b", "a:b:", "a.b", "",
               "a\\'b", "\\!\\$\\(\\)\\*\\+\\,\\;\\=\\@\\%41", "0", "a..b", "a\\.", "_x", "%7e"]


@pytest.mark.parametrize("local", LOCAL_NAMES)
def test_a_prefixed_name_is_expanded_as_oxigraph_expands_it(local):
    prologue = "PREFIX t: <http://127.0.0.1:9/>"
    expected = _oxigraph_value(prologue, "t:" + local)
    assert references(f"{prologue} SELECT * {{ SERVICE t:{local} {{ }} }}").services == [expected]
    assert references(f"{prologue} SELECT * {{ SERVICE SILENT t:{local} {{ }} }}").services == [expected]
    assert references(f"{prologue} SELECT * FROM t:{local} FROM NAMED t:{local} {{ }}") == References(
        default_graphs=[expected], named_graphs=[expected])
    assert references(f"{prologue} LOAD t:{local} INTO GRAPH <urn:g>", update=True).loads == [expected]


@pytest.mark.parametrize("prologue", [
    "PREFIX t: <http://e/> PREFIX t: <http://127.0.0.1:9/>",  # the last declaration holds
    "PREFIXt:<http://127.0.0.1:9/>",  # Oxigraph needs no space after PREFIX
    "BASE <http://127.0.0.1:9/a/b> PREFIX t: <../> BASE <http://e/>",  # resolved against the base before it
    "BASE <http://e/> BASE <http://127.0.0.1:9/x/> PREFIX t: <./..//../>",
    "PREFIX t: <>",  # the endpoint's base
    "#\rPREFIX t: <http://127.0.0.1:9/>\n",
])
def test_prefix_declarations_are_read_as_oxigraph_reads_them(prologue):
    base = "http://127.0.0.1:9/"
    expected = _oxigraph_value(prologue, "t:sparql", base)
    assert expected == TRAP
    assert references(f"{prologue} SELECT * {{ SERVICE t:sparql {{ }} }}", base=base).services == [TRAP]


RELATIVE_IRIS = ["sparql", "./sparql", "a/../sparql", "../../sparql", "/sparql", "?q", "#f", "", ".", "..", "./",
                 "//127.0.0.1:9/sparql", "a/./b/../../sparql?x=../y#z", "sparql;p", "/a/b/../../sparql"]
BASES = ["http://127.0.0.1:9/", "http://127.0.0.1:9/a/b/c?q", "http://127.0.0.1:9", "urn:x:y", "file:///a/b"]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("relative", RELATIVE_IRIS)
def test_a_relative_iri_is_resolved_as_oxigraph_resolves_it(relative, base):
    try:
        expected = _oxigraph_value("", f"<{relative}>", base)
    except SyntaxError:
        expected = None
    try:
        refs = references(f"SELECT * FROM <{relative}> {{ SERVICE <{relative}> {{ }} }}", base=base)
    except Unparsable:  # refused where Oxigraph and RFC 3986 part ways (".." against a base with no host)
        assert "urn:" in base and ".." in relative, (relative, base)
        return
    assert refs == References(services=[expected], default_graphs=[expected])


@pytest.mark.parametrize(("relative", "base"), [
    ("//h/a/../b", "http://e/"),  # Oxigraph keeps the dot segments of a reference with a host
    ("x", "http://e/a/./b"),  # and of the base
    ("../g", "urn:x:y"),  # and drops the "/" RFC 3986 keeps before "g" when the base has no host
    ("1a:b", "http://e/"),  # a relative IRI with a colon in its first segment is no IRI
])
def test_where_oxigraph_resolves_otherwise_than_rfc_3986_the_text_is_refused(relative, base):
    with pytest.raises(Unparsable, match=re.escape(f"<{relative}> at offset 19")):
        references(f"SELECT * {{ SERVICE <{relative}> {{ }} }}", base=base)


def test_rfc_3986_examples():
    """RFC 3986, section 5.4.1 (the normal examples Oxigraph agrees with)."""
    from api.outbound import resolve

    base = "http://a/b/c/d;p?q"
    examples = {"g:h": "g:h", "g": "http://a/b/c/g", "./g": "http://a/b/c/g", "g/": "http://a/b/c/g/",
                "/g": "http://a/g", "//g": "http://g", "?y": "http://a/b/c/d;p?y", "g?y": "http://a/b/c/g?y",
                "#s": "http://a/b/c/d;p?q#s", "g#s": "http://a/b/c/g#s", "g?y#s": "http://a/b/c/g?y#s",
                ";x": "http://a/b/c/;x", "g;x": "http://a/b/c/g;x", "g;x?y#s": "http://a/b/c/g;x?y#s",
                "": "http://a/b/c/d;p?q", ".": "http://a/b/c/", "./": "http://a/b/c/", "..": "http://a/b/",
                "../": "http://a/b/", "../g": "http://a/b/g", "../..": "http://a/", "../../": "http://a/",
                "../../g": "http://a/g", "../../../g": "http://a/g", "/./g": "http://a/g", "g.": "http://a/b/c/g.",
                "g/../h": "http://a/b/c/h", "g;x=1/../y": "http://a/b/c/y", "g?y/../x": "http://a/b/c/g?y/../x"}
    for relative, expected in examples.items():
        assert resolve(relative, base) == expected == _oxigraph_value("", f"<{relative}>", base), relative


@pytest.mark.parametrize(("text", "update"), [
    ("BASE <http://127.0.0.1:9/a/> SELECT * { SERVICE <../sparql> { } }", False),
    ("BASE <http://e/> BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> { } }", False),
    ("PREFIX t: <http://127.0.0.1:9/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD t:sparql", True),
    ("BASE <http://127.0.0.1:9/x/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; CLEAR ALL ; LOAD <../sparql>", True),
])
def test_a_base_or_prefix_holds_for_what_follows_it(text, update):
    assert _oxigraph_reads(text, update)
    refs = references(text, update=update, base="http://example.org/")
    assert (refs.loads if update else refs.services) == [TRAP]


def test_declarations_after_a_semicolon_in_an_update_accumulate():
    """Oxigraph (0.5) takes declarations only at the start of an update and refuses these; a reader that takes them
    after each ';' as well, in order, names what an Oxigraph that accepts them would call."""
    for update in ("PREFIX t: <http://e/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; PREFIX t: <http://127.0.0.1:9/> "
                   "LOAD t:sparql",
                   "BASE <http://e/> INSERT DATA { <urn:a> <urn:b> <urn:c> } ; BASE <http://127.0.0.1:9/> "
                   "LOAD <sparql>",
                   "BASE <http://127.0.0.1:9/a/> CLEAR ALL ; BASE <../> LOAD <sparql>"):
        assert references(update, update=True, base="http://example.org/").loads == [TRAP]


@pytest.mark.parametrize(("text", "expected"), [
    # Oxigraph tries SILENT (NAMED) first and takes the name whole when that fails: a reading stands only where its
    # prefix is declared
    ("PREFIX t: <http://127.0.0.1:9/> SELECT * { SERVICE SILENTt:sparql { } }", References(services=[TRAP])),
    ("PREFIX SILENTt: <http://127.0.0.1:9/> SELECT * { SERVICE SILENTt:sparql { } }", References(services=[TRAP])),
    ("PREFIX : <http://127.0.0.1:9/> SELECT * FROM NAMED:sparql { }", References(named_graphs=[TRAP])),
    ("PREFIX NAMED: <http://127.0.0.1:9/> SELECT * FROM NAMED:sparql { }", References(default_graphs=[TRAP])),
])
def test_a_modifier_glued_to_a_name_is_read_as_oxigraph_reads_it(text, expected):
    import pyoxigraph as ox

    assert references(text) == expected
    if expected.services:
        assert _oxigraph_reads(text) and not _oxigraph_reads(text.replace("SERVICE", "SERVICX"))
        return
    store = ox.Store()  # one quad in the graph TRAP: a FROM NAMED of it shows in GRAPH ?g, a FROM in the default graph
    store.add(ox.Quad(ox.NamedNode(TRAP), ox.NamedNode(TRAP), ox.NamedNode(TRAP), ox.NamedNode(TRAP)))
    pattern = "{ GRAPH ?x { ?s ?p ?o } }" if expected.named_graphs else "{ ?x ?p ?o }"
    assert [solution["x"].value for solution in store.query(text.replace("*", "?x").replace("{ }", pattern))] == [TRAP]


def test_a_modifier_glued_to_a_name_that_reads_both_ways_is_refused():
    text = "PREFIX t: <http://e/> PREFIX SILENTt: <http://127.0.0.1:9/> SELECT * { SERVICE SILENTt:sparql { } }"
    with pytest.raises(Unparsable, match="'SILENTt:sparql' at offset 79 may be SILENT and a prefixed name"):
        references(text)


def test_a_language_tag_holding_a_keyword_names_nothing():
    """Oxigraph reads a language tag whole ("fr-x-service" is a private-use subtag); rdflib used to settle these."""
    text = "SELECT * FROM <http://g/> { ?s ?p 'x'@fr-x-service , \"y\" @en-from }"
    assert _oxigraph_reads(text)
    assert references(text) == References(default_graphs=["http://g/"])
    for spaced in ("SELECT * FROM <http://g/> { ?s ?p 'x'@ fr-x-service }",  # no tag: "@" and a word
                   "SELECT * FROM <http://g/> { ?s ?p 'x'@fr-x.SERVICE <http://x/> { } }"):  # the tag ends at "."
        with pytest.raises(Unparsable, match="holds a keyword inside a longer word"):
            references(spaced)
