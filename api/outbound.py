r"""Which IRIs a query or update names in ``SERVICE``, ``LOAD`` and ``FROM``/``FROM NAMED``, found before it runs.

Oxigraph follows ``SERVICE`` and ``LOAD`` over the network by itself, so the endpoint must know them first. Most
queries never mention these words at all: a substring test settles them in microseconds. When one does appear, the
lexer (:mod:`api.sparql_text`) finds the keyword and the IRI after it; when the lexer is unsure, or the IRI is
written as a prefixed name, rdflib's SPARQL parser reads the whole text. Each step can only say "look closer",
never "fine" when it is not.

``\u`` escapes: Oxigraph reads them only inside strings and IRIs (a keyword cannot be escaped), as the lexer does;
rdflib's parser expands them in the whole text first (as SPARQL 1.1 once said), so ``'\u0027`` ends a string for
rdflib and not for Oxigraph, and rdflib would miss a ``SERVICE`` that Oxigraph runs. A text with escapes is
therefore read by the lexer alone: where it is unsure, the text is refused, never handed to rdflib.

>>> references("SELECT * { ?s ?p ?o }").services
[]
>>> references("SELECT * FROM <http://g/1> { SERVICE <http://remote/sparql> { ?s ?p ?o } }")
References(services=['http://remote/sparql'], loads=[], default_graphs=['http://g/1'], named_graphs=[])
>>> references("PREFIX r: <http://remote/> SELECT * { SERVICE SILENT r:sparql { ?s ?p ?o } }").services
['http://remote/sparql']
>>> references("LOAD <http://x/data.ttl>", update=True).loads
['http://x/data.ttl']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from api.sparql_text import Token, Unsure, tokens

MENTIONS = re.compile(r"service|load|from", re.I)
# PREFIX and BASE declarations (and comments) at the start: in a prologue "<" always opens an IRI, so a keyword
# inside one (the sd: namespace ends in "service-description#") names nothing and needs no closer look
PROLOGUE = re.compile(r"""(?:\s+|\#[^\r\n]*|(?:PREFIX\s+[^\s:<>]*:\s*|BASE\s+)<[^<>"{}|^`\\\x00-\x20]*>)*""", re.I)
UNICODE_ESCAPE = re.compile(r"\\[uU]")
UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Oxigraph's PNAME_NS / PNAME_LN, character for character (its PN_CHARS_BASE stops at U+FFFD, and its PN_LOCAL
# holds one run of dots at most: "ex:a.b.c" is "ex:a.b", "." and "c" to it); a final "." is the next token
_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F"
         "\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD")
_CHARS = _BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
PN_PREFIX = rf"[{_BASE}][{_CHARS}]*(?:\.+[{_CHARS}]+)*"
PN_LOCAL = rf"(?:[{_BASE}_:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\.+(?:[{_CHARS}:]|{_PLX})+)?"
PREFIXED_NAME = re.compile(rf"(?P<prefix>{PN_PREFIX})?:(?P<local>{PN_LOCAL})?")
NAME_AND_DOTS = re.compile(rf"{PREFIXED_NAME.pattern}\.*")


class Unparsable(Exception):
    """The text mentions SERVICE, LOAD or FROM and cannot be parsed well enough to say what they name."""


@dataclass
class References:
    """What a request names outside its own patterns; a variable ``SERVICE ?x`` is listed as ``?x``."""

    services: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def references(text: str, *, update: bool = False, base: str | None = None) -> References:
    """The SERVICE, LOAD and FROM IRIs in a query (or update); :class:`Unparsable` when that cannot be told."""
    if not MENTIONS.search(text, PROLOGUE.match(text).end()):  # escapes cannot spell a keyword for Oxigraph
        return References()
    try:
        return _from_tokens(tokens(text))
    except Unsure as doubt:
        if UNICODE_ESCAPE.search(text):
            raise Unparsable(f"{doubt}, and rdflib's parser, the fallback, reads \\u escapes otherwise than "
                             "Oxigraph (write the character itself, or the IRI in full)") from None
    return _from_parse(text, update, base)


def _from_tokens(found: list[Token]) -> References:
    refs = References()
    targets = {"SERVICE": refs.services, "LOAD": refs.loads}
    for index, token in enumerate(found):
        if token.kind != "word":
            continue
        keyword = token.upper
        if keyword not in ("SERVICE", "LOAD", "FROM"):
            _check_word(token)
            continue
        following = found[index + 1 : index + 3]
        skip = "NAMED" if keyword == "FROM" else "SILENT"
        named = bool(following) and following[0].kind == "word" and following[0].upper == skip
        if named:
            following = following[1:]
        if not following:
            raise Unsure(f"nothing after {keyword}")
        target = following[0]
        iri = _unescaped(target.text[1:-1]) if target.kind == "iri" else ""
        if target.kind == "var" and keyword == "SERVICE":
            refs.services.append(target.text)
        elif target.kind == "iri" and ABSOLUTE_IRI.match(iri):
            if keyword == "FROM":
                (refs.named_graphs if named else refs.default_graphs).append(iri)
            else:
                targets[keyword].append(iri)
        else:
            raise Unsure(f"{keyword} followed by {target.text!r}")
    return refs


