"""Exports: a meeting's work programme as iCalendar and CSV, a VoID description of the dataset with its
statistics, and the whole dataset as N-Quads or TriG (streamed, a few at once, cut off when the client stops
reading).

Include this router before :mod:`api.pages` (whose catch-all would otherwise answer these paths).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api import query_files, render, views
from api.describe import LABEL_PROPERTIES, Description, add_labels, mentioned
from api.engine import StreamAborted
from api.errors import NotFound, ServiceUnavailable
from api.pages import (
    absolute_origin_of,
    base_of,
    iri_for_path,
    origin_of,
    requested_format,
    respond,
    run_select_for,
    suffix_format,
)
from api.render import choose
from api.sparql import ResultStream
from api.terms import RunSelect, Term, iri_ref, rows
from loader import server_paths
from loader.namespaces import PREFIXES, VOID
from loader.sources.agenda import CONTINUED

router = APIRouter()
log = logging.getLogger("unkg.exports")
CSV_COLUMNS = ["date", "start_local", "end_local", "utc_offset", "start_utc", "end_utc", "order", "item",
               "item_iri", "title", "title_language", "continuation", "slot_iri"]
# every line break form (CRLF, a lone CR or LF, and the other Unicode breaks a reader may honour) is one
# escaped \n: a raw CR would end the content line and let data start a calendar property of its own
_LINE_BREAK = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
DUMP_FORMATS = {"nq": (ox.RdfFormat.N_QUADS, "application/n-quads"), "trig": (ox.RdfFormat.TRIG, "application/trig")}


# --- the work programme -----------------------------------------------------------------------------------

def programme(meeting_iri: str, run_select: RunSelect) -> tuple[Description, list[dict]]:
    """The meeting (with the labels of everything the programme names) and its slots in time order."""
    meeting = Description(meeting_iri)
    meeting.outgoing = [(r["p"], r["o"]) for r in rows(
        run_select, query_files.fill("resource_outgoing", resource=Term("uri", meeting_iri)))]
    slots = views.time_slots(meeting_iri, run_select)
    names = {meeting_iri} | {o.value for o in meeting.values("schema:location") if o.is_iri}
    for slot in slots:
        for entry in slot["entries"]:
            names.add(entry["iri"].value)
            if entry["item"] is not None:
                names.add(entry["item"].value)
    add_labels(meeting, run_select, names)
    marks = continuation_marks(meeting_iri, run_select)
    for slot in slots:
        for entry in slot["entries"]:
            entry["marks"] = marks.get(entry["iri"].value, {})
    return meeting, slots


def continuation_marks(meeting_iri: str, run_select: RunSelect) -> dict[str, dict[str, str]]:
    """The continuation mark each continuing entry's source line prints, by the language of that source
    (``{"zh": "（续）", "en": " (continued)"}``), with the space before it if the line has one: the parser reads
    the mark and keeps a flag (``unkg:isContinuation``), so the mark is read back from the line, not made up."""
    found: dict[str, dict[str, str]] = {}
    query = query_files.fill("continuation_lines", meeting=Term("uri", meeting_iri))
    for r in rows(run_select, query):
        printed = CONTINUED.search(r["verbatim"].value.rstrip())
        if printed is not None and r.get("language") is not None:
            mark = (" " if printed.group()[0].isspace() else "") + printed.group().strip()
            found.setdefault(r["entry"].value, {}).setdefault(primary_language(r["language"].value), mark)
    return found


def primary_language(tag: str) -> str:
    """A language tag's primary subtag, lower case: ``zh`` for ``zh-Hans``."""
    return tag.split("-", 1)[0].lower()


def _best(meeting: Description, iri: str, languages: list[str]) -> Term | None:
    return choose(meeting.labels.get(iri, []), languages)


def programme_rows(meeting: Description, slots: list[dict], languages: list[str]) -> list[dict]:
    """One row per programme entry (a slot without entries still gets one row)."""
    found = []
    for slot in slots:
        start, end = slot["start"] or {}, slot["end"] or {}
        common = {
            "date": slot["date"] or "", "start_local": start.get("local") or "", "end_local": end.get("local") or "",
            "utc_offset": start.get("offset") or "", "start_utc": start.get("utc_iso") or "",
            "end_utc": end.get("utc_iso") or "", "slot_iri": slot["iri"].value,
        }
        for entry in slot["entries"] or [None]:
            title = _best(meeting, entry["iri"].value, languages) if entry else None
            found.append({
                **common,
                "order": entry["order"].value if entry and entry["order"] is not None else "",
                "item": (entry or {}).get("notation") or "",
                "item_iri": entry["item"].value if entry and entry["item"] is not None else "",
                "title": title.value if title is not None else "",
                "title_language": (title.lang or "") if title is not None else "",
                "continuation": "true" if entry and entry["continuation"] else ("false" if entry else ""),
            })
    return found


