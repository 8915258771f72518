"""Alignment analysis (kg.analysis) on the shipped graph and on small hand-computed inputs.

Domain facts come from the official record, sources/official-record/*.csv (row numbers
counted with the header as row 1).
"""

import csv
import math
import re
import struct
import subprocess
import sys
from html import unescape
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.analysis.alignment import (
    agreement_graph,
    agreement_matrix,
    benchmark_agreement,
    bloc_name,
    bloc_of,
    camp_changes,
    ideal_points,
    kappa_matrix,
    partners,
    voting_blocs,
)
from kg.analysis.cli import analyze_command, write_analysis
from kg.analysis.figures import few_shared_warning, roll_call_counts
from kg.analysis.regions import REGION_OF, REGIONS
from kg.analysis.votes import (
    ABSTAIN,
    NO,
    NON_VOTING,
    NOT_A_MEMBER,
    YES,
    VoteEvent,
    VoteMatrix,
    select_vote_events,
    statement_graph,
    vote_matrix,
)
from kg.errors import CuratorError
from kg.model.namespaces import UNKG
from kg.pipeline.build import BuildResult
from kg.store.embedded import open_store

ROOT = Path(__file__).resolve().parent.parent
THREE_VOTES = "A/RES/ES-11/7,A/RES/ES-11/8,S/RES/2774 (2025)"
# The 27 member states of the European Union in February 2025.
EU = ("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL "
      "PRT ROU SVK SVN ESP SWE").split()


@pytest.fixture(scope="module")
def store_path(built: tuple[BuildResult, Path]) -> Path:
    """The store of the session's build of the shipped data (validated, as users get it)."""
    return built[1] / "store"


@pytest.fixture(scope="module")
def three_votes(store_path: Path) -> VoteMatrix:
    store = open_store(store_path)
    return vote_matrix(store, select_vote_events(store, THREE_VOTES))


def small_matrix(codes: list[list[int]]) -> VoteMatrix:
    states = tuple("ABCDE"[: len(codes)])
    events = tuple(VoteEvent(f"https://example.org/vote-event/v{j}", f"v{j}", "", "2025-01-0"
                             f"{j + 1}") for j in range(len(codes[0])))
    return VoteMatrix(states, states, events, np.array(codes, dtype=np.int8))


# ---------------------------------------------------------------- the shipped graph

def test_usa_and_russia_agree_on_two_of_three(three_votes: VoteMatrix):
    # GA CSV rows 184/148: both no on ES-11/7; rows 377/341: USA abstain, Russia no on
    # ES-11/8; SC CSV rows 16/12: both yes on 2774. Both took part in all three.
    graph = agreement_graph(three_votes)
    edge = graph.edges["USA", "RUS"]
    assert (edge["same"], edge["shared"]) == (2, 3)
    assert edge["weight"] == pytest.approx(2 / 3)


def test_eu_votes_alike_and_forms_one_bloc_without_hungary(three_votes: VoteMatrix):
    # GA CSV: every EU member but Hungary voted yes on ES-11/7 and ES-11/8; Denmark, France,
    # Greece and Slovenia abstained on 2774 (SC CSV), the others have no Council ballot.
    # Hungary: no on ES-11/7 (GA row 77), abstain on ES-11/8 (GA row 270).
    graph = agreement_graph(three_votes)
    others = [s for s in EU if s != "HUN"]
    for i, first in enumerate(others):
        for second in others[i + 1:]:
            assert graph.edges[first, second]["weight"] == 1.0, (first, second)
    assert graph.edges["HUN", "DEU"]["weight"] == 0.0
    bloc = bloc_of(voting_blocs(graph))
    assert {bloc[s] for s in others} == {bloc["DEU"]}
    assert bloc["HUN"] != bloc["DEU"]