def _check_word(token: Token) -> None:
    """:class:`Unparsable` when Oxigraph may read a keyword in a word that the lexer took for one token.

    The local part of a prefixed name (prov:wasDerivedFrom, ex:o.SERVICE) is read to its end by Oxigraph: it hides no
    keyword. But the lexer's words are looser than names ("a:.SERVICE" and "ex:a.b.SERVICE" end before the keyword
    for Oxigraph), and Oxigraph matches keywords without looking at what follows, trying the next reading when one
    fails: "SERVICEt:x" is SERVICE followed by t:x, "trueSERVICE:x" is true, SERVICE and :x."""
    if not MENTIONS.search(token.text):
        return
    name = NAME_AND_DOTS.fullmatch(token.text)
    if not name:
        raise Unparsable(f"{token.text!r} at offset {token.start} holds a keyword inside a longer word")
    if MENTIONS.search(name.group("prefix") or ""):
        raise Unparsable(f"{token.text!r} at offset {token.start} may be read as a keyword followed by a name")


def _unescaped(iri: str) -> str:
    """An IRI as Oxigraph reads it: its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes replaced by the characters;
    :class:`Unparsable` for an escape that names no character (a surrogate, or beyond U+10FFFF)."""
    if "\\" not in iri:
        return iri

    def character(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Unparsable(f"the escape {match.group()} in <{iri}> names no character")
        return chr(code)

    return UCHAR.sub(character, iri)


def _from_parse(text: str, update: bool, base: str | None) -> References:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import parser

    # rdflib ends a comment at a line feed only, Oxigraph (as SPARQL) at a carriage return too: "#\rBASE <...>" is a
    # comment and a BASE to Oxigraph, a comment alone to rdflib. A lone CR can stand only in a comment, a long string
    # or between tokens, where a line feed means the same to Oxigraph, so rdflib is given line feeds
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        tree = parser.parseUpdate(text) if update else parser.parseQuery(text)
    except ParseBaseException as error:
        raise Unparsable(f"syntax error at line {error.lineno}, column {error.col}: {error.msg}") from None
    except RecursionError:  # rdflib's parser recurses once per level of brackets
        raise Unparsable("it nests brackets too deeply for the parser") from None
    refs = References()
    if update:
        prologue = None
        for declarations, operation in zip(tree.prologue, tree.request, strict=False):
            prologue = _prologue(declarations, base, prologue)
            _collect(operation, prologue, refs)
    else:
        _collect(tree[1], _prologue(tree[0], base, None), refs)
    return refs


def _prologue(declarations, base: str | None, prologue):
    """The base and prefixes after ``declarations``, as Oxigraph reads them: rdflib's own translatePrologue puts the
    caller's base back for each operation of an update (where Oxigraph keeps a BASE for the operations after it) and
    takes a relative BASE as it stands (where Oxigraph resolves it against the base before it)."""
    from rdflib.plugins.sparql.sparql import Prologue
    from rdflib.term import URIRef

    if prologue is None:
        prologue = Prologue()
        prologue.base = base or ""
    for declaration in declarations:
        if declaration.name == "Base":
            iri = str(declaration.iri)
            if not ABSOLUTE_IRI.match(iri):
                if not ABSOLUTE_IRI.match(prologue.base):
                    raise Unparsable(f"BASE <{iri}> is relative and there is no base to resolve it against")
                iri = str(URIRef(iri, base=prologue.base))
            prologue.base = iri
        elif declaration.name == "PrefixDecl":
            prologue.bind(declaration.prefix, prologue.absolutize(declaration.iri))
    return prologue


def _collect(node, prologue, refs: References) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            refs.services.append(_iri(node["term"], prologue))
        elif node.name == "DatasetClause":
            if "default" in node:
                refs.default_graphs.append(_iri(node["default"], prologue))
            if "named" in node:
                refs.named_graphs.append(_iri(node["named"], prologue))
        elif node.name == "Load":
            refs.loads.append(_iri(node["iri"], prologue))
        children = node.values()
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        children = node
    else:
        return
    for child in children:
        _collect(child, prologue, refs)


def _iri(term, prologue) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(term, Variable):
        return "?" + str(term)
    pname = isinstance(term, CompValue) and term.name == "pname"
    if pname and prologue.namespace_manager.store.namespace(term.prefix or "") is None:
        raise Unparsable(f"unknown prefix {term.prefix or ''}:")
    return str(prologue.absolutize(term))
