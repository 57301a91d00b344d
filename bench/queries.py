"""The two workloads, drawn deterministically from a generated corpus.

``cq-mix``: questions like the project's competency questions, asked of random meetings, bodies and UNTOC
articles that the corpus holds (the agenda of a meeting, meetings of a body since a year, items on an article,
annotations citing any part of an article, joint papers, silence-procedure decisions, the work programme,
items per meeting, a Chinese label search, an article's English heading). ``lookup``: everything
said about one resource (a meeting, an item, an annotation, a document, a provision).

Graph patterns are written between ``[[`` and ``]]``: ``GRAPH ?gN { … }`` when the server's default graph is
not the union of its named graphs, a plain group when it is, so the same question works on every system.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from bench.generate import Corpus, Meeting, meeting
from bench.vocabulary import vocabulary
from loader import iris
from loader.namespaces import sparql_prefixes

WORKLOADS = ("cq-mix", "lookup")
_GROUP = re.compile(r"\[\[(.*?)\]\]", re.S)


def in_graphs(query: str, union: bool) -> str:
    """Open each ``[[ … ]]`` group as a plain group (``union``) or as ``GRAPH ?gN { … }``.

    >>> in_graphs("SELECT * { [[ ?s ?p ?o ]] [[ ?o ?q ?r ]] }", union=False)
    'SELECT * { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?o ?q ?r } }'
    >>> in_graphs("SELECT * { [[ ?s ?p ?o ]] }", union=True)
    'SELECT * { { ?s ?p ?o } }'
    """
    count = iter(range(1, 1000))
    if union:
        return _GROUP.sub(lambda m: "{" + m[1] + "}", query)
    return _GROUP.sub(lambda m: f"GRAPH ?g{next(count)} {{" + m[1] + "}", query)


def _agenda(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?item ?notation ?title WHERE {{
  [[ ?item unkg:inAgenda <{iris.agenda(m.iri)}> ; skos:notation ?notation ; unkg:title ?title ;
          eli-dl:activity_order ?order ]]
}} ORDER BY ?order"""


