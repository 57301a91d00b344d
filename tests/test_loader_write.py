"""How the pipeline writes: bulk into an empty store (emptied again if that fails), one transaction for all the graphs
of a load into a store with data; RDF files validated as a whole by the shapes compiled to SPARQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from loader import pipeline
from loader.errors import SourceError, StoreError, ValidationFailed
from loader.manifest import read_manifest
from loader.store import RDF_TYPE, bulk_write, is_empty, open_store, types_of, write_graphs

BASE = "https://w3id.org/unkg/"
UNKG = "https://w3id.org/unkg/ontology#"
P = ox.NamedNode("https://example.org/p")


def triples(n: int, subject: str = "https://example.org/s") -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode(subject), P, ox.Literal(str(i))) for i in range(n)]


def quads(graph: str, n: int, subject: str = "https://example.org/s") -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples(n, subject)]


def graph_of(store: ox.Store, iri: str) -> set[ox.Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}


def test_bulk_write_fills_an_empty_store(tmp_path):
    store = open_store(tmp_path / "store")
    assert is_empty(store)
    bulk_write(store, quads("https://example.org/g1", 3) + quads("https://example.org/g2", 2, "https://x/"))
    assert graph_of(store, "https://example.org/g1") == set(triples(3))
    assert graph_of(store, "https://example.org/g2") == set(triples(2, "https://x/"))
    assert not is_empty(store)


class BulkLoaderThatFailsPartway:
    """An Oxigraph store whose bulk loader writes (and commits) the first quads it is given, then fails, as the real
    one can partway through (a full disk): it is not transactional, so what it wrote stays unless it is cleared."""

    def __init__(self, store: ox.Store, written: int):
        self.store, self.written = store, written

    def bulk_extend(self, quads_) -> None:
        self.store.bulk_extend(list(quads_)[: self.written])
        raise OSError("No space left on device")

    def __getattr__(self, name):
        return getattr(self.store, name)


def test_bulk_write_that_fails_leaves_the_store_empty(tmp_path):
    store = open_store(tmp_path / "store")
    failing = BulkLoaderThatFailsPartway(store, written=5)
    with pytest.raises(OSError, match="No space left"):
        bulk_write(failing, quads("https://example.org/g", 10))
    assert is_empty(store), "the quads the bulk loader wrote before it failed are kept"


def test_a_graph_name_that_is_not_an_iri_is_refused_before_anything_is_written(tmp_path):
    store = open_store(tmp_path / "store")
    write_graphs(store, {"https://example.org/g1": quads("https://example.org/g1", 1)})
    with pytest.raises(StoreError, match="not a graph IRI"):
        write_graphs(store, {"https://example.org/g1": [], "not an iri": []})
    assert graph_of(store, "https://example.org/g1") == set(triples(1))


def test_write_graphs_replaces_only_its_graphs(tmp_path):
    store = open_store(tmp_path / "store")
    write_graphs(store, {"https://example.org/g1": quads("https://example.org/g1", 3)})
    write_graphs(store, {"https://example.org/g2": quads("https://example.org/g2", 1)})
    write_graphs(store, {"https://example.org/g1": quads("https://example.org/g1", 1, "https://other/"),
                         "https://example.org/g3": quads("https://example.org/g3", 2)})
    assert graph_of(store, "https://example.org/g1") == set(triples(1, "https://other/"))
    assert graph_of(store, "https://example.org/g2") == set(triples(1))
    assert graph_of(store, "https://example.org/g3") == set(triples(2))


def test_a_load_interrupted_while_it_writes_a_store_with_data_changes_nothing(tmp_path, monkeypatch):
    """The graphs of one load are replaced in one transaction: a Ctrl-C (or any failure) before it commits leaves
    every graph as it was, where one transaction per graph left the first ones replaced."""
    from loader import store as store_module

    store = open_store(tmp_path / "store")
    bulk_write(store, quads("https://example.org/g1", 2) + quads("https://example.org/g2", 2))
    serialize, calls = store_module.quads_to_ntriples, []

    def interrupted_at_the_second_graph(triples_):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return serialize(triples_)

    monkeypatch.setattr(store_module, "quads_to_ntriples", interrupted_at_the_second_graph)
    new = {g: quads(g, 1, "https://other/") for g in ("https://example.org/g1", "https://example.org/g2")}
    with pytest.raises(KeyboardInterrupt):
        pipeline.write(store, [pipeline.Planned("x", g, q, None) for g, q in new.items()])
    assert graph_of(store, "https://example.org/g1") == graph_of(store, "https://example.org/g2") == set(triples(2))


def test_a_blank_node_linking_two_graphs_of_a_file_stays_one_node_when_the_file_is_loaded_again(tmp_path):
    store = open_store(tmp_path / "store")
    bulk_write(store, quads("https://example.org/other", 1))
    path = tmp_path / "shared.trig"
    path.write_text("@prefix ex: <http://example.org/> .\nex:g1 { ex:a ex:p _:x . }\nex:g2 { _:x ex:q \"hello\" . }\n",
                    encoding="utf-8")
    linked = ("SELECT ?v WHERE { GRAPH <http://example.org/g1> { <http://example.org/a> <http://example.org/p> ?x } "
              "GRAPH <http://example.org/g2> { ?x <http://example.org/q> ?v } }")
    for _ in range(2):  # added, then replaced
        pipeline.write(store, pipeline.plan_rdf_file(store, path, BASE, None))
        assert [row["v"].value for row in store.query(linked)] == ["hello"]


def _meeting_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "data.trig"
    path.write_text(
        "@prefix unkg: <https://w3id.org/unkg/ontology#> .\n"
        "<https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 . }\n" + extra,
        encoding="utf-8")
    return path


def test_rdf_file_goes_in_by_bulk_into_an_empty_store_and_by_transaction_after(tmp_path):
    store = open_store(tmp_path / "store")
    first = _meeting_file(tmp_path)
    assert pipeline.write(store, pipeline.plan_rdf_file(store, first, BASE, None)) == 1
    assert len(graph_of(store, "https://example.org/g")) == 1
    second = tmp_path / "more.ttl"
    second.write_text("<https://example.org/b> <https://example.org/p> 2 .\n", encoding="utf-8")
    pipeline.write(store, pipeline.plan_rdf_file(store, second, BASE, "https://example.org/g2"))
    assert len(graph_of(store, "https://example.org/g")) == 1
    assert len(graph_of(store, "https://example.org/g2")) == 1


def test_rdf_file_is_validated_as_a_whole_by_the_compiled_shapes(tmp_path):
    store = open_store(tmp_path / "store")
    bad = _meeting_file(tmp_path, "<https://example.org/g2> { <https://example.org/m/1> a unkg:Meeting . }\n")
    with pytest.raises(ValidationFailed) as raised:
        pipeline.plan_rdf_file(store, bad, BASE, None)
    focus = {f.focus for f in raised.value.report.violations}
    assert focus == {"https://example.org/m/1"}
    assert is_empty(store)


def test_a_graph_named_by_a_blank_node_is_refused(tmp_path):
    store = open_store(tmp_path / "store")
    path = tmp_path / "blank.trig"
    path.write_text("_:g { <https://example.org/a> <https://example.org/p> 1 . }\n", encoding="utf-8")
    with pytest.raises(SourceError, match="blank node"):
        pipeline.plan_rdf_file(store, path, BASE, None)


def test_blank_nodes_of_two_files_stay_apart_and_those_of_one_file_stay_together(tmp_path):
    store = open_store(tmp_path / "store")
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    for name in ("a", "b"):  # both files call their node _:b0, as N-Triples writers do
        path = tmp_path / f"{name}.nt"
        path.write_text(f'_:b0 {label} "from {name}" .\n_:b0 <https://example.org/p> _:b1 .\n'
                        f'_:b1 {label} "inner {name}" .\n', encoding="utf-8")
        pipeline.write(store, pipeline.plan_rdf_file(store, path, BASE, f"https://example.org/{name}"))
    rows = {(r["g"].value, r["l"].value): r["x"] for r in store.query(
        "SELECT ?g ?l ?x WHERE { GRAPH ?g { ?x <https://example.org/p> ?y . ?y ?p ?l } }")}
    assert set(rows) == {("https://example.org/a", "inner a"), ("https://example.org/b", "inner b")}
    assert rows["https://example.org/a", "inner a"] != rows["https://example.org/b", "inner b"]
    assert not list(store.query(f'SELECT * WHERE {{ ?x {label} "from a" , "from b" }}',
                                use_default_graph_as_union=True))


def test_files_planned_for_one_graph_fill_it_together_in_an_empty_store_and_in_one_with_data(tmp_path):
    same = []
    for folder in ("d1", "d2"):  # two files of the same name: both go to graph file/same.ttl
        (tmp_path / folder).mkdir()
        same.append(tmp_path / folder / "same.ttl")
        same[-1].write_text(f'<https://example.org/{folder}> <https://example.org/p> "from {folder}" .\n',
                            encoding="utf-8")
    graph = BASE + "graph/file/same.ttl"
    empty, used = open_store(tmp_path / "empty"), open_store(tmp_path / "used")
    bulk_write(used, quads("https://example.org/other", 1))
    for store in (empty, used):
        planned = [item for path in same for item in pipeline.plan_rdf_file(store, path, BASE, None)]
        assert pipeline.write(store, planned) == 1
        assert {t.object.value for t in graph_of(store, graph)} == {"from d1", "from d2"}


def test_a_source_is_rebuilt_when_its_manifest_entry_changes_not_only_its_file(tmp_path):
    entries = read_manifest()
    store = open_store(tmp_path / "store")
    pipeline.write(store, pipeline.plan_sources(store, entries, BASE))
    assert [item.skipped for item in pipeline.plan_sources(store, entries, BASE)] == [True] * len(entries)
    last = [*entries[:-1], replace(entries[-1], facts={**entries[-1].facts, "comment": "edited"})]
    rebuilt = [not item.skipped for item in pipeline.plan_sources(store, last, BASE)]
    assert rebuilt == [False] * (len(entries) - 1) + [True]
    # a source after one that changed is rebuilt too, and validated again: it may cite what changed
    first = [replace(entries[0], facts={**entries[0].facts, "comment": "edited"}), *entries[1:]]
    rebuilt = [not item.skipped for item in pipeline.plan_sources(store, first, BASE)]
    assert rebuilt == [True] * len(entries)


def test_a_shorter_treaty_cannot_leave_the_agenda_citing_articles_that_are_gone(tmp_path):
    """The agenda cites UNTOC art. 27: a treaty text cut before it is refused into a store that holds the whole
    treaty, as it is into an empty store (the old treaty graph, which this load replaces, is no evidence)."""
    entries = read_manifest()
    treaty = next(e for e in entries if e.genre == "treaty")
    text = treaty.path.read_text(encoding="utf-8")
    short = tmp_path / "UNTOC.en.md"
    short.write_text(text[:text.index("### Article  27")], encoding="utf-8")
    cut = [replace(e, path=short) if e is treaty else e for e in entries]
    full = open_store(tmp_path / "full")
    pipeline.write(full, pipeline.plan_sources(full, entries, BASE))
    for store in (open_store(tmp_path / "empty"), full):
        with pytest.raises(ValidationFailed, match="does not conform") as refused:
            pipeline.plan_sources(store, cut, BASE)
        assert "000_53ef33334a0e60d7.txt" in str(refused.value.path)  # the agenda, citing what is gone


PLACE = "<https://example.org/place> "
PLACE_TYPED = PLACE + "a <https://w3id.org/unkg/ontology#Place> ; "
NAME = "<http://www.w3.org/2004/02/skos/core#prefLabel> "


def load_text(store: ox.Store, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    pipeline.write(store, pipeline.plan_rdf_file(store, path, BASE, None))


def test_a_file_adding_to_a_resource_described_elsewhere_is_validated_with_all_of_it(tmp_path):
    store = open_store(tmp_path / "store")
    load_text(store, tmp_path / "a.ttl", PLACE_TYPED + NAME + '"Wien"@de .\n')
    with pytest.raises(ValidationFailed) as refused:  # no type in the file: the store's says it is a place
        load_text(store, tmp_path / "b.ttl", PLACE + NAME + '"Vienna"@de .\n')
    assert {f.component for f in refused.value.report.violations} == {"UniqueLangConstraintComponent"}
    load_text(store, tmp_path / "c.ttl", PLACE + NAME + '"Vienna"@en .\n')  # another language: fine
    load_text(store, tmp_path / "a.ttl", PLACE_TYPED + NAME + '"Wien (Stadt)"@de .\n')  # a.ttl's old name goes
    names = {q.object.value for q in store.quads_for_pattern(ox.NamedNode("https://example.org/place"), None, None)
             if q.predicate.value.endswith("prefLabel")}
    assert names == {"Wien (Stadt)", "Vienna"}


def test_adding_to_the_bundled_meeting_and_agenda_is_checked_without_false_alarms(tmp_path):
    store = open_store(tmp_path / "store")
    pipeline.load_all(store, BASE)
    meeting, agenda = (next(iter(store.query(f"SELECT ?x WHERE {{ GRAPH ?g {{ ?x a <{UNKG}{kind}> }} }}")))["x"]
                       for kind in ("Meeting", "Agenda"))
    comment = "<http://www.w3.org/2000/01/rdf-schema#comment>"
    load_text(store, tmp_path / "notes.ttl", f'{meeting} {comment} "noted" .\n{agenda} {comment} "noted" .\n')
    with pytest.raises(ValidationFailed) as refused:
        load_text(store, tmp_path / "number.ttl", f'{meeting} <{UNKG}meetingNumber> "not a number" .\n')
    assert {f.focus for f in refused.value.report.violations} == {meeting.value}


AGENDA = "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14/agenda"


def item_text(iri: str, number: str, listed: bool) -> str:
    """An item numbered ``number`` put into the bundled agenda by its unkg:inAgenda (and ``listed`` by the agenda)."""
    text = (f'<{iri}> a <{UNKG}AgendaItem> ; <http://www.w3.org/2004/02/skos/core#notation> "{number}" ;\n'
            f'  <http://data.europa.eu/eli/eli-draft-legislation-ontology#activity_order> {number}.5 ;\n'
            f'  <{UNKG}title> "Other matters"@en ; <{UNKG}inAgenda> <{AGENDA}> ;\n'
            '  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L26> .\n')
    listing = f"<{AGENDA}> <http://data.europa.eu/eli/eli-draft-legislation-ontology#consists_of> <{iri}> .\n"
    return text + (listing if listed else "")


def test_an_item_put_into_a_stored_agenda_is_checked_against_the_items_in_it(tmp_path):
    """The agenda's shape compares its items' numbers: an item the file only links into a stored agenda is
    checked with the items the store gives it, and with those the same load puts in before, the finding the
    agenda's (as when one file holds all), naming the item."""
    store = open_store(tmp_path / "store")
    pipeline.load_all(store, BASE)
    before = len(store)
    with pytest.raises(ValidationFailed) as refused:
        load_text(store, tmp_path / "second-2.ttl", item_text("https://example.org/item", "2", listed=False))
    found = {(f.focus, f.shape, f.value) for f in refused.value.report.violations}
    assert found == {(AGENDA, "https://w3id.org/unkg/shapes#AgendaShape", "2"),  # two items numbered 2
                     (AGENDA, "https://w3id.org/unkg/shapes#AgendaShape", "https://example.org/item")}  # unlisted
    assert any("https://example.org/item and " in f.message for f in refused.value.report.violations)
    assert len(store) == before
    sixth = tmp_path / "sixth.ttl"
    sixth.write_text(item_text("https://example.org/sixth", "6", listed=True), encoding="utf-8")
    other = tmp_path / "other-6.ttl"
    other.write_text(item_text("https://example.org/other", "6", listed=False), encoding="utf-8")
    earlier = pipeline.plan_rdf_file(store, sixth, BASE, None)
    with pytest.raises(ValidationFailed) as refused:  # a 6 the same load puts in before
        pipeline.plan_rdf_file(store, other, BASE, None, earlier=earlier)
    assert (AGENDA, "6") in {(f.focus, f.value) for f in refused.value.report.violations}
    pipeline.write(store, earlier)
    assert len(store) > before


