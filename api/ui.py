"""The query page at ``/``: a SPARQL editor with syntax highlighting (CodeMirror, vendored under
``api/static/vendor``), the competency questions (``tests/cq/*.rq``) as ready examples, results as a table
whose IRIs link to their pages, and CSV / JSON downloads through ``/sparql?format=``. Nothing is fetched from
anywhere but this server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import render
from api.negotiate import DESCRIPTIONS, description_format, prefers_html
from api.pages import base_of, origin_of
from api.request_parameters import at_most_one, query_parameters
from loader import server_paths
from loader.data_dirs import data_dir
from loader.errors import SourceError

router = APIRouter()
EXAMPLES_DIR = data_dir("tests/cq", "unkg.examples")  # the competency questions, shipped as unkg.examples
STARTER = """SELECT ?class (COUNT(DISTINCT ?resource) AS ?resources)
WHERE { GRAPH ?g { ?resource a ?class } }
GROUP BY ?class
ORDER BY DESC(?resources)"""


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .rq
    question: str  # the ``# question:`` lines, joined
    query: str  # the whole file, comments included


def read_example(path: Path) -> Example:
    """One competency question: the file must begin with ``# question: ...`` comment lines."""
    text = path.read_text(encoding="utf-8")
    question: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        if stripped[1:].lstrip().lower().startswith("question:"):
            question.append(stripped.split(":", 1)[1].strip())
    if not question:
        raise SourceError("does not begin with a '# question: ...' line", path=str(path), line=1)
    return Example(path.stem, " ".join(q for q in question if q), text)


def examples(directory: Path | None = None) -> list[Example]:
    """The competency questions in file-name order; a file without a question is left out, not guessed."""
    directory = directory or EXAMPLES_DIR
    found = []
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        try:
            found.append(read_example(path))
        except SourceError:
            continue
    return found


@router.api_route(server_paths.QUERY_PAGE, methods=["GET", "HEAD"], include_in_schema=False)
async def query_page(request: Request) -> Response:
    """The query page; ``?query=`` puts a query in the editor. The root is also the base IRI: a client that asks
    for RDF rather than a page is sent to the dataset's VoID description."""
    query = at_most_one(query_parameters(request), "query")
    accept = request.headers.get("accept")
    names_rdf = accept and accept.strip() != "*/*"  # a bare */* (curl) gets the page
    if names_rdf and not prefers_html(accept, DESCRIPTIONS) and description_format(accept) is not None:
        return RedirectResponse(origin_of(request) + "/void", status_code=303, headers={"Vary": "Accept"})
    listed = examples()
    body = render.html(
        "query.html",
        origin=origin_of(request),
        base=base_of(request),
        examples=[{"name": e.name, "question": e.question, "query": e.query} for e in listed],
        query=query or (listed[0].query if listed else STARTER),
    )
    return HTMLResponse(body, headers=render.page_headers({"Vary": "Accept"}))
