"""A Graph Store upload is validated against the shapes as ``unkg load`` of the same triples into that graph is:
on a live server with updates allowed over the bundled data, PUT and POST bodies that do not conform are refused
(400, the findings in ``unkg validate``'s words) with nothing written; conforming ones, with warnings or not, are
stored."""

from __future__ import annotations

import gc
import re

import httpx
import pyoxigraph as ox
import pytest
from conftest import live_server, settings_for

GRAPH = "http://example.org/shapes/graph"
OTHER = "http://example.org/shapes/other"
PREFIXES = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix eli-dl: <http://data.europa.eu/eli/eli-draft-legislation-ontology#> .
@prefix schema: <https://schema.org/> .
"""
WG3 = "https://w3id.org/unkg/body/CTOC-COP/WG.3"  # a body of the bundled data, whose meeting 14 is stored
PASSAGE = "https://w3id.org/unkg/doc/CTOC/COP/WG.3/2023/1/zho/L34"  # a source passage it is read from
# a meeting typed with no body, number, date or source, and an unkg term the ontology does not define
NOT_CONFORMING = PREFIXES + '<http://example.org/m> a unkg:Meeting ; unkg:nosuchterm "x" .\n'


def meeting(number: int, body: str = WG3, *, dated_and_placed: bool = True) -> str:
    """A meeting of ``body`` the shapes take; without its end date and place only warned about."""
    more = ('; eli-dl:activity_end_date "2030-01-02"^^xsd:date ; schema:location <https://w3id.org/unkg/place/vienna> '
            '; skos:prefLabel "A meeting"@en ; <http://www.w3.org/2000/01/rdf-schema#label> "A meeting"@en'
            if dated_and_placed else "")
    return (PREFIXES + f'<http://example.org/meeting/m> a unkg:Meeting ; unkg:ofBody <{body}> ; '
            f'unkg:meetingNumber {number} ; eli-dl:activity_start_date "2030-01-01"^^xsd:date ; '
            f"prov:wasDerivedFrom <{PASSAGE}> {more} .\n")


A_BODY = PREFIXES + '<http://example.org/body/b> a unkg:Body ; skos:prefLabel "A body"@en .\n'
TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_store):
    """A server with updates allowed over a copy of the bundled data (``real_store``)."""
    path = tmp_path_factory.mktemp("graph-store-shapes") / "store"
    store = ox.Store(str(path))
    store.load(real_store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()
    with live_server(settings_for(path, allow_update=True)) as served:
        yield served


@pytest.fixture
def store_url(server):
    url = server.origin + "/rdf-graphs/service"
    yield url
    for graph in (GRAPH, OTHER):
        httpx.delete(url, params={"graph": graph})


def everything(server) -> str:
    """Every quad the server's store holds, as sorted N-Quads text."""
    response = httpx.get(server.sparql, params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION "
                                                         "{ GRAPH ?g { ?s ?p ?o } } }"},
                         headers={"Accept": "application/n-triples"})
    quads = [f"{q.subject} {q.predicate} {q.object}" for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
    graphs = httpx.get(server.sparql, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    return "\n".join(sorted(quads) + sorted(row["g"]["value"] for row in graphs["results"]["bindings"]))


def refused_by_load(real_store, tmp_path, turtle: str, graph: str) -> list[str]:
    """The findings ``unkg load --graph GRAPH`` of ``turtle`` reports against the bundled data, as the lines
    ``unkg validate`` prints (the file named "body", as an upload's findings are), less the line each names in the
    file: the writer validates the body's triples, not its text, and an upload's findings name no line."""
    from loader.errors import ValidationFailed
    from loader.pipeline import plan_rdf_file
    from loader.validate import as_text

    path = tmp_path / "body.ttl"
    path.write_text(turtle, encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        plan_rdf_file(real_store, path, "https://w3id.org/unkg/", graph)
    return [re.sub(r"^body:\d+: ", "body: ", line) for line in as_text({"body": refused.value.report}).splitlines()]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_body_that_does_not_conform_is_refused_with_the_findings_and_nothing_written(
        server, store_url, real_store, tmp_path, method):
    """A meeting with no body, number, date or source, using an unkg term the ontology does not define: `unkg load`
    refuses it (exit 1, findings); uploaded, it was stored (201). Now 400 with the loader's findings, line for
    line, and the store exactly as it was: no graph made, and a graph the write was for keeps its triples."""
    expected = refused_by_load(real_store, tmp_path, NOT_CONFORMING, GRAPH)
    assert any("nosuchterm" in line for line in expected) and any("ofBody" in line for line in expected)
    before = everything(server)
    response = httpx.request(method, store_url, params={"graph": GRAPH}, content=NOT_CONFORMING, headers=TURTLE)
    assert response.status_code == 400, response.text
    assert response.text.startswith("the body does not conform to the shapes (5 violations)"), response.text
    assert "nothing was written" in response.text
    assert response.text.splitlines()[1:] == expected
    assert everything(server) == before
    assert httpx.get(store_url, params={"graph": GRAPH}).status_code == 404, "a refused body made a graph"

    assert httpx.put(store_url, params={"graph": GRAPH}, content=A_BODY, headers=TURTLE).status_code == 201
    kept = everything(server)
    again = httpx.request(method, store_url, params={"graph": GRAPH}, content=NOT_CONFORMING, headers=TURTLE)
    assert again.status_code == 400 and "nosuchterm" in again.text, again.text
    assert everything(server) == kept, f"a refused {method} changed the graph"


def test_the_default_graph_is_validated_too(server, store_url):
    before = everything(server)
    for method in ("PUT", "POST"):
        response = httpx.request(method, store_url, params={"default": ""}, content=NOT_CONFORMING, headers=TURTLE)
        assert response.status_code == 400 and "nosuchterm" in response.text, response.text
    assert everything(server) == before


def test_a_body_that_conforms_is_stored(server, store_url):
    created = httpx.put(store_url, params={"graph": GRAPH}, content=meeting(99), headers=TURTLE)
    assert created.status_code == 201, created.text
    stored = httpx.get(store_url, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert "<http://example.org/meeting/m> <https://w3id.org/unkg/ontology#meetingNumber> " \
           '"99"^^<http://www.w3.org/2001/XMLSchema#integer>' in stored.text


def test_a_post_is_validated_with_the_triples_its_graph_holds(store_url):
    """A meeting of a body typed only in the graph it is added to: refused while no graph types the body, stored
    once the graph does (POST: the graph's triples count as stored, as for a load of it beside them). Put in place
    of that graph (PUT), it would take the body's type away from the meeting: refused, as `unkg load --graph`
    refuses it (it removes what something links to), the graph kept."""
    of_b = meeting(1, "http://example.org/body/b")
    alone = httpx.post(store_url, params={"graph": GRAPH}, content=of_b, headers=TURTLE)
    assert alone.status_code == 400 and "(unkg:ofBody a unkg:Body)" in alone.text, alone.text
    assert httpx.put(store_url, params={"graph": GRAPH}, content=A_BODY, headers=TURTLE).status_code == 201
    added = httpx.post(store_url, params={"graph": GRAPH}, content=of_b, headers=TURTLE)
    assert added.status_code == 204, added.text
    stored = httpx.get(store_url, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    assert "<http://example.org/body/b>" in stored and "<http://example.org/meeting/m>" in stored

    httpx.put(store_url, params={"graph": GRAPH}, content=A_BODY, headers=TURTLE)
    replaced = httpx.put(store_url, params={"graph": GRAPH}, content=of_b, headers=TURTLE)
    assert replaced.status_code == 400, replaced.text
    assert ("<http://example.org/meeting/m> links to <http://example.org/body/b> "
            "(<https://w3id.org/unkg/ontology#ofBody>), which this load removes") in replaced.text
    kept = httpx.get(store_url, params={"graph": GRAPH}, headers={"Accept": "application/n-triples"}).text
    assert "<http://example.org/body/b>" in kept and "<http://example.org/meeting/m>" not in kept


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_body_that_breaks_a_constraint_with_stored_data_is_refused(server, store_url, method):
    """The bundled data holds meeting 14 of the working group WG.3: a second meeting of it numbered 14, in any
    graph, is refused (two meetings of one body with one number), though alone it conforms; numbered 99 it
    is stored."""
    before = everything(server)
    response = httpx.request(method, store_url, params={"graph": OTHER}, content=meeting(14), headers=TURTLE)
    assert response.status_code == 400, response.text
    assert (f"Body {WG3} has two meetings numbered 14: http://example.org/meeting/m and "
            "https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14.") in response.text
    assert everything(server) == before
    stored = httpx.request(method, store_url, params={"graph": OTHER}, content=meeting(99), headers=TURTLE)
    assert stored.status_code == 201, stored.text


def test_warnings_do_not_refuse(store_url, real_store, tmp_path):
    """A meeting with no end date, place or label: the shapes warn (as `unkg load` does, and loads it)."""
    from loader.pipeline import plan_rdf_file

    body = meeting(98, dated_and_placed=False)
    path = tmp_path / "body.ttl"
    path.write_text(body, encoding="utf-8")
    [planned] = plan_rdf_file(real_store, path, "https://w3id.org/unkg/", GRAPH)
    assert planned.report.conforms and len(planned.report.warnings) == 3
    for method in ("PUT", "POST"):
        response = httpx.request(method, store_url, params={"graph": GRAPH}, content=body, headers=TURTLE)
        assert response.status_code in (201, 204), response.text
    assert httpx.get(store_url, params={"graph": GRAPH}).status_code == 200


def test_validation_is_not_refused_by_a_small_memory_limit(tmp_path, real_store):
    """The checks run on a thread per core, whose reserved arenas and stacks the update's memory limit
    (``RLIMIT_DATA``) counts: validated under it, a one-triple upload needed more than 170 MiB of it and every upload
    to a server run with --max-memory 64 got 400 "needed more memory". Validation is limited by time, not by it."""
    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.load(real_store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()
    with live_server(settings_for(path, allow_update=True, max_memory_mib=64)) as served:
        url = served.origin + "/rdf-graphs/service"
        created = httpx.put(url, params={"graph": GRAPH}, content=meeting(99), headers=TURTLE)
        assert created.status_code == 201, created.text
        refused = httpx.put(url, params={"graph": OTHER}, content=NOT_CONFORMING, headers=TURTLE)
        assert refused.status_code == 400 and "nosuchterm" in refused.text, refused.text