def test_camp_changes_of_the_united_states(three_votes: VoteMatrix):
    # GA rows 184 and 377, SC row 16: no, then abstain, then yes.
    first = dict((s, (a, b)) for s, a, b in camp_changes(three_votes, "A/RES/ES-11/7",
                                                         "A/RES/ES-11/8"))
    second = dict((s, (a, b)) for s, a, b in camp_changes(three_votes, "A/RES/ES-11/8",
                                                          "S/RES/2774 (2025)"))
    assert first["USA"] == ("no", "abstain")
    assert second["USA"] == ("abstain", "yes")
    assert "RUS" not in first  # no on both (GA rows 148, 341)
    assert "DEU" not in second  # Germany has no Council ballot


def test_ideal_points_order_europe_usa_russia(three_votes: VoteMatrix):
    # Yes on ES-11/7 is the positive side; Russia (no, no, yes) is further from Germany
    # (yes, yes, -) than the USA (no, abstain, yes).
    points = dict(zip(three_votes.states, ideal_points(three_votes), strict=True))
    assert points["DEU"] > 0 > points["USA"] > points["RUS"]


def test_partners_of_hungary_include_israel(three_votes: VoteMatrix):
    # Israel: no on ES-11/7, abstain on ES-11/8 (GA CSV), like Hungary.
    found = partners(agreement_graph(three_votes), "HUN")
    assert found is not None and found.closest_agreement == 1.0 and "ISR" in found.closest
    assert "DEU" in found.furthest and found.furthest_agreement == 0.0


def test_unknown_vote_is_one_clear_message(store_path: Path):
    with pytest.raises(CuratorError, match="A/RES/ES-11/99"):
        select_vote_events(open_store(store_path), "A/RES/ES-11/99")


def test_bad_date_is_one_clear_message(store_path: Path):
    with pytest.raises(CuratorError, match="--from '24/02/2025' is not a date"):
        select_vote_events(open_store(store_path), "all", start="24/02/2025")


def test_date_range_selection(store_path: Path):
    # All three recorded votes were taken on 2025-02-24 (both CSVs, column date).
    store = open_store(store_path)
    assert len(select_vote_events(store, "all", start="2025-02-24", end="2025-02-24")) == 3
    with pytest.raises(CuratorError, match="no vote event"):
        select_vote_events(store, "ga", end="2025-02-23")


def test_body_selection(store_path: Path):
    store = open_store(store_path)
    assert [e.label for e in select_vote_events(store, "sc")] == ["S/RES/2774 (2025)"]
    matrix = vote_matrix(store, select_vote_events(store, "sc"))
    assert len(matrix.states) == 15  # SC CSV: 15 rows