def programme_csv(meeting: Description, slots: list[dict], languages: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(programme_rows(meeting, slots, languages))
    return out.getvalue()


def ical_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11).

    >>> ical_text("a, b; c\\\\d\\ne")
    'a\\\\, b\\\\; c\\\\\\\\d\\\\ne'
    """
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _LINE_BREAK.sub(r"\\n", escaped)


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545, 3.1)."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _ical_utc(moment: dict | None) -> str | None:
    if not moment or not moment.get("utc_iso"):
        return None
    return moment["utc_iso"].replace("-", "").replace(":", "")


def programme_ics(meeting: Description, slots: list[dict], languages: list[str], page_url: str,
                  now: datetime | None = None) -> str:
    """A VCALENDAR with one VEVENT per slot of the work programme; times in UTC."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    meeting_name = _best(meeting, meeting.iri, languages)
    places = [_best(meeting, o.value, languages) for o in meeting.values("schema:location") if o.is_iri]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//unkg//work programme//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    if meeting_name is not None:
        lines.append(f"X-WR-CALNAME:{ical_text(meeting_name.value)}")
    for slot in slots:
        start, end = _ical_utc(slot["start"]), _ical_utc(slot["end"])
        if start is None:
            continue
        titles = []
        for entry in slot["entries"]:
            title = _best(meeting, entry["iri"].value, languages)
            label = " ".join(x for x in (entry.get("notation"), title.value if title else None) if x)
            printed = entry.get("marks", {}).get(primary_language(title.lang or "")) if title else None
            continued = printed if entry.get("continuation") and printed else ""  # as the source line prints it
            titles.append((label or entry["iri"].value) + continued)
        summary = "; ".join(titles) or (meeting_name.value if meeting_name else slot["iri"].value)
        description = "\n".join(([meeting_name.value] if meeting_name else []) + titles)
        lines += ["BEGIN:VEVENT", f"UID:{slot['iri'].value}", f"DTSTAMP:{stamp}", f"DTSTART:{start}"]
        if end is not None:
            lines.append(f"DTEND:{end}")
        lines += [f"SUMMARY:{ical_text(summary)}", f"DESCRIPTION:{ical_text(description)}"]
        if places and places[0] is not None:
            lines.append(f"LOCATION:{ical_text(places[0].value)}")
        lines += [f"URL:{page_url}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def attachment(filename: str) -> str:
    """A ``Content-Disposition`` for a download named ``filename`` (RFC 6266): an ASCII ``filename`` for old
    clients (anything else, and the quote and backslash that would end or escape it, become ``_``) and the exact
    name as ``filename*`` in UTF-8, percent-encoded (RFC 8187). A header must be Latin-1: a meeting path in
    another script would otherwise be a 500.

    >>> print(attachment('中-1"x.ics'))
    attachment; filename="_-1_x.ics"; filename*=UTF-8''%E4%B8%AD-1%22x.ics
    >>> attachment("CTOC-COP-WG.3-14-programme.ics")
    'attachment; filename="CTOC-COP-WG.3-14-programme.ics"'
    """
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += "; filename*=UTF-8''" + quote(filename, safe="!#$&+-.^_`|~")
    return header


async def _programme_for(request: Request, meeting: str) -> tuple[Description, list[dict]]:
    iri = iri_for_path("meeting/" + meeting, base_of(request))
    try:
        iri_ref(iri)
    except ValueError:
        raise NotFound(f"not a meeting IRI: {iri}") from None
    described, slots = await run_in_threadpool(programme, iri, run_select_for(request))
    if not described.outgoing:
        raise NotFound(f"nothing is known about the meeting <{iri}>")
    if not slots:
        raise NotFound(f"the meeting <{iri}> has no work programme in this store")
    return described, slots


def _languages(request: Request) -> list[str]:
    return render.accepted_languages(request.headers.get("accept-language"))


@router.api_route(server_paths.PROGRAMME_CALENDAR, methods=["GET", "HEAD"], include_in_schema=False)
async def programme_calendar(request: Request, meeting: str) -> Response:
    described, slots = await _programme_for(request, meeting)
    page_url = absolute_origin_of(request) + "/meeting/" + meeting
    body = programme_ics(described, slots, _languages(request), page_url)
    return Response(body.encode("utf-8"), media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": attachment(meeting.replace("/", "-") + "-programme.ics"),
                             "Vary": "Accept-Language"})  # titles in the language asked for


