"""The protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters, applied to an update's text.

Oxigraph's update API takes no dataset, so the parameters become ``USING`` / ``USING NAMED`` clauses written before
the ``WHERE`` of every ``DELETE``/``INSERT`` operation, which is what the SPARQL 1.1 Protocol says they mean. An
update that already has ``USING`` or ``WITH`` may not also get them as parameters (protocol section 2.2.3).

>>> with_using("INSERT { ?s a <http://x/T> } WHERE { ?s ?p ?o }", ["http://g/1"], [])
'INSERT { ?s a <http://x/T> } USING <http://g/1> WHERE { ?s ?p ?o }'
>>> with_using("INSERT DATA { <http://a> <http://b> <http://c> }", ["http://g/1"], [])
'INSERT DATA { <http://a> <http://b> <http://c> }'
>>> with_using("DELETE WHERE { ?s ?p ?o }", ["http://g/1"], [])
Traceback (most recent call last):
api.update_dataset.DatasetConflict: DELETE WHERE cannot take using-graph-uri or using-named-graph-uri parameters \
(it has no USING clause to write them into); write it as DELETE { … } WHERE { … }
"""

from __future__ import annotations

import re

from api.sparql_text import Unsure, tokens

IRI_TEXT = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')


class DatasetConflict(Exception):
    """The update names its own dataset and the request names another, or the text cannot be rewritten."""


def with_using(text: str, using: list[str], using_named: list[str]) -> str:
    """``text`` with a USING clause for each graph of ``using`` and USING NAMED for ``using_named``."""
    if not using and not using_named:
        return text
    for iri in [*using, *using_named]:
        if not IRI_TEXT.fullmatch(iri):
            raise DatasetConflict(f"not an IRI: {iri!r}")
    try:
        found = tokens(text)
    except Unsure as error:
        raise DatasetConflict(f"cannot apply using-graph-uri to this update: {error}") from None
    for token in found:
        if token.depth == 0 and token.kind == "word" and token.upper in ("USING", "WITH"):
            raise DatasetConflict(
                f"the update has its own {token.upper} clause, so it cannot also take "
                "using-graph-uri or using-named-graph-uri parameters"
            )
    for previous, token in zip(found, found[1:], strict=False):
        if token.depth == 0 and token.kind == "word" and token.upper == "WHERE" and previous.upper == "DELETE":
            raise DatasetConflict(  # its grammar has no USING: the parameters would be ignored, not applied
                "DELETE WHERE cannot take using-graph-uri or using-named-graph-uri parameters (it has no USING "
                "clause to write them into); write it as DELETE { … } WHERE { … }")
    clauses = "".join(f"USING <{iri}> " for iri in using) + "".join(f"USING NAMED <{iri}> " for iri in using_named)
    cuts = [
        token.start
        for previous, token in zip(found, found[1:], strict=False)
        if token.depth == 0 and token.kind == "word" and token.upper == "WHERE" and previous.text == "}"
    ]
    pieces, last = [], 0
    for cut in cuts:
        pieces += [text[last:cut], clauses]
        last = cut
    pieces.append(text[last:])
    return "".join(pieces)
