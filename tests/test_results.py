"""kg/query/results.py, the one writer of SPARQL results: read back by pyoxigraph's parsers."""

import json

import pyoxigraph as ox
import pytest

from kg.query import results

XSD = "http://www.w3.org/2001/XMLSchema#"
ROWS = [
    {"s": ox.NamedNode("https://w3id.org/unkg/id/state/USA"),
     "o": ox.Literal('18 "against", \tincluding\nthe U.S.', language="en")},
    {"s": ox.BlankNode("b0"), "o": ox.Literal("93", datatype=ox.NamedNode(XSD + "integer"))},
    {"s": None, "o": ox.Literal("<Ukraine> & 'Russia'")},
]


def terms(parsed: ox.QuerySolutions) -> list[list[str | None]]:
    return [[None if row[v] is None else str(row[v]) for v in ("s", "o")] for row in parsed]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_every_term_reads_back(fmt: str) -> None:
    written = results.solutions(["s", "o"], ROWS, fmt)
    parsed = ox.parse_query_results(written.body, getattr(ox.QueryResultsFormat, fmt.upper()))
    assert terms(parsed) == [[None if row[v] is None else str(row[v]) for v in ("s", "o")]
                             for row in ROWS]
    assert written.rows == 3 and written.truncated is None


def test_json_follows_the_standard_for_simple_literals() -> None:
    bindings = json.loads(results.solutions(["s", "o"], ROWS).body)["results"]["bindings"]
    assert bindings[2] == {"o": {"type": "literal", "value": "<Ukraine> & 'Russia'"}}
    assert bindings[1]["o"]["datatype"] == XSD + "integer"
    assert bindings[0]["o"]["xml:lang"] == "en"


def test_csv_keeps_values_quoted_as_rfc_4180() -> None:
    text = results.solutions(["s", "o"], ROWS, "csv").body.decode()
    assert text.split("\r\n")[0] == "s,o"
    assert text.split("\r\n")[1].startswith('https://w3id.org/unkg/id/state/USA,"18 ""against""')
    assert "_:b0,93\r\n" in text


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_limits_cut_whole_rows_and_say_which(fmt: str) -> None:
    by_rows = results.solutions(["s", "o"], ROWS, fmt, max_rows=1)
    whole = results.solutions(["s", "o"], ROWS, fmt)
    by_bytes = results.solutions(["s", "o"], ROWS, fmt, max_bytes=len(whole.body) - 1)
    assert (by_rows.rows, by_rows.truncated) == (1, "rows")
    assert by_bytes.truncated == "bytes" and len(by_bytes.body) < len(whole.body)
    if fmt != "csv":  # pyoxigraph reads every format but CSV back
        parsed = ox.parse_query_results(by_bytes.body,
                                        getattr(ox.QueryResultsFormat, fmt.upper()))
        assert len(list(parsed)) == by_bytes.rows


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_boolean(fmt: str) -> None:
    for value in (True, False):
        parsed = ox.parse_query_results(results.boolean(value, fmt),
                                        getattr(ox.QueryResultsFormat, fmt.upper()))
        assert bool(parsed) is value
