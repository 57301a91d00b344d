"""A seeded differential fuzz test of the outbound check (api.outbound.references) against Oxigraph itself.

Texts are built from pieces that lexers read differently (prefixed names with dots, dashes, colons, ``%`` and ``\\``
escapes; strings of every kind holding quotes, backslashes, ``\\u0027`` and newlines; comments; IRIs with escapes;
quoted triples; numbers such as ``1.`` and ``.5``; datatypes and language tags; ``<`` as "less than"; CR, LF and tabs)
around a ``SERVICE <url>`` (a ``LOAD <url>`` for updates, a ``FROM <url>`` now and then), with the URL on a loopback
listener that records requests. The URL is written in full, with escapes, relative to a BASE (with ``.`` and ``..``
segments, a BASE redefined or relative to the one before it) or as a prefixed name (with ``\\`` escapes and ``%XX`` in
its local part, its PREFIX glued, relative or redefined, ``SILENT`` or ``NAMED`` glued to it), which is where the
check's own reading of declarations can part from Oxigraph's.

Each text runs on an empty in-memory store; most are not SPARQL and Oxigraph refuses them. For each text it accepts,
a **bypass** is one that ``references`` does not refuse (:class:`Unparsable`) and where either the listener got a
request for a URL that ``references`` did not name, or Oxigraph read the keyword as a keyword (the text with it
misspelt, ``SERVICX``, is refused) and ``references`` named nothing after it. The second catches what Oxigraph would
call even where it did not (an empty pattern before a SERVICE spares the call).

The same seed gives the same texts on every run. To hunt for longer by hand::

    .venv/bin/python tests/test_outbound_fuzz.py --count 100000 --seed 7
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__":  # run by hand from the project's root or tests/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conftest import Trap  # noqa: E402

from api.outbound import Unparsable, references  # noqa: E402

SEED = 20261130
COUNT = 3000
BASE = "http://example.org/"
PLACEHOLDER = "127.0.0.1:10000"  # the listener's address while the texts are made
OTHER = "http://127.0.0.1:1/"  # what stands for any other host ("http://e/" while the texts are made)
AUTHORITY = re.compile(r"https?://[^/<>]*/?")  # no odd character goes into one: it could make another host of it
ABSOLUTE = re.compile(r"[a-z]+(?::|\\u003A)", re.I)
EMPTY_RESULTS = json.dumps({"head": {"vars": ["x", "y", "z"]}, "results": {"bindings": []}}).encode()


def answer(accept: str) -> tuple[str, bytes]:
    """What the listener sends back: empty results to a SERVICE call, an empty data file to a LOAD."""
    if "sparql-results+json" in accept:
        return "application/sparql-results+json", EMPTY_RESULTS
    return "application/n-triples", b""


# ---------------------------------------------------------------------------------------------------- the generator

NAME_CHARS = ["a", "b", "Z", "0", "9", "_", "-", ".", ":", "%41", "%2e", "\\.", "\\-", "\\'", "\\#", "\\~", "\\_",
              "\u00e9", "\u00b7", "\u2070", "\U0001f600", "SERVICE", "service", "LOAD", "FROM"]
STRING_CHARS = ["a", " ", "'", '"', "\\'", '\\"', "\\\\", "\\u0027", "\\u0022", "\\U00000027", "\\n", "\\t", "#",
                "}", "{", "<", ">", "\u00e9", "\\u005C", "SERVICE", "\n", "\r",
                "\\q", "\\uD800", "\\U00110000"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", ""]


@dataclass
class Case:
    text: str
    update: bool
    keyword: str  # the keyword put in, as written
    at: int  # where it starts in the text
    url: str
    target: str  # the URL as written after the keyword


class Generator:
    def __init__(self, seed: int, host: str) -> None:
        self.random = random.Random(seed)
        self.host = host

    def pick(self, options):
        return self.random.choice(options)

    def chance(self, p: float) -> bool:
        return self.random.random() < p

    def space(self) -> str:
        if self.chance(0.1):
            comment = self.pick([" #", "#", " # x '", '#"""', "#'''", "# <", "# SERVICE"])
            return comment + self.pick(["\n", "\r", "\r\n"])
        return self.pick(SPACES) if self.chance(0.3) else " "

    def local(self) -> str:
        return "".join(self.pick(NAME_CHARS) for _ in range(self.random.randint(0, 4)))

    def pname(self) -> str:
        return self.pick(["a", "", "ex", "a.b", "a-b", "\u00e9"]) + ":" + self.local()

    def string(self) -> str:
        quote = self.pick(["'", '"', "'''", '"""'])
        body = "".join(self.pick(STRING_CHARS) for _ in range(self.random.randint(0, 5)))
        if self.chance(0.6):  # mostly well formed, the way Oxigraph reads them
            body = body.replace("\\u005C", "")
            if len(quote) == 1:
                body = body.replace("\n", "\\n").replace("\r", "\\r").replace(quote, "\\" + quote)
            else:
                body = body.replace(quote, "\\" + quote[0])
                body = body[:-1] + "x" if body.endswith(quote[0]) and not body.endswith("\\" + quote[0]) else body
        literal = quote + body + quote
        if self.chance(0.2):
            literal += "@" + self.pick(["en", "en-US", "de-1996", "en--ltr", "fr-be-x-service", "load",
                                            "from", "service"])
        elif self.chance(0.2):
            literal += "^^" + self.pick([self.pname(), "<http://www.w3.org/2001/XMLSchema#string>", "xsd:int"])
        return literal

    def iri(self) -> str:
        return "<" + self.pick(["urn:x:", "http://e/", "", "#", "x", "http://e/\\u003E", "http://e/\\u0027",
                                "http://e/service", "a:b", "http://e/\\U0000003c"]) + self.pick(["", "a", "#x"]) + ">"

    def number(self) -> str:
        return self.pick(["1", "1.", "1.5", ".5", "1e5", "1.e5", ".5E-3", "-1", "+1.", "0x1", "1.0.", "1e"])

    def variable(self) -> str:
        return self.pick(["?", "$"]) + self.pick(["x", "s", "o", "service", "SERVICE", "\u00e9", "1", ""])

    def term(self) -> str:
        kind = self.random.randrange(9)
        if kind == 0:
            return self.pname()
        if kind == 1:
            return self.string()
        if kind == 2:
            return self.iri()
        if kind == 3:
            return self.number()
        if kind == 4:
            return self.variable()
        if kind == 5:
            triple = " ".join((self.iri(), self.iri(), self.term()))
            return self.pick(["<<( " + triple + " )>>", "<< " + triple + " >>", "<<" + triple + ">>"])
        if kind == 6:
            return self.pick(["a", "true", "false", "[]", "()", "_:b", "_:b.c", "(1 2)", "[ a 1 ]"])
        return self.pname() if kind == 7 else self.string()

    def expression(self) -> str:
        operators = ["<", " < ", "<=", ">", "=", "!=", "&&", "||", "+", "-", "*", "/"]
        parts = [self.term()]
        for _ in range(self.random.randint(1, 3)):
            parts += [self.pick(operators), self.term()]
        return "".join(part + (self.pick(["", " "]) if self.chance(0.5) else "") for part in parts)

    def piece(self) -> str:
        kind = self.random.randrange(8)
        s = self.space
        if kind <= 2:
            return self.term() + s() + self.pick([self.pname(), "a", "?p", self.iri()]) + s() + self.term() + \
                s() + self.pick([".", "", ";", " ."])
        if kind == 3:
            return "FILTER(" + self.expression() + ")" + s()
        if kind == 4:
            return "BIND(" + self.term() + " AS ?b" + str(self.random.randrange(99)) + ")" + s()
        if kind == 5:
            return "VALUES ?v { " + " ".join(self.term() for _ in range(self.random.randint(1, 3))) + " }" + s()
        if kind == 6:
            return "OPTIONAL {" + s() + self.term() + " ?p " + self.term() + s() + "}"
        return self.pick(["#", "# '", '# "', "#'''"]) + self.pick(["\n", "\r"])

    def declaration(self, prefix: str, iri: str) -> str:
        """A PREFIX declaration, now and then written as Oxigraph also reads it: "PREFIXex:<...>", "prefix ex:<...>"."""
        keyword = self.pick(["PREFIX", "PREFIX", "prefix", "Prefix"])
        return keyword + self.pick([" ", " ", "", "\t"]) + prefix + ":" + self.pick([" ", ""]) + "<" + iri + ">"

    def prologue(self) -> str:
        parts = []
        for prefix in ("a", "", "ex", "a.b", "a-b", "\u00e9", "xsd"):
            if self.chance(0.85):  # absolute, or relative to the base (the endpoint's, or a BASE before it)
                iri = "http://e/" + self.pick(["", "x#", "service/", "a.b/"])
                relative = self.pick(["", "x/", "../", "./a/"])
                parts.append(self.declaration(prefix, iri if self.chance(0.8) else relative))
        self.random.shuffle(parts)
        if self.chance(0.2):
            base = self.pick([f"BASE <http://{self.host}/>", f"BASE <http://{self.host}/a/b/>",
                              f"BASE<http://{self.host}/a/>"])
            parts.insert(self.random.randint(0, len(parts)), base)
            if self.chance(0.3):  # another BASE before it (which it overrides) or after it (relative to it)
                where = parts.index(base)
                parts.insert(self.random.choice([where, where + 1]),
                             self.pick(["BASE <http://e/>", "BASE <./>", "BASE <../>", "BASE <x/../>"]))
        if self.chance(0.3):
            listener = self.pick([f"<http://{self.host}/>", f"<http://{self.host}/a/>"])
            if self.chance(0.3):  # relative to a BASE of the listener's put just before it, and maybe another after
                relative = self.pick(["../", "../../", "./../"])
                parts[:0] = [f"BASE <http://{self.host}/x/y/>", self.declaration("t", relative)]
                parts.insert(2, self.pick(["", "BASE <http://e/>"]))
            else:
                parts.insert(0, self.declaration("t", listener[1:-1]))
            if self.chance(0.3):  # a declaration of t: before it (which it overrides) or after it (which overrides it)
                parts.insert(self.pick([0, len(parts)]), self.declaration("t", "http://e/"))
        return "".join(part + self.space() for part in parts if part)

    def target(self, url: str, prologue: str) -> str:
        """The listener's URL as an IRI: in full, with escapes, relative to BASE or as a prefixed name (with escapes
        in its local part)."""
        if "BASE" in prologue and self.chance(0.3):
            return "<" + self.pick(RELATIVE_TARGETS) + ">"
        if re.search(r"PREFIX\s*t:", prologue, re.I) and self.chance(0.7):
            return "t:" + self.pick(LOCAL_TARGETS)
        if self.chance(0.2):
            return "<" + url.replace(":", "\\u003A", 1).replace("/", "\\u002f", 1) + ">"
        return "<" + url + ">"

    def keyword(self, word: str) -> str:
        return self.pick([word, word.lower(), word.capitalize(), word[:2].lower() + word[2:]])

    def case(self, url: str) -> Case:
        case = self.plain(url)
        if self.chance(0.3):  # the keyword between two pieces that may open and close a string, an IRI or a comment
            opener, closer = self.pick(WRAPPERS)
            opener = opener.replace("T", self.term())
            keyword_end = case.at + len(case.keyword)
            end = case.text.find("}", keyword_end) + 1 or len(case.text)
            case.text = case.text[: case.at] + opener + case.text[case.at : end] + closer + case.text[end:]
            case.at += len(opener)
        for _ in range(self.random.randrange(1, 4) if self.chance(0.3) else 0):  # a few odd characters anywhere
            where = self.random.randint(0, len(case.text))
            # the keyword, the IRI and every http://address stay whole (a character put just before or after an
            # address could make another host of it, which Oxigraph would look up and call)
            iri = case.text.find(case.target, case.at)
            hosts = [match.span() for match in AUTHORITY.finditer(case.text)]
            if not (case.at < where < case.at + len(case.keyword) or iri <= where <= iri + len(case.target)
                    or any(start <= where <= end for start, end in hosts)):
                extra = self.pick(ODD)
                case.text = case.text[:where] + extra + case.text[where:]
                case.at += len(extra) if where <= case.at else 0
        return case

    def plain(self, url: str) -> Case:
        update = self.chance(0.25)
        prologue = self.prologue()
        before = [self.piece() for _ in range(self.random.randint(0, 3))]
        after = [self.piece() for _ in range(self.random.randint(0, 2))]
        glue = self.pick(["", " ", "\n", "\t", "#\n", "."]) if self.chance(0.5) else " "
        target = self.target(url, prologue)
        if update and self.chance(0.5):
            keyword = self.keyword("LOAD")
            ground = [self.pname, self.string, self.iri, self.number]
            head = prologue + "INSERT DATA {" + self.space() + self.iri() + " <urn:p> " + self.pick(ground)() + \
                self.space() + "}"
            head += self.pick([" ;", ";", " ;\n", "; #\n"]) + self.pick(["", " "])
            silent = self.pick(["", "SILENT ", "SILENT", "silent "]) if self.chance(0.3) else ""
            tail = self.pick(["", " INTO GRAPH <urn:g>", " ; CLEAR ALL"]) + self.space()
            if self.chance(0.1):  # a declaration after the ';' (Oxigraph 0.5 refuses them; a later one may not)
                head += self.pick([f"BASE <http://{self.host}/> ", f"PREFIX t: <http://{self.host}/> ", "BASE <./> "])
            text = head + keyword + " " + silent + target + tail
            return Case(text, True, keyword, len(head), url, target)
        if not update and self.chance(0.1):
            keyword = self.keyword("FROM")
            head = prologue + "SELECT *" + self.space()
            named = self.pick(["", "NAMED ", "NAMED", "named "])
            text = head + keyword + " " + named + target + self.space() + "{" + self.piece() + "}"
            return Case(text, False, keyword, len(head), url, target)
        keyword = self.keyword("SERVICE")
        silent = self.pick(["", "SILENT ", "SILENT", "Silent "]) if self.chance(0.3) else ""
        inner = "{ ?x ?y ?z }" if self.chance(0.8) else "{" + self.piece() + "}"
        opening = "".join(part + self.space() for part in before)
        # the keyword goes right after the last piece, with little or no space: where lexers part ways
        start = (prologue + ("INSERT { ?s ?p ?o } WHERE {" if update else
                             self.pick(["SELECT * WHERE {", "SELECT*{", "ASK{", "CONSTRUCT WHERE {"]))
                 + self.space() + opening)
        if opening:
            start = start.rstrip(" ") + glue if self.chance(0.5) else start
        text = start + keyword + " " + silent + target + self.space() + inner + self.space() + \
            "".join(part + self.space() for part in after) + "}" + self.space()
        return Case(text, update, keyword, len(start), url, target)


