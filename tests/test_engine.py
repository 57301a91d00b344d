"""The query engine on its own (no HTTP): the API the pages use, time limits, streaming, updates seen by workers."""

from __future__ import annotations

import asyncio
import json
import logging
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from conftest import W3C_GRAPH, make_store, settings_for, w3c_graphs

from api import errors
from api.engine import Engine, StreamAborted
from api.errors import BadRequest, NotAcceptable, QueryTimeout, ServiceUnavailable
from loader.errors import StoreError
from loader.store import graph_node, open_store

DOCUMENT = "http://xmlns.com/foaf/0.1/Document"


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path / "store", w3c_graphs())


def run(store: Path, scenario, **options):
    """Start an engine over ``store``, run ``scenario(engine)``, always stop the engine."""

    async def main():
        engine = Engine(settings_for(store, **{"workers": 1, **options}))
        await engine.start()
        try:
            return await scenario(engine)
        finally:
            await engine.stop()

    return asyncio.run(main())


def test_select_ask_construct(store):
    async def scenario(engine: Engine):
        rows = await engine.select("SELECT ?s WHERE { GRAPH ?g { ?s a ?c } } ORDER BY ?s")
        yes = await engine.ask(f"ASK {{ GRAPH ?g {{ ?s a <{DOCUMENT}> }} }}")
        no = await engine.ask("ASK { GRAPH ?g { ?s a <http://example.org/Nothing> } }")
        turtle = await engine.construct(f"CONSTRUCT {{ ?s a <{DOCUMENT}> }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
        ntriples = await engine.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                                          "application/n-triples")
        return rows, yes, no, turtle, ntriples

    rows, yes, no, turtle, ntriples = run(store, scenario)
    assert rows == [{"s": {"type": "uri", "value": W3C_GRAPH.format(n)}} for n in (1, 2, 3)]
    assert (yes, no) == (True, False)
    documents = {str(s) for s in rdflib.Graph().parse(data=turtle, format="turtle").subjects()}
    assert documents == {W3C_GRAPH.format(n) for n in (1, 2, 3)}
    assert sorted(ntriples.decode().splitlines()) == sorted(
        f"<{W3C_GRAPH.format(n)}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{DOCUMENT}> ." for n in (1, 2, 3))


def test_a_query_of_the_wrong_kind_for_the_formats_is_not_acceptable(store):
    async def scenario(engine: Engine):
        with pytest.raises(NotAcceptable, match="CONSTRUCT"):
            await engine.select("CONSTRUCT WHERE { ?s ?p ?o }")
        with pytest.raises(NotAcceptable, match="SELECT"):
            await engine.construct("SELECT * WHERE { ?s ?p ?o }")
        return await engine.ask("ASK {}")  # the worker is still usable

    assert run(store, scenario) is True


def test_syntax_errors_name_the_position(store):
    async def scenario(engine: Engine):
        with pytest.raises(BadRequest, match=r"syntax error: error at 2:\d+"):
            await engine.select("SELECT *\nWHERE { ?s ?p }")

    run(store, scenario)


NO_ESCAPE = r"""is no escape a string may hold; here SPARQL allows \t \b \n \r \f \" \' \\ \uXXXX \UXXXXXXXX"""


def refusal(store, query: str) -> str:
    """The message of the 400 the engine answers ``query`` with."""
    async def scenario(engine: Engine):
        with pytest.raises(BadRequest) as raised:
            await engine.select(query)
        return str(raised.value)

    return run(store, scenario)


@pytest.mark.parametrize(("query", "said"), [
    # Oxigraph: "error at 1:36: expected one of LATERAL, SERVICE, [_]", at the end of the text
    ("SELECT ?s WHERE { ?s ?p ?o  LIMIT 1", "error at 1:17: this '{' is never closed"),
    # "expected one of LANGMATCHES, [_]"
    ('SELECT * WHERE { ?s ?p ?o FILTER(?o = "a" }', "error at 1:43: this '}' would close the '(' at 1:33: "
                                                     "is a ')' missing?"),
    ("SELECT * WHERE { ?s ?p ?o } }", "error at 1:29: this '}' closes no bracket"),
    # a rule of the grammar, buried among character classes of several lines
    ("SELECT ?s ?s2 WHERE { ?s ?p ?o } GROUP BY ?s", "error at 1:45: the SELECT contains a variable that is unbound"),
    ("SELECT ?x WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }", "error at 1:48: this is not what SPARQL allows here"),
    # a misspelt keyword: Oxigraph stopped after it ("error at 1:35: expected one of HAVING, OFFSET, OPTIONAL, VALUES")
    ("SELECT * WHERE { ?s ?p ?o } LIMT 5", "error at 1:29: 'LIMT' is no SPARQL keyword or function (did you mean "
                                           "LIMIT?)"),
    ("SELECT *\nWHERE { ?s ?p ?o FILTR(?o) }", "error at 2:18: 'FILTR' is no SPARQL keyword or function (did you "
                                               "mean FILTER?)"),
    ("SELECT * WHERE { ?s ?p 'x'@en } LIMIT 2 foo", "error at 1:41: 'foo' is no SPARQL keyword or function"),
    # "true." ends a triple: it was called no SPARQL keyword, and hid the error Oxigraph had found (LIMIT x)
    ("SELECT * WHERE { ?s ?p true. ?s ?q ?o } LIMIT x", "error at 1:47: 'x' is no SPARQL keyword or function"),
    # an escape a string cannot hold: Oxigraph listed the valid ones as a character class ("expected one of
    # OPTIONAL, ['t' | 'b' | ...]"), and in a long string or for \u only expected something else
    (r'SELECT * { ?s ?p "\q" }', f"error at 1:19: \\q {NO_ESCAPE}"),
    (r"SELECT * { ?s ?p '''a\q''' }", f"error at 1:22: \\q {NO_ESCAPE}"),
    ('SELECT * { ?s ?p "a\\\\" .\n?s ?p "\\u12" }', f"error at 2:8: \\u12 {NO_ESCAPE}"),
])
def test_syntax_errors_say_what_is_wrong_not_the_grammars_character_classes(store, query, said):
    message = refusal(store, query)
    assert message == f"syntax error: {said}"
    assert "[_]" not in message and "..=" not in message