@router.api_route(server_paths.PROGRAMME_TABLE, methods=["GET", "HEAD"], include_in_schema=False)
async def programme_table(request: Request, meeting: str) -> Response:
    described, slots = await _programme_for(request, meeting)
    body = programme_csv(described, slots, _languages(request))
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": attachment(meeting.replace("/", "-") + "-programme.csv"),
                             "Vary": "Accept-Language"})  # titles in the language asked for


# --- VoID -------------------------------------------------------------------------------------------------

def void_triples(run_select: RunSelect, *, base: str, origin: str) -> list[tuple[Term, Term, Term]]:
    """A VoID description of the dataset: sizes overall and per source graph, class and property partitions."""
    dataset = Term("uri", base + "void#dataset")  # the VoID document's own IRI: it dereferences to /void

    def uri(value: str) -> Term:
        return Term("uri", value)

    def integer(value) -> Term:
        return Term("literal", str(int(value)), datatype=PREFIXES["xsd"] + "integer")

    def first_row(query: str) -> dict[str, Term]:
        found = rows(run_select, query)
        return found[0] if found else {}

    rdf_type, void = uri(PREFIXES["rdf"] + "type"), str(VOID)
    totals = first_row(query_files.load("void_totals"))
    triples = [
        (dataset, rdf_type, uri(void + "Dataset")),
        (dataset, uri(PREFIXES["dcterms"] + "title"), Term("literal", "unkg: UN meeting documentation", lang="en")),
        (dataset, uri(void + "sparqlEndpoint"), uri(origin + "/sparql")),
        (dataset, uri(void + "uriSpace"), Term("literal", base)),
        (dataset, uri(void + "dataDump"), uri(origin + "/dump.nq")),
        (dataset, uri(void + "dataDump"), uri(origin + "/dump.trig")),
        (dataset, uri(void + "vocabulary"), uri(PREFIXES["unkg"].rstrip("#"))),
    ]
    for name in ("triples", "properties"):
        if name in totals:
            triples.append((dataset, uri(void + name), integer(totals[name].value)))
    if "subjects" in totals:
        triples.append((dataset, uri(void + "distinctSubjects"), integer(totals["subjects"].value)))
    if "objects" in totals:
        triples.append((dataset, uri(void + "distinctObjects"), integer(totals["objects"].value)))
    example = first_row(query_files.load("void_example_meeting"))
    if "m" in example:
        triples.append((dataset, uri(void + "exampleResource"), example["m"]))
    entities = first_row(query_files.load("void_entities"))
    if "n" in entities:
        triples.append((dataset, uri(void + "entities"), integer(entities["n"].value)))
    classes = rows(run_select, query_files.load("void_classes"))
    triples.append((dataset, uri(void + "classes"), integer(len(classes))))
    for number, r in enumerate(classes, start=1):
        part = uri(f"{base}void#class-{number}")
        triples += [(dataset, uri(void + "classPartition"), part), (part, uri(void + "class"), r["c"]),
                    (part, uri(void + "entities"), integer(r["n"].value))]
    properties = rows(run_select, query_files.load("void_properties"))
    for number, r in enumerate(properties, start=1):
        part = uri(f"{base}void#property-{number}")
        triples += [(dataset, uri(void + "propertyPartition"), part), (part, uri(void + "property"), r["p"]),
                    (part, uri(void + "triples"), integer(r["n"].value))]
    graphs = rows(run_select, query_files.load("void_graphs"))
    for r in graphs:
        if not r["g"].is_iri:
            continue
        graph = r["g"]
        triples += [(dataset, uri(void + "subset"), graph), (graph, rdf_type, uri(void + "Dataset")),
                    (graph, uri(void + "triples"), integer(r["n"].value))]
        if "source" in r:
            triples.append((graph, uri(PREFIXES["dcterms"] + "source"), r["source"]))
    return triples


