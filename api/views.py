"""The details each kind of resource page shows beyond its plain links (see ontology/MODEL.md for the terms):
a meeting's agenda and work programme, an agenda item's annotations, a document's language versions, a
provision's parts and citations. Plain data (lists and dicts of :class:`api.terms.Term`), fetched by SPARQL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from api import query_files
from api.terms import RunSelect, Term, rows


def details(description, run_select: RunSelect) -> dict:
    """The view-specific details of a described resource (``description.view`` names the view)."""
    build = DETAILS.get(description.view)
    return build(description.iri, run_select) if build else {}


def _number(value: Term | None) -> Decimal:
    """An order or number for sorting; missing or unreadable values sort last."""
    try:
        return Decimal(value.value) if value is not None else Decimal("Infinity")
    except InvalidOperation:
        return Decimal("Infinity")


def _text(value: Term | None) -> str | None:
    return value.value if value is not None else None


def clock(value: Term | None) -> dict | None:
    """A time as the timetable shows it: local ``HH:MM`` with its UTC offset, and the same instant in UTC.

    >>> clock(Term("literal", "2023-09-11T10:00:00+02:00"))["utc"]
    '08:00'
    >>> clock(Term("literal", "0001-01-01T00:30:00+01:00"))["utc"] is None  # before the first UTC instant Python has
    True
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.value)
    except ValueError:
        return {"iso": value.value, "local": value.value, "utc": None, "offset": None, "date": None}
    if moment.tzinfo is None:
        return {"iso": value.value, "local": moment.strftime("%H:%M"), "utc": None, "offset": None,
                "date": moment.date().isoformat()}
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # a valid xsd:dateTime at the calendar's edge (0001-01-01T00:30:00+01:00) has no UTC here
        return {"iso": value.value, "local": moment.strftime("%H:%M"), "utc": None, "offset": None,
                "date": moment.date().isoformat()}
    offset = moment.strftime("%z")
    return {
        "iso": value.value,
        "local": moment.strftime("%H:%M"),
        "utc": utc.strftime("%H:%M"),
        "utc_iso": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "offset": f"{offset[:3]}:{offset[3:]}",
        "date": moment.date().isoformat(),
    }


# --- meetings ---------------------------------------------------------------------------------------------

def agenda_items(meeting_iri: str, run_select: RunSelect) -> list[dict]:
    """A meeting's agenda as a tree: top-level items in order, each with its sub-items in order."""
    query = query_files.fill("meeting_agenda", meeting=Term("uri", meeting_iri))
    items: dict[str, dict] = {}
    for r in rows(run_select, query):
        item = items.setdefault(r["item"].value, {"iri": r["item"], "notation": None, "order": None,
                                                  "parent": None, "children": []})
        item["notation"] = item["notation"] or _text(r.get("notation"))
        item["order"] = item["order"] or r.get("order")
        item["parent"] = item["parent"] or _text(r.get("parent"))
    top = []
    for item in sorted(items.values(), key=lambda i: (_number(i["order"]), i["notation"] or "", i["iri"].value)):
        parent = items.get(item["parent"] or "")
        (parent["children"] if parent else top).append(item)
    return top


def time_slots(meeting_iri: str, run_select: RunSelect) -> list[dict]:
    """A meeting's work programme: slots in time order, each with its entries in order."""
    query = query_files.fill("meeting_programme", meeting=Term("uri", meeting_iri))
    return _slots(rows(run_select, query))


def _slots(found: list[dict[str, Term]]) -> list[dict]:
    slots: dict[str, dict] = {}
    for r in found:
        slot = slots.setdefault(r["slot"].value, {"iri": r["slot"], "start": None, "end": None, "date": None,
                                                  "entries": {}})
        slot["start"] = slot["start"] or clock(r.get("start"))
        slot["end"] = slot["end"] or clock(r.get("end"))
        slot["date"] = slot["date"] or _text(r.get("date"))
        if "entry" in r:
            slot["entries"].setdefault(r["entry"].value, {
                "iri": r["entry"], "order": r.get("entryOrder"), "item": r.get("item"),
                "notation": _text(r.get("notation")),
                "continuation": _text(r.get("continuation")) in ("true", "1"),
            })
    ordered = sorted(slots.values(), key=lambda s: ((s["start"] or {}).get("utc_iso") or "", s["iri"].value))
    for slot in ordered:
        slot["date"] = slot["date"] or (slot["start"] or {}).get("date")
        slot["entries"] = sorted(slot["entries"].values(), key=lambda e: (_number(e["order"]), e["iri"].value))
    return ordered