@pytest.mark.parametrize(("query", "said"), [
    # the word was echoed whole: ASK{} and 340,000 letters got a 340 KB answer
    ("ASK{}" + "A" * 340_000, "error at 1:6: 'AAAAA"),
    ("SELECT * { ?s " + "p" * 5000 + ":x ?o }", "error at 1:5017: the prefix 'ppppp"),
])
def test_a_syntax_error_quotes_at_most_a_little_of_a_long_word(store, query, said):
    message = refusal(store, query)
    assert message.startswith(f"syntax error: {said}") and len(message) < 300, message[:400]
    assert "characters)" in message  # it says how long the word was


def test_dataset_parameters(store):
    async def scenario(engine: Engine):
        default = await engine.select("SELECT ?s WHERE { ?s ?p ?o }", default_graph=[W3C_GRAPH.format(3)])
        named = await engine.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                    named_graphs=[W3C_GRAPH.format(1)])
        with pytest.raises(BadRequest, match="not in this store"):
            await engine.select("SELECT * WHERE { ?s ?p ?o }", default_graph=["http://example.org/absent"])
        # the protocol's dataset replaces the query's whole: default-graph-uri alone leaves no named graphs, and
        # the query's own FROM / FROM NAMED (even of a graph not in the store) is not read at all
        no_named = await engine.select(
            f"SELECT ?g FROM NAMED <{W3C_GRAPH.format(2)}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            default_graph=[W3C_GRAPH.format(3)])
        replaced = await engine.select("SELECT ?s FROM <http://example.org/absent> WHERE { ?s ?p ?o }",
                                       default_graph=[W3C_GRAPH.format(3)])
        return default, named, no_named, replaced

    default, named, no_named, replaced = run(store, scenario)
    assert [row["s"]["value"] for row in default] == [W3C_GRAPH.format(3)]
    assert [row["g"]["value"] for row in named] == [W3C_GRAPH.format(1)]
    assert no_named == [] and [row["s"]["value"] for row in replaced] == [W3C_GRAPH.format(3)]


def test_a_large_result_arrives_in_chunks(store):
    values = " ".join(str(n) for n in range(100))
    query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"

    async def scenario(engine: Engine):
        result = await engine.execute(query, results_format="application/sparql-results+json")
        chunks = [chunk async for chunk in result]
        return result, chunks

    result, chunks = run(store, scenario)
    assert result.kind == "solutions" and not result.complete
    assert len(chunks) > 1
    assert len(json.loads(b"".join(chunks))["results"]["bindings"]) == 100 * 100


def test_a_killed_worker_is_replaced_while_long_texts_hold_every_checking_thread(store):
    """Checking long texts takes the engine's threads; starting and reaping workers has threads of its own, so a
    worker killed at its time limit is replaced even while every checking thread is busy."""
    import threading

    values = " ".join(str(n) for n in range(400))
    product = f"VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }}"
    runaway = f"SELECT (COUNT(*) AS ?n) WHERE {{ {product} }}"

    async def scenario(engine: Engine):
        gate = threading.Event()
        for _ in range(engine._threads._max_workers):
            engine._threads.submit(gate.wait, 30)
        try:
            before = set(engine.worker_pids)
            with pytest.raises(QueryTimeout):
                await engine.select(runaway)
            for _ in range(200):
                if len(engine.worker_pids) == 1 and not before & set(engine.worker_pids):
                    break
                await asyncio.sleep(0.05)
            return before, set(engine.worker_pids), await engine.ask("ASK {}")
        finally:
            gate.set()

    before, after, answer = run(store, scenario, timeout=0.5)
    assert len(after) == 1 and not before & after, "the killed worker was replaced"
    assert answer is True


def test_a_text_of_a_million_tokens_is_refused_after_reading_no_more_than_the_limit():
    from api.sparql_text import MAX_TOKENS, size, tokens

    text = "ASK {" + "()" * 500_000 + "}"
    assert size(text) == MAX_TOKENS + 1
    assert len(tokens(text, most=10)) == 10


def test_a_timed_out_query_is_killed_and_its_worker_replaced(store):
    values = " ".join(str(n) for n in range(400))
    product = f"WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"
    runaway, endless = f"SELECT (COUNT(*) AS ?n) {product}", f"SELECT * {product}"

    async def scenario(engine: Engine):
        before = set(engine.worker_pids)
        with pytest.raises(QueryTimeout, match="time limit of 1 s"):
            await engine.select(runaway)
        # a result that is still streaming when the time is up is cut off
        result = await engine.execute(endless, results_format="text/csv")
        with pytest.raises(StreamAborted, match="time limit of 1 s"):
            async for _ in result:
                await asyncio.sleep(0.01)
        for _ in range(400):
            if len(engine.worker_pids) == 2 and not before & set(engine.worker_pids):
                break
            await asyncio.sleep(0.05)
        return before, set(engine.worker_pids), await engine.ask("ASK {}")

    before, after, answer = run(store, scenario, timeout=1.0, workers=2)
    assert len(after) == 2 and not before & after, "both timed-out workers were replaced"
    assert answer is True


def test_a_result_left_early_discards_its_worker_unless_the_worker_had_finished(store):
    """Whoever stops reading a result (a response cut off at the time limit) closes it: a worker still sending it
    is killed and replaced at once; one that already sent its last chunk is kept and serves the next query."""
    values = " ".join(str(n) for n in range(100))
    two_chunks = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"  # about 100 KB of CSV
    values = " ".join(str(n) for n in range(400))
    endless = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"

    async def scenario(engine: Engine):
        (pid,) = engine.worker_pids
        result = await engine.execute(two_chunks, results_format="text/csv")
        chunks = aiter(result)
        received = [await anext(chunks), await anext(chunks)]  # the second is the last: the worker has finished
        streamed = not result.complete
        await chunks.aclose()  # left before the end of the iteration, as a response cut off after its last chunk
        kept = engine.worker_pids == [pid] and await engine.ask("ASK {}") and engine.worker_pids == [pid]

        result = await engine.execute(endless, results_format="text/csv")
        chunks = aiter(result)
        await anext(chunks)
        await anext(chunks)
        await chunks.aclose()  # left while the worker still streams
        killed = engine.worker_pids == []
        answer = await engine.ask("ASK {}")  # waits for the replacement
        return streamed, received, kept, killed, answer, engine.worker_pids

    streamed, received, kept, killed, answer, after = run(store, scenario, timeout=20.0)
    assert streamed and len(b"".join(received).splitlines()) == 1 + 100 * 100, "the whole result, in two chunks"
    assert kept, "a worker that had sent its whole result was killed"
    assert killed, "a worker still sending a result nobody reads was not killed"
    assert answer is True and len(after) == 1


def test_no_free_worker_within_the_time_limit_is_503(store):
    values = " ".join(str(n) for n in range(300))
    big = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"

    async def scenario(engine: Engine):
        holding = await engine.execute(big, results_format="text/csv")  # not read yet: its worker stays busy
        with pytest.raises(ServiceUnavailable, match="busy") as busy:
            await engine.ask("ASK {}", timeout=0.3)
        answer = errors.response(busy.value)  # as the client gets it: when to try again
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
        rest = [chunk async for chunk in holding]
        return rest, await engine.ask("ASK {}")

    rest, answer = run(store, scenario, timeout=1.5, workers=1)
    assert rest and answer is True


def test_queries_waiting_for_a_worker_get_it_in_arrival_order(store):
    values = " ".join(str(n) for n in range(300))
    big = f"SELECT * WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"

    async def scenario(engine: Engine):
        holding = await engine.execute(big, results_format="text/csv")  # its worker stays busy until it is read
        finished = []

        async def ask(name: str, timeout: float | None = None):
            try:
                await engine.ask("ASK {}", timeout=timeout)
                finished.append(name)
            except ServiceUnavailable:
                finished.append(name + " gave up")

        waiting = []
        for name, timeout in (("first", None), ("impatient", 0.2), ("second", None), ("third", None)):
            waiting.append(asyncio.create_task(ask(name, timeout)))
            await asyncio.sleep(0.05)  # arrive in this order
        await asyncio.sleep(0.3)  # the impatient one gives up; its place in the line must not keep the worker
        rest = [chunk async for chunk in holding]
        await asyncio.gather(*waiting)
        return rest, finished

    rest, finished = run(store, scenario, timeout=5, workers=1)
    assert rest
    assert finished == ["impatient gave up", "first", "second", "third"]


def test_workers_see_an_update(store):
    graph = "http://example.org/added"

    async def scenario(engine: Engine):
        before = await engine.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        await engine.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/a> <http://example.org/b> 1 }} }}")
        after = [await engine.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") for _ in range(4)]
        return before, after, engine.stats

    before, after, stats = run(store, scenario, allow_update=True, workers=2)
    assert before is False and after == [True] * 4
    assert (stats.triples, stats.graphs) == (4, 4)


def assert_stopped_and_maybe_applied(message: str, limit: str) -> None:
    """An update stopped at its time limit may have been committed just as its writer was killed (Oxigraph's commit
    can be durable by then): the answer says it may or may not have been applied, never that nothing was."""
    assert message.startswith(f"the update ran longer than its time limit of {limit} and was stopped; it may or may "
                              "not have been applied (an update is applied whole or not at all): check the store "
                              "before sending it again"), message
    assert "not applied" not in message and "changes nothing" not in message


async def stopped_update(engine: Engine, text: str) -> tuple[str, float, bool, bool]:
    """Run an update that must outlive its time limit: its 504's message, the seconds it took, whether its writer
    process was killed, and whether another one took its place."""
    writer = engine._writer.process
    started = asyncio.get_running_loop().time()
    with pytest.raises(QueryTimeout) as stopped_at_the_limit:
        await engine.update(text)
    took = asyncio.get_running_loop().time() - started
    return stopped_at_the_limit.value.message, took, writer.poll() is not None, engine._writer.process is not writer


def test_a_runaway_update_is_stopped_at_the_time_limit_and_changes_nothing(store):
    values = " ".join(str(n) for n in range(400))
    runaway = ("INSERT { <http://example.org/a> <http://example.org/count> ?n } WHERE { { SELECT (COUNT(*) AS ?n) "
               f"WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }} }} }}")
    added = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> 1 } }"

    async def scenario(engine: Engine):
        message, took, stopped, replaced = await stopped_update(engine, runaway)  # killed, not left in a thread
        with pytest.raises(StoreError, match="locked"):  # the new writer holds the store, as the old one did
            open_store(engine.settings.store)
        counted = await engine.ask("ASK { GRAPH ?g { ?s <http://example.org/count> ?n } }")
        triples = engine.stats.triples
        await engine.update(added)  # the next update runs in the new writer
        return message, took, stopped, replaced, counted, triples, engine.stats

    message, took, stopped, replaced, counted, triples, stats = run(store, scenario, allow_update=True, timeout=1.0)
    assert_stopped_and_maybe_applied(message, "1 s")
    assert took < 10 and stopped and replaced  # the limit, then a new writer process
    # the client is told it may or may not have been applied: this one never reached its commit, and is not
    assert counted is False and triples == 3, "nothing of the stopped update was applied"
    assert (stats.triples, stats.graphs) == (4, 4)


