"""The competency questions (``tests/cq/NN-name.rq``) answered by a store loaded from data/ as ``unkg load``
loads it, compared with the answers written beside them (``NN-name.expected.csv``).

An expected answer is the SPARQL CSV results format: a header of variable names, then one row per solution with
each term's lexical form (an IRI as itself, a literal without its language tag or datatype, an empty cell for an
unbound variable). Answers are compared as multisets, or in order when the query has ``ORDER BY``. The default
graph is the union of the named graphs, as on the endpoint (``union_default_graph``).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from loader.namespaces import data_base
from loader.pipeline import load_all
from loader.store import open_store

CQ = Path(__file__).resolve().parent / "cq"
QUERIES = sorted(CQ.glob("*.rq"))
NAME = re.compile(r"[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\.rq")
ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "unkg.ttl"


@pytest.fixture(scope="session")
def store(tmp_path_factory) -> ox.Store:
    """data/ loaded once per session into a throwaway store, through the same path as ``unkg load``."""
    opened = open_store(tmp_path_factory.mktemp("cq") / "store")
    load_all(opened, data_base({}))
    return opened


def question(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    asked = []
    for line in lines:
        if not line.startswith("#"):
            break
        if line.lower().startswith("# question:"):
            asked.append(line.split(":", 1)[1].strip())
    return " ".join(asked)


def answer(store: ox.Store, query: str) -> tuple[list[str], list[tuple[str, ...]]]:
    results = store.query(query, use_default_graph_as_union=True)
    names = [variable.value for variable in results.variables]
    rows = [tuple("" if row[name] is None else row[name].value for name in names) for row in results]
    return names, rows


def expected_answer(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    text = path.read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [tuple(row) for row in reader]


def ordered(query: str) -> bool:
    return re.search(r"\bORDER\s+BY\b", query, re.IGNORECASE) is not None


def test_there_are_at_least_25_questions_named_and_asked():
    assert len(QUERIES) >= 25
    for path in QUERIES:
        assert NAME.fullmatch(path.name), path.name
        assert question(path), f"{path.name} does not begin with '# question: ...'"
        assert path.with_suffix(".expected.csv").is_file(), f"{path.name} has no expected answer"
    assert sorted(p.name for p in CQ.iterdir()) == sorted(
        [p.name for p in QUERIES] + [p.with_suffix(".expected.csv").name for p in QUERIES]
    ), "a file in tests/cq/ that is neither a question nor its answer"


def test_every_class_of_the_ontology_is_asked_about():
    """Each class the ontology defines appears in at least one question's query."""
    ontology = ONTOLOGY.read_text(encoding="utf-8")
    classes = set(re.findall(r"^unkg:([A-Z][A-Za-z]+) a owl:Class", ontology, re.MULTILINE))
    assert len(classes) > 20
    queries = "\n".join(path.read_text(encoding="utf-8") for path in QUERIES)
    assert sorted(c for c in classes if f"unkg:{c}" not in queries) == []


def test_questions_use_prefixes_not_full_ontology_iris():
    """The questions are the query page's examples: readable, with the ontology's terms as ``unkg:``."""
    for path in QUERIES:
        body = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("PREFIX")]
        assert not any("https://w3id.org/unkg/ontology#" in line for line in body), path.name


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_question_gets_its_expected_answer(store, path):
    query = path.read_text(encoding="utf-8")
    names, rows = answer(store, query)
    expected_names, expected_rows = expected_answer(path.with_suffix(".expected.csv"))
    assert names == expected_names
    assert rows, "an empty answer proves nothing; ask about something that is there"
    if ordered(query):
        assert rows == expected_rows
    else:
        assert Counter(rows) == Counter(expected_rows)


def test_a_wrong_expectation_is_noticed(store):
    """The comparison itself can fail: a changed cell or a missing row is a difference."""
    path = CQ / "01-agenda-in-order.rq"
    names, rows = answer(store, path.read_text(encoding="utf-8"))
    _, expected = expected_answer(path.with_suffix(".expected.csv"))
    assert rows == expected
    assert rows[:-1] != expected
    assert [rows[1], rows[0], *rows[2:]] != expected
