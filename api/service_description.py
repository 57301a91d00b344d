"""The SPARQL service description (``GET /sparql`` without a query), from the Turtle template beside this file.

>>> from pathlib import Path
>>> from api.engine import Stats
>>> from api.settings import Settings
>>> text = render("http://127.0.0.1:8000/sparql", Settings(store=Path("s")), Stats(10, 2), "text/turtle")
>>> b"sd:endpoint <http://127.0.0.1:8000/sparql>" in text
True
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

import pyoxigraph as ox

from api.errors import BadRequest

TEMPLATE_FILE = Path(__file__).resolve().parent / "service_description.ttl"
# the template's own comments speak of placeholders, not of the service: they stay out of the answer
TEMPLATE = Template("".join(line for line in TEMPLATE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("#")))
# what LOAD and the Graph Store read, with updates allowed
INPUT_FORMATS = ("sd:inputFormat formats:Turtle, formats:N-Triples, formats:N-Quads, formats:TriG, formats:JSON-LD, "
                 "formats:RDF_XML ;")
IRI_TEXT = re.compile(r'[^<>"{}|^`\\\x00-\x20#]+')


def turtle(endpoint: str, settings, stats) -> str:
    """The description as Turtle, for the endpoint at URL ``endpoint``."""
    if not IRI_TEXT.fullmatch(endpoint):
        raise BadRequest(f"cannot describe an endpoint at {endpoint!r}: not an IRI")
    return TEMPLATE.substitute(
        endpoint=endpoint,
        update_language=", sd:SPARQL11Update " if settings.allow_update else "",
        input_formats=INPUT_FORMATS if settings.allow_update else "",  # a read-only endpoint reads no RDF
        union_feature=", sd:UnionDefaultGraph " if settings.union_default_graph else "",
        triples=stats.triples,
        graphs=stats.graphs,
    )


def render(endpoint: str, settings, stats, media_type: str) -> bytes:
    """The description in ``media_type`` (any RDF format Oxigraph writes); Turtle keeps the template's layout."""
    text = turtle(endpoint, settings, stats)
    if media_type == "text/turtle":
        return text.encode("utf-8")
    triples = ox.parse(text, format=ox.RdfFormat.TURTLE)
    return ox.serialize(triples, format=ox.RdfFormat.from_media_type(media_type))
