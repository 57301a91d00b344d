"""Loading: build each source's graph, validate it in memory, then replace its named graph in the store.

Everything is built and validated before anything is written, so a source that fails to parse or validate
leaves the store exactly as it was. Sources whose file has not changed since they were loaded are skipped
(their graph records the file's SHA-256), which makes ``make serve`` cheap to repeat and loading idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from loader import iris
from loader.build import build_graph, entry_sha256, sha256
from loader.errors import SourceError, ValidationFailed
from loader.manifest import SourceEntry, read_manifest
from loader.namespaces import ONTOLOGY_IRI, UNKG
from loader.rdf_files import as_triples, read_quads, refuse_server_paths, to_rdflib
from loader.rdf_lines import with_lines
from loader.shacl_sparql import ontology_quads, validate_graph, validate_store
from loader.store import (
    ENTRY_SHA256,
    RDF_TYPE,
    bulk_write,
    graph_checksum,
    graph_node,
    is_empty,
    linked_to,
    links_of,
    members_around,
    neighbourhood,
    statements_of,
    types_of,
    write_graphs,
)
from loader.validate import (
    ONTOLOGY_DIR,
    LinkTree,
    Report,
    TypeLookup,
    compared_properties,
    compared_with,
    counted,
    graph_type_lookup,
    joined_iris,
    linked_into,
    linked_reads,
    member_links,
    ontology_graph,
    validate_source,
)

ONTOLOGY_GRAPH = "ontology"


@dataclass
class Planned:
    """One graph to write: where it comes from, its IRI, its triples and its validation report."""

    label: str
    graph_iri: str
    graph: Graph | list[ox.Quad]  # rdflib's for a source built from a document, Oxigraph's for an RDF file
    report: Report | None
    skipped: bool = False


def store_type_lookup(store: ox.Store, outside: Collection[str] = ()) -> TypeLookup:
    """Look up ``rdf:type`` of IRIs across the graphs of the store but those named in ``outside`` (read at each
    look-up: the graphs a load is replacing, whose old content is no context for the new)."""

    def lookup(targets: list[URIRef]):
        if not outside:
            found = types_of(store, [ox.NamedNode(str(iri)) for iri in targets])
            return [(URIRef(s.value), URIRef(t.value)) for s, t in found]
        skipped = {ox.NamedNode(iri) for iri in outside}
        return sorted({(iri, URIRef(quad.object.value))
                       for iri in targets for quad in store.quads_for_pattern(ox.NamedNode(str(iri)), RDF_TYPE, None)
                       if quad.graph_name not in skipped})

    return lookup


def _validated(label: str, graph: Graph, lookups: list[TypeLookup], members: Graph | None = None,
               joined: Collection[str] = ()) -> Report:
    report = validate_source(graph, lookups, run=validate_graph,  # pySHACL's findings (tests/test_shacl_sparql)
                             members=members, joined=joined)
    if not report.conforms:
        raise ValidationFailed(f"does not conform to the shapes ({counted(len(report.violations), 'violation')})",
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
    """Build and validate every source that changed, and every source after one that did (it may cite what
    changed: a shorter treaty must not leave an agenda citing articles that are gone); raise on the first that
    cannot be read or validated. Each is validated with the sources built before it and with the store, but not
    with the store's old copy of a graph this load replaces: of the members the store gives what it links into (a
    body's meetings), none from a graph this load rewrites, be it planned before or after it
    (:func:`members_in_store`, as ``unkg validate --store`` judges it)."""
    entries = list(entries)
    unchanged = 0  # the sources before the first that changed, which stay as stored
    while not force and unchanged < len(entries) and (
            graph_checksum(store, iris.graph(base, entries[unchanged].id)),
            graph_checksum(store, iris.graph(base, entries[unchanged].id), ENTRY_SHA256)) == (
            sha256(entries[unchanged]), entry_sha256(entries[unchanged])):
        unchanged += 1
    rewritten = {ox.NamedNode(iris.graph(base, entry.id)) for entry in entries[unchanged:]}
    planned: list[Planned] = []
    built = Graph()  # sources built in this run, as context for the ones after them
    earlier = ox.Store()  # the same, as the store will hold them, for the members they give
    replaced: set[str] = set()  # their graphs: the store's copy of them is no context
    lookups = [graph_type_lookup(built), store_type_lookup(store, replaced)]
    for index, entry in enumerate(entries):
        if on_source:
            on_source(entry.id)
        graph_iri = iris.graph(base, entry.id)
        if index < unchanged:
            planned.append(Planned(str(entry.path), graph_iri, Graph(), None, skipped=True))
            continue
        replaced.add(graph_iri)
        graph = build_graph(entry, base)
        members, joined = members_in_store([(store, rewritten), (earlier, set())], graph)
        report = _validated(str(entry.path), graph, lookups, members, joined)
        built += graph
        planned_as_stored(earlier, graph, graph_iri)
        planned.append(Planned(str(entry.path), graph_iri, graph, report))
    return planned


def plan_rdf_file(store: ox.Store, path: Path, base: str, graph_iri: str | None,
                  force: bool = False, earlier: Sequence[Planned] = ()) -> list[Planned]:
    """An RDF file loaded as-is: its default graph into ``graph_iri`` (default: a graph named after the file),
    its named graphs into themselves. The graphs of bundled sources are not overwritten unless ``force``.

    The file is validated as a whole (the union of its graphs, as the store's default graph will show them), in
    an in-memory Oxigraph store with the ontology and the types the store knows of the IRIs it references, by
    the shapes compiled to SPARQL (:mod:`loader.shacl_sparql`): 100k triples in about two seconds. ``earlier``:
    what the same load planned before this file, which is validated with it as the store will hold it (a file
    that adds a second number to a meeting loaded by the same command is refused, as it would be afterwards).
    """
    target = graph_node(graph_iri or iris.graph(base, "file/" + path.name))
    reserved = iris.graph(base, "")
    quads = read_quads(path, rename_blank_nodes=True)  # the file's _:b0 is not the _:b0 of files loaded before
    graphs: dict[ox.NamedNode, list[ox.Quad]] = {}
    for index, quad in enumerate(quads):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            quads[index] = quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
        graphs.setdefault(quad.graph_name, []).append(quad)
    for name in graphs:
        if isinstance(name, ox.BlankNode):
            raise SourceError("a graph is named by a blank node; the store names graphs by IRIs", path=str(path))
        if name.value.startswith(reserved) and not name.value.startswith(reserved + "file/") and not force:
            raise SourceError(f"graph {name} is where unkg keeps a bundled source; use another IRI (or --force)",
                              path=str(path))
    if not graphs:
        raise SourceError("holds no triples", path=str(path))
    described = {q.subject for q in quads}
    refuse_server_paths(path, quads, base, described)
    report = _validated_quads(path, quads, store, replaced=set(graphs), earlier=earlier, described=described)
    return [Planned(str(path), name.value, in_graph, report) for name, in_graph in graphs.items()]


def validated_upload(label: str, quads: list[ox.Quad], store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph,
                     *, replace: bool) -> Report:
    """A Graph Store upload's quads (all in ``graph``), validated against the shapes as ``unkg load`` validates a
    file's quads loaded into that graph (:func:`_validated_quads`, one rule for both): with what ``store`` holds,
    but for the graph's old triples when the upload replaces it (PUT); added to it (POST), those count as stored.
    A :class:`ValidationFailed` (warnings pass) names ``label``; so does the :class:`SourceError` of a named graph
    replaced without a resource it typed that something still links to, as the load's write refuses it
    (:func:`check_nothing_cited_is_removed`)."""
    report = _validated_quads(label, quads, store, replaced={graph} if replace else set())
    if replace and isinstance(graph, ox.NamedNode):
        check_nothing_cited_is_removed(store, [(label, graph.value, quads)])
    return report


def _validated_quads(path: Path | str, quads: list[ox.Quad], store: ox.Store, replaced: set = frozenset(),
                     earlier: Sequence[Planned] = (), described: set | None = None) -> Report:
    """Validate the quads' union with the ontology, the types the store gives the IRIs they reference, and, for
    a resource the file describes without giving its type, what the store already says around it (outside the
    graphs ``replaced``, which this load overwrites): a file that adds a second meeting number to a meeting
    described elsewhere is refused, as the whole meeting would be, instead of passing untargeted by any shape.
    What the same load planned ``earlier`` counts as if it were in the store already (and the graphs it replaces
    as gone). A resource the file types is checked on what the file says of it and on the values the store
    already gives it of the properties the shapes count or compare (a second meeting number is refused whether
    the file types the meeting or not); not on the rest around it: looking around hubs such as a body, which
    every meeting document restates (with its provenance: 1,742 statements in a store of 1M triples), made one
    more document cost 12 s instead of 0.15 s. A resource the file (or what the store says of the resources it
    describes) links members into, whose shapes compare its members (an agenda, by an item's ``unkg:inAgenda``),
    is checked by those comparisons on the values they read of it and of all its members in the store (the
    numbers of its items: a second item numbered 2 is refused, the finding about the agenda); so is a resource the
    file types that the store links members into (a restated meeting, dated by the stored event it is part of). A
    resource the file describes is checked by the shapes that read values of what it links to on the values the
    store gives those (a time slot's date against its stored meeting's dates: :func:`_linked_around`); the
    findings about those resources themselves are not the file's. ``described``: the quads' subjects, if known.
    ``path``: the file the quads were read from, whose lines findings name; a label where there is none."""
    staging = ox.Store()
    staging.bulk_extend(quads)  # in memory, nothing to lose: the faster way in
    staging.extend(ontology_quads())
    described = {q.subject for q in quads} if described is None else described
    joined: dict[str, set[str]] = {}
    coming = [item for item in earlier if not item.skipped]
    views = [] if is_empty(store) else [(store, set(replaced) | {graph_node(item.graph_iri) for item in coming})]
    if coming:
        pending = ox.Store()  # in memory: what this load writes before the file
        pending.bulk_extend([quad for item in coming for quad in _quads(item)])
        views.append((pending, set()))
    if views:  # an empty store, with nothing planned before, has nothing to add
        typed = {q.subject for q in quads if q.predicate == RDF_TYPE}
        untyped = [s for s in described - typed if isinstance(s, ox.NamedNode)]
        around = [quad for view, outside in views for quad in neighbourhood(view, untyped, outside)]
        stated = _compared(q.predicate.value for q in quads if q.subject in typed)
        around += [ox.Quad(t.subject, t.predicate, t.object)
                   for view, outside in views for t in statements_of(view, typed, stated, outside)]
        joined = linked_into((q.subject, q.predicate, q.object) for q in [*quads, *around])
        typed_iris = [s for s in typed if isinstance(s, ox.NamedNode)]
        around += [ox.Quad(t.subject, t.predicate, t.object) for view, outside in views
                   for t in _members_around(view, joined, outside, typed_iris)]
        around += [ox.Quad(t.subject, t.predicate, t.object)
                   for t in _linked_around(views, [*quads, *around], described)]
        staging.extend(ox.Quad(q.subject, q.predicate, q.object) for q in around)
        referenced = {q.object for q in [*quads, *around]
                      if isinstance(q.object, ox.NamedNode) and q.predicate != RDF_TYPE}
        for view, _ in views:
            staging.extend(ox.Quad(s, RDF_TYPE, c) for s, c in types_of(view, referenced - described))
    report = validate_store(staging, {s.value for s in described}, union=True, joined=joined_iris(joined))
    if not report.conforms:
        if isinstance(path, Path):  # a file (an upload's body, named by a label, has no lines to give)
            report = with_lines(report, path, quads)  # the file's line of each finding's resource
        raise ValidationFailed(f"does not conform to the shapes ({counted(len(report.violations), 'violation')})",
                               report, path=str(path))
    return report


def _compared(predicates: Iterable[str]) -> set[str]:
    """Of the properties a file states, those the shapes count or compare, with what they are compared with:
    whose values in the store, beside the file's, could break a shape."""
    compared = compared_properties()
    found = {p for p in predicates if p in compared}
    return found | {other for p in found for other in compared_with(p)}


def _members_around(view: ox.Store, joined: dict[str, set[str]], outside: set,
                    typed: Collection[ox.NamedNode] = ()) -> list[ox.Triple]:
    """What ``view`` says of the resources ``joined`` (by member link, see :func:`loader.validate.linked_into`) and
    of their members, of the properties their shapes' comparisons read, and their types (which target them); and
    so of those of the resources ``typed`` (a file's) that ``view`` links members into, though the file does not:
    the event a restated meeting is part of (``schema:subEvent``), which dates it, and the items of a restated
    agenda. An index look-up per typed resource and member link: the cost grows with the file, not the store."""
    reads = member_links().reads
    into = {link: {ox.NamedNode(iri) for iri in joined.get(link, ())} | linked_to(view, typed, link, outside)
            for link in reads}
    return [triple for link, resources in into.items() if resources
            for triple in members_around(view, resources, link, reads[link] | {RDF_TYPE.value}, outside)]


def _linked_around(views: Sequence[tuple[ox.Store, set]], triples: Iterable[ox.Triple | ox.Quad],
                   starts: Collection[ox.Term]) -> list[ox.Triple]:
    """What the views say, outside the graphs each leaves out, of the resources the resources ``starts`` link to
    (by ``triples``: the file's and what was gathered around it), of the properties the shapes' SPARQL
    constraints read of them (:func:`loader.validate.linked_reads`): a time slot's meeting's dates, the agenda of
    the items its entries take up and the meeting that agenda is of. Each step from the resources reached is an
    index look-up per resource, in the triples and in each view, and their values are read by one query per
    view: the cost grows with what the file links to, not with the store. Only IRIs and the file's blank nodes
    are gone beyond, not a literal value (a date is no link)."""
    tree = linked_reads()
    ahead: dict[str, dict] = {}  # property: each resource the triples give it to, and what they link it to
    behind: dict[str, dict] = {}  # property: each resource the triples link to by it, and what links to it
    links = _properties(tree)
    for triple in triples:
        if triple.predicate.value in links:
            ahead.setdefault(triple.predicate.value, {}).setdefault(triple.subject, set()).add(triple.object)
            behind.setdefault(triple.predicate.value, {}).setdefault(triple.object, set()).add(triple.subject)
    found: set[ox.Triple] = set()
    reached: set[ox.NamedNode] = set()  # the resources linked to, whose values and types are read
    values = {RDF_TYPE.value}  # the properties whose values are read (those the routes end by, forwards)
    level = [(tree, set(starts))]
    while level:
        following = []
        for branch, resources in level:
            iris = [] if branch is tree else [r for r in resources if isinstance(r, ox.NamedNode)]
            reached.update(iris)
            for (link, backwards), beyond in branch.items():
                if not beyond and not backwards:
                    values.add(link)
                    continue
                linked = _linked_by((behind if backwards else ahead).get(link, {}), resources)
                for view, outside in views:  # none for the file's resources: they link by what the triples say
                    for triple in links_of(view, iris, link, backwards, outside):
                        found.add(triple)
                        linked.add(triple.subject if backwards else triple.object)
                if beyond:
                    following.append((beyond, {r for r in linked if isinstance(r, (ox.NamedNode, ox.BlankNode))}))
        level = following
    found.update(t for view, outside in views for t in statements_of(view, reached, values, outside))
    return sorted(found, key=str)


def _linked_by(index: dict, resources: set) -> set:
    """What ``index`` links ``resources`` to, going over the smaller of the two (a file's 300,000 resources, and
    the few it links by one property)."""
    if len(index) < len(resources):
        return {other for resource, others in index.items() if resource in resources for other in others}
    return {other for resource in resources for other in index.get(resource, ())}


def _properties(tree: LinkTree) -> set[str]:
    return {link for (link, _), beyond in tree.items() for link in (link, *_properties(beyond))}


def linked_in_store(views: Sequence[tuple[ox.Store, set]], graph: Graph, around: Graph) -> Graph:
    """For ``unkg validate --store`` (pySHACL): what the views say of the resources the resources ``graph``
    describes link to (by ``graph`` or by what was gathered ``around`` it), of the properties the shapes read of
    them, as :func:`_validated_quads` adds it for a load (:func:`_linked_around`)."""
    starts = {ox.NamedNode(str(s)) if isinstance(s, URIRef) else ox.BlankNode(str(s)) for s in graph.subjects()}
    linked = Graph()
    for triple in _linked_around(views, as_triples(graph + around), starts):
        linked.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return linked


def around_in_store(store: ox.Store, graph: Graph, replaced: set) -> Graph:
    """For ``unkg validate --store`` (pySHACL): what the store says around the resources ``graph`` describes
    without giving their type, the values it gives those it types of the properties the shapes count or
    compare, and what the shapes comparing the members of a resource ``graph`` links into, or types, read of it and
    of its members, outside the graphs ``replaced``, as :func:`_validated_quads` adds them for a load."""
    typed = set(graph.subjects(RDF.type, None))
    untyped = [ox.NamedNode(str(s)) for s in set(graph.subjects()) - typed if isinstance(s, URIRef)]
    typed_nodes = {ox.NamedNode(str(s)) for s in typed if isinstance(s, URIRef)}
    stated = _compared(str(p) for s, p in graph.subject_predicates() if s in typed)
    found = [*neighbourhood(store, untyped, replaced), *statements_of(store, typed_nodes, stated, replaced)]
    joined = linked_into([*graph, *((t.subject, t.predicate, t.object) for t in found)])
    around = Graph()
    for quad in [*found, *_members_around(store, joined, replaced, typed_nodes)]:
        around.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return around


def members_in_store(views: Sequence[tuple[ox.Store, set]], graph: Graph) -> tuple[Graph, set[str]]:
    """For a source built from a document: what the views say, each outside the graphs it leaves out, of the
    resources ``graph`` links members into, or types, and of their members, of the properties the shapes comparing
    those members read (the meetings the store gives the body an agenda's meeting is of, and their numbers: a
    file's fifteenth meeting of the working group, loaded before the agenda of its own), and those resources, whose
    findings by those comparisons are the source's. One rule for ``unkg load`` and ``unkg validate``: the views are
    the store, leaving out every graph the command (re)writes, wherever in the manifest its source is (a source is
    not judged by the old copy of one listed after it), and the sources planned before it by the same command
    (:func:`planned_as_stored`), which the store will hold beside it. An index look-up per resource and member
    link, as for a file (:func:`_members_around`); nothing for an empty view."""
    members = Graph()
    typed = {ox.NamedNode(str(s)) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    joined = linked_into(graph)
    for view, outside in views:
        if is_empty(view):
            continue
        for triple in _members_around(view, joined, outside, typed):
            members.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return members, joined_iris(linked_into(graph + members))


def planned_as_stored(view: ox.Store, graph: Graph, graph_iri: str) -> None:
    """Add a planned source's graph to ``view``, in its named graph, as the load will write it."""
    node = ox.NamedNode(graph_iri)
    view.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in as_triples(graph))


def check_nothing_cited_is_removed(store: ox.Store, written: Sequence[tuple[str, str, list[ox.Quad]]],
                                   dropped: Sequence[str] = ()) -> None:
    """Refuse a load that takes away a resource something will still link to: a graph this load replaces typed a
    resource (an article of a treaty) that no graph will type afterwards, while a graph the load keeps, or one it
    writes, links to it (an agenda citing the article). Each source is validated on what it cites as it is
    planned, but not against what a source planned after it, or a file, removes; this looks at the end result.
    Costs a pass over the graphs being replaced, and an index look-up per resource they lose. ``written``: what
    the load writes, as (label, graph IRI, quads); ``dropped``: graphs taken out with nothing in their place
    (``unkg drop``)."""
    replaced = {graph_node(iri) for _, iri, _ in written} | {graph_node(iri) for iri in dropped}
    if is_empty(store) or not replaced:
        return
    was_typed = {quad.subject for graph in replaced for quad in store.quads_for_pattern(None, RDF_TYPE, None, graph)
                 if isinstance(quad.subject, ox.NamedNode)}
    if not was_typed:  # a new graph, or one that typed nothing: nothing to lose
        return
    lost = was_typed - {q.subject for _, _, quads in written for q in quads if q.predicate == RDF_TYPE}
    lost = {r for r in lost  # typed nowhere else either
            if not any(q.graph_name not in replaced for q in store.quads_for_pattern(r, RDF_TYPE, None))}
    if not lost:
        return
    for resource in sorted(lost, key=lambda node: node.value):
        kept = next((q for q in store.quads_for_pattern(None, None, resource) if q.graph_name not in replaced
                     and q.predicate != RDF_TYPE), None)
        if kept is not None:
            by = next(g for g in replaced if any(True for _ in store.quads_for_pattern(resource, RDF_TYPE, None, g)))
            raise SourceError(f"{kept.subject} in graph {kept.graph_name} links to {resource} ({kept.predicate}), "
                              f"which this {'drop' if dropped else 'load'} removes (graph {by} described it); keep "
                              "what describes it, or change what links to it")
    for label, _, quads in written:
        for quad in quads:
            if quad.object in lost and quad.predicate != RDF_TYPE:
                raise SourceError(f"{quad.subject} links to {quad.object} ({quad.predicate}), which this load "
                                  "removes", path=label)


def file_graphs_replaced(store: ox.Store, base: str, planned: Iterable[Planned]) -> dict[str, list[str]]:
    """Each graph named by a file name (graph/file/x.ttl) that already holds triples, which the write will replace,
    with the files planned into it: it may hold another directory's x.ttl (the store keeps no file's path)."""
    found: dict[str, list[str]] = {}
    for item in planned:
        if isinstance(item.graph, list) and not item.skipped and item.graph_iri.startswith(iris.graph(base, "file/")):
            found.setdefault(item.graph_iri, []).append(item.label)
    return {iri: files for iri, files in found.items()
            if next(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)), None) is not None}