# after a BASE of the listener's (http://HOST/ or http://HOST/a/b/): relative IRIs with "." and ".." segments
RELATIVE_TARGETS = ["sparql", "./sparql", "a/../sparql", "../sparql", "../../sparql", "x/./../sparql", "/sparql",
                    "?q", "", ".", "..", "sparql?a=../b", "//" + PLACEHOLDER + "/sparql", "%41/../sparql"]
# after PREFIX t: (the listener): local names with escapes and %XX (ASCII, as the listener sees it)
LOCAL_TARGETS = ["sparql", "sp\\-arql", "a\\.b", "\\~x", "%41", "a.b", "x\\/y", "q\\?a\\=1", "\\!\\$\\(\\)\\*\\+\\,\\;",
                 "a\\'b", "", "a\\#f", "\\@\\&", "x\\%41", "a..b", "a.b.c", ":x", "0", "a\\."]

WRAPPERS = [  # (put before the keyword, put after its group); T is a term
    ("BIND('", "' AS ?w) "), ("BIND('\\u0027 ", "' AS ?w) "), ('BIND("\\u0022 ', '" AS ?w) '),
    ("BIND('''", "''' AS ?w) "), ('BIND("""', '""" AS ?w) '), ("BIND('''\\''' ", "''' AS ?w) "),
    ("BIND('\\\\' ", "'' AS ?w) "), ("?s ?p T #", "\n"), ("?s ?p T #\r", "\n"), ("FILTER(?a<", "> 2)"),
    ("FILTER(?a<1#", "\n)"), ("FILTER(?a<T)#", "\n"), ("?s ?p <<( T ?p T )>> . ", ""), ("?s ?p T .# '''", "\n"),
    ("?s ?p T\\'", ""), ("?s ?p :a\\' ", " BIND(\"'\" AS ?w) "), ("?s ?p :a\\# ", "\n"), ("OPTIONAL {", "}"),
    ("?s ?p 'a'@en-", ""), ("?s ?p 'a'^^", ""), ("?s ?p 1.", ""), ("?s ?p .5", ""), ("?s ?p $", ""), ("?s ?p ?", ""),
    ("?s ?p _:b.", ""), ("?s ?p :a%", ""), ("?s ?p :a-", ""), ("?s ?p a::", ""), ("?s ?p <urn:x:", ">"),
    ("#\r", ""), ("\r#", "\n"), ("?s ?p 'a'#", "\n'"),
    # a long string with an escape Oxigraph refuses is '' and what follows, to Oxigraph
    ("VALUES ?x { ''' ' } ", " # \\q ''' }\n"), ('VALUES ?x { """ " } ', ' # \\q """ }\n'),
    ("VALUES ?x { ''' \\U00110000 ' } ", " # ''' }\n"), ("?s ?p 'x'@load ", ""), ("?s ?p 'x'@from-", ""),
    # "<<(" opens a triple term: an IRI read from its second "<" would swallow the quote
    ("FILTER(<<(?s?p'>')>>) ", " #')\n"), ("?s ?p <<?s?p'>'>> . ", " #'\n"),
]
ODD = ["'", '"', "\\", "#", "<", ">", "\n", "\r", ".", ":", "\\u0027", "\\u0022", "{", "}", "(", ")", " ", "^^", "@",
       "-", "%", "_:", "$", "?", "'''", '"""', ";", ",", "#\r", "\f", "\v", "\u00a0", "\u2028", "\x00"]


