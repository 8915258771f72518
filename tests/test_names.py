"""Names as people write them (issue 19, item 5), resolved against the store built from the
shipped data: each name of the issue's list is taken for the entity a person means, and a name
that stands for several is answered with a question.

The expected codes are ISO 3166-1 alpha-3 codes (the codes the UN voting files use); expected
ballots come from sources/official-record/ga_voting_2025-02-24.csv.
"""

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.analysis.votes import VoteEvent, resolve_vote_event, select_vote_events
from kg.emit.record import state_label
from kg.errors import CuratorError
from kg.model.namespaces import PREFIXES
from kg.pipeline.build import BuildResult
from kg.query.catalogue import EmbeddedBackend, query_command
from kg.query.names import Ambiguous, Names, fold

ROOT = Path(__file__).resolve().parent.parent
GA_CSV = ROOT / "sources/official-record/ga_voting_2025-02-24.csv"
ID = str(PREFIXES["id"])
UNKG = str(PREFIXES["unkg"])


@pytest.fixture(scope="module")
def store_path(built: tuple[BuildResult, Path]) -> Path:
    return built[1] / "store"


@pytest.fixture(scope="module")
def names(store_path: Path) -> Names:
    return Names(EmbeddedBackend(store_path))


def cli(store_path: Path, *args: str):
    return CliRunner().invoke(query_command, [*args, "--store", str(store_path)])


def ga_votes(symbol: str) -> dict[str, str]:
    """ISO3 -> the vote code (Y, N, A, X) of each Member State on a GA resolution."""
    with GA_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["ms_code"]: row["ms_vote"] for row in csv.DictReader(handle)
                if row["resolution"] == symbol}


# ---------------------------------------------------------------- states, as people write them

# The list (and the spellings beside each), with the state a person means.
AS_PEOPLE_WRITE = {
    "South Korea": "KOR",  # not North Korea, which the old lookup suggested first
    "Czech Republic": "CZE",
    "Czechia": "CZE",
    "Syria": "SYR",
    "Vietnam": "VNM",
    "Viet Nam": "VNM",
    "Türkiye": "TUR",  # the accent folded: the UN's file writes TURKIYE
    "TÜRKIYE": "TUR",
    "Turkey": "TUR",
    "Côte d'Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "Côte d’Ivoire": "CIV",  # a typographic apostrophe
    "Ivory Coast": "CIV",
    "Laos": "LAO",
    "United States of America": "USA",
    "America": "USA",
    "Bolivia": "BOL",
    "Democratic Republic of Congo": "COD",
    "Republic of the Congo": "COG",
    "North Korea": "PRK",
    "Russia": "RUS",
    "Micronesia": "FSM",
}


@pytest.mark.parametrize(("typed", "code"), AS_PEOPLE_WRITE.items())
def test_a_state_as_people_write_it(names: Names, typed: str, code: str):
    match = names.resolve("state", typed, "state")
    assert match.node == ox.NamedNode(f"{ID}state/{code}")
    assert match.code == code and match.kind == "state"


@pytest.mark.parametrize(("typed", "codes"), [("Congo", {"COG", "COD"}),
                                              ("congo", {"COG", "COD"}),
                                              ("Korea", {"KOR", "PRK"})])
def test_a_name_of_two_states_is_a_question(names: Names, typed: str, codes: set[str]):
    with pytest.raises(Ambiguous) as raised:
        names.resolve("state", typed, "state")
    assert {choice.code for choice in raised.value.choices} == codes
    assert f"{typed}: did you mean " in str(raised.value) and str(raised.value).endswith(
        ".")  # the question, then how to answer it


def test_congo_is_asked_about_by_the_names_that_tell_the_two_apart(store_path: Path):
    result = cli(store_path, "position-across-votes", "--param", "state=Congo")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("Congo: did you mean COG Republic of the Congo or COD Democratic Republic of the "
            "Congo?") in result.output  # the state named exactly "CONGO" by the UN first


def test_america_names_the_united_states_and_no_suggestion_is_an_internal_id(names: Names):
    assert names.resolve("actor", "America", "target").code == "USA"
    with pytest.raises(CuratorError) as raised:
        names.resolve("actor", "Amerca", "target")
    message = str(raised.value)
    assert "United States (USA)" in message
    suggestions = message.split("closest matches: ", 1)[1]
    assert ":" not in suggestions and "names-" not in suggestions and "/" not in suggestions


def test_a_misspelt_state_suggests_states_by_name_and_code(names: Names):
    with pytest.raises(CuratorError) as raised:
        names.resolve("state", "Hungry", "state")
    assert "no state 'Hungry' found" in str(raised.value)
    assert "Hungary (HUN)" in str(raised.value)


def test_folding_ignores_case_accents_apostrophes_and_dots():
    assert fold("Côte d’Ivoire") == fold("COTE D'IVOIRE") == fold("Cote D'ivoire")
    assert fold("U.S.") == fold("us")
    assert fold("S/RES/2774(2025)") == fold("s/res/2774 (2025)")
    assert fold("Türkiye") != fold("Turkmenistan")


# ---------------------------------------------------------------- fixed choices

@pytest.mark.parametrize(("typed", "option"), [
    ("against", "No"), ("no", "No"), ("No", "No"), ("unkg:No", "No"), ("N", "No"),
    ("in favour", "Yes"), ("in favor", "Yes"), ("for", "Yes"), ("yes", "Yes"),
    ("abstention", "Abstain"), ("abstain", "Abstain"), ("abstained", "Abstain"),
    ("non-voting", "NonVoting"), ("did not vote", "NonVoting"), ("absent", "NonVoting"),
])
def test_vote_options_as_people_say_them(names: Names, typed: str, option: str):
    assert names.resolve("iri", typed, "option").node == ox.NamedNode(UNKG + option)