def test_long_chains_run_without_killing_a_process_and_overlong_texts_are_refused(store):
    deep = "ASK { FILTER(" + "!" * 20_000 + "true) }"  # overflowed the 8 MiB stack of a worker's main thread
    insert = "INSERT { <http://example.org/a> <http://example.org/b> 1 } WHERE { FILTER(" + "!" * 20_000 + "true) }"
    overlong = "ASK { FILTER(" + "!" * 60_000 + "true) }"
    one_long_string = 'ASK { FILTER(STRLEN("' + "x " * 60_000 + '") > 0) }'

    async def scenario(engine: Engine):
        workers, writer = set(engine.worker_pids), engine._writer.process.pid
        answers = [await engine.ask(deep), await engine.ask(one_long_string)]
        await engine.update(insert)
        for text in (overlong, overlong.replace("ASK", "INSERT { <http://a> <http://b> 1 } WHERE", 1)):
            with pytest.raises(BadRequest, match=r"more than 50,000 tokens .* at most 50,000"):
                await (engine.ask(text) if text.startswith("ASK") else engine.update(text))
        return answers, engine.stats.triples, set(engine.worker_pids) == workers, engine._writer.process.pid == writer

    answers, triples, same_workers, same_writer = run(store, scenario, allow_update=True, workers=2)
    assert answers == [True, True] and triples == 4
    assert same_workers and same_writer, "no process died"


