r"""Which IRIs a query or update names in ``SERVICE``, ``LOAD`` and ``FROM``/``FROM NAMED``, found before it runs.

Oxigraph follows ``SERVICE`` and ``LOAD`` over the network by itself, so the endpoint must know them first. Most
queries never mention these words at all: a substring test settles them in microseconds. When one does appear, the
lexer (:mod:`api.sparql_text`) splits the text into tokens, and they are read in order as Oxigraph reads them: the
``BASE`` and ``PREFIX`` declarations (a relative one resolved against the base before it; in an update, they hold for
the operations after them), then each keyword and the IRI after it, a prefixed name expanded (its local part's
``\`` escapes removed, ``%XX`` kept) and a relative IRI resolved against the base (RFC 3986, where Oxigraph agrees
with it). Whatever cannot be told with certainty (the lexer is unsure, a prefix is not declared, there is no base,
a word may be read two ways) is refused as :class:`Unparsable`, with the position: no step ever says "fine" when
it is not sure. No other parser is asked: each one reads SPARQL a little otherwise than Oxigraph.

``\u`` escapes: Oxigraph reads them only inside strings and IRIs (a keyword or a name cannot be escaped), as the
lexer does.

>>> references("SELECT * { ?s ?p ?o }").services
[]
>>> references("SELECT * FROM <http://g/1> { SERVICE <http://remote/sparql> { ?s ?p ?o } }")
References(services=['http://remote/sparql'], loads=[], default_graphs=['http://g/1'], named_graphs=[])
>>> references("PREFIX r: <http://remote/> SELECT * { SERVICE SILENT r:sparql { ?s ?p ?o } }").services
['http://remote/sparql']
>>> references("LOAD <http://x/data.ttl>", update=True).loads
['http://x/data.ttl']
>>> references(r"BASE <http://x/a/> PREFIX e: <../> SELECT * FROM e:g\.1 FROM NAMED <b/../c> {}")
References(services=[], loads=[], default_graphs=['http://x/g.1'], named_graphs=['http://x/a/c'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from api.sparql_text import PROLOGUE, Token, Unsure, tokens

MENTIONS = re.compile(r"service|load|from", re.I)
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
PREFIX_NAME = re.compile(rf"(?:{PN_PREFIX})?:")
LANGUAGE_TAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
# each keyword that names an IRI, and the word Oxigraph tries after it first
KEYWORDS = {"SERVICE": "SILENT", "LOAD": "SILENT", "FROM": "NAMED"}


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


def references(text: str, *, update: bool = False, base: str | None = None,
               prefixes: dict[str, str] | None = None) -> References:
    """The SERVICE, LOAD and FROM IRIs in a query (or update), with prefixed names expanded and relative IRIs
    resolved against ``base`` (the server's base IRI) and the text's own BASE; :class:`Unparsable` when that cannot be
    told with certainty. ``prefixes``: those Oxigraph is given besides the text's own (``unkg query`` gives some)."""
    if not MENTIONS.search(text, PROLOGUE.match(text).end()):  # escapes cannot spell a keyword for Oxigraph
        return References()
    try:
        found = tokens(text)
    except Unsure as doubt:
        raise Unparsable(f"{doubt}, so what it names cannot be told") from None
    return _from_tokens(found, update=update, base=base, prefixes=prefixes)


def _from_tokens(found: list[Token], *, update: bool = False, base: str | None = None,
                 prefixes: dict[str, str] | None = None) -> References:
    return _Reader(found, base, prefixes).read(update)


class _Reader:
    """Reads the tokens in order, as Oxigraph does: the prologue's BASE and PREFIX declarations (and, in an update,
    those after each ``;``, which hold for the operations after them), then each keyword and what follows it."""

    def __init__(self, found: list[Token], base: str | None, prefixes: dict[str, str] | None = None) -> None:
        self.found = found
        self.base = base
        self.prefixes: dict[str, str] = dict(prefixes or {})
        self.refs = References()

    def read(self, update: bool) -> References:
        index = self._declarations(0)
        while index < len(self.found):
            token = self.found[index]
            if update and token.kind == "punct" and token.text == ";" and token.depth == 0:
                index = self._declarations(index + 1)
            elif token.kind == "word" and self._language_tag(index):
                index += 1  # "x"@from: Oxigraph reads a tag glued to its "@" whole, a keyword spelt in it included
            elif token.kind == "word" and _keyword(token.text) in KEYWORDS:
                index = self._keyword(index)
            else:
                if token.kind == "word":
                    self._check_word(token)
                index += 1
        return self.refs

    def _language_tag(self, index: int) -> bool:
        """Whether the word at ``index`` is a string's language tag ("fr-x-service"), which Oxigraph reads whole."""
        if index < 2:
            return False
        string, at, word = self.found[index - 2 : index + 1]
        return string.kind == "string" and at.text == "@" and at.start + 1 == word.start and \
            bool(LANGUAGE_TAG.fullmatch(word.text))

    def _declarations(self, index: int) -> int:
        """Reads the BASE and PREFIX declarations from ``index``; the index after them."""
        while (token := self._at(index)) is not None and token.kind == "word":
            if _keyword(token.text) == "BASE":
                self.base = self._resolved(self._iri_after(index, token))
            elif _keyword(token.text[:6]) == "PREFIX":
                prefix, index = self._prefix(index)
                self.prefixes[prefix] = self._resolved(self._iri_after(index, token))
            elif _keyword(token.text) == "VERSION":  # SPARQL 1.2's VERSION "1.2", among the declarations
                following = self._at(index + 1)
                if following is None or following.kind != "string":
                    raise Unparsable(f"VERSION at offset {token.start} is followed by no string")
            else:
                break
            index += 2
        return index

    def _prefix(self, index: int) -> tuple[str, int]:
        """The prefix (without its colon) that the PREFIX at ``index`` declares, and the index of the token that ends
        with it: Oxigraph reads "PREFIXex:" as PREFIX ex:, and "PREFIX:" as PREFIX :."""
        declaration = self.found[index]
        if len(declaration.text) > len("PREFIX"):
            name = declaration.text[len("PREFIX"):]
        else:
            index += 1
            following = self._at(index)
            name = following.text if following is not None and following.kind == "word" else ""
        if not PREFIX_NAME.fullmatch(name):
            raise Unparsable(f"PREFIX at offset {declaration.start} is followed by no prefix name ending in ':'")
        return name[:-1], index

    def _keyword(self, index: int) -> int:
        """Records what the keyword at ``index`` names; the index after it."""
        token = self.found[index]
        keyword = _keyword(token.text)
        modified, target, index = self._target(index + 1, token)
        if keyword == "FROM":
            (self.refs.named_graphs if modified else self.refs.default_graphs).append(target)
        else:
            (self.refs.services if keyword == "SERVICE" else self.refs.loads).append(target)
        return index

    def _target(self, index: int, keyword: Token) -> tuple[bool, str, int]:
        """What a keyword names: whether its modifier (SERVICE SILENT, FROM NAMED) came first, the IRI (or variable),
        and the index after it. Oxigraph tries a keyword without looking at what follows it, so "SILENTex:s" may be
        SILENT and ex:s, or the name SILENTex:s: each reading stands only if its prefix is declared."""
        modifier = KEYWORDS[_keyword(keyword.text)]
        following = self._at(index)
        word = following.text if following is not None and following.kind == "word" else ""
        if _keyword(word) == modifier:
            return True, self._iri_or_variable(index + 1, keyword), index + 2
        if _keyword(word[: len(modifier)]) != modifier or not word[len(modifier):]:
            return False, self._iri_or_variable(index, keyword), index + 1
        readings = []
        for modified, name in ((True, word[len(modifier):]), (False, word)):
            try:
                readings.append((modified, self._expanded(name, self.found[index])))
            except Unparsable as error:
                failure = error
        if len(readings) != 1:
            raise failure if not readings else Unparsable(
                f"{word!r} at offset {self.found[index].start} may be {modifier} and a prefixed name or one name")
        return (*readings[0], index + 1)

    def _iri_or_variable(self, index: int, keyword: Token) -> str:
        token = self._at(index)
        if token is None:
            raise Unparsable(f"nothing follows {keyword.text} at offset {keyword.start}")
        if token.kind == "iri":
            return self._resolved(token)
        if token.kind == "word":
            return self._expanded(token.text, token)
        if token.kind == "var" and _keyword(keyword.text) == "SERVICE":
            return token.text
        raise Unparsable(f"{keyword.text} at offset {keyword.start} is followed by {token.text!r}")

    def _expanded(self, word: str, token: Token) -> str:
        """A prefixed name as Oxigraph expands it: the prefix's IRI, then the local part without its backslashes.

        Only a declared prefix whose expansion is a valid IRI makes the word one name to Oxigraph: otherwise it tries
        a shorter reading ("o:SERVICEt:x" with an expansion that is no IRI is "o:", SERVICE and "t:x" to it), so
        either is refused; so is a prefix that holds a keyword ("SERVICEt:x" may be SERVICE and "t:x")."""
        name = PREFIXED_NAME.fullmatch(word)
        if not name:
            raise Unparsable(f"{word!r} at offset {token.start} is no prefixed name")
        prefix = name.group("prefix") or ""
        if MENTIONS.search(prefix):
            raise Unparsable(f"{word!r} at offset {token.start} may be read as a keyword followed by a name")
        if prefix not in self.prefixes:
            raise Unparsable(f"the prefix {prefix}: of {word!r} at offset {token.start} is not declared")
        iri = self.prefixes[prefix] + (name.group("local") or "").replace("\\", "")
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise Unparsable(f"{word!r} at offset {token.start} expands to <{iri}>, which is no IRI ({error}), so "
                             "Oxigraph would read it otherwise") from None
        return iri

    def _check_word(self, token: Token) -> None:
        """:class:`Unparsable` when Oxigraph may read a keyword in a word that the lexer took for one token.

        The local part of a prefixed name (prov:wasDerivedFrom, ex:o.SERVICE) is read to its end by Oxigraph, so it
        hides no keyword, if the name is one to Oxigraph (:meth:`_expanded`). But the lexer's words are looser than
        names ("a:.SERVICE" and "ex:a.b.SERVICE" end before the keyword for Oxigraph), and Oxigraph matches keywords
        without looking at what follows, trying the next reading when one fails: "SERVICEt:x" is SERVICE followed by
        t:x, "trueSERVICE:x" is true, SERVICE and :x."""
        if not MENTIONS.search(token.text):
            return
        name = NAME_AND_DOTS.fullmatch(token.text)
        if not name:
            raise Unparsable(f"{token.text!r} at offset {token.start} holds a keyword inside a longer word")
        self._expanded(token.text.rstrip("."), token)

    def _resolved(self, token: Token) -> str:
        """An IRI token as Oxigraph reads it: escapes replaced, and resolved against the base when relative."""
        iri = _unescaped(token.text[1:-1])
        if ABSOLUTE_IRI.match(iri):
            return iri  # kept as written, dot segments and all, as Oxigraph keeps it
        if self.base is None:
            raise Unparsable(f"{token.text} at offset {token.start} is relative and there is no base to resolve it "
                             "against")
        try:
            return resolve(iri, self.base)
        except ValueError as error:
            raise Unparsable(f"{token.text} at offset {token.start} {error}") from None

    def _at(self, index: int) -> Token | None:
        return self.found[index] if index < len(self.found) else None

    def _iri_after(self, index: int, declaration: Token) -> Token:
        following = self._at(index + 1)
        if following is None or following.kind != "iri":
            raise Unparsable(f"{declaration.text} at offset {declaration.start} is followed by no IRI")
        return following


def _keyword(word: str) -> str:
    """The word in capitals when it is ASCII (Oxigraph compares keywords in ASCII: "ſervice" is no SERVICE)."""
    return word.upper() if word.isascii() else word


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


# ------------------------------------------------------------------------ relative IRIs: RFC 3986, section 5.2

# RFC 3986, appendix B, with a scheme only where it is one (Oxigraph takes "1a:b" for a relative IRI, then refuses it)
IRI_REFERENCE = re.compile(r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):)?(?://(?P<authority>[^/?#]*))?(?P<path>[^?#]*)"
                           r"(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?", re.S)
