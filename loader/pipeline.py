"""Loading: build each source's graph, validate it in memory, then replace its named graph in the store.

Everything is built and validated before anything is written, so a source that fails to parse or validate
leaves the store exactly as it was. Sources whose file has not changed since they were loaded are skipped
(their graph records the file's SHA-256), which makes ``make serve`` cheap to repeat and loading idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from loader import iris
from loader.build import build_graph, sha256
from loader.errors import SourceError, ValidationFailed
from loader.manifest import SourceEntry, read_manifest
from loader.namespaces import ONTOLOGY_IRI, UNKG
from loader.rdf_files import read_quads, to_dataset
from loader.store import graph_checksum, replace_graph
from loader.validate import (
    ONTOLOGY_DIR,
    Report,
    TypeLookup,
    context_graph,
    graph_type_lookup,
    ontology_graph,
    validate,
)

ONTOLOGY_GRAPH = "ontology"


@dataclass
class Planned:
    """One graph to write: where it comes from, its IRI, its triples and its validation report."""

    label: str
    graph_iri: str
    graph: Graph
    report: Report | None
    skipped: bool = False


def store_type_lookup(store: ox.Store) -> TypeLookup:
    """Look up ``rdf:type`` of IRIs across all graphs of the store, in one query."""

    def lookup(targets: list[URIRef]):
        values = " ".join(f"<{iri}>" for iri in targets)
        query = f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}"
        return [(URIRef(row["s"].value), URIRef(row["t"].value)) for row in store.query(query)]

    return lookup


def _validated(label: str, graph: Graph, lookups: list[TypeLookup]) -> Report:
    report = validate(graph, context_graph(graph, lookups))
    if not report.conforms:
        raise ValidationFailed(f"does not conform to the shapes ({len(report.violations)} violations)",
                               report, path=label)
    return report


def ontology_plan(store: ox.Store, base: str, force: bool) -> Planned:
    """The ontology itself goes into the store as its own graph, so pages and queries can read its labels."""
    graph_iri = iris.graph(base, ONTOLOGY_GRAPH)
    graph = Graph()
    graph += ontology_graph()
    digest = _digest(sorted(ONTOLOGY_DIR.glob("*.ttl")))
    node = URIRef(graph_iri)
    graph.add((node, RDF.type, UNKG.SourceGraph))
    graph.add((node, UNKG.sha256, Literal(digest)))
    graph.add((node, UNKG.sourceFile, Literal("ontology/")))
    skipped = not force and graph_checksum(store, graph_iri) == digest
    return Planned(ONTOLOGY_IRI, graph_iri, graph, None, skipped)


def _digest(paths: list[Path]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def plan_sources(
    store: ox.Store,
    entries: Iterable[SourceEntry],
    base: str,
    *,
    force: bool = False,
    on_source: Callable[[str], None] | None = None,
) -> list[Planned]:
    """Build and validate every source that changed; raise on the first that cannot be read or validated."""
    planned: list[Planned] = []
    built = Graph()  # sources built in this run, as context for the ones after them
    lookups = [graph_type_lookup(built), store_type_lookup(store)]
    for entry in entries:
        if on_source:
            on_source(entry.id)
        graph_iri = iris.graph(base, entry.id)
        if not force and graph_checksum(store, graph_iri) == sha256(entry):
            planned.append(Planned(str(entry.path), graph_iri, Graph(), None, skipped=True))
            continue
        graph = build_graph(entry, base)
        report = _validated(str(entry.path), graph, lookups)
        built += graph
        planned.append(Planned(str(entry.path), graph_iri, graph, report))
    return planned


def plan_rdf_file(store: ox.Store, path: Path, base: str, graph_iri: str | None,
                  force: bool = False) -> list[Planned]:
    """An RDF file loaded as-is: its default graph into ``graph_iri`` (default: a graph named after the file),
    its named graphs into themselves. The graphs of bundled sources are not overwritten unless ``force``."""
    dataset = to_dataset(read_quads(path))
    target = graph_iri or iris.graph(base, "file/" + path.name)
    planned = []
    whole = Graph()
    for context in dataset.graphs():
        whole += context
    lookups = [graph_type_lookup(whole), store_type_lookup(store)]  # the file's other graphs, then the store
    for context in dataset.graphs():
        if len(context) == 0:
            continue
        name = context.identifier
        iri = target if name == dataset.default_context.identifier else str(name)
        reserved = iris.graph(base, "")
        if iri.startswith(reserved) and not iri.startswith(reserved + "file/") and not force:
            raise SourceError(f"graph <{iri}> is where unkg keeps a bundled source; use another IRI (or --force)",
                              path=str(path))
        graph = Graph()
        graph += context
        report = _validated(str(path), graph, lookups)
        planned.append(Planned(str(path), iri, graph, report))
    if not planned:
        raise SourceError("holds no triples", path=str(path))
    return planned


def write(store: ox.Store, planned: Iterable[Planned]) -> int:
    """Replace each planned graph atomically; return how many graphs were written."""
    written = 0
    for item in planned:
        if item.skipped:
            continue
        replace_graph(store, item.graph_iri, item.graph.serialize(format="nt"))
        written += 1
    return written


def load_all(store: ox.Store, base: str, *, force: bool = False, manifest: Path | None = None,
             on_source: Callable[[str], None] | None = None) -> list[Planned]:
    """(Re)load the ontology and every source in the manifest; unchanged sources are skipped."""
    entries = read_manifest(manifest) if manifest else read_manifest()
    planned = [ontology_plan(store, base, force)]
    planned += plan_sources(store, entries, base, force=force, on_source=on_source)
    write(store, planned)
    store.flush()
    return planned