@pytest.mark.slow  # `kg analyze` run twice in processes of their own: seconds
def test_cli_writes_identical_files_twice(store_path: Path, tmp_path: Path):
    # Two separate processes: matplotlib salts the SVG's ids per process unless told not to.
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = subprocess.run(
            [sys.executable, "-c", "from kg.cli import main; main()", "analyze",
             "--store", str(store_path), "--votes", THREE_VOTES, "--out", str(out),
             "--rdf", str(out / "blocs.ttl")], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    pictures = ("alignment-network", "agreement-heatmap", "roll-call-A-RES-ES-11-7",
                "roll-call-A-RES-ES-11-8", "roll-call-S-RES-2774-2025")
    assert {"agreement.csv", "kappa.csv", "pairs.csv", "blocs.csv", "alignment.graphml",
            "camp-changes.csv", "blocs.ttl", *(f"{p}.{kind}" for p in pictures
                                               for kind in ("png", "svg"))} <= set(outputs[0])
    for name, data in outputs[0].items():
        if name.endswith(".svg"):  # no date, no matplotlib version
            assert b"<dc:date>" not in data and b"Matplotlib v" not in data, name
    derived = Graph().parse(data=outputs[0]["blocs.ttl"].decode(), format="turtle")
    blocs = set(derived.subjects(predicate=None, object=UNKG.DerivedBloc))
    assert len(blocs) >= 2
    # GA CSV: 13 states were non-voting (X) on both resolutions and sit outside the Council
    # (AFG AZE BEN BOL CMR COG DMA ECU GNB SSD SWZ TKM VEN); the other 180 belong to
    # exactly one derived bloc.
    memberships = list(derived.subjects(object=UNKG.DerivedMembership))
    assert len(memberships) == len({str(m).rsplit("/", 1)[-1] for m in memberships}) == 180


def test_statement_graph_of_the_shipped_statements(store_path: Path):
    # facts/statements.yaml, record peskov-balanced-position-mt: Peskov praises the USA on
    # 2025-02-25, quoted by the Moscow Times.
    graph = statement_graph(open_store(store_path))
    peskov, usa = "https://w3id.org/unkg/id/person/dmitry-peskov", "https://w3id.org/unkg/id/state/USA"
    edge = graph.edges[peskov, usa, "https://w3id.org/unkg/id/statement/peskov-balanced-position-mt"]
    assert (edge["stance"], edge["date"]) == ("Praise", "2025-02-25")
    assert edge["source"] == "https://w3id.org/unkg/id/source/moscow-times-2025-02-25"
    assert graph.nodes[peskov]["label"] == "Dmitry Peskov"


# ---------------------------------------------------------------- the pictures

def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (PNG specification, section 11.2.2)."""
    return struct.unpack(">II", path.read_bytes()[16:24])


def svg_texts(path: Path) -> list[str]:
    """The text elements of an SVG written with svg.fonttype none (text kept as text)."""
    return [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text())]


def svg_title(path: Path) -> str:
    """The text of the element the pictures mark as their title (gid "title")."""
    found = re.search(r'<g id="title">\s*<text[^>]*>([^<]*)</text>', path.read_text())
    assert found, f"{path.name} has no title"
    return unescape(found.group(1))


@pytest.fixture(scope="module")
def three_vote_run(store_path: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, str]:
    """`kg analyze --votes THREE_VOTES` on the shipped store, once for the module: the folder
    it wrote and what it printed."""
    out = tmp_path_factory.mktemp("pictures-3")
    result = CliRunner().invoke(analyze_command, [
        "--store", str(store_path), "--votes", THREE_VOTES, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="module")
def three_vote_pictures(three_vote_run: tuple[Path, str]) -> Path:
    return three_vote_run[0]


@pytest.fixture(scope="module")
def history_pictures(three_votes: VoteMatrix, tmp_path_factory: pytest.TempPathFactory
                     ) -> tuple[Path, VoteMatrix]:
    """30 invented General Assembly votes over the shipped 193 states (fixed seed): the size
    of a voting history, for the pictures' size and titles."""
    rng = np.random.default_rng(1945)
    codes = rng.choice([NON_VOTING, YES, YES, YES, NO, ABSTAIN], size=(193, 30)).astype(np.int8)
    events = tuple(VoteEvent(f"https://example.org/vote-event/r{j}", f"A/RES/HIST/{j}",
                             "https://w3id.org/unkg/id/org/un-general-assembly",
                             f"2024-{1 + j // 28:02d}-{1 + j % 28:02d}") for j in range(30))
    matrix = VoteMatrix(three_votes.states, three_votes.names, events, codes)
    out = tmp_path_factory.mktemp("pictures-30")
    write_analysis(matrix, out)
    return out, matrix


@pytest.mark.slow  # `kg analyze` draws its pictures (matplotlib): seconds
def test_titles_and_legends_say_what_the_picture_shows(three_vote_pictures: Path):
    network = svg_texts(three_vote_pictures / "alignment-network.svg")
    assert svg_title(three_vote_pictures / "alignment-network.svg") == (
        "Who voted with whom: 3 UN votes on 24 February 2025")
    assert not [t for t in network if re.search(r"\bbloc \d|Louvain \(seed", t)]
    # The blocs are named after a member; the three states are named on the map.
    legend = [t for t in network if "(" in t and "states)" in t]
    assert any(t.startswith("Russia and 7 others (8 states)") for t in legend), legend
    assert any(t.startswith("United States and ") for t in legend), legend
    assert {"United States", "Russia", "Ukraine"} <= set(network)
    assert any(t.startswith("Source: roll calls from the UN Digital Library") for t in network)
    assert any("A/RES/ES-11/7 (General Assembly, record 4076672)" in t for t in network)
    assert any("closer to the states that voted yes on A/RES/ES-11/7" in t for t in network)
    heatmap = svg_texts(three_vote_pictures / "agreement-heatmap.svg")
    assert svg_title(three_vote_pictures / "agreement-heatmap.svg") == (
        "How often each pair of states voted alike: 3 UN votes on 24 February 2025")
    assert any("Cohen's kappa" in t for t in heatmap)
    assert any("no vote in common" in t for t in heatmap)


@pytest.mark.slow  # `kg analyze` draws its pictures (matplotlib): seconds
def test_pictures_keep_their_size_at_3_and_at_30_votes(
        three_vote_pictures: Path, history_pictures: tuple[Path, VoteMatrix]):
    history, matrix = history_pictures
    for name in ("alignment-network.png", "agreement-heatmap.png"):
        assert png_size(three_vote_pictures / name) == png_size(history / name), name
    assert png_size(three_vote_pictures / "roll-call-A-RES-ES-11-7.png") == png_size(
        history / "roll-call-A-RES-HIST-29.png")  # more than 3 votes: the latest only
    assert not list(history.glob("roll-call-A-RES-HIST-28.*"))
    title = svg_title(history / "alignment-network.svg")
    assert title == "Who voted with whom: 30 UN votes, 1 January 2024 to 2 February 2024"
    assert not any(e.label in t for e in matrix.events[1:] for t in svg_texts(
        history / "agreement-heatmap.svg"))  # no list of symbols anywhere


def test_roll_call_by_region_adds_up_to_the_official_tally(three_votes: VoteMatrix):
    # GA CSV, A/RES/ES-11/7: total_yes 93, total_no 18, total_abstentions 65,
    # total_non_voting 17, total_ms 193 (every row). SC CSV: 10 yes, 0 no, 5 abstentions.
    regions, counts = roll_call_counts(three_votes, three_votes.events[0])
    assert regions == list(REGIONS)
    assert [sum(counts[o]) for o in ("Yes", "No", "Abstain", "Did not vote")] == [93, 18, 65, 17]
    # M49 Europe, GA CSV: 43 states, all voting; no: Belarus, Hungary, Russia; abstain:
    # North Macedonia; the other 39 yes.
    europe = regions.index("Europe")
    assert [counts[o][europe] for o in ("Yes", "No", "Abstain", "Did not vote")] == [39, 3, 1, 0]
    regions, counts = roll_call_counts(three_votes, three_votes.events[2])
    assert [sum(counts[o]) for o in ("Yes", "No", "Abstain")] == [10, 0, 5]
    assert "Oceania" not in regions  # no Council member from Oceania in 2025


@pytest.mark.slow  # `kg analyze` draws its pictures (matplotlib): seconds
def test_roll_call_chart_names_the_record_and_the_outcome(three_vote_pictures: Path):
    texts = svg_texts(three_vote_pictures / "roll-call-S-RES-2774-2025.svg")
    assert svg_title(three_vote_pictures / "roll-call-S-RES-2774-2025.svg") == (
        "How the Security Council voted on S/RES/2774 (2025)")
    assert any("Ukraine: not a member" in t for t in texts)
    # The record and outcome from the SC CSV (undl_link) and the curated record.
    assert any(t.startswith("Adopted on 24 February 2025: 10 yes, 0 no, 5 abstentions")
               for t in texts)
    assert any("https://digitallibrary.un.org/record/4077111" in t for t in texts)


def test_every_member_state_has_one_m49_region(three_votes: VoteMatrix):
    assert sum(len(codes) for codes in REGIONS.values()) == len(REGION_OF) == 193
    assert set(three_votes.states) == set(REGION_OF)
    assert (REGION_OF["RUS"], REGION_OF["CYP"], REGION_OF["TUR"]) == ("Europe", "Asia", "Asia")


def test_blocs_are_named_after_their_best_known_member():
    names = {"MHL": "Marshall Islands", "PLW": "Palau", "FJI": "Fiji"}
    assert bloc_name(["BLR", "PRK", "RUS"], names) == "Russia and 2 others"
    assert bloc_name(["CHN", "RUS"], names) == "Russia and 1 other"  # the P5 order
    assert bloc_name(["MHL"], names) == "Marshall Islands"
    assert bloc_name(["PLW", "FJI"], names) == "Fiji and 1 other"  # no one listed: first name
    eu14 = ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
            "HUN", "IRL"]
    assert bloc_name([*eu14, "USA", "JPN"], names) == "14 EU members and 2 others"
    assert bloc_name(eu14[:13] + ["USA"], names) == "United States and 13 others"  # 13 < 27/2


