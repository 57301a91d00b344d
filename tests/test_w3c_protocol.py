"""The W3C SPARQL 1.1 Protocol tests, driven by ``tests/w3c/protocol/protocol__manifest.ttl`` against a live server.

Each test is a sequence of HTTP requests (method, path, headers, body in its declared encoding) with the expected
status class, result format and ASK answer. The manifest is read as RDF; nothing is copied from it by hand. Before
each test the W3C data is put back, because the update tests clear the store.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx
import pytest
import rdflib
from conftest import W3C, w3c_graphs
from rdflib import RDF, Namespace
from rdflib.collection import Collection

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
MANIFEST = W3C / "protocol__manifest.ttl"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
TABULAR = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # e.g. {"2", "3"}
    result_format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    title: str
    steps: list[Step] = field(default_factory=list)


def read_manifest() -> list[ProtocolTest]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(entry.split("#")[-1], str(graph.value(entry, MF.name)))
        connection = graph.value(entry, MF.action)
        for request in Collection(graph, graph.value(connection, HT.requests)):
            test.steps.append(_step(graph, request))
        tests.append(test)
    return tests


def _step(graph: rdflib.Graph, request) -> Step:
    headers = {}
    header_list = graph.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    content = graph.value(request, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    response = graph.value(request, HT.resp)
    statuses = {str(code).removeprefix(str(HTS.StatusCode))[0] for code in graph.objects(response, MF.expectedStatus)}
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return Step(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        result_format=str(expected_format) if expected_format is not None else None,
        boolean=expected_boolean.toPython() if expected_boolean is not None else None,
    )


TESTS = read_manifest()


def test_the_manifest_has_all_34_tests():
    assert len(TESTS) == 34
    assert sum(1 for t in TESTS if t.name.startswith("bad_")) == 14


@pytest.fixture
def fresh_data(w3c_server):
    """The W3C data as the tests expect it, whatever the previous test did to the store."""
    inserts = " ".join(f"GRAPH <{g}> {{ {data.decode()} }}" for g, data in w3c_graphs().items())
    response = httpx.post(w3c_server.sparql, content=f"DROP ALL ; INSERT DATA {{ {inserts} }}",
                          headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 204, response.text
    return w3c_server


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(test: ProtocolTest, fresh_data):
    with httpx.Client(base_url=fresh_data.origin, timeout=30) as client:
        for number, step in enumerate(test.steps, start=1):
            # every path starts with /sparql/; this endpoint is /sparql (the manifest says to adapt the prefix)
            assert step.path.startswith("/sparql/"), step.path
            path = "/sparql" + step.path.removeprefix("/sparql/")
            response = client.request(step.method, path, headers=step.headers, content=step.body)
            where = f"{test.title}, request {number}: {step.method} {path} -> {response.status_code} {response.text!r}"
            assert str(response.status_code)[0] in step.statuses, where
            if step.result_format is not None:
                check_result(response, step, where)


def check_result(response: httpx.Response, step: Step, where: str) -> None:
    media_type = response.headers["content-type"].split(";")[0].strip()
    if step.result_format == "boolean":
        assert media_type in ("application/sparql-results+json", "application/sparql-results+xml"), where
        answer = read_boolean(media_type, response.content)
        if step.boolean is not None:
            assert answer is step.boolean, where
    elif step.result_format == "tabular":
        assert media_type in TABULAR, where
        assert json.loads(response.content)["head"]["vars"] == ["value"], where
    elif step.result_format == "RDF":
        assert media_type in RDF_TYPES, where
        rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    else:
        raise AssertionError(f"unknown expected format {step.result_format!r}")


def read_boolean(media_type: str, body: bytes) -> bool:
    if media_type.endswith("json"):
        return json.loads(body)["boolean"]
    text = ET.fromstring(body).find(RESULTS_NS + "boolean").text
    return {"true": True, "false": False}[text]


# ---- the W3C service description tests (tests/w3c/protocol/service-description__manifest.ttl: names only)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SD_MANIFEST = W3C / "service-description__manifest.ttl"
LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}


def _returns_rdf(response: httpx.Response, endpoint: str) -> None:
    assert response.status_code == 200
    media_type = response.headers["content-type"].split(";")[0]
    assert len(rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])) > 0


def _has_endpoint_triple(response: httpx.Response, endpoint: str) -> None:
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert (None, SD.endpoint, rdflib.URIRef(endpoint)) in graph


def _conforms_to_schema(response: httpx.Response, endpoint: str) -> None:
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert all(isinstance(e, rdflib.URIRef) for e in graph.objects(service, SD.endpoint))
    assert set(graph.objects(service, SD.supportedLanguage)) <= LANGUAGES
    assert set(graph.objects(service, SD.feature)) <= FEATURES
    assert all(str(f).startswith("http://www.w3.org/ns/formats/") for f in graph.objects(service, SD.resultFormat))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in graph


SD_CHECKS = {"returns-rdf": _returns_rdf, "has-endpoint-triple": _has_endpoint_triple,
             "conforms-to-schema": _conforms_to_schema}


def _sd_entries() -> list[str]:
    graph = rdflib.Graph().parse(SD_MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [entry.split("#")[-1] for entry in Collection(graph, graph.value(manifest, MF.entries))]


@pytest.mark.parametrize("name", _sd_entries())
def test_service_description(name, w3c_server):
    assert name in SD_CHECKS, f"no check written for the manifest's {name}"
    response = httpx.get(w3c_server.sparql, headers={"Accept": "text/turtle"})
    SD_CHECKS[name](response, w3c_server.sparql)
