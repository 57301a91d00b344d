"""The fast query-string decoder reads what ``urllib.parse.parse_qsl`` reads, on any ASCII input and on UTF-8."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, quote

import pytest

from api.query_string import parameters

ALPHABET = b"ab%+=&\\09AFfgz "


def test_matches_parse_qsl_on_random_ascii():
    rng = random.Random(7)
    refused = 0
    for _ in range(20000):
        raw = bytes(rng.choice(ALPHABET) for _ in range(rng.randint(0, 16)))
        try:
            expected = parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:  # an escape such as %FA that is not UTF-8
            refused += 1
            with pytest.raises(UnicodeDecodeError):
                parameters(raw)
            continue
        assert parameters(raw) == expected, raw
    assert 100 < refused < 10000  # both kinds were tried


def test_a_whole_query_round_trips():
    query = 'SELECT ?s WHERE { ?s rdfs:label "会议\\"%41" FILTER(?x > 1 && ?y != 2) } # 100% \\u0041'
    encoded = ("query=" + quote(query, safe="") + "&format=json&default-graph-uri=" + quote("http://g/1?a=b&c")).encode()
    assert parameters(encoded) == [("query", query), ("format", "json"), ("default-graph-uri", "http://g/1?a=b&c")]


def test_bytes_are_utf8_escaped_or_not_and_bad_sequences_are_refused():
    assert parameters("q=会议".encode()) == [("q", "会议")]
    assert parameters(b"q=%E4%BC%9A&r=%41") == [("q", "会"), ("r", "A")]
    assert parameters(b"q=%4g%E4%BC%9A") == [("q", "%4g会")]  # a malformed escape kept, the rest decoded
    for raw in (b"q=%E4%BC%9A&r=%FF%41", b"q=%4g%FF", "q=会".encode("gbk")):
        with pytest.raises(UnicodeDecodeError):
            parameters(raw)