def write(store: ox.Store, planned: Iterable[Planned]) -> int:
    """Write each planned graph in place of what the store held in it; return how many graphs were written.

    Several items planned for one graph (two files called ``same.ttl``, or files loaded with one ``--graph``)
    fill it together: the graph holds all of them, whether the store was empty or not. Into a store with data,
    all the graphs are replaced in one transaction (:func:`loader.store.write_graphs`): readers see the old
    graphs or the new ones, and an interrupted load leaves none of it. Into an empty store there is nothing to
    keep, so everything goes in through Oxigraph's bulk loader, about three times faster
    (:func:`loader.store.bulk_write`), and a failure empties the store again.
    """
    written = [(item.label, item.graph_iri, _quads(item)) for item in planned if not item.skipped]
    check_nothing_cited_is_removed(store, written)
    graphs: dict[str, list[ox.Quad]] = {}
    for _, graph_iri, quads in written:
        graphs.setdefault(graph_iri, []).extend(quads)
    if is_empty(store):
        bulk_write(store, [quad for quads in graphs.values() for quad in quads])
    elif graphs:
        write_graphs(store, graphs)
    return len(graphs)


def _quads(item: Planned) -> list[ox.Quad]:
    """The planned graph as Oxigraph quads in their named graph (an RDF file's are so already)."""
    if isinstance(item.graph, list):
        return item.graph
    name = graph_node(item.graph_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, name) for t in as_triples(item.graph)]


def load_all(store: ox.Store, base: str, *, force: bool = False, manifest: Path | None = None,
             on_source: Callable[[str], None] | None = None) -> list[Planned]:
    """(Re)load the ontology and every source in the manifest; unchanged sources are skipped."""
    entries = read_manifest(manifest) if manifest else read_manifest()
    planned = [ontology_plan(store, base, force)]
    planned += plan_sources(store, entries, base, force=force, on_source=on_source)
    write(store, planned)
    store.flush()
    return planned
