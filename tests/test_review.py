# ruff: noqa: E501  (the old records are kept as they were written, one quote per line)
"""Reading the facts against the articles (issue 18): coverage, and the review rules.

The rules are tested on the record as it was before issue 18: each mistake the issue lists is
put back into a copy of the project (under its own id) and must be reported; the shipped facts
must give no warning at all.
"""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, URIRef

from kg.errors import CuratorError
from kg.ingest.quotes import fold, sentences
from kg.model.namespaces import ID, SCHEMA, UNKG
from kg.pipeline.build import BuildResult, build_graph
from kg.review.cli import coverage_command
from kg.review.coverage import coverage, read_left_out, stale_left_out
from kg.review.rules import Finding, review_findings
from kg.validate.compiled import validate_graph
from kg.validate.report import shapes_graph
from tests.conftest import copy_project

ROOT = Path(__file__).resolve().parent.parent

# The records as they stood before issue 18 (ids prefixed old-), one per mistake of the issue.
OLD_RECORDS = """
- id: old-peskov-balanced-position-mt
  kind: statement
  speaker: person:dmitry-peskov
  date: 2025-02-25
  text: "The U.S. is taking a much more balanced position, which is really helping efforts aimed at resolving the conflict over Ukraine"
  direct: true
  evidence:
    - source: moscow-times-2025-02-25
      quote: "The U.S. is taking a much more balanced position, which is really helping efforts aimed at resolving the conflict over Ukraine,\\" Kremlin spokesman Dmitry Peskov told reporters on Tuesday"
    - source: moscow-times-2025-02-25
      quote: "We certainly welcome this. We believe that such a balanced position indicates a real desire to contribute to a settlement"
- id: old-peskov-constructive-approach-002
  kind: statement
  speaker: person:dmitry-peskov
  text: "Kremlin spokesperson Dmitry Peskov pointed to this development as an indication of a constructive U.S. approach to the ongoing war"
  direct: false
  evidence:
    - source: article-kremlin-cheers-us-shift
      quote: "Kremlin spokesperson Dmitry Peskov pointed to this development as an indication of a constructive U.S. approach to the ongoing war"
- id: old-peskov-eu-no-balance-001
  kind: statement
  speaker: person:dmitry-peskov
  date: null
  text: "do not signal balance"
  direct: true
  evidence:
    - source: article-2025-02-26-unsc-pakistan
      quote: "Peskov said comments from European leaders “do not signal balance”"
- id: old-betsa-good-working-relationship
  kind: statement
  speaker: person:mariana-betsa
  text: "really good working relationship"
  direct: true
  stance: praise
  towards: [state:USA]
  evidence:
    - source: article-2025-02-24-us-votes-against
      quote: "Mariana Betsa insisted that Kyiv maintains a “really good working relationship” with Washington"
- id: old-trump-quoted-for-peskov
  kind: statement
  speaker: person:donald-trump
  text: "balanced position"
  direct: true
  evidence:
    - source: moscow-times-2025-02-25
      quote: "We believe that such a balanced position indicates a real desire"
- id: old-ukraine-stunned
  kind: statement
  speaker: state:UKR
  text: "stunned"
  direct: true
  evidence:
    - source: article-2025-02-25-rubio-breitbart
      quote: "This “stunned” Ukraine."
- id: old-nebenzia-step-in-right-direction
  kind: statement
  speaker: person:vassily-nebenzia
  text: "a step in the right direction"
  direct: true
  about: [state:USA, doc:A/RES/ES-11/8]
  comments_on: [A/RES/ES-11/8]
  evidence:
    - source: article-2025-02-24-us-votes-against
      quote: "welcomed the US position, calling Washington’s original draft “a step in the right direction.”"
- id: old-sc-full-scale-invasion-vetoed
  kind: outcome
  motion: amendment:sc-2774-full-scale-invasion
  outcome: vetoed
  evidence:
    - source: article-2025-02-26-unsc-pakistan
      quote: "after their attempts to amend the wording were vetoed"
- id: old-hun-against-ga-es-11-8-full-scale-invasion
  kind: vote
  event: ga-es-11-8-full-scale-invasion-vote
  voters: [state:HUN]
  option: "no"
  evidence:
    - source: article-2025-02-24-us-votes-against
      quote: "Hungary, known for its pro-Kremlin stance, also opposed the amendments."
- id: old-date-s-res-2774-monday
  kind: date
  events: [S/RES/2774 (2025)]
  date: 2025-02-24
  evidence:
    - source: article-2025-02-24-us-votes-against
      quote: "brings its original, unamended resolution to the UN Security Council later on Monday"
- id: old-european-allies
  kind: group
  name: Ukraine's European allies (old)
  members: [state:FRA, state:GBR]
  evidence:
    - source: moscow-times-2025-02-25
      quote: "Ukraine's European allies pushed to amend the text"
    - source: article-kremlin-cheers-us-shift
      quote: "the U.S. and its European allies"
"""