# ------------------------------------------------------------------------------------------------------- the oracle

@dataclass
class Outcome:
    accepted: bool = False
    called: set[str] = field(default_factory=set)  # the URLs the listener got requests for
    keyword: bool = False  # misspelling the keyword makes Oxigraph refuse the text
    refused: bool = False  # references() raised Unparsable
    named: set[str] = field(default_factory=set)  # what references() named after the keyword's kind
    error: str = ""  # anything else references() raised

    @property
    def bypass(self) -> bool:
        """Oxigraph called a URL the check did not name, or read the keyword where the check named nothing."""
        if not self.accepted or self.refused:
            return False
        return bool(self.called - self.named) or (self.keyword and not self.named)


def oxigraph_accepts(text: str, update: bool) -> bool:
    import pyoxigraph as ox

    store = ox.Store()
    try:
        if update:
            store.update(text, base_iri=BASE)
        else:
            result = store.query(text, base_iri=BASE)
            if not isinstance(result, ox.QueryBoolean):
                for _ in result:  # evaluation is lazy: the call happens while iterating
                    pass
    except SyntaxError:
        return False
    except Exception:  # noqa: BLE001 (an error while running, such as a failed call: the text was accepted)
        return True
    return True


def located(case: Case, listener: Trap) -> Case:
    """The case with the listener's address for the placeholder (the texts are made without it, so that they are the
    same whatever port the listener gets), and every other host (``e``) on loopback port 1, where nothing listens:
    a SERVICE or LOAD the generator makes of one by chance calls no host but this one."""
    text, at = case.text, case.at
    for old, new in ((PLACEHOLDER, listener.host), ("http://e/", OTHER)):
        at += (len(new) - len(old)) * text[:at].count(old)
        text = text.replace(old, new)
    return Case(text, case.update, case.keyword, at, listener.url, case.target.replace(PLACEHOLDER, listener.host))


