"""A small lexer for SPARQL text, sound for the one thing it is used for: finding keywords that matter.

It splits a query into significant tokens (words, variables, IRIs, strings, punctuation) and skips comments, so
``SERVICE`` inside a string, an IRI or a comment is not mistaken for the keyword. Where SPARQL's grammar leaves a
doubt that a lexer cannot settle (``<`` is an IRI or "less than" inside an expression), it gives up by raising
:class:`Unsure` rather than guess, with the offset of the doubt; the caller refuses the text or takes the worst
case, never a guess.

>>> [t.text for t in tokens('SELECT * { ?s <http://x/service> "FROM" } # LOAD')]
['SELECT', '*', '{', '?s', '<http://x/service>', '"FROM"', '}']
>>> [t.text for t in tokens("ASK { FILTER(?a < 3 && ?b > 2) }")][4:8]
['?a', '<', '3', '&']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from api.shown import MAX_SHOWN, shown

WHITESPACE = re.compile(r"[ \t\r\n]+")
COMMENT = re.compile(r"#[^\r\n]*")
IRIREF = re.compile(r'<((?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>')  # \u escapes too
# the escapes a string may hold (SPARQL's ECHAR and UCHAR): Oxigraph refuses any other, and a long string holding
# one is no long string to it but the empty string '' and what follows (so "''' ' } SERVICE <...> # \q '''" calls
# the SERVICE); a quote that opens no string of these is therefore refused (Unsure), never read past
STRING_ESCAPE = r"""\\(?:[tbnrf"'\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"""
LONG_STRING = {
    "'": re.compile(r"'''(?:[^'\\]|" + STRING_ESCAPE + r"|'(?!''))*'''", re.S),
    '"': re.compile(r'"""(?:[^"\\]|' + STRING_ESCAPE + r'|"(?!""))*"""', re.S),
}
SHORT_STRING = {"'": re.compile(r"'(?:[^'\\\r\n]|" + STRING_ESCAPE + r")*'"),
                '"': re.compile(r'"(?:[^"\\\r\n]|' + STRING_ESCAPE + r')*"')}
CODE_POINT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.S)
VARIABLE = re.compile(r"[?$][A-Za-z0-9_\u00B7\u00C0-\U000EFFFF]*")
# SPARQL's PN_LOCAL_ESC: in the local part of a prefixed name, a backslash makes the next character part of the name
# (":a\#" is one name, not ":a" and a comment; ":a\'" opens no string)
NAME_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]"
WORD = re.compile(rf"(?:[A-Za-z0-9_:%\u00B7\u00C0-\U000EFFFF]|{NAME_ESCAPE})"
                  rf"(?:[A-Za-z0-9_\-.:%\u00B7\u00C0-\U000EFFFF]|{NAME_ESCAPE})*")
# after one of these, a "<" cannot be "less than": an operand must come first
OPERAND_EXPECTED = set("(,=!&|+-*/^<")
# in an IRI that could also be read as "less than ... greater than", these would change what follows
AMBIGUOUS_INSIDE = re.compile(r"['#()\[\]]|service|load|from|with|using|where", re.I)


# a parser recurses once per level of nesting: Oxigraph's overflowed a main thread's 8 MiB stack at a few thousand
# levels of brackets and under a thousand of quoted triples; 200 is far more than a real query needs
MAX_NESTING = 200
OPENERS = re.compile(r"<<|[{(\[]")

# Oxigraph also recurses once per element of a long flat chain (triple patterns, groups, BINDs, UNIONs, operators
# such as "!" or "+"): with the 8 MiB stack of a main thread, 20,000 "!" or triple patterns overflow it and kill the
# process. Queries and updates therefore run on a thread with a 1 GiB stack (api.stack), where no element costs more
# than about 6 KiB, and a text may hold at most this many tokens (each element needs one at least)
MAX_TOKENS = 50_000
ROUGH_TOKEN = re.compile(r"\w+|[^\w\s]")