def test_option_against_gives_the_states_that_voted_no(store_path: Path):
    result = cli(store_path, "votes-on-resolution", "--param", "vote_event=A/RES/ES-11/7",
                 "--param", "option=against")
    assert result.exit_code == 0, result.output
    assert "option: no" in result.output.splitlines()[:3]
    voted_no = {code for code, vote in ga_votes("A/RES/ES-11/7").items() if vote == "N"}
    assert voted_no and {line.split()[0] for line in result.output.splitlines()
                         if line[:3] in voted_no} == voted_no
    assert f"({len(voted_no)} rows)" in result.output


def test_an_unknown_option_lists_the_choices_and_never_a_state(store_path: Path):
    result = cli(store_path, "votes-on-resolution", "--param", "option=maybe")
    assert result.exit_code == 1
    assert "'maybe' is not one of abstention, no, non-voting, yes" in result.output
    assert "Afghanistan" not in result.output


@pytest.mark.parametrize(("typed", "stance"), [
    ("criticised", "Criticism"), ("criticized", "Criticism"), ("Criticism", "Criticism"),
    ("praised", "Praise"), ("support", "Support"), ("opposed", "Opposition"),
    ("neutral", "Neutral")])
def test_stances_as_people_say_them(names: Names, typed: str, stance: str):
    assert names.resolve("iri", typed, "stance").node == ox.NamedNode(UNKG + stance)


# ---------------------------------------------------------------- what `kg query` says

def test_the_match_is_echoed_above_the_table(store_path: Path):
    result = cli(store_path, "position-across-votes", "--param", "state=South Korea")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "state: Republic of Korea (KOR)"


def test_an_empty_answer_says_the_state_did_not_vote(store_path: Path):
    assert ga_votes("A/RES/ES-11/7")["BOL"] == "X"  # the record: non-voting
    result = cli(store_path, "voted-like-state", "--param", "state=Bolivia",
                 "--param", "vote_event=A/RES/ES-11/7")
    assert result.exit_code == 0, result.output
    assert "(0 rows)" in result.output
    assert "Bolivia did not vote on A/RES/ES-11/7" in result.output


def test_an_empty_answer_says_a_state_had_no_ballot(store_path: Path):
    result = cli(store_path, "voted-like-state", "--param", "state=Bolivia",
                 "--param", "vote_event=S/RES/2774 (2025)")  # Bolivia has no Council seat
    assert result.exit_code == 0, result.output
    assert "Bolivia has no recorded ballot on S/RES/2774 (2025)" in result.output


def test_an_empty_answer_names_its_parameters(store_path: Path):
    result = cli(store_path, "quotes-containing", "--param", "words=no such words anywhere")
    assert result.exit_code == 0, result.output
    assert "no rows for words=no such words anywhere" in result.output


def test_a_row_answer_has_no_explanation(store_path: Path):
    result = cli(store_path, "voted-like-state", "--param", "state=South Korea")
    assert result.exit_code == 0 and "no rows" not in result.output


# ---------------------------------------------------------------- labels

@pytest.mark.parametrize(("un_name", "label"), [
    ("COTE D'IVOIRE", "Cote d'Ivoire"), ("GUINEA-BISSAU", "Guinea-Bissau"),
    ("TIMOR-LESTE", "Timor-Leste"), ("LAO PDR", "Lao PDR"),
    ("MICRONESIA (FEDERATED STATES OF)", "Micronesia (Federated States of)"),
    ("DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA", "Democratic People's Republic of Korea"),
    ("SAINT VINCENT AND THE GRENADINES", "Saint Vincent and the Grenadines"),
    ("UNITED STATES", "United States")])
def test_state_labels_keep_the_uns_casing(un_name: str, label: str):
    assert state_label(un_name) == label


def test_the_graph_labels_cote_divoire_as_the_un_writes_it(names: Names):
    assert names.describe(ox.NamedNode(f"{ID}state/CIV")).label == "Cote d'Ivoire"


# ---------------------------------------------------------------- kg analyze --votes

def test_votes_by_a_symbols_tail(store_path: Path):
    store = ox.Store.read_only(str(store_path))
    [event] = select_vote_events(store, "ES-11/7")
    assert event.label == "A/RES/ES-11/7"


def test_an_unknown_vote_is_answered_with_close_matches_not_every_symbol():
    known = [VoteEvent(f"{ID}vote-event/A-RES-{n}", f"A/RES/{n}", "", "2000-01-01")
             for n in range(1, 401)] + [VoteEvent(f"{ID}vote-event/A-RES-ES-11-7",
                                                  "A/RES/ES-11/7", "", "2025-02-24")]
    assert resolve_vote_event("ES-11/7", known).endswith("/A-RES-ES-11-7")
    with pytest.raises(CuratorError) as raised:
        resolve_vote_event("ES-11/9", known)
    message = str(raised.value)
    assert "did you mean A/RES/ES-11/7" in message
    assert message.count("A/RES/") <= 8 and "A/RES/399" not in message


def test_a_misspelt_south_korea_suggests_south_korea_first(names: Names):
    with pytest.raises(CuratorError) as raised:
        names.resolve("state", "Soth Korea", "state")
    suggestions = str(raised.value).split("closest matches: ", 1)[1]
    assert suggestions.startswith("Republic of Korea (KOR)")