def test_a_writer_that_cannot_open_the_store_says_why(store):
    held = open_store(store)  # another process's writer handle, as a running `unkg load` holds it

    async def main():
        engine = Engine(settings_for(store, allow_update=True, workers=1))
        try:
            with pytest.raises(ServiceUnavailable, match="writer could not open the store .*locked"):
                await engine.start()
        finally:
            await engine.stop()

    asyncio.run(main())
    del held


def test_a_writer_that_dies_is_replaced_and_the_next_update_runs(store):
    added = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> 1 } }"

    async def scenario(engine: Engine):
        dead = engine._writer.process
        dead.kill()
        dead.wait()
        # it died before this update reached it, but a writer that dies during one may have committed it first
        with pytest.raises(ServiceUnavailable, match="writer process stopped unexpectedly during the update; it may "
                                                     "or may not have been applied"):
            await engine.update(added)
        await engine.update(added)
        return engine._writer.process is not dead, engine.stats.triples

    replaced, triples = run(store, scenario, allow_update=True)
    assert replaced and triples == 4


def test_an_update_slow_to_check_is_stopped_at_the_time_limit_and_changes_nothing(store):
    """A LOAD makes the SERVICE/LOAD check read the whole text with the lexer: about 0.3 s for the 48,000 tokens of
    12,000 triples here, seven times the limit. The check runs in the writer, so the time limit stops it; it ran in
    a server thread with no limit once."""
    triples = " ".join(f'<http://example.org/s{n}> <http://example.org/p> "v{n}" .' for n in range(12_000))
    slow = (f"PREFIX r: <http://example.org/> INSERT DATA {{ GRAPH <http://example.org/g> {{ {triples} }} }} ; "
            "LOAD r:data INTO GRAPH <http://example.org/g2>")

    async def scenario(engine: Engine):
        return *(await stopped_update(engine, slow)), engine.stats.triples

    message, took, stopped, replaced, triples = run(store, scenario, allow_update=True, timeout=0.05)
    assert_stopped_and_maybe_applied(message, "0.05 s")
    assert took < 2.5 and stopped and replaced
    assert triples == 3, "nothing of the stopped update was applied"


