"""What the blank nodes a resource points to hold, and how a page nests them under the property that points to each.

A blank node has no page of its own and no name a query can use: a description that showed only ``_:b0`` would be a
dead end. So a description holds its blank nodes' statements too, as a Concise Bounded Description does, bounded:
:func:`fetch` asks for them in one query (``api/queries/blank_closure.rq``), :data:`LEVELS` deep and at most
:data:`MAX_STATEMENTS` of them. Within one store a blank node keeps its id from query to query (Oxigraph stores it),
so the ids the resource's own statements give are those the closure's statements give.

:func:`lay_out` turns them into the tree a page shows: a well-formed list as its members in order, a blank node that
is one of its own ancestors (blank nodes can form a cycle) as a note that it is shown above, and no more than
:data:`MAX_SHOWN` values of blank nodes on one page, however often the same blank node is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api import query_files
from api.terms import RunSelect, Term, rows
from loader.namespaces import PREFIXES

LEVELS = 4  # how deep blank_closure.rq reaches: the blank nodes of a blank node of ... (a list's cells: one level)
MAX_STATEMENTS = 2000  # of the blank nodes one description holds
MAX_SHOWN = 1000  # values of blank nodes one page shows, counted each time one is shown
MAX_NESTING = 12  # blank nodes inside blank nodes a page shows (a list's cells are not a level)
RDF_FIRST = PREFIXES["rdf"] + "first"
RDF_REST = PREFIXES["rdf"] + "rest"
RDF_NIL = PREFIXES["rdf"] + "nil"

Statements = dict[str, list[tuple[Term, Term]]]  # a blank node's id -> its (property, value) pairs


@dataclass
class Closure:
    """The statements of the blank nodes a description reaches, by blank node. ``levels``: how deep they were
    fetched (None: all of them, as for the whole ontology graph); ``truncated``: :data:`MAX_STATEMENTS` cut them."""

    held: Statements = field(default_factory=dict)
    truncated: bool = False
    levels: int | None = LEVELS

    def complete_at(self, level: int) -> bool:
        """Whether every statement of a blank node ``level`` deep was fetched (so one with none has none)."""
        return not self.truncated and (self.levels is None or level <= self.levels)

    def triples(self) -> list[tuple[Term, Term, Term]]:
        return [(Term("bnode", node), p, o) for node, pairs in self.held.items() for p, o in pairs]


def fetch(iri: str, run_select: RunSelect, objects: list[Term]) -> Closure:
    """The closure of the blank nodes among ``objects`` (the values of ``iri``'s statements): no query when there
    is none."""
    if not any(o.kind == "bnode" for o in objects):
        return Closure()
    query = query_files.fill("blank_closure", resource=Term("uri", iri), limit=MAX_STATEMENTS + 1)
    found = rows(run_select, query)
    return grouped(((r["s"], r["p"], r["o"]) for r in found[:MAX_STATEMENTS]), truncated=len(found) > MAX_STATEMENTS)


def grouped(triples, *, truncated: bool = False, levels: int | None = LEVELS) -> Closure:
    """The statements whose subject is a blank node, by blank node (others are left out)."""
    closure = Closure(truncated=truncated, levels=levels)
    for s, p, o in triples:
        if s.kind == "bnode":
            closure.held.setdefault(s.value, []).append((p, o))
    return closure


@dataclass
class Shown:
    """A blank node as a page shows it. ``state``: ``shown`` (its ``pairs``, or the ``members`` of the list it
    heads, in order), ``above`` (it is one of its own ancestors: a cycle), ``empty`` (it has no statements),
    ``cut`` (what it holds was not fetched, or the page's share of them is spent). ``children``: the blank nodes
    among its values or members, laid out in turn, by id."""

    node: Term
    state: str
    pairs: list[tuple[Term, Term]] = field(default_factory=list)
    members: list[Term] | None = None
    children: dict[str, Shown] = field(default_factory=dict)


@dataclass
class Budget:
    """How many more values of blank nodes one page may show."""

    left: int = MAX_SHOWN

    def spend(self, count: int) -> bool:
        if count > self.left:
            self.left = 0
            return False
        self.left -= count
        return True


def lay_out(node: Term, closure: Closure, budget: Budget, *, level: int = 1, above: frozenset = frozenset(),
            nesting: int = 1) -> Shown:
    """``node`` (a blank node ``level`` deep, below the blank nodes ``above``) with what it holds, nested."""
    if node.value in above:
        return Shown(node, "above")
    pairs = closure.held.get(node.value)
    if not pairs:
        return Shown(node, "empty" if closure.complete_at(level) else "cut")
    if nesting > MAX_NESTING:
        return Shown(node, "cut")
    cells, members = list_of(node, closure.held, above)
    if members is not None:
        if not budget.spend(len(members)):
            return Shown(node, "cut")
        shown = Shown(node, "shown", members=members)
        below = above | cells
        for member in members:
            if member.kind == "bnode" and member.value not in shown.children:
                shown.children[member.value] = lay_out(member, closure, budget, level=level + 1, above=below,
                                                       nesting=nesting + 1)
        return shown
    if not budget.spend(len(pairs)):
        return Shown(node, "cut")
    shown = Shown(node, "shown", pairs=pairs)
    below = above | {node.value}
    for p, o in pairs:
        if o.kind == "bnode" and o.value not in shown.children:
            deeper = level if p.value == RDF_REST else level + 1  # as the query counts: a list's cells, one level
            shown.children[o.value] = lay_out(o, closure, budget, level=deeper, above=below, nesting=nesting + 1)
    return shown


def list_of(head: Term, held: Statements, above: frozenset) -> tuple[frozenset, list[Term] | None]:
    """The cells and members of the well-formed list ``head`` starts (each cell a blank node with one
    ``rdf:first``, one ``rdf:rest`` and nothing else, none seen twice, the last one's rest ``rdf:nil``), or
    (empty, None) when it is no such list."""
    cells: list[str] = []
    members: list[Term] = []
    cell = head
    while not (cell.kind == "uri" and cell.value == RDF_NIL):
        pairs = held.get(cell.value) if cell.kind == "bnode" else None
        if not pairs or len(pairs) != 2 or cell.value in above or cell.value in cells:
            return frozenset(), None
        found = {p.value: o for p, o in pairs}
        if set(found) != {RDF_FIRST, RDF_REST}:
            return frozenset(), None
        cells.append(cell.value)
        members.append(found[RDF_FIRST])
        cell = found[RDF_REST]
    return frozenset(cells), members
