"""`unkg load` and `unkg query` on what a reviewer tried: inputs of one command checked together, a load that is
interrupted, a term too large to parse, and FROM in a query. Run as a user runs them (a subprocess), except the
interrupt, which is raised in-process where it can be placed exactly."""

from __future__ import annotations

import signal
import subprocess
import time

import pyoxigraph as ox
import pytest
from test_cli import dump, unkg
from typer.testing import CliRunner

MEETING = "<https://w3id.org/unkg/meeting/CTOC-COP/WG.3/14>"
AGENDA_GRAPH = "https://w3id.org/unkg/graph/CTOC-COP-WG.3-2023-1-zho"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli-load") / "store"
    unkg("load", store=store, check=0)
    return store


def test_files_loaded_by_one_command_are_validated_together(tmp_path):
    """A file that gives the bundled meeting a second number is refused when loaded after the bundled sources, and
    as much so when both are loaded by the same command into an empty store (where nothing was there to look at)."""
    extra = tmp_path / "number.nt"
    extra.write_text(f'{MEETING} <https://w3id.org/unkg/ontology#meetingNumber> "fifteen" .\n', encoding="utf-8")
    store = tmp_path / "store"
    done = unkg("load", "data/manifest.toml", str(extra), store=store, check=1)
    assert "number.nt" in done.stderr and "does not conform" in done.stderr and "Meeting-meetingNumber" in done.stderr
    assert not store.exists()  # a store this command made and could not fill is not left behind


def test_query_from_names_the_default_graph_as_on_the_server(loaded):
    def count(clause: str) -> int:
        out = unkg("query", "--format", "csv", f"SELECT (COUNT(*) AS ?n) {clause} WHERE {{ ?s ?p ?o }}",
                   store=loaded, check=0).stdout
        return int(out.split()[-1])

    everything, agenda = count(""), count(f"FROM <{AGENDA_GRAPH}>")
    assert count("FROM <http://example.org/no-such-graph>") == 0
    assert 0 < agenda < everything
    db = ox.Store.read_only(str(loaded))
    assert agenda == sum(1 for _ in db.quads_for_pattern(None, None, None, ox.NamedNode(AGENDA_GRAPH)))


def test_query_with_the_built_in_prefixes_is_checked_with_them(loaded):
    """unkg query gives Oxigraph its prefixes (prov:, unkg:, ...): the SERVICE/LOAD check reads the text with them,
    so prov:wasDerivedFrom, whose local part holds "From", is one name, not an undeclared prefix."""
    out = unkg("query", "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?s prov:wasDerivedFrom ?o }",
               store=loaded, check=0).stdout
    assert int(out.split()[-1]) > 100
    refused = unkg("query", "SELECT * WHERE { SERVICE prov:x { ?s ?p ?o } }", store=loaded, check=2)
    assert "SERVICE http://www.w3.org/ns/prov#x" in refused.stderr


def test_a_term_too_large_to_parse_is_a_one_line_error(loaded, tmp_path):
    huge = tmp_path / "huge.nt"
    huge.write_text('<http://example.org/a> <http://example.org/p> "' + "x" * 17_000_000 + '" .\n', encoding="utf-8")
    before = dump(loaded)
    for command in (["load", str(huge)], ["validate", str(huge)]):
        done = unkg(*command, store=loaded if command[0] == "load" else None)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "huge.nt" in done.stderr and "larger than the parser takes" in done.stderr
    assert dump(loaded) == before


@pytest.mark.parametrize(("where", "new_store", "says"), [
    ("plan_rdf_file", False, "nothing was written: the store is as it was"),
    ("write", False, "the store holds all of this load or none of it (one transaction)"),  # Ctrl-C waits for it
    ("write", True, "the store this command was creating was removed"),
])
def test_an_interrupted_load_says_what_it_left(loaded, tmp_path, monkeypatch, where, new_store, says):
    from loader import pipeline
    from unkg.cli import app

    store = tmp_path / "store"
    if not new_store:
        ox.Store.read_only(str(loaded)).backup(str(store))
        before = dump(store)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, where, interrupted)
    done = CliRunner().invoke(app, ["load", str(extra), "--store", str(store)])
    assert done.exit_code == 130
    assert f"interrupted; {says}" in done.output
    if new_store:
        assert not store.exists()
    else:
        assert dump(store) == before


def test_two_manifests_giving_one_source_id_are_refused(tmp_path):
    from test_cli import ROOT

    text = (ROOT / "data" / "manifest.toml").read_text(encoding="utf-8")
    text = text.replace('file = "sources/', f'file = "{ROOT}/data/sources/')
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    for command in ("load", "validate"):
        done = unkg(command, str(first), str(second), store=store if command == "load" else None)
        assert done.returncode == 2, done.stderr
        assert f"{second}: source 'UNTOC-eng' is also in {first}" in done.stderr and "Traceback" not in done.stderr
    assert not store.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_load_ended_by_sigterm_or_sighup_is_interrupted_as_by_ctrl_c(tmp_path, signum):
    """They killed the process with the store it was creating left behind (the bulk loader's files) and nothing
    said; now they end it as Ctrl-C does: the message, the new store removed, and 128 + the signal's number."""
    from test_cli import ROOT, UNKG

    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for n in range(300_000):
            out.write(f'<http://example.org/s{n}> <http://example.org/p> "value {n}" .\n')
    store = tmp_path / "store"
    process = subprocess.Popen([*UNKG, "load", str(big), "--store", str(store)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not store.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the store is made before the file is read: the load is under way
    assert store.exists() and process.poll() is None, "the load ended before it could be signalled"
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=300)
    name = signal.Signals(signum).name
    assert (process.returncode, stderr) == (
        128 + signum, f"error: interrupted by {name}; the store this command was creating was removed\n")
    assert not store.exists()