VOID_PARTITIONS = {str(VOID.classPartition), str(VOID.propertyPartition)}  # nodes with no page of their own


def void_page(triples, run_select: RunSelect, *, base: str) -> Description:
    """The VoID description as a page shows it: the dataset's own statements (its partitions, which have no page
    to link to, left out), and in its details the graphs, classes and properties with their counts, labelled
    from the store; the dataset's title is its label."""
    dataset = base + "void#dataset"
    about: dict[str, dict[str, list[Term]]] = {}
    for s, p, o in triples:
        about.setdefault(s.value, {}).setdefault(p.value, []).append(o)

    def one(iri: str, name: str) -> Term | None:
        found = about.get(iri, {}).get(str(VOID) + name, [])
        return found[0] if found else None

    mine = about.get(dataset, {})
    description = Description(dataset)
    description.outgoing = [(p, o) for s, p, o in triples if s.value == dataset and p.value not in VOID_PARTITIONS]
    description.view = "void"
    description.details = {
        "graphs": [{"graph": g, "triples": one(g.value, "triples"),
                    "source": (about[g.value].get(PREFIXES["dcterms"] + "source") or [None])[0]}
                   for g in mine.get(str(VOID.subset), [])],
        "classes": [{"class": one(part.value, "class"), "entities": one(part.value, "entities")}
                    for part in mine.get(str(VOID.classPartition), [])],
        "properties": [{"property": one(part.value, "property"), "triples": one(part.value, "triples")}
                       for part in mine.get(str(VOID.propertyPartition), [])],
    }
    add_labels(description, run_select, mentioned(description))
    ranks = {p: n for n, p in enumerate(LABEL_PROPERTIES)}
    description.labels[dataset] = sorted((ranks[p.value], o) for p, o in description.outgoing
                                         if p.value in ranks and o.is_literal)
    return description