def test_blocs_of_the_three_votes_follow_the_votes(three_votes: VoteMatrix):
    # The issue found China, India and Brazil in the United States' bloc and the Marshall
    # Islands with Europe. GA CSV: China, India and Brazil abstained on both resolutions (rows
    # 34/227, 79/272, 25/218), the United States voted no, then abstained (184/377); the
    # Marshall Islands voted no, then yes (114/307), where Germany voted yes twice (46/239).
    # With kappa weights they part.
    bloc = bloc_of(voting_blocs(agreement_graph(three_votes)))
    assert not {bloc["CHN"], bloc["IND"], bloc["BRA"]} & {bloc["USA"]}
    assert bloc["MHL"] != bloc["DEU"]
    # Ukraine stays with the United States: both abstained on A/RES/ES-11/8 (GA rows 377 and
    # 375), as did every member of that bloc who took part.
    column = three_votes.column("A/RES/ES-11/8")
    members = [i for i, s in enumerate(three_votes.states) if bloc.get(s) == bloc["USA"]]
    assert bloc["UKR"] == bloc["USA"]
    assert {int(three_votes.codes[i, column]) for i in members} == {ABSTAIN}


def test_kappa_by_hand():
    # A: yes yes no abstain; B: yes no no abstain. Observed agreement 3/4. A's shares: yes 1/2,
    # no 1/4, abstain 1/4; B's: yes 1/4, no 1/2, abstain 1/4. Expected by chance:
    # 1/2*1/4 + 1/4*1/2 + 1/4*1/4 = 5/16. Kappa = (12/16 - 5/16) / (1 - 5/16) = 7/11.
    # C voted yes four times and D too: kappa undefined (expected = observed = 1).
    # E did not vote on v3: with A it shares v0-v2 only, yes yes no against yes yes no: A's
    # shares yes 2/3, no 1/3, E's alike: expected 4/9 + 1/9 = 5/9, observed 1: kappa 1.
    matrix = small_matrix([[YES, YES, NO, ABSTAIN], [YES, NO, NO, ABSTAIN],
                           [YES, YES, YES, YES], [YES, YES, YES, YES],
                           [YES, YES, NO, NON_VOTING]])
    kappa = kappa_matrix(matrix.codes)
    assert kappa[0, 1] == kappa[1, 0] == pytest.approx(7 / 11)
    assert math.isnan(kappa[2, 3])
    assert kappa[0, 4] == pytest.approx(1.0)
    # A and C: observed 2/4; A's shares as above, C's yes 1: expected 1/2; kappa 0.
    assert kappa[0, 2] == pytest.approx(0.0)
    graph = agreement_graph(matrix)
    assert graph.edges["C", "D"]["bloc_weight"] == 1.0 and "kappa" not in graph.edges["C", "D"]
    assert graph.edges["A", "B"]["kappa"] == pytest.approx(7 / 11)