def test_the_writer_refuses_what_it_cannot_allow_or_check(store):
    async def scenario(engine: Engine):
        refusals = {}
        for name, text, options in (
                ("load", "LOAD <http://127.0.0.1:9/data.ttl>", {}),
                ("prefixed load", "PREFIX r: <http://127.0.0.1:9/> LOAD r:data", {}),
                ("service", "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", {}),
                ("unparsable", "PREFIX r: <http://r/> LOAD r:data ; INSERT {", {}),
                ("own WITH", "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", {"using": ["http://g"]}),
                ("bad IRI", "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 {"using_named": ["http://g> } ; DROP ALL ; #"]})):
            with pytest.raises(BadRequest) as refused:
                await engine.update(text, **options)
            refusals[name] = refused.value.message
        await engine.update("DROP SILENT GRAPH <http://example.org/none>")  # the writer still runs the next one
        return refusals, engine.stats.triples

    refusals, triples = run(store, scenario, allow_update=True, allowed_iris=frozenset({"http://example.org/x"}))
    allowed_only = "is not allowed: this endpoint makes no requests to other servers (an operator can allow an IRI)"
    assert refusals["load"] == f"LOAD http://127.0.0.1:9/data.ttl {allowed_only}"
    assert refusals["prefixed load"] == f"LOAD http://127.0.0.1:9/data {allowed_only}"
    assert refusals["service"] == f"SERVICE http://127.0.0.1:9/sparql {allowed_only}"
    assert refusals["unparsable"].startswith("the update mentions SERVICE, LOAD or FROM and cannot be checked: ")
    assert "is left open at the end" in refusals["unparsable"]
    assert "own WITH clause" in refusals["own WITH"]
    assert refusals["bad IRI"].startswith("not an IRI: ")
    assert triples == 3


def test_update_errors(store):
    async def scenario(engine: Engine):
        with pytest.raises(BadRequest, match="syntax error"):
            await engine.update("INSERT DATA { <http://a> }")
        with pytest.raises(BadRequest, match="LOAD"):
            await engine.update("LOAD <http://127.0.0.1:9/data.ttl>")
        with pytest.raises(BadRequest, match="own WITH clause"):
            await engine.update("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", using=["http://g"])
        # a graph that is not there (or already is) is the client's error, 400, not the server's 500
        with pytest.raises(BadRequest, match=r"cannot be applied: The graph <http://e/none> does not exist"):
            await engine.update("DROP GRAPH <http://e/none>")
        with pytest.raises(BadRequest, match="already exists; nothing was changed"):
            await engine.update(f"CREATE GRAPH <{W3C_GRAPH.format(1)}>")
        # a function Oxigraph does not know is the client's to change too: 400, in an update as in a query
        with pytest.raises(BadRequest, match=r"cannot be applied: The custom function <x:fn> is not supported"):
            await engine.update("INSERT { <http://a> <http://b> ?o } WHERE { BIND(<x:fn>(1) AS ?o) }")
        with pytest.raises(BadRequest, match=r"cannot be evaluated here: The custom function <x:fn> is not supported"):
            await engine.ask("ASK { FILTER(<x:fn>(1)) }")
        # an update is one transaction: its second operation failing undoes its first
        with pytest.raises(BadRequest, match=r"does not exist; nothing was changed"):
            await engine.update("INSERT DATA { GRAPH <http://e/new> { <http://a> <http://b> <http://c> } } ; "
                                "DROP GRAPH <http://e/none>")
        return engine.stats

    assert run(store, scenario, allow_update=True).triples == 3
    after = open_store(store, read_only=True)  # what the store holds, not the engine's count from before
    assert len(after) == 3 and not after.contains_named_graph(graph_node("http://e/new"))


def test_a_missing_store_is_a_clear_error(tmp_path):
    async def scenario():
        await Engine(settings_for(tmp_path / "nothing")).start()

    with pytest.raises(StoreError, match="run `unkg load` first"):
        asyncio.run(scenario())


def test_workers_serve_query_after_query_without_a_process_started(store):
    """A worker is started once and serves every query after it (no process per query, none replaced); how fast
    that is, the benchmark measures (make bench), not a test."""

    async def scenario(engine: Engine):
        before = (sorted(engine.worker_pids), len(engine._processes))
        for n in range(50):
            rows = await engine.select(f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {n % 3 + 1}")
            assert len(rows) == n % 3 + 1
        return before, (sorted(engine.worker_pids), len(engine._processes))

    before, after = run(store, scenario, workers=2)
    assert len(before[0]) == 2 and after == before


DEEP = ["ASK " + "{" * 3000 + "}" * 3000,  # overflowed a worker's stack: the worker died, the client got 503
        "ASK " + "{" * 300 + "}" * 300 + " # \\u0041",  # went through rdflib: RecursionError, 500
        "ASK { ?s ?p " + "<< <http://a> <http://b> " * 1000 + "<http://c>" + " >>" * 1000 + " }"]


def test_deep_nesting_is_refused_before_a_worker_sees_it(store):
    async def scenario(engine: Engine):
        pids = engine.worker_pids
        for query in DEEP:
            with pytest.raises(BadRequest, match="nests brackets or quoted triples .* at most 200"):
                await engine.ask(query)
        # nesting inside strings does not count; real nesting up to the limit runs
        assert await engine.ask("ASK { FILTER(STRLEN('" + "{" * 3000 + "') > 0) }") is True
        assert await engine.ask("ASK " + "{" * 200 + "}" * 200) is True
        return pids, engine.worker_pids

    before, after = run(store, scenario)
    assert before == after


def test_a_deeply_nested_update_is_refused_and_the_server_lives(store):
    async def scenario(engine: Engine):
        # the first went through rdflib (RecursionError, 500); the second would overflow the server's own stack
        for text in ("LOAD <http://127.0.0.1:9/x> ; INSERT { <http://a> <http://b> <http://c> } WHERE "
                     + "{" * 300 + "}" * 300,
                     "INSERT { <http://a> <http://b> <http://c> } WHERE " + "{" * 3000 + "}" * 3000):
            with pytest.raises(BadRequest, match="nests"):
                await engine.update(text)
        return engine.stats

    assert run(store, scenario, allow_update=True).triples == 3


def network_namespace(pid: int | str) -> str:
    return os.readlink(f"/proc/{pid}/ns/net")


# the kernel's own values (<linux/sched.h>), not api.sandbox's, so that a wrong flag there is caught, not skipped
KERNEL_CLONE_NEWUSER = 0x10000000
KERNEL_CLONE_NEWNET = 0x40000000

NETWORK_NAMESPACE_PROBE = f"""
import ctypes, os
flags = {KERNEL_CLONE_NEWNET} if os.geteuid() == 0 else {KERNEL_CLONE_NEWUSER} | {KERNEL_CLONE_NEWNET}
print("" if ctypes.CDLL(None, use_errno=True).unshare(flags) == 0 else os.strerror(ctypes.get_errno()))
"""


def kernel_refuses_network_namespaces() -> str:
    """Why this host lets no process take a network namespace of its own ("" when it does), asked of the kernel by
    a child, without api.sandbox: a broken sandbox must fail the tests below, not skip them."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux's, and this is {sys.platform}"
    return subprocess.run([sys.executable, "-c", NETWORK_NAMESPACE_PROBE],
                          capture_output=True, text=True, check=True).stdout.strip()


KERNEL_REFUSAL = kernel_refuses_network_namespaces()
needs_sandbox = pytest.mark.skipif(bool(KERNEL_REFUSAL), reason=f"this kernel refuses network namespaces: "
                                                                 f"{KERNEL_REFUSAL}")


@needs_sandbox
def test_workers_and_writer_reach_no_network_when_nothing_is_allowed(store):
    """A second wall behind the SERVICE/LOAD check (api.sandbox): with no IRI allowed, each query worker and the
    writer runs in a network namespace of its own, with no interface up; with an IRI allowed, in the server's."""

    async def namespaces(engine: Engine):
        writer = engine._writer.process.pid
        return [network_namespace(pid) for pid in engine.worker_pids] + [network_namespace(writer)]

    ours = network_namespace("self")
    closed = run(store, namespaces, allow_update=True)
    assert ours not in closed and len(closed) == 2
    opened = run(store, namespaces, allow_update=True, allowed_iris=frozenset({"http://example.org/sparql"}))
    assert opened == [ours, ours]


@needs_sandbox
def test_a_worker_without_network_cannot_call_out_even_for_a_text_the_check_lets_through(store, trap):
    """Driven directly, as if the check had missed the SERVICE: the worker's call fails, the trap hears nothing."""
    from multiprocessing.connection import Connection

    from api.worker_handle import start_process

    job = {"query": f"SELECT * {{ SERVICE <{trap.url}> {{ ?s ?p ?o }} }}", "generation": 0,
           "base_iri": "http://example.org/", "allowed": [trap.url], "union": True, "default_graph": None,
           "named_graphs": None, "results_format": "application/sparql-results+json", "graph_format": "text/turtle",
           "max_bytes": 1_000_000, "format": None}
    heard = {}
    for network in (True, False):
        trap.requests.clear()
        process, parent = start_process(str(store), lambda *_: None, network=network)
        connection = Connection(parent.detach())
        try:
            assert connection.recv_bytes() == b"R"
            connection.send_bytes(marshal.dumps(job))  # a job as api.engine sends it
            answer = json.loads(connection.recv_bytes()[1:])
        finally:
            process.kill()
            process.wait()
            connection.close()
        time.sleep(0.2)
        heard[network] = (answer["status"], list(trap.requests))
    assert heard[True][1] == ["POST /sparql"]  # the trap would hear it: this test can fail
    assert heard[False] == (502, [])


def test_without_network_says_why_the_kernel_refused(monkeypatch):
    """api.sandbox: a refused unshare is reported, not raised (the worker serves on, guarded by the check alone);
    root asks for the network namespace alone, anyone else for a user namespace with it."""
    import errno
    from types import SimpleNamespace

    from api import sandbox

    asked = []

    def libc(*_args, **_kwargs):
        return SimpleNamespace(unshare=lambda flags: asked.append(flags) or -1)

    monkeypatch.setattr(sandbox, "ctypes", SimpleNamespace(CDLL=libc, get_errno=lambda: errno.EPERM))
    monkeypatch.setattr(sandbox.sys, "platform", "linux")
    for euid in (0, 1000):
        monkeypatch.setattr(sandbox.os, "geteuid", lambda euid=euid: euid)
        assert sandbox.without_network() == "unshare refused (Operation not permitted)"
    assert asked == [KERNEL_CLONE_NEWNET, KERNEL_CLONE_NEWUSER | KERNEL_CLONE_NEWNET]
    monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    assert sandbox.without_network() == "network namespaces are Linux's, and this is darwin"


NOTING_WORKER = """
import sys
from multiprocessing.connection import Connection
from api import worker
worker.main(Connection(int(sys.argv[1])), sys.argv[2], "unshare refused (Operation not permitted)")
"""


def test_workers_that_could_not_leave_the_network_are_logged_once_and_serve(store, monkeypatch, caplog):
    """Workers started where the kernel refuses the sandbox say why when ready (as ``python -m api.worker
    --no-network`` does then); the server logs it once, however many workers say it, and serves on."""
    import socket
    import subprocess
    import sys

    from api import engine as engine_module

    def start_noting_worker(store_path, register, *, write=False, network=True, max_memory=0):
        assert not write and not network  # nothing is allowed: the workers were to have no network
        parent, child = socket.socketpair()
        with child:
            process = subprocess.Popen([sys.executable, "-c", NOTING_WORKER, str(child.fileno()), store_path],
                                       pass_fds=[child.fileno()])
        register(process, parent)
        return process, parent

    monkeypatch.setattr(engine_module, "start_process", start_noting_worker)

    async def scenario(engine: Engine):
        return await engine.ask("ASK { GRAPH ?g { ?s ?p ?o } }")

    with caplog.at_level("WARNING", logger="unkg.engine"):
        assert run(store, scenario, workers=3) is True
    warnings = [r.getMessage() for r in caplog.records if r.name == "unkg.engine"]
    assert warnings == ["query workers can reach the network, which they need not: unshare refused (Operation not "
                        "permitted); the SERVICE/LOAD check alone keeps queries from calling out"]


def test_the_syntax_probe_raises_only_syntax_errors(monkeypatch):
    """The worker's probe on an empty store (before saying a FROM graph is missing) reports a syntax error with its
    position, and keeps quiet about anything else that store does (an evaluation error on no data)."""
    from api import worker

    worker._syntax_errors("SELECT * WHERE { ?s ?p ?o }", {})
    with pytest.raises(SyntaxError, match=r"error at 1:\d+"):
        worker._syntax_errors("SELECT * WHERE { ?s ?p }", {})

    class FailingStore:
        def query(self, *_args, **_kwargs):
            raise RuntimeError("evaluation failed")

    monkeypatch.setattr(worker.ox, "Store", FailingStore)
    worker._syntax_errors("SELECT * WHERE { ?s ?p ?o }", {})


def test_worker_pids_can_be_read_from_another_thread_while_workers_change(tmp_path):
    """Tests and /health read ``worker_pids`` from other threads while the event loop replaces workers."""
    import sys
    import threading

    class Handle:  # what the engine reads of a WorkerHandle
        pid = 1
        alive = True

        @property
        def process(self):
            return self

    engine = Engine(settings_for(tmp_path / "no-store"))
    engine._workers.update(Handle() for _ in range(4))
    stop = threading.Event()

    def replace_workers():  # what _discard and _spawn do on the loop's thread
        while not stop.is_set():
            engine._workers.add(Handle())
            engine._workers.pop()

    changer = threading.Thread(target=replace_workers)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can, so a race shows at once
    changer.start()
    try:
        for _ in range(20_000):
            assert len(engine.worker_pids) >= 4
    finally:
        stop.set()
        changer.join()
        sys.setswitchinterval(interval)


def test_a_query_or_update_past_the_memory_limit_is_stopped_with_400_and_its_process_replaced(store):
    """An 80-byte query can ask for gigabytes (a sort of a cross product): past --max-memory its process fails to
    allocate and ends, the client is told why, and a new process takes its place."""
    from api.engine import OutOfMemory

    values = " ".join(str(n) for n in range(400))
    product = f"VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }}"
    hungry = f"SELECT * WHERE {{ {product} }} ORDER BY DESC(?a) ?b LIMIT 1"
    hungry_update = f"INSERT {{ <http://example.org/a> <http://example.org/b> ?a }} WHERE {{ {{ {hungry} }} }}"

    async def scenario(engine: Engine):
        workers, writer = set(engine.worker_pids), engine._writer.process.pid
        with pytest.raises(OutOfMemory, match="the query needed more memory than the 64 MiB one query may take"):
            await engine.select(hungry)
        with pytest.raises(OutOfMemory, match="the update needed more memory than the 64 MiB .* may or may not"):
            await engine.update(hungry_update)
        for _ in range(200):
            if engine.worker_pids and not workers & set(engine.worker_pids):
                break
            await asyncio.sleep(0.05)
        replaced = not workers & set(engine.worker_pids) and engine._writer.process.pid != writer
        return replaced, await engine.ask("ASK { ?s ?p ?o }"), engine.stats.triples

    replaced, answer, triples = run(store, scenario, allow_update=True, max_memory_mib=64, timeout=20)
    assert replaced and answer is True and triples == 3


BATCHES = 8


def test_the_memory_limit_is_per_update_not_eaten_by_the_stores_growth(store):
    """The writer's store grows with each update (memtables, caches): measured once at start, the limit was used up
    by it, and an ordinary update was refused as too big, after a dozen of them."""
    async def scenario(engine: Engine):
        for batch in range(BATCHES):
            triples = " ".join(f'<http://example.org/s{batch}-{n}> <http://example.org/p> "{n}" .' for n in range(8000))
            await engine.update(f"INSERT DATA {{ GRAPH <http://example.org/g> {{ {triples} }} }}")
        return engine.stats.triples

    assert run(store, scenario, allow_update=True, max_memory_mib=48, timeout=20) == 3 + BATCHES * 8000


def test_an_unsupported_function_is_400_beside_an_allowed_service(store):
    """With a SERVICE in the query, Oxigraph's own refusal of a function was taken for a failed call: 502."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } FILTER(<x:fn>(?o)) }"

    async def scenario(engine: Engine):
        with pytest.raises(BadRequest, match="The custom function <x:fn> is not supported"):
            await engine.select(query)

    run(store, scenario, allowed_iris=frozenset({"http://127.0.0.1:9/sparql"}))


# --- a streamed result at its time limit: whose wait it was --------------------------------------------------

class _SlowBody:
    """A result's chunks: one at once, the next after ``pause`` seconds; ``deadline`` in the loop's time."""

    def __init__(self, deadline: float, pause: float) -> None:
        self.deadline, self.pause = deadline, pause

    def __aiter__(self):
        return self._chunks()

    async def _chunks(self):
        yield b"first"
        await asyncio.sleep(self.pause)
        yield b"second"


@pytest.mark.parametrize(("client_waits", "words"), [
    (False, "the query had not finished writing it"),
    (True, "the client had not read it all"),
])
def test_a_result_cut_off_at_its_limit_says_whose_wait_it_was(caplog, client_waits, words):
    """The log said the client had not read it all even when the query was still writing its next chunk."""
    from api.sparql import ResultStream

    async def run() -> list[dict]:
        sent = []

        async def send(message: dict) -> None:
            sent.append(message)
            if client_waits and message.get("body"):
                await asyncio.sleep(1)  # a client that takes nothing
        body = _SlowBody(asyncio.get_running_loop().time() + 0.2, pause=0 if client_waits else 1)
        await ResultStream(body).stream_response(send)
        return sent

    with caplog.at_level(logging.WARNING, logger="unkg.sparql"):
        sent = asyncio.run(run())
    assert [m.get("body") for m in sent[1:]] == [b"first"]  # cut off: no final chunk
    assert words in caplog.text


def test_a_query_worker_imports_no_web_framework():
    """Each worker held the web framework in memory for nothing (26 MB more a worker, 158 -> 201 MB for the
    server's tree in the benchmark) once the SPARQL lexer it uses quoted values with a helper of the content
    negotiation module, which imports FastAPI's errors."""
    found = subprocess.run(
        [sys.executable, "-c", "import sys, api.worker; print(sorted({m.split('.')[0] for m in sys.modules} & "
                               "{'fastapi', 'starlette', 'pydantic', 'rdflib', 'uvicorn', 'jinja2'}))"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    assert found.stdout.strip() == "[]"