@router.api_route(server_paths.VOID, methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route(server_paths.VOID_FORMATS, methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route(server_paths.WELL_KNOWN_VOID, methods=["GET", "HEAD"], include_in_schema=False)
async def void_description(request: Request, suffix: str | None = None) -> Response:
    """VoID, negotiated as a resource is: a readable page for browsers, else Turtle, JSON-LD, N-Triples or RDF/XML
    by ``Accept`` or suffix (``/void.ttl``), with ``Vary: Accept`` and a ``Link`` to each format."""
    chosen = requested_format(request, suffix_format(suffix))
    base, run_select = base_of(request), run_select_for(request)  # the page's look-ups share one time limit
    triples = await run_in_threadpool(void_triples, run_select, base=base, origin=absolute_origin_of(request))
    if chosen.name == "html":
        description = await run_in_threadpool(lambda: void_page(triples, run_select, base=base))
    else:
        description = Description(base + "void#dataset")
    return await respond(request, chosen, description, page_url=origin_of(request) + "/void", triples=triples)


# --- dumps ------------------------------------------------------------------------------------------------

DUMP_SLOTS = 2  # dumps served at once, each serialized on a thread of its own; one more gets 503
_DONE = object()  # what the dump's thread sends after the last chunk


class DumpSlots:
    """The threads dumps are serialized on, apart from every other pool: at most ``size`` at once, each slot held
    until its dump's thread ends. Clients slow or stalled can hold up only other dumps, and those are told to come
    back (503 with ``Retry-After``) rather than wait."""

    def __init__(self, size: int = DUMP_SLOTS) -> None:
        self.size = size
        self.free = threading.BoundedSemaphore(size)
        self.threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="unkg-dump")

    def run(self, work: Callable[[], None]) -> asyncio.Future:
        """Start ``work`` on a free slot's thread (503 if there is none); the slot is free again when it returns."""
        if not self.free.acquire(blocking=False):
            raise ServiceUnavailable(f"all {self.size} dump slots are in use (a dump holds one while its client "
                                     "reads it); try again later")

        def run() -> None:
            try:
                work()
            finally:
                self.free.release()

        try:
            return asyncio.get_running_loop().run_in_executor(self.threads, run)
        except BaseException:
            self.free.release()
            raise


def dump_slots(state) -> DumpSlots:
    """The application's dump slots (``app.state``), made on first use."""
    slots = getattr(state, "dump_slots", None)
    if slots is None:
        slots = state.dump_slots = DumpSlots()
    return slots


class _QueueWriter:
    """A file-like object Oxigraph's ``dump`` writes into; chunks go to an asyncio queue, with backpressure. A
    chunk not taken within ``patience`` seconds, or a dump given up by its reader, ends the dump (``OSError``)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue, cancelled: threading.Event,
                 patience: float) -> None:
        self.loop, self.queue, self.cancelled, self.patience = loop, queue, cancelled, patience

    def write(self, data) -> int:
        self.put(bytes(data))
        return len(data)

    def put(self, item) -> None:
        if self.cancelled.is_set():
            raise OSError("the dump's reader gave it up")
        queued = asyncio.run_coroutine_threadsafe(self.queue.put(item), self.loop)
        try:
            queued.result(timeout=self.patience)
        except (TimeoutError, CancelledError):
            queued.cancel()
            raise OSError(f"nothing of the dump was taken for {self.patience:g} s") from None

    def flush(self) -> None:
        pass


class Dump:
    """The whole store, serialized from one snapshot on a dump slot's thread as the client reads it; iterate it
    once (:class:`api.sparql.ResultStream` does, and cuts the response off at its ``deadline``).

    ``progress``: the seconds the client has to take each chunk (the operator's time limit), not the whole dump,
    which on a slow link may rightly take longer. A client that takes nothing for that long has its response cut
    off and its dump abandoned: the thread stops at its next write, which frees the snapshot and the slot. The
    thread also gives up by itself on a chunk waiting longer than that (and a second), so a dump never read at all
    holds its slot no longer either."""

    def __init__(self, store: ox.Store, rdf_format: ox.RdfFormat, slots: DumpSlots, progress: float) -> None:
        loop = asyncio.get_running_loop()
        self.progress = progress
        self.deadline = loop.time() + progress  # moved on by each chunk the client takes
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=16)
        self.cancelled = threading.Event()
        writer = _QueueWriter(loop, self.queue, self.cancelled, progress + 1)
        self.thread = slots.run(lambda: self._produce(store, rdf_format, writer))

    def _produce(self, store: ox.Store, rdf_format: ox.RdfFormat, writer: _QueueWriter) -> None:
        prefixes = PREFIXES if rdf_format == ox.RdfFormat.TRIG else None
        try:
            store.dump(writer, format=rdf_format, prefixes=prefixes)
            end = _DONE
        except OSError as error:  # abandoned: no one reads what would follow
            if not self.cancelled.is_set():
                log.warning("dump abandoned: %s", error)
            return
        except Exception as error:  # noqa: BLE001 (told to the reader, who cuts the response off)
            end = error
        with contextlib.suppress(OSError, RuntimeError):  # abandoned meanwhile, or the server stopped
            writer.put(end)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while (chunk := await self.queue.get()) is not _DONE:
                if isinstance(chunk, Exception):
                    raise StreamAborted(f"the dump failed: {chunk}")
                yield chunk
        finally:  # however it ends: the thread stops at its next write (a chunk it waits to queue gets room)
            self.cancelled.set()
            while not self.queue.empty():
                self.queue.get_nowait()


@router.api_route(server_paths.DUMP, methods=["GET", "HEAD"], include_in_schema=False)
async def dump(request: Request, suffix: str) -> Response:
    """Every graph of the store as N-Quads (``/dump.nq``) or TriG (``/dump.trig``), streamed; see :class:`Dump`
    for the time limit and :class:`DumpSlots` for how many at once."""
    if suffix not in DUMP_FORMATS:
        raise NotFound(f"no dump as .{suffix}; there are /dump.nq and /dump.trig")
    store = getattr(getattr(request.app.state, "engine", None), "store", None)
    if store is None:
        raise ServiceUnavailable("the store is not open")
    rdf_format, media_type = DUMP_FORMATS[suffix]
    headers = {"Content-Disposition": f'attachment; filename="unkg.{suffix}"'}
    if request.method == "HEAD":  # the headers only: no dump is written for a body no one is sent
        head = Response(media_type=media_type, headers=headers)
        del head.headers["content-length"]  # its length is not known (a GET's is chunked), and is not 0
        return head
    body = Dump(store, rdf_format, dump_slots(request.app.state), progress=request.app.state.engine.settings.timeout)
    return ResultStream(body, media_type=media_type, headers=headers)