class Unsure(Exception):
    """The text cannot be split into tokens with certainty (or is not valid SPARQL)."""


class Unbalanced(Unsure):
    """A bracket that closes none, the wrong one, or is never closed, said with offsets (as the lexer says all it
    cannot read); ``offset``: where the reader should look, ``said``: the problem for a reader of the query, who
    counts lines and columns."""

    def __init__(self, message: str, offset: int, said: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.said = said


class BadEscape(Unsure):
    """A backslash in a string that starts none of the escapes SPARQL has (Oxigraph's own message then lists
    only character classes, or, in a long string, expects something else further on); ``offset``: where the
    backslash is, ``said``: the problem for a reader of the query."""

    def __init__(self, message: str, offset: int, said: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.said = said


ESCAPE_WRITTEN = re.compile(r"\\(?:[uU][0-9A-Fa-f]{0,7}|.?)", re.S)  # what a message quotes of a wrong escape
VALID_ESCAPES = "\\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX \\UXXXXXXXX"  # as a message lists them


# a string's opening quotes and every character it may hold: where a match stops, the string ends or is wrong
STRING_START = {
    "'''": re.compile(r"'''(?:[^'\\]|" + STRING_ESCAPE + r"|'(?!''))*", re.S),
    '"""': re.compile(r'"""(?:[^"\\]|' + STRING_ESCAPE + r'|"(?!""))*', re.S),
    "'": re.compile(r"'(?:[^'\\\r\n]|" + STRING_ESCAPE + r")*"),
    '"': re.compile(r'"(?:[^"\\\r\n]|' + STRING_ESCAPE + r")*"),
}


def _bad_escape(text: str, start: int, quote: str) -> int | None:
    r"""Where the string that opens at ``start`` with ``quote`` (one or three quotes) has a backslash that starts no
    escape SPARQL has, before it ends; None when it has none.

    >>> _bad_escape(r'ASK { ?s ?p "a\"b\q" }', 12, '"')
    17
    >>> _bad_escape(r'ASK { ?s ?p "a\"b" . ?s ?q "\q" }', 12, '"') is None
    True
    """
    stop = STRING_START[quote].match(text, start).end()
    return stop if text.startswith("\\", stop) else None


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "var", "iri", "string", "punct"
    text: str
    start: int
    depth: int  # how many brackets ({, (, [) are open before this token

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokens(text: str, most: int | None = None) -> list[Token]:
    """The significant tokens of ``text``; :class:`Unsure` where a lexer cannot be sure. With ``most``, only the
    first ``most`` (the rest of the text unread: a text too long to accept costs no more than one just too long).

    >>> [t.text for t in tokens("ASK { ?s ?p ?o . } } } )", most=3)]
    ['ASK', '{', '?s']
    """
    found: list[Token] = []
    brackets: list[str] = []
    openers: list[int] = []  # where each open bracket is
    position, length = 0, len(text)
    while position < length:
        if most is not None and len(found) >= most:
            return found
        char = text[position]
        match = WHITESPACE.match(text, position) or COMMENT.match(text, position)
        if match:
            position = match.end()
            continue
        depth = len(brackets)
        if char in "'\"":
            strings = LONG_STRING if text.startswith(char * 3, position) else SHORT_STRING
            match = strings[char].match(text, position)
            opening = char * 3 if strings is LONG_STRING else char
            if not match and (backslash := _bad_escape(text, position, opening)) is not None:
                escape = ESCAPE_WRITTEN.match(text, backslash).group()
                raise BadEscape(f"a string at offset {position} holds an escape Oxigraph refuses ({escape!r})",
                                backslash, f"{shown_escape(escape)} is no escape a string may hold; here SPARQL "
                                f"allows {VALID_ESCAPES}")
            if not match or not _characters_exist(match.group()):
                raise Unsure(f"a string at offset {position} is unterminated or holds an escape Oxigraph refuses "
                             "(it would read the text otherwise)")
            found.append(Token("string", match.group(), position, depth))
        elif text.startswith("<<", position):
            # a triple term or reified triple (RDF 1.2) to Oxigraph, never an IRI from the second "<": in
            # "<<(?s?p'>')>>" the "'" opens a string, where an IRI "<(?s?p'>" would take it. Where "<" may also be
            # "less than" and an IRI follow, and reading so could change what follows (a quote, "#", a bracket or a
            # keyword in it), refuse
            other = IRIREF.match(text, position + 1)  # "<" as "less than", then an IRI: only after an operand
            if other and brackets and brackets[-1] == "(" and _operand_before(found) and \
                    AMBIGUOUS_INSIDE.search(other.group(1)):
                raise Unsure(f"'<<' at offset {position} may open a triple term or be followed by an IRI")
            found.append(Token("punct", "<<", position, depth))
            position += 2
            continue
        elif char == "<" and (match := IRIREF.match(text, position)):
            if brackets and brackets[-1] == "(" and _operand_before(found) and AMBIGUOUS_INSIDE.search(
                match.group(1)
            ):
                raise Unsure(f"'<' at offset {position} may be an IRI or 'less than'")
            found.append(Token("iri", match.group(), position, depth))
        elif char in "?$" and (match := VARIABLE.match(text, position)) and len(match.group()) > 1:
            found.append(Token("var", match.group(), position, depth))
        elif (match := WORD.match(text, position)) and _escapes_in_local_part(match.group()):
            found.append(Token("word", match.group(), position, depth))
        elif char == "\\" or match:
            # a backslash escapes a character of a local name, and nothing anywhere else outside strings and IRIs
            backslash = text.index("\\", position)
            raise Unsure(f"backslash outside a string, an IRI or a local name's escape at offset {backslash}")
        else:
            match = None
            if char in "({[":
                brackets.append(char)
                openers.append(position)
            elif char in ")}]":
                if not brackets:
                    raise Unbalanced(f"the bracket {char!r} at offset {position} closes none that is open", position,
                                     f"this {char!r} closes no bracket")
                opener = brackets.pop()
                opened = openers.pop()
                if "({["[")}]".index(char)] != opener:
                    missing = ")}]"["({[".index(opener)]
                    raise Unbalanced(f"the bracket {char!r} at offset {position} would close the {opener!r} at offset "
                                     f"{opened}: is a {missing!r} missing?", position,
                                     f"this {char!r} would close the {opener!r} at {line_column(text, opened)}: "
                                     f"is a {missing!r} missing?")
                depth = len(brackets)
            found.append(Token("punct", char, position, depth))
            position += 1
            continue
        position = match.end()
    if brackets:
        raise Unbalanced(f"the bracket {brackets[-1]!r} at offset {openers[-1]} is left open at the end", openers[-1],
                         f"this {brackets[-1]!r} is never closed")
    return found


def shown_escape(escape: str) -> str:
    """An escape as a message shows it: as written when it is printable, else quoted with its code.

    >>> print(shown_escape("\\\\q"), shown_escape("\\\\u12"))
    \\q \\u12
    """
    return escape if escape.isprintable() else repr(escape)


def line_column(text: str, offset: int) -> str:
    """``line:column`` (from 1) of a character of ``text``, as Oxigraph writes a position.

    >>> line_column("ASK {\\n  ?s", 8)
    '2:3'
    """
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _characters_exist(string: str) -> bool:
    r"""Whether every ``\u``/``\U`` escape of a string names a character (no surrogate, nothing past U+10FFFF)."""
    for escape in CODE_POINT_ESCAPE.finditer(string):
        code = escape.group(1) or escape.group(2)
        if code is not None and (int(code, 16) > 0x10FFFF or 0xD800 <= int(code, 16) <= 0xDFFF):
            return False
    return True


def _escapes_in_local_part(word: str) -> bool:
    """Whether every backslash of a word escapes a character after its colon, where a name's local part is."""
    return "\\" not in word[: word.find(":") + 1] and ("\\" not in word or ":" in word)


def _operand_before(found: list[Token]) -> bool:
    """Whether the previous token could end an operand, so that a following "<" could be "less than"."""
    if not found:
        return False
    previous = found[-1]
    return not (previous.kind == "punct" and previous.text in OPERAND_EXPECTED)


def size(text: str, limit: int = MAX_TOKENS) -> int:
    """How many tokens ``text`` holds (a string, an IRI or a comment counts one), or more (never less); past
    ``limit``, ``limit + 1`` at most: the lexer stops there.

    Free for a text of no more than ``limit`` characters (a token takes one at least); otherwise every word and
    every other character that is not a space is a bound, and the lexer counts when that bound is over ``limit``.

    >>> size("ASK { FILTER(!!true) }")  # short: its length is the bound
    22
    >>> size("ASK { FILTER(" + "!" * 60_000 + "true) }")
    50001
    >>> size('ASK { FILTER(STRLEN("' + "x " * 60_000 + '") > 0) }')  # one string
    12
    """
    if len(text) <= limit:
        return len(text)
    bound = sum(1 for _ in islice(ROUGH_TOKEN.finditer(text), limit + 1))  # counted no further than needed
    if bound <= limit:
        return bound
    try:
        return len(tokens(text, most=limit + 1))
    except Unsure:
        return bound


def nesting_bound(text: str) -> int:
    """A quick bound on :func:`nesting`: every opener, in strings and IRIs too. (A ``\\u`` escape stands for no
    bracket: Oxigraph reads escapes inside strings and IRIs only.)"""
    return len(OPENERS.findall(text))


def nesting(text: str, limit: int = MAX_NESTING) -> int:
    """How deeply brackets (``{``, ``(``, ``[``) and quoted triples (``<<``) nest in ``text``, or more (never less).

    Cheap when the text holds no more than ``limit`` openers in all: their count is the bound. Otherwise the lexer
    tells the depth, skipping strings, IRIs and comments; where it is unsure, the count of every opener stays the
    answer.

    >>> nesting("ASK { FILTER((1)) }"), nesting("ASK " + "{" * 300 + "}" * 300)
    (3, 300)
    >>> nesting("SELECT * { " + "?s ?p '{{{{' . " * 100 + "}")
    1
    """
    bound = nesting_bound(text)
    if bound <= limit:
        return bound
    try:
        found = tokens(text)
    except Unsure:
        return bound
    deepest = quoted = 0
    for index, token in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        pair = following is not None and following.kind == "punct" and following.start == token.start + 1
        if token.kind == "punct" and token.text in "({[":
            deepest = max(deepest, token.depth + 1 + quoted)
        elif token.kind == "punct" and token.text == "<<":
            quoted += 1
            deepest = max(deepest, token.depth + quoted)
        elif token.kind == "punct" and token.text == ">" and pair and following.text == ">":
            quoted = max(quoted - 1, 0)
    return deepest


def undeclared_prefixes(text: str, known: Iterable[str] = ()) -> list[str]:
    """The prefixes (with their colon) the prefixed names of ``text`` use that it does not declare and that are not
    ``known`` (given to the parser beside the text), in the order of first use; [] when the lexer cannot read it.
    For a syntax error's message: Oxigraph's, for an undeclared prefix, is a list of character classes.

    >>> undeclared_prefixes('PREFIX foo: <http://x/> SELECT * { ?s foo:bar ?o . ?s ex:a "ab:c" ; ^^:x _:b }')
    ['ex:', ':']
    >>> undeclared_prefixes('SELECT * { ?s ?p <http://a b> }')  # an IRI with a space, no prefixed name
    []
    >>> undeclared_prefixes('SELECT * { ?s ?p ?o FILTER(?o<ex:b) }')  # "less than" a prefixed name
    ['ex:']
    """
    try:
        found = tokens(text)
    except Unsure:
        return []
    declared = {f"{prefix}:" for prefix in known}
    missing: list[str] = []
    for index, token in enumerate(found):
        if token.kind != "word" or ":" not in token.text or token.text.startswith("_:"):
            continue
        prefix = token.text[: token.text.index(":") + 1]
        previous = found[index - 1] if index else None
        if previous is not None and previous.text == "<" and previous.start + 1 == token.start and not (
                _operand_before(found[index - 2:index - 1]) and _inside_parentheses(found, index - 1)):
            continue  # "<http://a b>": an IRI broken by what it may not hold; "?o<ex:b" is "less than" ex:b
        if previous is not None and previous.kind == "word" and previous.upper == "PREFIX":
            declared.add(prefix)
        elif prefix not in declared and prefix not in missing:
            missing.append(prefix)
    return missing


def _inside_parentheses(found: list[Token], index: int) -> bool:
    """Whether the innermost bracket open at ``found[index]`` is "(" (an expression, where "<" may be "less than")."""
    depth = 0
    for position in range(index - 1, -1, -1):
        token = found[position]
        if token.kind == "punct" and token.text in ")}]":
            depth += 1
        elif token.kind == "punct" and token.text in "({[":
            if depth == 0:
                return token.text == "("
            depth -= 1
    return False


# PREFIX and BASE declarations (and comments) at the start: in a prologue "<" always opens an IRI, so a keyword
# inside one (the sd: namespace ends in "service-description#") names nothing and needs no closer look
PROLOGUE = re.compile(r"""(?:\s+|\#[^\r\n]*|(?:PREFIX\s+[^\s:<>]*:\s*|BASE\s+)<[^<>"{}|^`\\\x00-\x20]*>)*""", re.I)
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def update_keyword(text: str) -> str | None:
    """The keyword that makes ``text`` a SPARQL update (its first word after the prologue), if it is one: for the
    message when an update is sent where a query belongs.

    >>> update_keyword("PREFIX ex: <http://ex/> # a comment\\n insert data { ex:a ex:b ex:c }")
    'INSERT'
    >>> update_keyword("SELECT * WHERE { ?s ?p ?o }") is None
    True
    """
    word = re.match(r"[A-Za-z]*", text[PROLOGUE.match(text).end():]).group().upper()
    return word if word in UPDATE_KEYWORDS else None


EXPECTED = re.compile(r"^(error at \d+:\d+: )expected (?:one of )?(.*)$", re.S)
CHARACTER_CLASS = re.compile(r"\[[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*\]")  # [_], ['0' ..= '9' | …]


def _readable(message: str) -> str:
    """Oxigraph's "expected one of …" without the character classes its grammar also lists (``[_]``,
    ``['A' ..= 'Z' | …]``), and with a sentence it lists among them (a rule of the grammar that is not syntax, as
    "The SELECT contains a variable that is unbound") said instead.

    >>> _readable("error at 1:48: expected [_]")
    'error at 1:48: this is not what SPARQL allows here'
    >>> _readable("error at 1:36: expected one of LATERAL, SERVICE, [_]")
    'error at 1:36: expected one of LATERAL, SERVICE'
    """
    match = EXPECTED.match(message)
    if match is None:
        return message
    where, listed = match.groups()
    items = [item.strip() for item in CHARACTER_CLASS.sub("", listed).split(", ")]
    items = [item for item in items if item]
    sentences = [item for item in items if " " in item and item[:1].isupper()]
    if sentences:
        return where + sentences[0][0].lower() + sentences[0][1:]
    if not items:
        return where + "this is not what SPARQL allows here"
    return where + ("expected " if len(items) == 1 else "expected one of ") + ", ".join(items)


# Every bare word SPARQL has: the keywords and built-in functions of SPARQL 1.1 and those of SPARQL 1.2 and
# Oxigraph's extensions that pyoxigraph reads. Anything else written as a bare word (not a prefixed name, a number, a
# language tag) is no SPARQL at all.
SPARQL_WORDS = frozenset("""
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE ORDER BY ASC DESC LIMIT OFFSET
    VALUES UNDEF GROUP HAVING OPTIONAL GRAPH SERVICE SILENT MINUS UNION FILTER BIND NOT IN EXISTS A TRUE FALSE
    LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO INSERT DELETE DATA WITH USING DEFAULT ALL
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ
    NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    VERSION TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR HASLANG HASLANGDIR STRLANGDIR LATERAL ADJUST
""".split())  # noqa: SIM905 (a block of words reads better than 130 quoted strings)


def unknown_word(text: str) -> tuple[Token, str | None] | None:
    """The first bare word of ``text`` that SPARQL does not have, with the keyword it is closest to (or None); None
    when every word is SPARQL's (or the text cannot be lexed).

    >>> token, meant = unknown_word("SELECT * WHERE { ?s ?p 'x'@en . } LIMT 5")
    >>> token.text, token.start, meant
    ('LIMT', 34, 'LIMIT')
    >>> unknown_word("PREFIX : <http://x/> SELECT * { :a a ?c FILTER(?c != _:b) } ORDER BY DESC(?c)") is None
    True
    >>> unknown_word("SELECT * { ?s ?p true. ?s ?q false. ?s a ?o. }") is None
    True
    """
    try:
        found = tokens(text)
    except Unsure:
        return None
    if not found:
        return None
    for previous, token in zip([None, *found[:-1]], found, strict=True):
        word = token.upper.rstrip(".")  # "true." ends a triple: the lexer keeps a name's dots, the last one too
        if (token.kind == "word" and token.text[0].isalpha() and ":" not in token.text
                and word not in SPARQL_WORDS and not (previous and previous.text == "@")):
            close = difflib.get_close_matches(word, SPARQL_WORDS, n=1, cutoff=0.8)
            return token, close[0] if close else None
    return None


def syntax_message(text: str, error: SyntaxError, known: Iterable[str] = ()) -> str:
    """Oxigraph's syntax error on one line, with the undeclared prefix named when there is one (its own message
    then lists character classes, or expects something else further on).

    >>> try:
    ...     __import__("pyoxigraph").Store().query("SELECT * WHERE { ?s foo:bar ?o }")
    ... except SyntaxError as error:
    ...     syntax_message("SELECT * WHERE { ?s foo:bar ?o }", error)
    'error at 1:28: the prefix foo: is not declared (PREFIX foo: <…>)'
    """
    message = " ".join(str(error).split())
    try:
        if not tokens(text):
            return "the text is empty (or holds only comments): there is no query or update in it"
    except (Unbalanced, BadEscape) as problem:
        return f"error at {line_column(text, problem.offset)}: {problem.said}"
    except Unsure:
        pass
    missing = undeclared_prefixes(text, known)
    if not missing:
        return _word_message(text, message) or _readable(message)
    prefix = missing[0]
    note = (f"the prefix {prefix} is not declared (PREFIX {prefix} <…>)" if len(prefix) <= MAX_SHOWN
            else f"the prefix {shown(prefix)} is not declared")
    where, found, _ = message.partition(" expected one of Prefix not found")
    return f"{where} {note}" if found else f"{_readable(message)}; {note}"


def _word_message(text: str, message: str) -> str | None:
    """Where a word that is no SPARQL comes before the place Oxigraph stopped at, that word is the error: at the
    end of ``... } LIMT 5`` Oxigraph only says it expected something else."""
    stopped = re.match(r"error at (\d+):(\d+)", message)
    found = unknown_word(text)
    if not found or not stopped:
        return None
    token, meant = found
    line, column = line_column(text, token.start).split(":")
    if (int(line), int(column)) > (int(stopped[1]), int(stopped[2])):
        return None
    hint = f" (did you mean {meant}?)" if meant else ""
    return f"error at {line}:{column}: {shown(token.text)} is no SPARQL keyword or function{hint}"
