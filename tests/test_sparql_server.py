"""``serve(settings)`` as an operator runs it: a real process that says what it serves, answers, and stops with
its workers; a clear failure when the port is taken or the store is locked."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import free_port, make_store, w3c_graphs

SERVE = "import sys; from pathlib import Path; from api.server import serve; from api.settings import Settings; " \
        "serve(Settings(store=Path(sys.argv[1]), port=int(sys.argv[2])))"


def workers_of(store: Path) -> list[int]:
    """The query worker processes serving ``store`` (found by their command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"api.worker" in command and str(store).encode() in command:
                found.append(int(entry.name))
    return found


def start(store: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SERVE, str(store), str(port)], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)


def stop(process: subprocess.Popen) -> int:
    """Ctrl-C, as an operator stops it; uvicorn shuts down gracefully, then ends by that same signal."""
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(30)
    finally:
        process.stderr.close()


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path / "store", w3c_graphs())


def test_serve_announces_answers_and_stops_with_its_workers(store):
    port = free_port()
    process = start(store, port)
    try:
        line = process.stderr.readline()
        assert line.startswith(f"unkg: serving {store} (3 triples in 3 graphs) at http://127.0.0.1:{port}/sparql")
        assert "read-only" in line and "no outbound IRIs" in line and "time limit 30 s" in line
        response = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert response.json()["boolean"] is True
        assert len(workers_of(store)) == 2
        access = process.stderr.readline()
        assert '"GET /sparql?query=ASK' in access and " 200 " in access and access.rstrip().endswith(" ms")
    finally:
        assert stop(process) in (0, -signal.SIGINT)
    deadline = time.monotonic() + 10
    while workers_of(store) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers_of(store) == []


def test_a_taken_port_fails_without_claiming_to_serve(store, tmp_path):
    port = free_port()
    first = start(store, port)
    try:
        assert first.stderr.readline().startswith("unkg: serving")
        other = make_store(tmp_path / "other", w3c_graphs())
        second = start(other, port)
        _, errors = second.communicate(timeout=60)
        second.stderr.close()
        assert second.returncode != 0
        assert "address already in use" in errors.lower()
        assert "unkg: serving" not in errors
    finally:
        stop(first)


def test_a_served_store_is_locked_for_a_second_server(store):
    port = free_port()
    first = start(store, port)
    try:
        assert first.stderr.readline().startswith("unkg: serving")
        second = start(store, free_port())
        _, errors = second.communicate(timeout=60)
        second.stderr.close()
        assert second.returncode != 0
        assert "locked by another process" in errors
        assert os.path.isdir(store)
    finally:
        stop(first)


def test_the_server_does_not_load_the_validator():
    """Serving needs neither pySHACL nor the compiled shapes (about 8 MiB and 0.4 s of start-up)."""
    code = ("import sys; from pathlib import Path; from api.app import create_app; from api.settings import Settings; "
            "create_app(Settings(store=Path('unused'))); "
            "print(sorted(m for m in ('pyshacl', 'owlrl', 'loader.validate', 'loader.shacl_sparql') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