def _meetings_since(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?meeting ?number ?start WHERE {{
  [[ ?meeting a unkg:Meeting ; unkg:ofBody <{m.body_iri}> ; unkg:meetingNumber ?number ;
             eli-dl:activity_start_date ?start ]]
  FILTER (?start >= "{m.year}-01-01"^^xsd:date)
}} ORDER BY ?start"""


def _article(rng: random.Random, c: Corpus) -> str:
    number = rng.choice(vocabulary().articles).number
    return iris.provision(c.base, "UNTOC", article=number)


def _items_on_article(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?meeting ?start ?item ?title WHERE {{
  [[ ?item unkg:concernsProvision <{_article(rng, c)}> ; unkg:title ?title ; unkg:inAgenda ?agenda .
     ?agenda unkg:agendaOf ?meeting . ?meeting eli-dl:activity_start_date ?start ]]
}} ORDER BY ?start ?item"""


def _annotations_citing(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?annotation ?provision ?label WHERE {{
  [[ ?provision eli:is_part_of+ <{_article(rng, c)}> ; skos:prefLabel ?label ]]
  [[ ?annotation unkg:citesProvision ?provision ]]
}}"""


def _joint_papers(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?paper (COUNT(DISTINCT ?symbol) AS ?symbols) WHERE {{
  [[ ?paper unkg:documentKind unkg:BackgroundPaper ; unkg:symbol ?symbol ; unkg:forMeeting ?meeting .
     ?meeting unkg:ofBody <{m.body_iri}> ]]
}} GROUP BY ?paper HAVING (COUNT(DISTINCT ?symbol) > 1)"""


def _silence_decisions(m: Meeting, rng: random.Random, c: Corpus) -> str:
    bureau = iris.body(c.base, "CTOC-COP/extended-bureau")
    return f"""SELECT DISTINCT ?decision ?date ?meeting ?approved WHERE {{
  [[ ?decision unkg:decidedBy <{bureau}> ; eli-dl:decision_method unkg:SilenceProcedure ;
               dcterms:date ?date ; unkg:approved ?approved ; unkg:concernsMeeting ?meeting .
     ?meeting unkg:ofBody <{m.body_iri}> ]]
}} ORDER BY ?date"""


def _programme(m: Meeting, rng: random.Random, c: Corpus) -> str:
    # No TZ()/HOURS(): rdflib does not compute them on xsd:dateTimeStamp, so the answers would differ.
    return f"""SELECT ?start ?end ?notation ?continued WHERE {{
  [[ <{m.iri}> unkg:hasTimeSlot ?slot . ?slot unkg:startTime ?start ; unkg:endTime ?end ;
           eli-dl:consists_of ?entry .
     ?entry unkg:takesUp ?item ; unkg:isContinuation ?continued . ?item skos:notation ?notation ]]
}} ORDER BY ?start ?notation"""


def _items_per_meeting(m: Meeting, rng: random.Random, c: Corpus) -> str:
    return f"""SELECT ?meeting (COUNT(DISTINCT ?item) AS ?items) WHERE {{
  [[ ?meeting unkg:ofBody <{m.body_iri}> ; unkg:hasAgenda ?agenda . ?item unkg:inAgenda ?agenda ]]
}} GROUP BY ?meeting"""


def _label_search(m: Meeting, rng: random.Random, c: Corpus) -> str:
    from bench.generate import chinese_number

    return f"""SELECT ?meeting ?label WHERE {{
  [[ ?meeting a unkg:Meeting ; skos:prefLabel ?label ]]
  FILTER (CONTAINS(?label, "第{chinese_number(m.number)}次会议"))
}}"""


def _article_heading(m: Meeting, rng: random.Random, c: Corpus) -> str:
    number = rng.choice(vocabulary().articles).number
    return f"""SELECT ?article ?heading ?parts WHERE {{
  {{ SELECT ?article (COUNT(?part) AS ?parts) WHERE {{
    [[ ?article a unkg:Article ; eli:number "{number}" ; eli:has_part ?part ]] }} GROUP BY ?article }}
  [[ ?article unkg:heading ?heading ]]
}}"""


CQ_MIX: tuple[Callable[[Meeting, random.Random, Corpus], str], ...] = (
    _agenda, _meetings_since, _items_on_article, _annotations_citing, _joint_papers, _silence_decisions,
    _programme, _items_per_meeting, _label_search, _article_heading,
)


def _resource(m: Meeting, rng: random.Random, c: Corpus) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return m.iri
    item = iris.agenda_item(m.iri, str(rng.randint(2, 3)))
    if kind == 1:
        return item
    if kind == 2:
        return iris.annotation(item, 1)
    if kind == 3:
        return m.document
    article = rng.choice(vocabulary().articles)
    return iris.provision(c.base, "UNTOC", article=article.number)


def lookup_query(iri: str) -> str:
    return f"SELECT ?p ?o WHERE {{ [[ <{iri}> ?p ?o ]] }}"


def queries(corpus: Corpus, workload: str, count: int, *, union: bool, seed: int = 0) -> list[str]:
    """``count`` queries of a workload, the same for the same corpus, count and seed."""
    if workload not in WORKLOADS:
        raise ValueError(f"unknown workload {workload!r} (known: {', '.join(WORKLOADS)})")
    if corpus.documents < 1:
        raise ValueError("the corpus holds no meeting documents to ask about")
    rng = random.Random(f"{seed}:{workload}:{corpus.documents}")
    prefixes = sparql_prefixes()
    out = []
    for n in range(count):
        m = meeting(rng.randrange(corpus.documents), corpus.base)
        if workload == "lookup":
            text = lookup_query(_resource(m, rng, corpus))
        else:
            text = CQ_MIX[n % len(CQ_MIX)](m, rng, corpus)
        out.append(prefixes + in_graphs(text, union))
    return out
