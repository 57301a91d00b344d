"""Start, watch and stop the systems under test, each as a process of its own on 127.0.0.1.

unkg (``unkg serve --store DIR``), ``oxigraph serve`` on disk and in memory, and rdflib-endpoint over the same
N-Quads. Each is started from here, waited for with a bounded number of polls, sampled for its peak resident
memory (the whole process tree) while it works, and stopped by its process id.
"""

from __future__ import annotations

import contextlib
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.client import require_loopback

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
SYSTEMS = ("unkg", "oxigraph", "rdflib-endpoint")


class ServerError(Exception):
    """A server that would not start, answer or load; the message names it and shows its log's tail."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def executable(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        raise ServerError(f"cannot find the {name!r} program (pip install the bench extra)")
    return path


@dataclass
class Server:
    system: str  # "unkg" | "oxigraph" | "rdflib-endpoint"
    store: str  # "disk" | "memory"
    argv: list[str]
    port: int
    endpoint_path: str
    ready_path: str
    log: Path
    process: subprocess.Popen | None = None
    peak_rss: int = 0
    _sampling: threading.Event = field(default_factory=threading.Event)
    _tree: list = field(default_factory=list)  # the processes of the server's tree, as last listed
    _tree_listed: float = 0.0  # when (time.monotonic())

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base_url + self.endpoint_path

    @property
    def name(self) -> str:
        return f"{self.system} ({self.store})"

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # --- life cycle ---

    def start(self, timeout_s: float = 600.0) -> None:
        require_loopback(self.base_url)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        polls = 0
        while time.monotonic() < deadline:
            polls += 1
            if self.process.poll() is not None:
                raise ServerError(f"{self.name} exited with {self.process.returncode} while starting:\n"
                                  f"{self.tail()}")
            try:
                with urllib.request.urlopen(self.base_url + self.ready_path, timeout=5) as response:
                    if response.status == 200:
                        self.peak_rss = max(self.peak_rss, self.rss())
                        return
            except urllib.error.HTTPError as error:  # it answers, but not to this: no point waiting
                self.stop()
                raise ServerError(f"{self.name} answered {self.ready_path} with HTTP {error.code}:\n"
                                  f"{self.tail()}") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(min(0.05 * polls, 0.5))
        self.stop()
        raise ServerError(f"{self.name} did not answer {self.ready_path} within {timeout_s:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """Stop the server and every process it started, by process id (TERM, then KILL after 10 s)."""
        if self.process is None:
            return
        try:
            parent = psutil.Process(self.process.pid)
            family = [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        for process in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.terminate()
        _, alive = psutil.wait_procs(family, timeout=10)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        self.process.wait(timeout=10)
        self.process = None

    # --- memory ---

    def rss(self, tree_age_s: float = 1.0) -> int:
        """Resident memory of the server's process tree now, in bytes. The tree is listed again when it is older
        than ``tree_age_s`` or one of its processes has gone (a worker replaced): listing it scans every process
        of the machine (0.9 ms), and the sampler runs in the load generator's process, so a scan every 50 ms
        held its event loop often enough to show in a slower server's p99 (one request in 80 at 1,600 req/s,
        one in 230 at 4,600)."""
        if self.process is None:
            return 0
        for _ in range(2):
            if not self._tree or time.monotonic() - self._tree_listed > tree_age_s:
                try:
                    parent = psutil.Process(self.process.pid)
                    self._tree, self._tree_listed = [parent, *parent.children(recursive=True)], time.monotonic()
                except psutil.NoSuchProcess:
                    return 0
            try:
                return sum(process.memory_info().rss for process in self._tree)
            except psutil.NoSuchProcess:
                self._tree = []  # a process of the tree has gone: list it again
        return 0

    def sample_rss(self, interval_s: float = 0.05) -> _Sampler:
        """``with server.sample_rss() as peak:`` … ``peak.bytes`` is the highest resident memory seen;
        ``peak.cpu_seconds`` the CPU time the server's processes used meanwhile, ``peak.client_cpu_seconds`` this
        process's, the load generator's (the sampling thread's own CPU time taken out)."""
        return _Sampler(self, interval_s)

    # --- CPU ---

    def cpu_times(self) -> dict[int, float]:
        """User + system CPU seconds of each process of the server's tree, by process id."""
        if self.process is None:
            return {}
        times = {}
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(self.process.pid)
            for process in [parent, *parent.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    used = process.cpu_times()
                    times[process.pid] = used.user + used.system
        return times


def _own_cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


class _Sampler:
    def __init__(self, server: Server, interval_s: float) -> None:
        self.server, self.interval_s, self.bytes = server, interval_s, server.rss()
        self.cpu_seconds = self.client_cpu_seconds = self._sampling_seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        began = time.thread_time()
        while not self._stop.wait(self.interval_s):
            self.bytes = max(self.bytes, self.server.rss())
        self._sampling_seconds = time.thread_time() - began

    def __enter__(self) -> _Sampler:
        self._cpu_before, self._own_before = self.server.cpu_times(), _own_cpu_seconds()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.bytes = max(self.bytes, self.server.rss())
        self.server.peak_rss = max(self.server.peak_rss, self.bytes)
        # a process that ended meanwhile (a worker killed at its time limit) is left out: it is not measurable
        after = self.server.cpu_times()
        self.cpu_seconds = sum(used - self._cpu_before.get(pid, 0.0) for pid, used in after.items())
        self.client_cpu_seconds = _own_cpu_seconds() - self._own_before - self._sampling_seconds


ASK = "/query?query=ASK%7B%7D"


def unkg(store_dir: Path, logs: Path) -> Server:
    port = free_port()
    argv = [executable("unkg"), "serve", "--store", str(store_dir), "--host", HOST, "--port", str(port)]
    return Server("unkg", "disk", argv, port, "/sparql", "/health", logs / f"unkg-{port}.log")


def oxigraph_disk(store_dir: Path, logs: Path) -> Server:
    port = free_port()
    argv = [executable("oxigraph"), "serve", "--location", str(store_dir), "--bind", f"{HOST}:{port}"]
    return Server("oxigraph", "disk", argv, port, "/query", ASK, logs / f"oxigraph-disk-{port}.log")


def oxigraph_memory(logs: Path) -> Server:
    port = free_port()
    argv = [executable("oxigraph"), "serve", "--bind", f"{HOST}:{port}"]
    return Server("oxigraph", "memory", argv, port, "/query", ASK, logs / f"oxigraph-memory-{port}.log")


def rdflib_endpoint(nquads: Path, logs: Path) -> Server:
    port = free_port()
    argv = [executable("rdflib-endpoint"), "serve", str(nquads), "--host", HOST, "--port", str(port)]
    log = logs / f"rdflib-endpoint-{port}.log"
    return Server("rdflib-endpoint", "memory", argv, port, "/", "/?query=ASK%7B%7D", log)


def post_nquads(server: Server, nquads: Path) -> None:
    """Load N-Quads into a running ``oxigraph serve`` through its Graph Store endpoint (``POST /store``)."""
    require_loopback(server.base_url)
    with nquads.open("rb") as body:
        request = urllib.request.Request(server.base_url + "/store", data=body, method="POST",
                                         headers={"Content-Type": "application/n-quads",
                                                  "Content-Length": str(nquads.stat().st_size)})
        try:
            with urllib.request.urlopen(request, timeout=900) as response:
                if response.status not in (200, 201, 204):
                    raise ServerError(f"{server.name}: loading {nquads} gave HTTP {response.status}")
        except urllib.error.HTTPError as error:
            raise ServerError(f"{server.name}: loading {nquads} gave HTTP {error.code}: "
                              f"{error.read()[:300]!r}") from None


def union_default_graph(server: Server) -> bool:
    """Does the server's default graph hold the named graphs' triples (``ASK { ?s ?p ?o }`` is true)?"""
    url = server.endpoint + "?query=" + urllib.request.quote("ASK { ?s ?p ?o }")
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            import json

            return bool(json.loads(response.read())["boolean"])
    except (urllib.error.URLError, ValueError, KeyError) as error:
        raise ServerError(f"{server.name}: cannot ask about its default graph: {error}") from None
