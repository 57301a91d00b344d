"""The embedded Oxigraph store: open it, replace named graphs atomically, read what is in it.

One named graph per source document, so one source can be replaced without touching the others. The graphs one
load writes are replaced together (:func:`write_graphs`), by a single SPARQL update (``DROP`` + ``INSERT DATA``),
or added by one ``Store.extend`` when they are all new, each of which Oxigraph applies as one transaction: readers
see the old graphs or the new ones, never some of them, and a failure or an interrupt leaves the store as it was.
An empty store is filled by the bulk loader instead (:func:`bulk_write`), which is not transactional, so a failure
there empties the store again.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from loader.errors import StoreError
from loader.namespaces import UNKG

DEFAULT_STORE = "var/store"
SHA256 = ox.NamedNode(str(UNKG.sha256))
ENTRY_SHA256 = ox.NamedNode(str(UNKG.entrySha256))
RDF_TYPE = ox.NamedNode(str(RDF.type))
SOURCE_GRAPH = ox.NamedNode(str(UNKG.SourceGraph))
SOURCE_FILE = ox.NamedNode(str(UNKG.sourceFile))


def store_path(option: str | None = None) -> Path:
    """``--store`` if given, else ``UNKG_STORE``, else ``./var/store``."""
    return Path(option or os.environ.get("UNKG_STORE") or DEFAULT_STORE)


def open_store(path: str | Path, *, read_only: bool = False, create: bool = True) -> ox.Store:
    """Open (or create) the on-disk store at ``path``, with an error that says what is wrong."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise StoreError("not a store directory (it is a file)", path=str(path))
    looks_like_store = (path / "CURRENT").exists()
    if path.is_dir() and any(path.iterdir()) and not looks_like_store:
        raise StoreError("not an Oxigraph store (the directory holds other files)", path=str(path))
    if not looks_like_store and (read_only or not create):
        raise StoreError("no store here yet; run `unkg load` first", path=str(path))
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as error:
        text = str(error)
        if "lock" in text.lower():
            raise StoreError(
                "the store is locked by another process (a running `unkg serve`?); stop it or use --store",
                path=str(path),
            ) from None
        raise StoreError(f"cannot open the store: {text}", path=str(path)) from None


def replace_graphs_text(graphs: dict[str, list[ox.Quad]]) -> str:
    """The SPARQL update that puts each graph's quads in place of what the named graph held: every ``DROP``
    first, then one ``INSERT DATA``, so a blank node that links two graphs of one file stays one node."""
    drops = "".join(f"DROP SILENT GRAPH <{graph_node(iri).value}> ;\n" for iri in graphs)  # a checked IRI holds
    # no ">" that would end it inside the text
    blocks = "\n".join(f"GRAPH <{iri}> {{\n{quads_to_ntriples(q.triple for q in quads)}\n}}"
                       for iri, quads in graphs.items())
    return f"{drops}INSERT DATA {{\n{blocks}\n}}"


def graph_node(graph_iri: str) -> ox.NamedNode:
    """The graph's name as an Oxigraph node, or a :class:`StoreError` when it is not an IRI."""
    try:
        return ox.NamedNode(graph_iri)
    except ValueError as error:
        raise StoreError(f"not a graph IRI: {graph_iri!r} ({error})") from None


def write_graphs(store: ox.Store, graphs: dict[str, list[ox.Quad]]) -> None:
    """Put each graph's quads (all in that named graph) in place of what it held, all in one transaction.

    Graphs all new to the store are added by one ``Store.extend`` (transactional, and several times faster than
    an update); otherwise one update replaces them all (:func:`replace_graphs_text`).
    """
    if any(store.contains_named_graph(graph_node(iri)) for iri in graphs):
        store.update(replace_graphs_text(graphs))
    else:
        store.extend([quad for quads in graphs.values() for quad in quads])


def is_empty(store: ox.Store) -> bool:
    """No quad in any graph (without counting them all, as ``len`` would)."""
    return next(iter(store.quads_for_pattern(None, None, None, None)), None) is None


def bulk_write(store: ox.Store, quads: list[ox.Quad]) -> None:
    """Add quads to an empty store with Oxigraph's bulk loader (not transactional: if it fails, the store is
    emptied again, as it was)."""
    try:
        store.bulk_extend(quads)
    except BaseException:
        store.clear()
        raise


def types_of(store: ox.Store, resources: Iterable[ox.NamedNode]) -> list[tuple[ox.NamedNode, ox.Term]]:
    """``(resource, class)`` for every ``rdf:type`` the store gives the resources, in any graph, each pair once
    (an index look-up per resource: no query text to build)."""
    found = set()
    for resource in resources:
        found.update((resource, quad.object) for quad in store.quads_for_pattern(resource, RDF_TYPE, None, None))
    return sorted(found, key=lambda pair: (pair[0].value, str(pair[1])))


def statements_of(store: ox.Store, resources: Iterable[ox.Term], predicates: Collection[str],
                  outside: set) -> list[ox.Triple]:
    """The statements the store holds about ``resources`` (as subjects) with one of ``predicates``, outside the
    graphs ``outside``, each once: a body's label, which every meeting document restates, is one statement in
    1,742 graphs of a store of 1M triples, and Oxigraph folds them together faster than Python could."""
    named = sorted({r.value for r in resources if isinstance(r, ox.NamedNode)})
    if not named or not predicates:
        return []
    # the predicates in a FILTER, not VALUES: Oxigraph then reads each subject's statements once (0.1 s for the
    # four hubs of a document in a store of 1M triples, against 4 s); the graphs left out are checked after
    query = ("SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?s { " + " ".join(f"<{iri}>" for iri in named) + " } ?s ?p ?o "
             "FILTER(?p IN (" + ", ".join(f"<{iri}>" for iri in sorted(predicates)) + ")) }")
    return [ox.Triple(row["s"], row["p"], row["o"]) for row in store.query(query, use_default_graph_as_union=True)
            if any(quad.graph_name not in outside
                   for quad in store.quads_for_pattern(row["s"], row["p"], row["o"], None))]


