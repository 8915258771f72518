"""`kg review`: the review pages opened in Debian's Chromium (headless), and the ClaimReview
export of the claims the official record settles."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from selenium import webdriver
from selenium.webdriver.common.by import By

from kg.pipeline.build import BuildResult
from kg.review.cli import review_command
from tests.browser import chromium

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs/screenshot-review-page.png"


@pytest.fixture(scope="module")
def pages(built: tuple[BuildResult, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review")
    result = CliRunner().invoke(review_command, ["--graph", str(built[1] / "unkg.ttl"),
                                                 "--project", str(ROOT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 article pages and an index" in result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium(1400, 1000) as chrome:
        yield chrome


def test_review_page_links_each_quote_to_its_fact_in_plain_words(
        pages: Path, browser: webdriver.Chrome) -> None:
    browser.get((pages / "index.html").as_uri())
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "li a")]
    assert len(links) == 5 and "article-2025-02-24-us-votes-against" in links
    browser.find_element(By.LINK_TEXT, "article-2025-02-24-us-votes-against").click()
    # The article's text is on the page, character for character
    text = (ROOT / "sources/articles/004_f655f20e45153f20.txt").read_text("utf-8")
    shown = browser.find_element(By.ID, "text").get_attribute("textContent")
    assert shown == text
    # Hungary's sentence: its quote leads to the position claim, in plain words
    mark = next(m for m in browser.find_elements(By.CSS_SELECTOR, "mark")
                if "hun-opposed-ga-european-amendments" in m.get_attribute("data-facts"))
    assert "Hungary" in mark.text
    mark.find_element(By.TAG_NAME, "a").click()
    assert browser.current_url.endswith("#fact-ga-european-amendments-004") or \
        browser.current_url.endswith("#fact-hun-opposed-ga-european-amendments")
    card = browser.find_element(By.ID, "fact-hun-opposed-ga-european-amendments")
    assert "Hungary opposed The European amendments to the US General Assembly text" in card.text
    assert "not in the record" in card.text  # no roll call of the amendment votes
    # Nebenzia's words: speaker, role and what they are about (the draft, not ES-11/8)
    card = browser.find_element(By.ID, "fact-nebenzia-step-in-right-direction")
    for words in ("Vassily Nebenzia", "Russia's ambassador to the United Nations", "praise",
                  "The United States' original General Assembly draft (before amendment)",
                  "not reviewed yet"):
        assert words in card.text, words
    assert "A/RES/ES-11/8" not in card.text.split("about")[1].split("\n")[0]
    # a left-out sentence says why
    assert "left out: Section heading." in browser.find_element(By.TAG_NAME, "main").text
    if os.environ.get("UNKG_UPDATE_SCREENSHOT") == "1":
        browser.execute_script("document.getElementById('fact-nebenzia-step-in-right-direction')"
                               ".scrollIntoView(); window.scrollTo(0, 0);")
        browser.save_screenshot(str(SCREENSHOT))


def test_contradicted_claim_is_marked_on_its_page(pages: Path,
                                                  browser: webdriver.Chrome) -> None:
    browser.get((pages / "article-2025-02-26-unsc-pakistan.html").as_uri())
    card = browser.find_element(By.ID, "fact-date-votes-tuesday")
    verdict = card.find_element(By.CSS_SELECTOR, "dd.contradicted")
    assert verdict.text == "contradicted (the record: 2025-02-24)"


def test_claim_reviews_rate_the_claims_the_record_settles(pages: Path) -> None:
    data = json.loads((pages / "claim-reviews.jsonld").read_text("utf-8"))
    reviews = data["@graph"]
    false = {(r["url"].rsplit("/claim/", 1)[1], r["itemReviewed"]["appearance"]["identifier"])
             for r in reviews if r["reviewRating"]["alternateName"] == "False"}
    # the three contradictions of test_queries.test_claims_contradicting_the_record
    assert false == {("date-votes-tuesday/A-RES-ES-11-7", "article-2025-02-26-unsc-pakistan"),
                     ("date-votes-tuesday/S-RES-2774-2025", "article-2025-02-26-unsc-pakistan"),
                     ("russia-root-causes-adopted", "article-2025-02-25-rubio-breitbart")}
    [russian] = [r for r in reviews if r["url"].endswith("russia-root-causes-adopted")]
    assert "included a Russian amendment" in russian["itemReviewed"]["text"]
    assert russian["reviewRating"]["ratingValue"] == 1
    # supported: 001 gives the Council's 10-0-5, the record agrees
    supported = [r for r in reviews if r["url"].endswith("tally-s-res-2774/yes")]
    assert supported and {r["reviewRating"]["ratingValue"] for r in supported} == {5}
    # claims the record cannot settle are not rated (Hungary's position, the vetoed attempts)
    assert not [r for r in reviews if "hun-opposed" in r["url"] or "attempts" in r["url"]]
    # the Moscow Times names its publisher; an article that names none gets no invented author
    authors = {r["itemReviewed"]["appearance"]["identifier"]: r["itemReviewed"].get("author")
               for r in reviews}
    assert authors["moscow-times-2025-02-25"] == {"@type": "Organization",
                                                  "name": "The Moscow Times"}
    assert authors["article-2025-02-25-rubio-breitbart"] is None
    # it is JSON-LD of schema.org terms: an RDF parser reads ClaimReview nodes out of it
    graph = Graph().parse(data=json.dumps({**data, "@context": {"@vocab": "http://schema.org/"}}),
                          format="json-ld")
    kinds = {str(o) for o in graph.objects()}
    assert "http://schema.org/ClaimReview" in kinds


def test_pages_and_reviews_are_byte_identical_when_rewritten(
        built: tuple[BuildResult, Path], pages: Path, tmp_path: Path) -> None:
    again = CliRunner().invoke(review_command, ["--graph", str(built[1] / "unkg.ttl"),
                                                "--project", str(ROOT), "--out", str(tmp_path)])
    assert again.exit_code == 0, again.output
    names = sorted(p.name for p in pages.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (pages / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_review_without_a_built_graph_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(review_command, ["--graph", str(tmp_path / "none.ttl"),
                                                 "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "run `kg build` first" in str(result.exception)
    assert not (tmp_path / "out").exists()