def meeting(iri: str, run_select: RunSelect) -> dict:
    return {"agenda": agenda_items(iri, run_select), "programme": time_slots(iri, run_select)}


def line_number(text: str) -> int | str:
    """A passage's line as a number, or as stored when it is none (SPARQL Update writes what no load would).

    >>> line_number("12"), line_number("twelve"), line_number("²"), line_number("١٢")
    (12, 'twelve', '²', '١٢')
    """
    return int(text) if text.isascii() and text.isdigit() else text


# --- agenda items -----------------------------------------------------------------------------------------

def agenda_item(iri: str, run_select: RunSelect) -> dict:
    me = Term("uri", iri)
    annotations: dict[str, dict] = {}
    query = query_files.fill("item_annotations", item=me)
    for r in rows(run_select, query):
        entry = annotations.setdefault(r["a"].value, {"iri": r["a"], "order": r.get("order"), "texts": [],
                                                     "cites": [], "footnotes": [], "lines": []})
        if "text" in r:
            entry["texts"].append(r["text"])
    query = query_files.fill("item_annotation_lines", item=me)
    for r in rows(run_select, query):
        if r["a"].value in annotations:
            annotations[r["a"].value]["lines"].append((line_number(r["line"].value), r["passage"]))
    query = query_files.fill("item_annotation_citations", item=me)
    for r in rows(run_select, query):
        if r["a"].value in annotations:
            annotations[r["a"].value]["cites"].append((r["p"], r["x"]))
    query = query_files.fill("item_annotation_footnotes", item=me)
    for r in rows(run_select, query):
        if r["a"].value in annotations:
            annotations[r["a"].value]["footnotes"].append(r)
    query = query_files.fill("item_documentation", item=me)
    documentation = sorted(rows(run_select, query), key=lambda r: (_number(r.get("order")), r["entry"].value))
    query = query_files.fill("item_sub_items", item=me)
    sub_items = sorted(rows(run_select, query), key=lambda r: (_number(r.get("order")), r["sub"].value))
    query = query_files.fill("item_slots", item=me)
    slots = _slots(rows(run_select, query))
    query = query_files.fill("item_meeting", item=me)
    found = rows(run_select, query)
    return {
        "annotations": sorted(annotations.values(), key=lambda a: (_number(a["order"]), a["iri"].value)),
        "documentation": documentation,
        "sub_items": sub_items,
        "slots": slots,
        "meeting": found[0]["meeting"] if found else None,
    }


# --- documents --------------------------------------------------------------------------------------------

def document(iri: str, run_select: RunSelect) -> dict:
    me = Term("uri", iri)
    query = query_files.fill("document_expressions", document=me)
    expressions = rows(run_select, query)
    query = query_files.fill("document_cited_by", document=me)
    cited = rows(run_select, query)
    agendas = [r["agenda"] for r in rows(run_select, query_files.fill("document_agendas", document=me))]
    return {"expressions": expressions, "agendas": agendas, "cited": cited, "parts": parts(iri, run_select, depth=1)}


def symbols_in_order(document_iri: str, symbols: list[Term]) -> list[Term]:
    """A document's symbols in an order that is the same on every page: the one its IRI is minted from first (the
    first the source prints of a joint symbol, ``loader/iris.py``), then the others by their parts, numbers as
    numbers (WG.4 before WG.7 before WG.10). The graph keeps no other trace of the printed order: the store hands
    them back in any order.

    >>> [t.value for t in symbols_in_order("https://w3id.org/unkg/doc/A/WG.3/1",
    ...                                    [Term("literal", s) for s in ("A/WG.10/1", "A/WG.7/1", "A/WG.3/1")])]
    ['A/WG.3/1', 'A/WG.7/1', 'A/WG.10/1']
    """
    def key(symbol: Term) -> tuple:
        parts = re.split(r"(\d+)", symbol.value)  # text at even places, digits at odd ones
        numbered = tuple(int(part) if place % 2 else part for place, part in enumerate(parts))
        return not document_iri.endswith("/doc/" + symbol.value), numbered, symbol.value

    return sorted(symbols, key=key)


# --- provisions -------------------------------------------------------------------------------------------