def test_pairs_sharing_fewer_than_five_votes_are_flagged(tmp_path: Path):
    # A and B take part in all six votes; C only in the first two: A-C and B-C share 2.
    matrix = small_matrix([[YES] * 6, [YES, NO, YES, NO, YES, NO],
                           [YES, NO] + [NON_VOTING] * 4])
    _, shared = agreement_matrix(matrix.codes)
    assert few_shared_warning(shared) == ("Caution: 2 of 3 pairs of states share fewer than 5 "
                                          "votes; their agreement rests on too few votes to "
                                          "mean much.")
    files, _, _ = write_analysis(matrix, tmp_path)
    with files["pairs"].open(encoding="utf-8") as handle:
        warnings = {(r["iso3_a"], r["iso3_b"]): r["warning"] for r in csv.DictReader(handle)}
    assert warnings == {("A", "B"): "", ("A", "C"): "fewer than 5 shared votes",
                        ("B", "C"): "fewer than 5 shared votes"}
    assert any("share fewer than 5" in t for t in svg_texts(tmp_path / "alignment-network.svg"))


@pytest.mark.slow  # `kg analyze` draws its pictures (matplotlib): seconds
def test_cli_warns_when_pairs_share_fewer_than_five_votes(three_vote_run: tuple[Path, str]):
    assert ("warning: Caution: every pair of states shares fewer than 5 votes (at most 3)"
            in three_vote_run[1])