@pytest.fixture(scope="module")
def old_record(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, list[Finding], Path]:
    project = copy_project(tmp_path_factory.mktemp("old"))
    (project / "facts" / "zz-old.yaml").write_text(OLD_RECORDS, encoding="utf-8")
    graph = build_graph(project).graph
    return graph, review_findings(graph, project), project


def found(findings: list[Finding], record: str, rule: str) -> list[Finding]:
    return [f for f in findings if f.record.endswith(f"#{record}") and f.rule == rule]


# ---------------------------------------------------------------- the shipped facts

def test_shipped_facts_give_no_review_warning(built: tuple[BuildResult, Path]) -> None:
    assert review_findings(built[0].graph, ROOT) == []


def test_every_sentence_is_covered_or_left_out_with_a_reason(
        built: tuple[BuildResult, Path]) -> None:
    reports = coverage(built[0].graph, ROOT)
    assert len(reports) == 5
    assert [s.sentence.text[:60] for r in reports for s in r.sentences
            if s.status == "uncovered"] == []
    assert stale_left_out(reports) == []
    left_out = [s for r in reports for s in r.sentences if s.status == "left out"]
    assert len(left_out) == len(read_left_out(ROOT)) and all(s.left_out for s in left_out)


def test_coverage_command_prints_each_sentence_and_the_totals(
        built: tuple[BuildResult, Path]) -> None:
    result = CliRunner().invoke(coverage_command, ["--graph", str(built[1] / "unkg.ttl"),
                                                   "--project", str(ROOT)])
    assert result.exit_code == 0, result.output
    assert "003_8d4ef932441a8327.txt (article-2025-02-25-rubio-breitbart): 23 sentences" in \
        result.output
    # article 003, sentence 21: the word is the article's, on the pressure event
    assert "[21] covered   This “stunned” Ukraine." in result.output
    assert "facts: us-pressure-on-kyiv-to-withdraw-draft" in result.output
    assert " 0 uncovered" in result.output.splitlines()[-2]
    assert result.output.splitlines()[-1] == "review warnings: 0"


