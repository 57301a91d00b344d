"""Load throughput: unkg's pipeline (parse, validate against shapes/, write) against
pyoxigraph's bulk load of the same N-Quads; and the cost of one more document in a store of a given size.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from bench.generate import Corpus, meeting_document
from loader import pipeline
from loader.shacl_sparql import compiled_checks, ontology_quads
from loader.store import open_store


def bulk_load(nquads: Path, store_dir: Path, *, optimize: bool = True) -> float:
    """Seconds for pyoxigraph's bulk load of ``nquads`` into a new store at ``store_dir`` (then optimized,
    untimed, so every server reads the same compacted store)."""
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir(parents=True)
    started = time.perf_counter()
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    if optimize:
        store.optimize()
    del store
    return seconds


def prepare_pipeline() -> float:
    """Seconds to read and compile shapes/ and read ontology/: what a process does once, before its first
    validation (``unkg load a.ttl b.ttl`` does it once for both). :func:`pipeline_load` leaves it out, as the bulk
    load leaves out importing pyoxigraph; the report gives it on its own line."""
    started = time.perf_counter()
    compiled_checks()
    ontology_quads()
    return time.perf_counter() - started


def pipeline_load(nquads: Path, store_dir: Path, base: str) -> float:
    """Seconds for unkg's pipeline to load the same N-Quads file into a new store, as ``unkg load FILE --force``
    does: parsed, validated against shapes/ (the shapes compiled to SPARQL, in an in-memory store with the
    ontology), then written (into an empty store, by Oxigraph's bulk loader). Call :func:`prepare_pipeline`
    first, once per process, or the first load includes it."""
    shutil.rmtree(store_dir, ignore_errors=True)
    started = time.perf_counter()
    store = open_store(store_dir)  # force: the corpus's graphs are named as sources' graphs are (graph/<id>)
    pipeline.write(store, pipeline.plan_rdf_file(store, nquads, base, None, force=True))
    store.flush()
    seconds = time.perf_counter() - started
    del store
    return seconds


def one_more_document(store_dir: Path, corpus: Corpus, work: Path, repeats: int = 3) -> float:
    """Median seconds to validate and load one more meeting document into the store at ``store_dir`` (which
    holds ``corpus``) through unkg's pipeline; each repeat adds a different new document."""
    store = open_store(store_dir)
    times = []
    for offset in range(repeats):
        quads = meeting_document(corpus.documents + offset, corpus.seed, corpus.base)
        path = work / f"one-more-{corpus.documents + offset}.nq"
        path.write_text(quads.text(), encoding="utf-8")
        started = time.perf_counter()
        planned = pipeline.plan_rdf_file(store, path, corpus.base, None, force=True)
        pipeline.write(store, planned)
        store.flush()
        times.append(time.perf_counter() - started)
        path.unlink()
    del store
    return statistics.median(times)