DOT_SEGMENT = re.compile(r"(?:^|/)\.\.?(?:/|$)")


def resolve(reference: str, base: str) -> str:
    """``reference`` resolved against the absolute IRI ``base`` (RFC 3986, section 5.2.2; an absolute reference is
    returned as it stands, as Oxigraph does). :class:`ValueError` for a relative reference whose first segment holds a
    colon, which is no IRI.

    >>> resolve("../d;p?q#f", "http://a/b/c/d;p?q")
    'http://a/b/d;p?q#f'
    >>> resolve("sparql", "urn:x:y")
    'urn:sparql'
    """
    ref, base_parts = IRI_REFERENCE.fullmatch(reference), IRI_REFERENCE.fullmatch(base)
    if ref["scheme"] is not None:
        return reference
    if ":" in re.match(r"[^/?#]*", reference).group():
        raise ValueError("is relative and its first segment holds a colon: no IRI")
    _check_oxigraph_agrees(ref, base_parts)
    if ref["authority"] is not None:
        authority, path, query = ref["authority"], _without_dot_segments(ref["path"]), ref["query"]
    elif not ref["path"]:
        authority, path = base_parts["authority"], base_parts["path"]
        query = ref["query"] if ref["query"] is not None else base_parts["query"]
    else:
        authority, query = base_parts["authority"], ref["query"]
        path = ref["path"] if ref["path"].startswith("/") else _merged(base_parts, ref["path"])
        path = _without_dot_segments(path)
    if authority is None and path.startswith("//"):
        raise ValueError("resolves to a path that begins with '//' and no host, which is no IRI")
    return _recomposed(base_parts["scheme"], authority, path, query, ref["fragment"])