# ---------------------------------------------------------------- hand-computed inputs

def test_small_matrix_by_hand():
    # Codes: A and B yes, yes; C and D no, no; E abstained on v0 and did not vote on v1.
    # Agreement: A-B = C-D = 2/2 = 1; A-C = 0/2; E shares only v0 with the others, where no
    # one else abstained: 0/1. Louvain (weights 1 on A-B and C-D, 0 elsewhere): {A,B}, {C,D}
    # and E alone (moving E gains no modularity); equal sizes ordered by first name.
    # Ideal points: ordinal codes (yes 1, abstain 0, no -1), column means over those who
    # voted: v0 (1+1-1-1+0)/5 = 0, v1 (1+1-1-1)/4 = 0, so the centred matrix is
    # [[1,1],[1,1],[-1,-1],[-1,-1],[0,0]] (E's missing v1 -> 0). Rank one: right vector
    # (1,1)/sqrt2, singular value sqrt(4*2) = 2*sqrt2, left vector (1,1,-1,-1,0)/2, scores
    # (sqrt2, sqrt2, -sqrt2, -sqrt2, 0); the yes voters of v0 (A, B) on the positive side.
    matrix = small_matrix([[YES, YES], [YES, YES], [NO, NO], [NO, NO], [ABSTAIN, NON_VOTING]])
    agreement, shared = agreement_matrix(matrix.codes)
    assert agreement[0, 1] == agreement[2, 3] == 1.0
    assert agreement[0, 2] == agreement[4, 0] == 0.0
    assert shared[4].tolist() == [1, 1, 1, 1, 1]
    assert voting_blocs(agreement_graph(matrix)) == [["A", "B"], ["C", "D"], ["E"]]
    root2 = math.sqrt(2)
    assert ideal_points(matrix) == pytest.approx([root2, root2, -root2, -root2, 0.0])


def test_non_participants_get_no_bloc_and_no_point():
    # D never took part (non-voting, then not a member): no shared vote, so no edge.
    matrix = small_matrix([[YES, NO], [YES, NO], [NO, YES], [NON_VOTING, NOT_A_MEMBER]])
    graph = agreement_graph(matrix)
    assert graph.degree("D") == 0
    assert voting_blocs(graph) == [["A", "B"], ["C"]]
    assert math.isnan(ideal_points(matrix)[3])
    assert np.isnan(agreement_matrix(matrix.codes)[0][3, 0])


