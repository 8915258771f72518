"""Alignment analysis (kg.analysis) on the shipped graph and on small hand-computed inputs.

Domain facts come from the official record, sources/official-record/*.csv (row numbers
counted with the header as row 1).
"""

import math
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
    bloc_of,
    camp_changes,
    ideal_points,
    partners,
    voting_blocs,
)
from kg.analysis.cli import analyze_command
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


def test_cli_writes_identical_files_twice(store_path: Path, tmp_path: Path):
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = CliRunner().invoke(analyze_command, [
            "--store", str(store_path), "--votes", THREE_VOTES, "--out", str(out),
            "--rdf", str(out / "blocs.ttl")])
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert {"agreement.csv", "blocs.csv", "alignment.graphml", "alignment-network.png",
            "agreement-heatmap.png", "camp-changes.csv", "blocs.ttl"} <= set(outputs[0])
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