def judge(case: Case, listener: Trap) -> Outcome:
    outcome = Outcome()
    listener.requests.clear()
    outcome.accepted = oxigraph_accepts(case.text, case.update)
    if not outcome.accepted:
        return outcome
    outcome.called = {"http://" + listener.host + request.split(" ", 1)[1] for request in listener.requests}
    end = case.at + len(case.keyword)
    misspelt = case.text[: end - 1] + "X" + case.text[end:]
    listener.requests.clear()
    outcome.keyword = not oxigraph_accepts(misspelt, case.update)
    try:
        refs = references(case.text, update=case.update, base=BASE)
    except Unparsable:
        outcome.refused = True
    except Exception as error:  # noqa: BLE001 (a crash is no bypass, but worth a report)
        outcome.error = f"{type(error).__name__}: {error}"
        outcome.refused = True
    else:
        kind = case.keyword.upper()
        named = refs.services if kind == "SERVICE" else refs.loads if kind == "LOAD" else \
            refs.default_graphs + refs.named_graphs
        outcome.named = {iri.split("#")[0] for iri in named}  # Oxigraph sends no fragment
    return outcome


@dataclass
class Tally:
    texts: int = 0
    accepted: int = 0
    called: int = 0
    keyword: int = 0
    refused: int = 0
    prefixed: int = 0  # accepted texts whose URL is a prefixed name, which the check named
    relative: int = 0  # accepted texts whose URL is relative to a BASE, which the check named
    bypasses: list[Case] = field(default_factory=list)
    errors: list[tuple[Case, str]] = field(default_factory=list)