def parts(iri: str, run_select: RunSelect, *, depth: int | None = None) -> list[dict]:
    """The parts of a provision or instrument as a tree, in order (``depth=1``: direct parts only)."""
    me = Term("uri", iri)
    query = query_files.fill("parts_direct" if depth == 1 else "parts_all", resource=me)
    nodes: dict[str, dict] = {}
    for r in rows(run_select, query):
        node = nodes.setdefault(r["part"].value, {"iri": r["part"], "parent": r["parent"].value,
                                                  "order": r.get("order"), "number": _text(r.get("number")),
                                                  "texts": [], "children": []})
        if "text" in r and r["text"] not in node["texts"]:
            node["texts"].append(r["text"])
    top = []
    for node in sorted(nodes.values(), key=lambda n: (_number(n["order"]), n["number"] or "", n["iri"].value)):
        parent = nodes.get(node["parent"])
        (parent["children"] if parent else top).append(node)
    return top


def ancestors(iri: str, run_select: RunSelect) -> list[Term]:
    """The provision's parents, outermost first (the instrument, the article, ...)."""
    query = query_files.fill("provision_ancestors", provision=Term("uri", iri))
    parent_of = {r["child"].value: r["parent"] for r in rows(run_select, query)}
    chain: list[Term] = []
    current = parent_of.get(iri)
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current.value)
    return list(reversed(chain))


def provision(iri: str, run_select: RunSelect) -> dict:
    me = Term("uri", iri)
    # the provision and its parts are in the instrument's graph, the citations in the agendas' graphs
    query = query_files.fill("provision_citing_items", provision=me)
    items = rows(run_select, query)
    query = query_files.fill("provision_citing_annotations", provision=me)
    annotations: dict[str, dict] = {}
    for r in rows(run_select, query):
        entry = annotations.setdefault(r["annotation"].value, {"iri": r["annotation"], "item": r.get("item"),
                                                               "cited": [], "texts": []})
        if r["cited"] not in entry["cited"]:
            entry["cited"].append(r["cited"])
        if "text" in r and r["text"] not in entry["texts"]:
            entry["texts"].append(r["text"])
    return {
        "ancestors": ancestors(iri, run_select),
        "parts": parts(iri, run_select),
        "citing_items": items,
        "citing_annotations": list(annotations.values()),
    }


def slot(iri: str, run_select: RunSelect) -> dict:
    """One slot of a work programme: its times (local and UTC), its entries in order, and its meeting."""
    me = Term("uri", iri)
    query = query_files.fill("slot", slot=me)
    found = rows(run_select, query)
    slots = _slots(found)
    meetings = [r["meeting"] for r in found if "meeting" in r]
    return {"slot": slots[0] if slots else None, "meeting": meetings[0] if meetings else None}


DETAILS = {
    "meeting": meeting,
    "slot": slot,
    "agenda-item": agenda_item,
    "document": document,
    "provision": provision,
}


# --- the ontology -----------------------------------------------------------------------------------------

OWN = "https://w3id.org/unkg/ontology#"  # the ontology's own terms come first, then the ones it aligns to
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
KINDS = [  # section name, the types that put a term in it
    ("Classes", {OWL + "Class", RDFS + "Class"}),
    ("Properties", {OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                    RDF + "Property", OWL + "SymmetricProperty", OWL + "TransitiveProperty",
                    OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty"}),
    ("Concept schemes", {SKOS + "ConceptScheme"}),
    ("Concepts", {SKOS + "Concept"}),
]
NAME_PROPERTIES = {RDFS + "label", SKOS + "prefLabel"}
DEFINITION_PROPERTIES = {SKOS + "definition", RDFS + "comment"}


def ontology_terms(triples: list[tuple[Term, Term, Term]]) -> list[dict]:
    """The ontology's terms by kind (classes, properties, concept schemes, concepts), each with its names,
    definitions and every other statement (alignments, domain, range, ...); its own terms first, by IRI."""
    by_subject: dict[str, list[tuple[Term, Term]]] = {}
    for s, p, o in triples:
        if s.is_iri:
            by_subject.setdefault(s.value, []).append((p, o))
    sections = []
    for title, kinds in KINDS:
        terms = []
        for iri, statements in sorted(by_subject.items(), key=lambda kv: (not kv[0].startswith(OWN), kv[0])):
            types = {o.value for p, o in statements if p.value == RDF + "type"}
            if not types & kinds or any(types & other for t, other in KINDS[: KINDS.index((title, kinds))]):
                continue
            terms.append({
                "iri": Term("uri", iri),
                "anchor": iri[len(OWN):] if iri.startswith(OWN) else None,  # unique: links go to its own terms
                "names": [o for p, o in statements if p.value in NAME_PROPERTIES],
                "definitions": [o for p, o in statements if p.value in DEFINITION_PROPERTIES],
                "statements": [(p, o) for p, o in statements
                               if p.value not in NAME_PROPERTIES | DEFINITION_PROPERTIES],
            })
        if terms:
            sections.append({"title": title, "terms": terms})
    return sections