def test_an_uncovered_sentence_fails_the_command(built: tuple[BuildResult, Path],
                                                 tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "facts" / "left-out.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["left_out"]
    path.write_text(yaml.safe_dump(
        {"left_out": [e for e in entries if e["sentence"] != "What preceded"]}),
        encoding="utf-8")
    result = CliRunner().invoke(coverage_command, ["--graph", str(built[1] / "unkg.ttl"),
                                                   "--project", str(project)])
    assert result.exit_code == 1
    assert "[10] uncovered What preceded" in result.output


def test_a_left_out_sentence_that_is_not_in_the_article(built: tuple[BuildResult, Path],
                                                         tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with (project / "facts" / "left-out.yaml").open("a", encoding="utf-8") as handle:
        handle.write("  - source: moscow-times-2025-02-25\n    sentence: Nothing of the kind\n"
                     "    reason: test\n")
    with pytest.raises(CuratorError, match=r"facts/left-out.yaml: line \d+: no sentence of "
                       r"moscow-times-2025-02-25 has the words \"Nothing of the kind\""):
        coverage(built[0].graph, project)


def test_sentences_do_not_end_at_abbreviations() -> None:
    text = "Kremlin Applauds U.S. Position\nThe U.S. opposed it. Then, 93 voted. “Yes.” He said."
    assert [s.text for s in sentences(text)] == [
        "Kremlin Applauds U.S. Position", "The U.S. opposed it.", "Then, 93 voted.", "“Yes.”",
        "He said."]
    assert all(text[s.start:s.end] == s.text for s in sentences(text))


# ---------------------------------------------------------------- the items, one rule each

# Each item: the rule, the old record it must find, words its one message must hold (if
# given), and records it must leave alone (the corrected record, or one right as it is).
ITEMS = {
    # item 1: "This “stunned” Ukraine": the speaker is what the words are about
    "speaker-as-object": ("old-ukraine-stunned", 'stunned" ukraine', []),
    # item 3: the remark on Washington's original draft, recorded on the resolution
    "said-of-the-draft": ("old-nebenzia-step-in-right-direction", "",
                          ["nebenzia-step-in-right-direction"]),
    # item 2: the contradictions that remain quote their words: "on Tuesday", "a Russian
    # amendment"
    "contradiction-without-its-words": ("old-sc-full-scale-invasion-vetoed", "",
                                        ["date-votes-tuesday", "russia-root-causes-adopted"]),
    # item 5
    "ballot-without-roll-call": ("old-hun-against-ga-es-11-8-full-scale-invasion", "", []),
    # item 6: the evidence lies in another sentence than the text
    "text-not-in-evidence": ("old-peskov-balanced-position-mt", "sentence 8", []),
    # item 8: the date of a vote taken from an article written that day
    "date-claim-written-before": ("old-date-s-res-2774-monday",
                                  "article-2025-02-24-us-votes-against is dated 2025-02-24", []),
    # item 9a
    "undated-beside-dated": ("old-peskov-eu-no-balance-001", "", []),
    # item 9c: the reporting clause kept in a paraphrase's text
    "reporting-clause-in-text": ("old-peskov-constructive-approach-002", "", []),
    # Peskov's words given to Trump, named neither there nor in the sentence before; "he
    # added": Peskov is named in the sentence before, so his own quote passes
    "quote-far-from-speaker": ("old-trump-quoted-for-peskov", "",
                               ["peskov-welcome-settlement-mt"]),
}


@pytest.mark.parametrize("rule", ITEMS)
def test_each_rule_finds_its_item_of_the_old_record(old_record, rule: str) -> None:
    _, findings, _ = old_record
    record, words, left_alone = ITEMS[rule]
    messages = [f.message for f in found(findings, record, rule)]
    assert messages, f"{rule} does not find {record}"
    if words:
        assert len(messages) == 1 and words in messages[0], messages
    assert [r for r in left_alone if found(findings, r, rule)] == []


def test_item_4_fixed_group_cited_by_description(old_record) -> None:
    _, findings, _ = old_record
    # 000: "Ukraine's European allies pushed to amend"; 002: "the U.S. and its European allies"
    messages = [f.message for f in found(findings, "old-european-allies", "group-without-members")]
    assert len(messages) == 2
    assert any("moscow-times-2025-02-25 (sentence 12)" in m for m in messages)
    assert any("article-kremlin-cheers-us-shift (sentence 3)" in m for m in messages)
    assert not found(findings, "european-council-members", "group-without-members")


def test_item_7_stance_without_reason_is_a_validation_warning(old_record) -> None:
    graph, _, project = old_record
    report = validate_graph(graph, shapes=shapes_graph(project))  # what `kg build` runs
    betsa = ID["statement/old-betsa-good-working-relationship"]
    assert {r.shape for r in report.warnings if r.focus == "id:" + betsa.removeprefix(str(ID))} \
        >= {"unkgsh:StanceNeedsReason", "unkgsh:Review-reviewedBy"}
    assert not [r for r in report.warnings if r.shape == "unkgsh:StanceNeedsReason"
                and "old-" not in r.focus]


# ---------------------------------------------------------------- items a rule cannot find

def statement(graph: Graph, record: str) -> URIRef:
    return ID[f"statement/{record}"]


def test_item_1_stunned_is_the_articles_word(built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    assert (statement(graph, "ukraine-stunned"), None, None) not in graph
    texts = [str(t) for t in graph.objects(ID["event/us-pressure-on-kyiv-to-withdraw-draft"],
                                           SCHEMA.description)]
    assert "not Ukraine's own" in texts[0]


def test_item_3_nebenzia_praised_the_original_draft(built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    remark = statement(graph, "nebenzia-step-in-right-direction")
    about = set(graph.objects(remark, SCHEMA.about))
    assert ID["draft/us-original-ga-draft"] in about
    assert ID["document/A-RES-ES-11-8"] not in about
    assert not list(graph.objects(remark, UNKG.commentsOn))
    assert (ID["draft/us-original-ga-draft"], UNKG.draftOf, ID["document/A-RES-ES-11-8"]) in graph


def test_item_7_readings_beyond_the_text(built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    assert graph.value(statement(graph, "betsa-good-working-relationship"),
                       UNKG.stance) == UNKG.Neutral
    for record in ("uk-regret-calls-ignored", "uk-no-equivalence"):
        assert ID["state/USA"] not in set(graph.objects(statement(graph, record),
                                                        UNKG.stanceTowards)), record
    trump = statement(graph, "trump-goes-without-saying")
    assert set(graph.objects(trump, UNKG.commentsOn)) == {ID["vote-event/A-RES-ES-11-7"]}
    assert graph.value(trump, UNKG.saidAt) == ID["event/trump-macron-meeting"]
    assert (statement(graph, "zelensky-order-not-to-withdraw"), None, None) not in graph
    assert graph.value(ID["event/zelensky-order-not-to-withdraw-draft"],
                       UNKG.eventKind) == UNKG.Order


def test_item_9b_the_articles_own_word_is_not_the_speakers(
        built: tuple[BuildResult, Path]) -> None:
    text = str(built[0].graph.value(statement(built[0].graph,
                                              "state-department-global-alignment"), SCHEMA.text))
    assert "vague" not in text and "…" in text


def test_item_9d_the_extract_says_where_it_was_read_from() -> None:
    for name in ("ga_voting_2025-02-24.yaml", "sc_voting_2025-02-24.yaml"):
        meta = yaml.safe_load((ROOT / "sources/official-record" / name).read_text("utf-8"))
        assert "third-party scrape" in meta["publisher"], name
        readme = (ROOT / "sources/official-record/README.md").read_text("utf-8")
        assert "public scrape of the UN Digital Library" in fold(readme)