def _check_oxigraph_agrees(ref: re.Match, base: re.Match) -> None:
    """:class:`ValueError` where Oxigraph (oxiri) resolves otherwise than RFC 3986: it keeps the dot segments of a
    reference with an authority ("//h/../x") and of the base ("http://a/./b"), and a ".." against a base with no
    authority ("urn:x" and "/../g") drops the leading "/" that RFC 3986 keeps."""
    if ref["authority"] is not None and DOT_SEGMENT.search(ref["path"]):
        raise ValueError("names a host and holds a '.' or '..' segment, which Oxigraph resolves otherwise than "
                         "RFC 3986")
    if DOT_SEGMENT.search(base["path"]):
        raise ValueError(f"is resolved against a base with a '.' or '..' segment ({base.group()}), which Oxigraph "
                         "resolves against otherwise than RFC 3986")
    if base["authority"] is None and re.search(r"(?:^|/)\.\.(?:/|$)", ref["path"]):
        raise ValueError(f"holds a '..' segment and the base ({base.group()}) names no host: Oxigraph resolves it "
                         "otherwise than RFC 3986")


def _merged(base: re.Match, path: str) -> str:
    """RFC 3986, section 5.2.3."""
    if base["authority"] is not None and not base["path"]:
        return "/" + path
    return base["path"][: base["path"].rfind("/") + 1] + path


def _without_dot_segments(path: str) -> str:
    """RFC 3986, section 5.2.4: the "." and ".." segments of a path taken out."""
    output: list[str] = []
    while path:
        if path.startswith(("../", "./")):
            path = path[path.index("/") + 1 :]
        elif path.startswith("/./") or path == "/.":
            path = "/" + path[3:]
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            end = path.find("/", 1)
            end = len(path) if end == -1 else end
            output.append(path[:end])
            path = path[end:]
    return "".join(output)


def _recomposed(scheme: str, authority: str | None, path: str, query: str | None, fragment: str | None) -> str:
    """RFC 3986, section 5.3."""
    iri = scheme + ":"
    if authority is not None:
        iri += "//" + authority
    iri += path
    if query is not None:
        iri += "?" + query
    if fragment is not None:
        iri += "#" + fragment
    return iri