def test_vectorised_agreement_matches_pairwise_definition():
    codes = np.random.default_rng(7).integers(-1, 4, size=(12, 30), dtype=np.int8)
    agreement, shared = agreement_matrix(codes)
    for i in range(12):
        for j in range(12):
            both = (codes[i] > 0) & (codes[j] > 0)
            assert shared[i, j] == both.sum()
            expected = (codes[i][both] == codes[j][both]).mean() if both.any() else np.nan
            np.testing.assert_equal(agreement[i, j], expected)


def test_benchmark_returns_a_time():
    assert 0 < benchmark_agreement(states=20, events=50, repeats=3) < 5


def test_statement_graph_from_a_store():
    # A speaker criticising one actor and speaking about another, per docs/MODEL.md.
    ns = "https://w3id.org/unkg/"
    n = ox.NamedNode
    store = ox.Store()
    triples = [
        (f"{ns}id/statement/s1", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
         n(f"{ns}ontology#Statement")),
        (f"{ns}id/statement/s1", "http://schema.org/creator", n(f"{ns}id/person/p")),
        (f"{ns}id/statement/s1", f"{ns}ontology#stance", n(f"{ns}ontology#Criticism")),
        (f"{ns}id/statement/s1", f"{ns}ontology#stanceTowards", n(f"{ns}id/state/USA")),
        (f"{ns}id/statement/s1", "http://purl.org/dc/terms/date",
         ox.Literal("2025-02-24", datatype=n("http://www.w3.org/2001/XMLSchema#date"))),
        (f"{ns}id/statement/s1", f"{ns}ontology#evidence", n(f"{ns}id/evidence/s1/1")),
        (f"{ns}id/evidence/s1/1", "http://www.w3.org/ns/oa#hasTarget", n(f"{ns}id/t")),
        (f"{ns}id/t", "http://www.w3.org/ns/oa#hasSource", n(f"{ns}id/source/a")),
        (f"{ns}id/statement/s1", "http://schema.org/about", n(f"{ns}id/state/UKR")),
        (f"{ns}id/state/UKR", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
         n(f"{ns}ontology#Actor")),
        (f"{ns}id/state/USA", "http://www.w3.org/2000/01/rdf-schema#label",
         ox.Literal("United States")),
    ]
    for s, p, o in triples:
        store.add(ox.Quad(n(s), n(p), o))
    graph = statement_graph(store)
    edges = sorted((u.rsplit("/", 1)[-1], v.rsplit("/", 1)[-1], d["stance"], d["date"],
                    d["source"]) for u, v, d in graph.edges(data=True))
    assert edges == [("p", "UKR", "", "2025-02-24", f"{ns}id/source/a"),
                     ("p", "USA", "Criticism", "2025-02-24", f"{ns}id/source/a")]
    assert graph.nodes[f"{ns}id/state/USA"]["label"] == "United States"


@pytest.mark.slow  # `kg analyze` draws its pictures (matplotlib): seconds
def test_roll_call_option_chooses_the_chart(store_path: Path, tmp_path: Path):
    result = CliRunner().invoke(analyze_command, [
        "--store", str(store_path), "--votes", THREE_VOTES, "--out", str(tmp_path),
        "--roll-call", "S/RES/2774 (2025)"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("roll-call-*")) == [
        "roll-call-S-RES-2774-2025.png", "roll-call-S-RES-2774-2025.svg"]
    result = CliRunner().invoke(analyze_command, [
        "--store", str(store_path), "--votes", "ga", "--out", str(tmp_path / "ga"),
        "--roll-call", "S/RES/2774 (2025)"])
    # kg.cli.main prints a CuratorError as one line and exits 2 (tests/test_curator_errors.py)
    assert isinstance(result.exception, CuratorError)
    assert "'S/RES/2774 (2025)' is not among the votes analysed" in str(result.exception)
    assert not (tmp_path / "ga").exists()  # refused before anything is written
