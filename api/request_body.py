"""What a request body declares about itself, checked the same way wherever a body is read (``/sparql``, the Graph
Store protocol's writes): the bytes are read only as UTF-8 and only as sent, and a body declared otherwise is
refused (415) rather than read as UTF-8 on a guess.

>>> content_type('text/turtle; charset="ISO-8859-1"')
('text/turtle', 'iso-8859-1')
>>> require_utf8("utf-16", "the text/turtle body")
Traceback (most recent call last):
api.errors.UnsupportedMediaType: the text/turtle body must be UTF-8, not utf-16
"""

from __future__ import annotations

from api.errors import BadRequest, UnsupportedMediaType

UTF8_NAMES = (None, "utf-8", "utf8")  # no charset: UTF-8, as SPARQL and every RDF syntax served here define it


def content_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type (lower case, no parameters) and the charset (lower case) of a Content-Type header."""
    if not header:
        return None, None
    media_type, *parameters = (part.strip() for part in header.split(";"))
    charset = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def require_identity_encoding(headers) -> None:
    """415 for a body sent with a content coding (gzip …): RFC 9110 §8.4, the server does not apply one."""
    encoding = headers.get("content-encoding", "identity").strip().lower()
    if encoding != "identity":
        raise UnsupportedMediaType(f"the body is sent with Content-Encoding {encoding[:40]}, which this endpoint "
                                   "does not decode; send it uncompressed")


def require_utf8(charset: str | None, what: str) -> None:
    """415 for a body (``what``: "a SPARQL body") declared in a charset other than UTF-8."""
    if charset not in UTF8_NAMES:
        raise UnsupportedMediaType(f"{what} must be UTF-8, not {charset[:40]}")


def utf8_text(body: bytes, what: str) -> str:
    """``body`` as UTF-8 text; 400 if it is not UTF-8 (``what``: "the body")."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"{what} is not valid UTF-8") from None
