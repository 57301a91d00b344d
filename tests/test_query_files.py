"""The SPARQL the pages and exports run lives in api/queries/*.rq: every file parses, every file is used, and
``fill`` writes values safely and refuses a missing one."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pyoxigraph as ox
import pytest

from api import query_files
from api.terms import PREFIX_LINES, Term

API = Path(query_files.__file__).parent
INTEGER_PLACEHOLDERS = {"limit", "blank_limit", "incoming_limit", "candidates"}  # filled with a number, not a term
EXAMPLE = Term("uri", "https://w3id.org/unkg/example")


def placeholders(text: str) -> set[str]:
    return {m.group("named") or m.group("braced") for m in string.Template.pattern.finditer(text)
            if m.group("named") or m.group("braced")}


def example_values(name: str) -> dict:
    return {p: (3 if p in INTEGER_PLACEHOLDERS else EXAMPLE) for p in placeholders(query_files.load(name))}


def test_there_are_queries():
    assert len(query_files.names()) >= 7


@pytest.mark.parametrize("name", query_files.names())
def test_query_parses_and_runs(name):
    text = query_files.fill(name, **example_values(name))
    assert text.lstrip().startswith("#"), f"{name}.rq should start with a comment saying what it answers"
    ox.Store().query(text)  # on its own, with the PREFIX lines it declares
    ox.Store().query(PREFIX_LINES + text)  # as api.terms.rows sends it


@pytest.mark.parametrize("name", query_files.names())
def test_query_is_used(name):
    sources = "".join(path.read_text(encoding="utf-8") for path in API.glob("*.py"))
    called = {quoted for args in re.findall(r"query_files\.(?:load|fill)\(([^)]*)", sources)
              for quoted in re.findall(r"""["']([\w-]+)["']""", args)}
    assert name in called, f"no module in api/ loads or fills {name}.rq"


def test_fill_refuses_a_missing_value():
    name = next(n for n in query_files.names() if placeholders(query_files.load(n)))
    with pytest.raises(KeyError):
        query_files.fill(name)


def test_fill_writes_values_safely():
    name = "resource_outgoing"
    with pytest.raises(ValueError):
        query_files.fill(name, resource=Term("uri", "https://w3id.org/unkg/x> } DROP ALL {"))
    with pytest.raises(TypeError):
        query_files.fill(name, resource="<https://w3id.org/unkg/x>")  # a plain string says nothing of its kind
    filled = query_files.fill(name, resource=EXAMPLE)
    assert "<https://w3id.org/unkg/example>" in filled and "$" not in filled


def test_literals_are_escaped():
    assert query_files.sparql_value(Term("literal", 'say "hi"', lang="en")) == '"say \\"hi\\""@en'
    assert query_files.sparql_value(7) == "7"
    assert query_files.sparql_value([EXAMPLE, EXAMPLE]) == " ".join(["<https://w3id.org/unkg/example>"] * 2)


def test_a_descriptions_rdf_reaches_blank_nodes_as_its_page_does():
    """resource_description.rq (the RDF a query worker writes) repeats blank_closure.rq's pattern (what a page
    fetches): the two must not drift apart."""
    def closure(text: str) -> str:
        pattern = text.split("FILTER(isBlank(?z1))", 1)[1]
        return " ".join(re.sub(r"#[^\n]*", "", pattern).split())

    page, rdf = query_files.load("blank_closure"), query_files.load("resource_description")
    assert closure(rdf).startswith(closure(page).removesuffix("} LIMIT $limit"))
