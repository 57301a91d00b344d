"""A tiny run of the benchmark harness (not a benchmark): generate a small corpus, check it against shapes/,
serve it with ``unkg serve`` started and stopped by the harness, and check the answers and the bookkeeping.

The real benchmark is ``make bench`` (``python -m bench``); it stays out of ``make test``.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.error
import urllib.request

import psutil
import pyoxigraph as ox
import pytest
from rdflib import Graph

from bench import client, floor, loading, servers
from bench.compare import same_answer
from bench.generate import chinese_number, generate, meeting, meeting_document
from bench.plan import parse_size
from bench.queries import CQ_MIX, queries
from bench.report import targets
from loader.validate import context_graph, graph_type_lookup, validate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """UNTOC plus one meeting document (~6,500 triples), with the store pyoxigraph bulk-loads from it."""
    work = tmp_path_factory.mktemp("bench")
    made = generate(work / "corpus.nq", 1000, seed=7, documents_dir=work / "docs")
    seconds = loading.bulk_load(made.path, work / "store")
    assert seconds > 0
    return made, work


def test_generation_is_deterministic_and_prefix_stable(corpus):
    made, work = corpus
    assert made.documents == 1
    assert meeting_document(0, 7).text() == meeting_document(0, 7).text()
    assert meeting_document(0, 7).text() != meeting_document(0, 8).text()
    again = generate(work / "again.nq", 1000, seed=7)
    assert again.path.read_bytes() == made.path.read_bytes()
    lines = made.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == made.triples
    graphs = {re.search(r"<[^>]+> \.$", line)[0] for line in lines}
    assert len(graphs) == 2  # the UNTOC graph and the meeting's own graph
    assert sorted(p.name for p in (work / "docs").iterdir()) == ["00000-UNTOC.nq", "00001.nq"]


def test_a_generated_document_conforms_to_the_shapes(corpus):
    made, _ = corpus
    untoc, document = Graph(), Graph()
    quads = list(ox.parse(path=str(made.path), format=ox.RdfFormat.N_QUADS))
    target = meeting(0).graph
    for quad in quads:
        triple = ox.serialize([ox.Triple(quad.subject, quad.predicate, quad.object)],
                              format=ox.RdfFormat.N_TRIPLES).decode()
        (document if quad.graph_name.value == target else untoc).parse(data=triple, format="nt")
    assert len(document) > 300
    report = validate(document, context_graph(document, [graph_type_lookup(untoc)]))
    assert report.conforms, [f.message for f in report.violations][:5]
    # chinese labels, no english for what only the Chinese source names
    labels = {(str(o), o.language) for o in document.objects(predicate=None) if getattr(o, "language", None)}
    assert ("国际合作工作组第一次会议", "zh") not in labels  # WG.1 is not the WG.3 of the source
    assert (f"工作组 WG.1第{chinese_number(1)}次会议", "zh") in labels
    assert not any(text == "工作组 WG.1" and lang == "en" for text, lang in labels)


@pytest.mark.server
def test_pipeline_loads_the_corpus_and_one_more_document(corpus, tmp_path):
    made, work = corpus
    assert loading.prepare_pipeline() >= 0
    assert loading.prepare_pipeline() < 0.01  # once per process: the second time costs nothing
    assert loading.pipeline_load(made.path, tmp_path / "pipeline", made.base) > 0
    store = ox.Store.read_only(str(tmp_path / "pipeline"))
    assert len(store) == made.triples
    assert set(store.named_graphs()) == set(ox.Store.read_only(str(work / "store")).named_graphs())
    del store
    assert loading.one_more_document(tmp_path / "pipeline", made, tmp_path, repeats=1) > 0
    store = ox.Store.read_only(str(tmp_path / "pipeline"))
    assert ox.NamedNode(meeting(made.documents).graph) in set(store.named_graphs())
    assert len(store) > made.triples


def test_harness_serves_queries_and_stops_the_server(corpus, tmp_path):
    made, work = corpus
    server = servers.unkg(work / "store", tmp_path / "logs")
    server.start(timeout_s=60)
    pid = server.process.pid
    try:
        union = servers.union_default_graph(server)
        asked = queries(made, "cq-mix", len(CQ_MIX), union=union) + queries(made, "lookup", 3, union=union)
        answers = client.fetch_results(server.endpoint, asked)
        store = ox.Store.read_only(str(work / "store"))
        for query, answer in zip(asked, answers, strict=True):
            expected = json.loads(store.query(query, use_default_graph_as_union=union).serialize(
                format=ox.QueryResultsFormat.JSON))
            assert same_answer(expected, answer), query
        assert sum(len(a["results"]["bindings"]) for a in answers) > 20
        with server.sample_rss() as peak:
            # enough requests that the server's CPU time shows at /proc's 10 ms resolution (20 could read as 0)
            run = client.run(server.endpoint, queries(made, "lookup", 200, union=union), 4, limit_s=15)
        assert run.requests == 200 and not run.errors
        assert 0 < run.percentile(50) <= run.percentile(99)
        assert peak.bytes > 10 * 1024 * 1024
        assert 0 < peak.cpu_seconds < 60 and 0 < peak.client_cpu_seconds < 60  # the server and the client worked
    finally:
        server.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_failures_are_named():
    with pytest.raises(client.ClientError, match="off loopback"):
        client.run("http://192.0.2.1:7878/query", ["ASK {}"], 1)
    with pytest.raises(ValueError, match="not a size"):
        parse_size("ten")
    with pytest.raises(ValueError, match="at least 1000"):
        parse_size("10")
    with pytest.raises(ValueError, match="unknown workload"):
        queries(None, "writes", 1, union=True)


def test_targets_say_which_are_missed():
    row = {"store": "disk", "triples": 10, "workload": "lookup", "concurrency": 16, "rps": 1.0, "p50_ms": 1.0,
           "rss_mb": 10.0}
    runs = [dict(row, system="unkg", p99_ms=30.0), dict(row, system="oxigraph", p99_ms=10.0)]
    found = targets({"runs": runs, "load": [{"system": "unkg", "triples": 10, "seconds": 4.0},
                                             {"system": "pyoxigraph", "triples": 10, "seconds": 1.0}],
                     "incremental": [{"store_triples": 10, "seconds": 1.0},
                                     {"store_triples": 1000, "seconds": 1.5}]})
    verdicts = {t.name.split(",")[0]: (round(t.ratio, 2), t.met) for t in found}
    assert verdicts["lookup p99 latency"] == (3.0, False)
    assert verdicts["load throughput"] == (0.25, False)
    assert verdicts["one more document"] == (1.5, True)
    assert verdicts["peak RSS"] == (1.0, True)


def test_generate_command_names_a_bad_size(tmp_path, capsys):
    from bench.generate import main

    assert main([str(tmp_path / "out.nq"), "--triples", "0"]) == 2
    assert "--triples must be positive" in capsys.readouterr().err
    assert not (tmp_path / "out.nq").exists()


@pytest.mark.parametrize("module", ["bench.nquads", "bench.generate", "bench.queries", "bench.compare",
                                    "bench.client", "bench.plan", "bench.report"])
def test_bench_doctests(module):
    import doctest
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted > 0 and failed == 0


def test_the_python_floors_answer_as_oxigraph_and_the_workers_one_stops_a_query(corpus, tmp_path):
    """bench.floor's two bare servers (python -m bench.floor compares them with oxigraph serve and unkg)."""
    made, work = corpus
    copy = tmp_path / "store"
    shutil.copytree(work / "store", copy)
    asked = queries(made, "cq-mix", len(CQ_MIX), union=True) + queries(made, "lookup", 3, union=True)
    store = ox.Store.read_only(str(copy))
    expected = [json.loads(store.query(q, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.JSON)) for q in asked]
    del store
    started = []
    try:
        for system, app, processes in floor.FLOORS:
            server = floor.floor_server(system, app, copy, union=True, workers=1, logs=tmp_path / "logs",
                                        processes=processes)
            server.argv.insert(1, "TIME_LIMIT_S=1")
            server.start(timeout_s=60)
            started.append(server)
            answers = client.fetch_results(server.endpoint, asked)
            assert all(same_answer(e, a) for e, a in zip(expected, answers, strict=True)), system
        workers = next(server for server in started if server.system == "python-floor-workers")
        pids = {p.pid for p in psutil.Process(workers.process.pid).children(recursive=True)}
        endless = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        began = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as stopped:
            urllib.request.urlopen(client.query_url(workers.endpoint, endless), timeout=30)
        stopped.value.close()
        assert stopped.value.code == 500 and time.monotonic() - began < 10
        after = {p.pid for p in psutil.Process(workers.process.pid).children(recursive=True)}
        assert after and not after & pids  # the worker running it was killed, and replaced
        assert client.fetch_results(workers.endpoint, asked[:1]) == answers[:1]
    finally:
        for server in started:
            server.stop()