def members_around(store: ox.Store, resources: Iterable[ox.NamedNode], link: str, predicates: Collection[str],
                   outside: set) -> list[ox.Triple]:
    """The statements with one of ``predicates`` the store holds, outside the graphs ``outside``, about
    ``resources`` and about their members (what links to them by ``link``): an agenda's items and their numbers,
    for a file that puts one more item into it. An index look-up per resource, and one query for their statements:
    the cost grows with the members of the resources a file links into, not with the store."""
    resources = set(resources)
    node = ox.NamedNode(link)
    members = {quad.subject for resource in resources for quad in store.quads_for_pattern(None, node, resource, None)
               if quad.graph_name not in outside}
    return statements_of(store, resources | members, predicates, outside)


def linked_to(store: ox.Store, resources: Iterable[ox.NamedNode], link: str, outside: set) -> set[ox.NamedNode]:
    """Those of ``resources`` that a statement with the property ``link`` points at in the store, outside the graphs
    ``outside``: the meetings a stored event is made of (``schema:subEvent``), the agendas stored items are in. An
    index look-up per resource, which stops at the first such statement."""
    node = ox.NamedNode(link)
    return {resource for resource in resources
            if any(quad.graph_name not in outside for quad in store.quads_for_pattern(None, node, resource, None))}


def links_of(store: ox.Store, resources: Iterable[ox.NamedNode], link: str, backwards: bool,
             outside: set) -> list[ox.Triple]:
    """The statements with the property ``link`` the store holds, outside the graphs ``outside``, whose subject is
    one of ``resources`` (whose object, ``backwards``), each once: a time slot's meeting, the event a meeting is
    part of (``^schema:subEvent``). An index look-up per resource."""
    node = ox.NamedNode(link)
    found = set()
    for resource in resources:
        quads = store.quads_for_pattern(None, node, resource, None) if backwards else \
            store.quads_for_pattern(resource, node, None, None)
        found.update(quad.triple for quad in quads if quad.graph_name not in outside)
    return sorted(found, key=str)


def neighbourhood(store: ox.Store, resources: Iterable[ox.NamedNode], outside: set) -> list[ox.Quad]:
    """What the store says about ``resources`` that it already holds, and around them, outside the graphs
    ``outside``: their statements, the statements that point at them, and the statements of every resource
    either of those links to (a shape may follow a link: a meeting's dates through the event it is part of, an
    agenda's items through their ``inAgenda``). Empty for resources new to the store: two index look-ups each."""
    found: set[ox.Quad] = set()
    neighbours: set = set()

    def keep(quads) -> None:
        for quad in quads:
            if quad.graph_name not in outside:
                found.add(quad)

    for resource in resources:
        keep(store.quads_for_pattern(resource, None, None, None))
        keep(store.quads_for_pattern(None, None, resource, None))
    for quad in found:
        neighbours.update(term for term in (quad.subject, quad.object) if isinstance(term, ox.NamedNode))
    for neighbour in neighbours - set(resources):
        keep(store.quads_for_pattern(neighbour, None, None, None))
    return list(found)


def source_graphs(store: ox.Store) -> dict[str, str]:
    """Each graph that describes itself as a source's (``unkg:SourceGraph``), with the file it names."""
    found = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, SOURCE_GRAPH, None):
        if quad.subject == quad.graph_name:
            files = [q.object.value for q in store.quads_for_pattern(quad.subject, SOURCE_FILE, None, quad.graph_name)]
            found[quad.subject.value] = files[0] if files else ""
    return found


def drop_graphs(store: ox.Store, graph_iris: list[str]) -> None:
    """Drop named graphs, all in one transaction; each must exist (:class:`StoreError` naming those that do not,
    and nothing is dropped)."""
    present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    missing = [iri for iri in graph_iris if iri not in present]
    if missing:
        raise StoreError(f"no graph {', '.join(f'<{iri}>' for iri in missing)} in this store; `unkg stats` lists them")
    store.update("; ".join(f"DROP GRAPH <{iri}>" for iri in graph_iris))


def drop_graph(store: ox.Store, graph_iri: str) -> None:
    store.update(f"DROP SILENT GRAPH <{graph_iri}>")


def graph_checksum(store: ox.Store, graph_iri: str, of: ox.NamedNode = SHA256) -> str | None:
    """The ``unkg:sha256`` (or the checksum ``of``) a source graph records about itself, or None when the graph is
    not loaded or records none."""
    graph = ox.NamedNode(graph_iri)
    for quad in store.quads_for_pattern(graph, of, None, graph):
        return quad.object.value
    return None


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples per graph (the default graph is ``""``), largest first."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } } GROUP BY ?g"
    sizes = {(row["g"].value if row["g"] is not None else ""): int(row["n"].value) for row in store.query(query)}
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def class_counts(store: ox.Store) -> dict[str, int]:
    query = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY DESC(?n) ?c"
    return {row["c"].value: int(row["n"].value) for row in store.query(query)}


def quads_to_ntriples(triples: Iterable) -> str:
    """Serialize pyoxigraph triples as N-Triples text."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