def fuzz(seed: int, count: int, listener: Trap) -> Tally:
    generator = Generator(seed, PLACEHOLDER)
    tally = Tally()
    for _ in range(count):
        case = located(generator.case(f"http://{PLACEHOLDER}/sparql"), listener)
        outcome = judge(case, listener)
        tally.texts += 1
        tally.accepted += outcome.accepted
        tally.called += bool(outcome.called)
        tally.keyword += outcome.accepted and outcome.keyword
        tally.refused += outcome.accepted and outcome.refused
        named = outcome.accepted and bool(outcome.named)
        tally.prefixed += named and case.target.startswith("t:")
        tally.relative += named and case.target.startswith("<") and not ABSOLUTE.match(case.target[1:])
        if outcome.bypass:
            tally.bypasses.append(case)
        if outcome.error:
            tally.errors.append((case, outcome.error))
    return tally


@contextlib.contextmanager
def listening():
    listener = Trap(answer)
    try:
        yield listener
    finally:
        listener.close()


# --------------------------------------------------------------------------------------------------------- the test

def test_no_generated_text_gets_a_service_or_load_past_the_check():
    with listening() as listener:
        tally = fuzz(SEED, COUNT, listener)
    assert not tally.bypasses, "\n\n".join(case.text for case in tally.bypasses[:5])
    # a crash of the check refuses the text too, but it is a bug all the same (a text it should have named)
    assert not tally.errors, "\n\n".join(f"{error}:\n{case.text}" for case, error in tally.errors[:5])
    # the fuzzing reaches what it is for: Oxigraph accepts and runs texts, and calls out for some of them
    assert tally.accepted > COUNT // 20 and tally.called > COUNT // 50 and tally.keyword > COUNT // 20
    # and the check's own reading of prefixed names and relative IRIs is put to the test
    assert tally.prefixed > COUNT // 100 and tally.relative > COUNT // 200


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--count", type=int, default=COUNT)
    arguments = parser.parse_args()
    started = time.monotonic()
    with listening() as listener:
        tally = fuzz(arguments.seed, arguments.count, listener)
    print(f"seed {arguments.seed}: {tally.texts} texts, {tally.accepted} accepted by Oxigraph, {tally.called} called "
          f"the listener, {tally.keyword} held the keyword, {tally.refused} refused by the check, "
          f"{tally.prefixed} prefixed and {tally.relative} relative URLs named; "
          f"{len(tally.bypasses)} bypasses, {len(tally.errors)} errors, {time.monotonic() - started:.1f} s")
    for case in tally.bypasses[:20]:
        print("BYPASS", "update" if case.update else "query", repr(case.text))
    for case, error in tally.errors[:20]:
        print("ERROR", error, repr(case.text))


if __name__ == "__main__":
    main()
