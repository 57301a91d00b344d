"""One source document to one RDF graph: pick the genre's parser and converter by the manifest's ``genre``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from loader import iris
from loader.errors import SourceError
from loader.manifest import DATA_DIR, SourceEntry
from loader.namespaces import UNDO, UNKG


def _agenda(entry: SourceEntry, base: str) -> Graph:
    from loader.sources import agenda
    from loader.to_rdf import agenda as agenda_rdf

    return agenda_rdf.to_graph(agenda.parse(entry.path), entry, base)


def _treaty(entry: SourceEntry, base: str) -> Graph:
    from loader.sources import treaty
    from loader.to_rdf import treaty as treaty_rdf

    return treaty_rdf.to_graph(treaty.parse(entry.path), entry, base)


GENRES: dict[str, Callable[[SourceEntry, str], Graph]] = {
    "annotated-agenda": _agenda,
    "treaty": _treaty,
}


def sha256(entry: SourceEntry) -> str:
    """The checksum of the source file; a :class:`SourceError` naming it when it cannot be read."""
    try:
        return hashlib.sha256(entry.path.read_bytes()).hexdigest()
    except OSError as error:
        raise SourceError(f"cannot read the file: {error.strerror}", path=str(entry.path)) from None


def entry_sha256(entry: SourceEntry) -> str:
    """The checksum of the manifest entry: how the file is read (genre, language, evidence, bodies …) changes the
    graph as much as the file does."""
    fields = {"id": entry.id, "file": relative_file(entry), "genre": entry.genre, "language": entry.language,
              "facts": entry.facts}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def relative_file(entry: SourceEntry) -> str:
    """The source's file as the graph names it: ``data/…`` under the project's data folder, else its name alone
    (never the absolute path, which would tell every reader of the public graph where the operator keeps their
    files, and never a path that depends on the directory unkg runs in, which would change the checksum of an
    unchanged source).

    >>> from pathlib import Path
    >>> relative_file(SourceEntry("x", Path("/home/someone/agendas/a.txt"), "annotated-agenda", "zho"))
    'a.txt'
    """
    try:
        return "data/" + entry.path.relative_to(DATA_DIR).as_posix()
    except ValueError:
        return entry.path.name


def build_graph(entry: SourceEntry, base: str) -> Graph:
    """The graph of one source, with its self-description (checksum, file) as graph metadata."""
    convert = GENRES.get(entry.genre)
    if convert is None:
        known = ", ".join(sorted(GENRES))
        raise SourceError(f"unknown genre {entry.genre!r} (known: {known})", path=str(entry.path))
    graph = convert(entry, base)
    add_undo_types(graph)
    describe_source_graph(graph, entry, base)
    return graph


def add_undo_types(graph: Graph) -> None:
    """Type each document with the UNDO document type its kind matches in the ontology (``skos:exactMatch``, or
    ``skos:broadMatch`` for a broader type: a digest of cases is an ``undo:Publication``), so that a query in UNDO's
    terms (``?d a undo:AnnotatedAgenda``) finds it. The mapping is the ontology's; a kind without one adds nothing."""
    matches = undo_types()
    for document, kind in list(graph.subject_objects(UNKG.documentKind)):
        for undo_type in matches.get(kind, ()):
            graph.add((document, RDF.type, undo_type))


@cache
def undo_types() -> dict[URIRef, tuple[URIRef, ...]]:
    """Each document kind of the ontology and the UNDO types it matches exactly or broadly."""
    from loader.validate import ontology_graph

    ontology = ontology_graph()
    found: dict[URIRef, list[URIRef]] = {}
    for match in (SKOS.exactMatch, SKOS.broadMatch):
        for kind, target in ontology.subject_objects(match):
            if str(target).startswith(str(UNDO)) and (kind, SKOS.inScheme, UNKG.DocumentKinds) in ontology:
                found.setdefault(kind, []).append(target)
    return {kind: tuple(sorted(targets)) for kind, targets in found.items()}


def describe_source_graph(graph: Graph, entry: SourceEntry, base: str) -> URIRef:
    node = URIRef(iris.graph(base, entry.id))
    graph.add((node, RDF.type, UNKG.SourceGraph))
    graph.add((node, UNKG.sha256, Literal(sha256(entry))))
    graph.add((node, UNKG.entrySha256, Literal(entry_sha256(entry))))
    graph.add((node, UNKG.sourceFile, Literal(relative_file(entry))))
    return node  # each genre's converter says which expression the graph was derived from
