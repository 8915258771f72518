"""The evidence view and the entity pages of `kg serve`, over HTTP from a real server.

Expected values come from the curated facts (facts/*.yaml) and the official record's CSV
files, read here, not from the pages themselves.
"""

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
import yaml
from click.testing import CliRunner

from kg.query.catalogue import query_command
from kg.store.embedded import load_store
from tests.servers import ROOT, BuiltGraph, kg_serve

pytestmark = pytest.mark.servers
ID = "https://w3id.org/unkg/id/"
HTML = {"Accept": "text/html"}


class Marks(HTMLParser):
    """The text of the page's <mark class="focus"> elements and of its #text article."""

    def __init__(self) -> None:
        super().__init__()
        self.focus: list[str] = []
        self.article = ""
        self.quote_id = False
        self._stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self._stack.append((tag, attributes))
        if tag == "mark" and "focus" in (attributes.get("class") or ""):
            self.focus.append("")
            self.quote_id = self.quote_id or attributes.get("id") == "quote"

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        inside = [attrs for _, attrs in self._stack]
        if any(a.get("id") == "text" for a in inside):
            self.article += data
        if any(t == "mark" and "focus" in (a.get("class") or "") for t, a in self._stack):
            self.focus[-1] += data


def record(file: str, record_id: str) -> dict:
    records = yaml.safe_load((ROOT / "facts" / file).read_text(encoding="utf-8"))
    return next(r for r in records if r["id"] == record_id)


def article_text(source_id: str) -> str:
    for meta in (ROOT / "sources/articles").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        if data["id"] == source_id:
            with meta.with_suffix(".txt").open(encoding="utf-8", newline="") as handle:
                return handle.read()
    raise AssertionError(source_id)


def source_meta(source_id: str) -> dict:
    for meta in (ROOT / "sources/articles").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        if data["id"] == source_id:
            return data
    raise AssertionError(source_id)


def page(served: str, path: str) -> requests.Response:
    response = requests.get(f"{served}{path}", headers=HTML, timeout=60)
    assert response.status_code == 200, response.text
    return response


def test_a_statements_evidence_view_highlights_its_words_in_the_article(served: str) -> None:
    fact = record("statements.yaml", "ahmad-explains-pakistan-vote")
    response = page(served, "/evidence/statement/ahmad-explains-pakistan-vote")
    marks = Marks()
    marks.feed(response.text)
    source = fact["evidence"][0]["source"]
    # the whole article, character for character, with each of the fact's quotes in focus
    assert marks.article == article_text(source)
    for evidence in fact["evidence"]:
        assert evidence["quote"] in "".join(marks.focus)
    assert marks.quote_id  # the first one is what the page scrolls to
    # the fact in plain words, the source by its title and date, never by its file
    meta = source_meta(source)
    assert fact["text"] in response.text.replace("&#39;", "'")
    assert meta["title"] in response.text and str(meta["date"]) in response.text
    assert "sources/articles" not in response.text and ".txt" not in response.text
    assert '<link rel="alternate" type="text/turtle"' in response.text


def test_the_other_sources_of_a_fact_each_have_their_own_view(served: str) -> None:
    # facts/claims.yaml usa-against-es-11-7: the same vote in four articles
    fact = record("claims.yaml", "usa-against-es-11-7")
    sources = list(dict.fromkeys(e["source"] for e in fact["evidence"]))
    first = page(served, "/evidence/claim/usa-against-es-11-7/USA")
    for other in sources[1:]:
        assert f'href="?source={other}#quote"' in first.text
    last = sources[-1]
    view = page(served, f"/evidence/claim/usa-against-es-11-7/USA?source={last}")
    marks = Marks()
    marks.feed(view.text)
    assert marks.article == article_text(last)
    for evidence in fact["evidence"]:
        if evidence["source"] == last:
            assert evidence["quote"] in "".join(marks.focus)
    assert "supported" in view.text  # the record: the USA voted N (ga_voting_2025-02-24.csv)


def test_a_statements_other_wordings_are_linked(served: str) -> None:
    fact = record("statements.yaml", "peskov-balanced-position-mt")
    response = page(served, "/evidence/statement/peskov-balanced-position-mt")
    for variant in fact["variant_of"]:
        assert f'href="/evidence/statement/{variant.split(":", 1)[1]}#quote"' in response.text


def test_evidence_view_refusals_say_what_to_do(served: str) -> None:
    unknown = requests.get(f"{served}/evidence/statement/no-such-remark", timeout=30)
    assert unknown.status_code == 404 and "has no evidence" in unknown.text
    wrong = requests.get(f"{served}/evidence/statement/ahmad-explains-pakistan-vote?source=x",
                         timeout=30)
    assert wrong.status_code == 404
    assert "article-2025-02-26-unsc-pakistan" in wrong.text  # the sources it does have
    hostile = requests.get(f"{served}/evidence/x%3E%20%3Fp%20%3Fo", timeout=30)
    assert hostile.status_code == 404 and "Traceback" not in hostile.text


def official_rows(code: str) -> list[dict[str, str]]:
    with (ROOT / "sources/official-record/ga_voting_2025-02-24.csv").open(
            encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["ms_code"] == code]