def test_what_the_store_held_wrong_before_is_not_blamed_on_a_file_that_touches_its_agenda(tmp_path):
    """A store loaded before items were checked against their agenda may hold two items numbered 2. A file that
    adds a remark to item 3 links into that agenda too, and was refused for the stored pair, which it does not name;
    a file that adds a third item 2 is still refused, naming it."""
    store = open_store(tmp_path / "store")
    pipeline.load_all(store, BASE)
    old = tmp_path / "old.nt"  # as an unchecked load once wrote it
    old.write_text(item_text("https://example.org/old", "2", listed=True), encoding="utf-8")
    store.load(path=str(old), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/graph/old"))
    load_text(store, tmp_path / "remark.ttl",
              f'<{AGENDA}/item/3> <http://www.w3.org/2000/01/rdf-schema#comment> "a remark" .\n')
    with pytest.raises(ValidationFailed) as refused:
        load_text(store, tmp_path / "third-2.ttl", item_text("https://example.org/third", "2", listed=True))
    assert any("https://example.org/third" in f.message for f in refused.value.report.violations)


def meeting_text(start: str, end: str) -> str:
    """A meeting of the bundled working group, new to the store, held from ``start`` to ``end``."""
    return (f'<https://example.org/meeting> a <{UNKG}Meeting> ; <{UNKG}meetingNumber> 99 ;\n'
            f'  <{UNKG}ofBody> <https://w3id.org/unkg/body/CTOC-COP/WG.3> ;\n'
            f'  <{ELI_DL}activity_start_date> "{start}"^^<{XSD_DATE}> ;\n'
            f'  <{ELI_DL}activity_end_date> "{end}"^^<{XSD_DATE}> ;\n'
            '  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L14> .\n')


def slot_text(day: str) -> str:
    """A time slot of that meeting on ``day``."""
    return (f'<https://example.org/slot> a <{UNKG}TimeSlot> ; <{UNKG}slotOf> <https://example.org/meeting> ;\n'
            f'  <{ELI_DL}activity_date> "{day}"^^<{XSD_DATE}> ;\n'
            f'  <{UNKG}startTime> "{day}T10:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;\n'
            f'  <{UNKG}endTime> "{day}T13:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;\n'
            '  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L94> .\n')


ELI_DL = "http://data.europa.eu/eli/eli-draft-legislation-ontology#"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def test_a_slot_of_a_stored_meeting_is_checked_against_the_dates_the_meeting_will_have(tmp_path):
    """TimeSlot-withinMeetingDates reads the dates of the slot's meeting: a file holding only the slot is checked
    against those the store gives the meeting, and, in one load, against those an earlier file gives it (the
    store's, in the graph that load replaces, no longer count). The finding is the slot's, the only one."""
    store = open_store(tmp_path / "store")
    pipeline.load_all(store, BASE)
    meeting, slot = tmp_path / "meeting.ttl", tmp_path / "slot.ttl"
    load_text(store, meeting, meeting_text("2023-09-11", "2023-09-12"))
    before = len(store)
    with pytest.raises(ValidationFailed) as refused:
        load_text(store, slot, slot_text("2030-09-13"))
    assert [(f.focus, f.shape, f.value) for f in refused.value.report.findings] == [
        ("https://example.org/slot", "https://w3id.org/unkg/shapes#TimeSlotShape", "2030-09-13")]
    assert len(store) == before
    meeting.write_text(meeting_text("2030-09-13", "2030-09-14"), encoding="utf-8")  # the meeting moved
    earlier = pipeline.plan_rdf_file(store, meeting, BASE, None)
    slot.write_text(slot_text("2023-09-12"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        pipeline.plan_rdf_file(store, slot, BASE, None, earlier=earlier)
    assert {f.value for f in refused.value.report.violations} == {"2023-09-12"}
    slot.write_text(slot_text("2030-09-13"), encoding="utf-8")
    pipeline.write(store, [*earlier, *pipeline.plan_rdf_file(store, slot, BASE, None, earlier=earlier)])
    assert len(store) > before


def undated_meeting_text() -> str:
    """A meeting of the bundled working group, new to the store, without dates of its own."""
    return (f'<https://example.org/meeting> a <{UNKG}Meeting> ; <{UNKG}meetingNumber> 99 ;\n'
            f'  <{UNKG}ofBody> <https://w3id.org/unkg/body/CTOC-COP/WG.3> ;\n'
            '  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L72> .\n')


def test_a_file_typing_a_meeting_is_dated_by_the_event_an_earlier_file_makes_it_part_of(tmp_path):
    """Meeting-hasStartDate accepts the start date of an event the meeting is part of (``?event schema:subEvent
    $this``): a file restating the meeting, typed, without dates, is checked with the event that links into it,
    here one the same load planned before it; without that event, it is refused."""
    store = open_store(tmp_path / "store")
    pipeline.load_all(store, BASE)
    event, meeting = tmp_path / "event.ttl", tmp_path / "meeting.ttl"
    event.write_text(undated_meeting_text() + (
        f'<https://example.org/event> a <{UNKG}Event> ; <https://schema.org/subEvent> <https://example.org/meeting> ;\n'
        f'  <{ELI_DL}activity_start_date> "2030-05-23"^^<{XSD_DATE}> ;\n'
        f'  <{ELI_DL}activity_end_date> "2030-05-27"^^<{XSD_DATE}> ;\n'
        '  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L72> .\n'),
        encoding="utf-8")
    meeting.write_text(undated_meeting_text(), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        pipeline.plan_rdf_file(store, meeting, BASE, None)
    assert [(f.focus, f.path) for f in refused.value.report.violations] == [
        ("https://example.org/meeting", f"{ELI_DL}activity_start_date")]
    earlier = pipeline.plan_rdf_file(store, event, BASE, None)
    planned = pipeline.plan_rdf_file(store, meeting, BASE, None, earlier=earlier)
    assert planned[0].report.conforms
    pipeline.write(store, [*earlier, *planned])
    assert pipeline.plan_rdf_file(store, meeting, BASE, None)[0].report.conforms  # and with the event stored


def test_types_of_gives_each_class_of_a_resource_once_across_graphs(tmp_path):
    store = open_store(tmp_path / "store")
    a, b, c1, c2 = (ox.NamedNode(f"https://example.org/{n}") for n in ("a", "b", "C1", "C2"))
    for graph in ("https://example.org/g1", "https://example.org/g2"):
        store.extend([ox.Quad(a, RDF_TYPE, c1, ox.NamedNode(graph)), ox.Quad(a, RDF_TYPE, c2, ox.NamedNode(graph))])
    assert types_of(store, [a, b]) == [(a, c1), (a, c2)]


def test_a_document_is_checked_against_the_types_the_store_gives_what_it_cites(tmp_path):
    """A generated meeting document cites UNTOC provisions (sh:class unkg:Provision); only the store says what they
    are, so it conforms in a store holding UNTOC and not in an empty one."""
    from bench.generate import DEFAULT_BASE, instrument_quads, meeting_document

    document = tmp_path / "meeting.nq"
    document.write_text(meeting_document(0, 0, DEFAULT_BASE).text(), encoding="utf-8")
    empty = open_store(tmp_path / "empty")
    with pytest.raises(ValidationFailed) as raised:
        pipeline.plan_rdf_file(empty, document, DEFAULT_BASE, None, force=True)
    components = {f.component for f in raised.value.report.violations}  # the class, alone or in an sh:or
    assert "ClassConstraintComponent" in components <= {"ClassConstraintComponent", "OrConstraintComponent"}
    store = open_store(tmp_path / "store")
    store.load(instrument_quads(DEFAULT_BASE).encode(), format=ox.RdfFormat.N_QUADS)
    planned = pipeline.plan_rdf_file(store, document, DEFAULT_BASE, None, force=True)
    assert planned[0].report.conforms
