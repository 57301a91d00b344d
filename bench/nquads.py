"""N-Quads lines written directly (no rdflib per triple): terms, literals and one document's quad buffer.

>>> doc = Quads("http://g/")
>>> doc.add("http://s", "http://p", zh("会议 \\"开幕\\""))
>>> doc.add("http://s", "http://p", typed("3", XSD + "integer"))
>>> print(doc.text(), end="")
<http://s> <http://p> "会议 \\"开幕\\""@zh <http://g/> .
<http://s> <http://p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <http://g/> .
"""

from __future__ import annotations

XSD = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class Literal(str):
    """An object already written as an N-Quads literal (so ``Quads.add`` does not wrap it as an IRI)."""


def _quoted(text: str) -> str:
    return '"' + text.translate(_ESCAPES) + '"'


def plain(text: str) -> Literal:
    return Literal(_quoted(text))


def zh(text: str) -> Literal:
    return Literal(_quoted(text) + "@zh")


def en(text: str) -> Literal:
    return Literal(_quoted(text) + "@en")


def typed(text: str, datatype: str) -> Literal:
    return Literal(f"{_quoted(text)}^^<{datatype}>")


def integer(value: int) -> Literal:
    return typed(str(value), XSD + "integer")


def decimal(value: str) -> Literal:
    return typed(value, XSD + "decimal")


def boolean(value: bool) -> Literal:
    return typed("true" if value else "false", XSD + "boolean")


def date(value: str) -> Literal:
    return typed(value, XSD + "date")


def timestamp(value: str) -> Literal:
    return typed(value, XSD + "dateTimeStamp")


class Quads:
    """The quads of one named graph, buffered as lines."""

    def __init__(self, graph: str) -> None:
        self.graph = f"<{graph}>"
        self.lines: list[str] = []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        value = obj if isinstance(obj, Literal) else f"<{obj}>"
        self.lines.append(f"<{subject}> <{predicate}> {value} {self.graph} .\n")

    def __len__(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        return "".join(self.lines)