def test_a_states_page_lists_its_votes_with_the_records_row(served: str) -> None:
    response = page(served, "/id/state/HUN")
    assert re.search(r"<h1>Hungary</h1>", response.text)
    words = {"N": "no", "A": "abstention", "Y": "yes"}
    for row in official_rows("HUN"):
        symbol = row["resolution"]
        line = re.search(rf">{re.escape(symbol)}</a></td>.*?</tr>", response.text, re.S)
        assert line, symbol
        assert f">{words[row['ms_vote']]}</a>" in line.group(0)
        assert f"<dd>{row['undl_id']}</dd>" in line.group(0)  # the record's own row, shown
    assert "What the sources say about it" in response.text  # e.g. opposed the amendments


def test_a_vote_events_page_has_its_tally_chart_and_claims(served: str) -> None:
    response = page(served, "/id/vote-event/A-RES-ES-11-7")
    totals = next(r for r in official_rows("USA") if r["resolution"] == "A/RES/ES-11/7")
    tally = dict(re.findall(r"<dt>([a-z ]+)</dt><dd>([^<]+)</dd>", response.text))
    assert tally["yes"] == totals["total_yes"] and tally["no"] == totals["total_no"]
    assert tally["abstentions"] == totals["total_abstentions"]
    chart = re.search(r'<img src="([^"]+)"', response.text).group(1)
    svg = requests.get(f"{served}{chart}", timeout=120)
    assert svg.headers["Content-Type"].startswith("image/svg+xml")
    assert "<svg" in svg.text and "How the General Assembly voted on A/RES/ES-11/7" in svg.text
    claims = response.text.split("What the articles claim about it")[1].split("<h2>")[0]
    # facts/claims.yaml: a date "on Tuesday" (25 February) the record contradicts
    assert "contradicted" in claims and "supported" in claims
    assert "(the record: 2025-02-24)" in claims


def test_a_persons_page_has_their_statements_in_full(served: str) -> None:
    records = yaml.safe_load((ROOT / "facts/statements.yaml").read_text(encoding="utf-8"))
    said = [r["text"] for r in records if r.get("speaker") == "person:dmitry-peskov"]
    response = page(served, "/id/person/dmitry-peskov")
    shown = response.text.replace("&#34;", '"').replace("&#39;", "'")
    assert said and all(text in shown for text in said)


def test_rdf_alternates_of_an_entity_page(served: str) -> None:
    response = page(served, "/id/state/USA")
    links = dict(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"',
                            response.text))
    turtle = requests.get(f"{served}{links['text/turtle']}", timeout=30)
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(f"{ID}state/USA"), ox.NamedNode(
        "https://w3id.org/unkg/ontology#votedNo"), ox.NamedNode(
        f"{ID}vote-event/A-RES-ES-11-7")) in triples
    jsonld = requests.get(f"{served}{links['application/ld+json']}", timeout=30)
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    wrong = requests.get(f"{served}/id/state/USA?format=pdf", timeout=30)
    assert wrong.status_code == 400 and "ttl" in wrong.text


def test_without_the_articles_the_view_shows_the_quotes_and_says_why(
        built_graph: BuiltGraph, tmp_path: Path) -> None:
    """`kg serve` started away from the project: the quotes still, and what to do."""
    fact = record("statements.yaml", "ahmad-explains-pakistan-vote")
    with kg_serve(built_graph.store, tmp_path, "--project", str(tmp_path)) as url:
        response = requests.get(f"{url}/evidence/statement/ahmad-explains-pakistan-vote",
                                timeout=60)
    assert response.status_code == 200, response.text
    assert fact["evidence"][0]["quote"] in response.text
    assert "The text cannot be shown here" in response.text and "--project" in response.text


def test_kg_query_prints_each_facts_evidence_url(built: tuple, tmp_path: Path) -> None:
    _, out = built
    result = CliRunner().invoke(query_command, ["statements-by-speaker", "--param",
                                                "speaker=Peskov", "--store", str(out / "store")])
    assert result.exit_code == 0, result.output
    urls = re.findall(r"http://127\.0\.0\.1:7878/evidence/\S+", result.output)
    assert "http://127.0.0.1:7878/evidence/statement/peskov-balanced-position-mt" in urls


def test_hostile_words_in_a_quote_are_text(tmp_path: Path) -> None:
    """A statement whose words and source title carry markup: shown as text, never run."""
    evil = "<script>alert(1)</script>"
    fact, source, target = f"{ID}statement/evil", f"{ID}source/evil", f"{ID}evidence/evil/1/t"
    unkg, oa = "https://w3id.org/unkg/ontology#", "http://www.w3.org/ns/oa#"
    lines = [
        f'<{fact}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{unkg}Statement> .',
        f'<{fact}> <http://schema.org/text> "{evil}" .',
        f'<{fact}> <{unkg}evidence> <{ID}evidence/evil/1> .',
        f'<{ID}evidence/evil/1> <{oa}hasTarget> <{target}> .',
        f'<{target}> <{oa}hasSource> <{source}> .',
        f'<{target}> <{oa}hasSelector> <{target}/q> .',
        f'<{target}/q> <{oa}exact> "{evil}" .',
        f'<{source}> <http://purl.org/dc/terms/title> "{evil}" .',
    ]
    (tmp_path / "evil.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_store([tmp_path / "evil.nt"], tmp_path / "store")
    with kg_serve(tmp_path / "store", tmp_path) as url:
        response = requests.get(f"{url}/evidence/statement/evil", timeout=60)
    assert response.status_code == 200, response.text
    assert evil not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
