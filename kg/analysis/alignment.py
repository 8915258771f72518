"""Agreement between states, voting blocs, partners, camp changes, one-dimensional ideal points.

The agreement rule: two states *share* a vote event when both took part in it, i.e. cast
yes, no or abstain (non-voting, and having no ballot because the state does not sit in the
body, count as not taking part). Their agreement is the share of shared vote events on
which both chose the same option (an abstention agrees only with an abstention).

Beside that plain share, Cohen's kappa corrects it for the agreement two states would reach
by chance given how often each chose each option (Cohen, 1960, "A coefficient of agreement
for nominal scales", Educational and Psychological Measurement 20(1):37-46; proposed for
UN votes by Häge, 2011, "Choice or Circumstance? Adjusting Measures of Foreign Policy
Similarity for Chance Agreement", Political Analysis 19(3):287-305). Two states that almost
always vote yes agree a lot by the plain share, but not beyond chance.
"""

import time
from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.analysis.votes import ABSTAIN, CODE_WORDS, NO, NON_VOTING, YES, VoteMatrix

OPTIONS = (YES, NO, ABSTAIN)
SEED = 42
RESOLUTION = 1.0
FEW_SHARED = 5  # pairs sharing fewer votes than this get a warning: one vote more can flip them
AGREEMENT_RULE = ("Two states share a vote event when both took part (voted yes, no or abstain; "
                  "non-voting and not sitting in the body are not taking part). Agreement is "
                  "the share of shared vote events on which both chose the same option.")
ALGORITHM = "networkx.community.louvain_communities"
BLOC_WEIGHTS = ("Louvain communities of the graph of states whose edges weigh Cohen's kappa of "
                "the pair (negative values as 0; 1 for a pair that cast one and the same "
                "option on every shared vote, where kappa is undefined).")
# A bloc is named after its most recognisable member: first the EU (a bloc holding most of
# its members), then the first member found in this list (the Security Council's permanent
# members, Ukraine, then the other G20 states), else the member whose name sorts first.
EU_MEMBERS = frozenset(("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU "
                        "LUX MLT NLD POL PRT ROU SVK SVN ESP SWE").split())  # February 2025
RECOGNISABLE = (("USA", "United States"), ("RUS", "Russia"), ("CHN", "China"),
                ("GBR", "United Kingdom"), ("FRA", "France"), ("UKR", "Ukraine"),
                ("DEU", "Germany"), ("IND", "India"), ("BRA", "Brazil"), ("JPN", "Japan"),
                ("ZAF", "South Africa"), ("IDN", "Indonesia"), ("TUR", "Türkiye"),
                ("SAU", "Saudi Arabia"), ("MEX", "Mexico"), ("ARG", "Argentina"),
                ("CAN", "Canada"), ("AUS", "Australia"), ("ITA", "Italy"),
                ("KOR", "South Korea"))


def agreement_counts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(same, shared): for every pair of rows, the number of columns where both took part and
    chose the same option, and where both took part. Vectorised: two matrix products."""
    # float32 products are exact for counts below 2**24 votes and twice as fast as float64.
    chose = np.concatenate([(codes == option) for option in OPTIONS], axis=1).astype(np.float32)
    same = chose @ chose.T  # one-hot per (vote, option): a match counts only the same option
    return same.round().astype(np.int64), shared_counts(codes)


def shared_counts(codes: np.ndarray) -> np.ndarray:
    """For every pair of rows, the number of columns where both took part."""
    took_part = (codes > NON_VOTING).astype(np.float32)
    return (took_part @ took_part.T).round().astype(np.int64)


def agreement_matrix(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agreement, shared): agreement is same/shared, NaN for pairs that share no vote."""
    same, shared = agreement_counts(codes)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(shared > 0, same / np.maximum(shared, 1), np.nan)
    return agreement, shared


def kappa_matrix(codes: np.ndarray) -> np.ndarray:
    """Cohen's kappa of every pair of rows over the votes both took part in:
    (observed - expected) / (1 - expected), where observed is the agreement and expected the
    chance that they agree if each chose at random with its own shares of yes, no and abstain
    on those shared votes. NaN for pairs that share no vote, and where kappa is undefined:
    both cast one and the same option on every shared vote (expected = observed = 1)."""
    same, shared = agreement_counts(codes)
    took_part = (codes > NON_VOTING).astype(np.float32)
    expected_same = np.zeros(shared.shape)
    for option in OPTIONS:
        # [i, j]: votes on which i chose `option` and j took part (float32: exact counts)
        chose = ((codes == option).astype(np.float32) @ took_part.T).astype(np.float64)
        expected_same += chose * chose.T
    n = np.maximum(shared, 1).astype(np.float64)
    observed, expected = same / n, expected_same / n ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        kappa = (observed - expected) / (1 - expected)
    defined = (shared > 0) & ~np.isclose(expected, 1.0)
    return np.where(defined, np.round(kappa, 12) + 0.0, np.nan)


def few_shared_pairs(shared: np.ndarray) -> int:
    """How many pairs of distinct states share at least one, but fewer than FEW_SHARED, votes."""
    upper = np.triu(shared, k=1)
    return int(((upper > 0) & (upper < FEW_SHARED)).sum())


def agreement_graph(matrix: VoteMatrix) -> nx.Graph:
    """States as nodes; an edge for every pair sharing at least one vote, with `weight` the
    agreement (0..1), `shared` the number of shared votes, `same` the votes alike, `kappa`
    Cohen's kappa (absent where undefined) and `bloc_weight` the weight blocs are found on
    (see BLOC_WEIGHTS)."""
    same, shared = agreement_counts(matrix.codes)
    kappa = kappa_matrix(matrix.codes)
    graph = nx.Graph()
    for iso3, name, votes in zip(matrix.states, matrix.names, matrix.took_part.sum(axis=1),
                                 strict=True):
        graph.add_node(iso3, name=name, votes=int(votes))
    rows, cols = np.nonzero(np.triu(shared, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        attributes = {"weight": same[i, j] / shared[i, j], "shared": int(shared[i, j]),
                      "same": int(same[i, j])}
        if np.isnan(kappa[i, j]):  # undefined only for a pair that always cast the same option
            attributes["bloc_weight"] = 1.0
        else:
            attributes["kappa"] = float(kappa[i, j])
            attributes["bloc_weight"] = max(float(kappa[i, j]), 0.0)
        graph.add_edge(matrix.states[i], matrix.states[j], **attributes)
    return graph


def voting_blocs(graph: nx.Graph, *, seed: int = SEED,
                 resolution: float = RESOLUTION) -> list[list[str]]:
    """Louvain communities on chance-corrected agreement (BLOC_WEIGHTS; fixed seed, nodes and
    edges inserted in sorted order, so the same input gives the same blocs). States that took
    part in no vote share no edge and are left out. Blocs are ordered by size, then by their
    first ISO3 code.

    Why kappa and not the plain share: with the share, a pair agreeing on one vote of two
    weighs half as much as identical voters, and on a graph where nearly every pair is joined
    so, Louvain merged whole groups that agree no more than chance (on the votes of
    24 February 2025 the United States, Israel and Hungary with the 47 states that abstained
    twice). Kappa gives such pairs 0."""
    active = graph.subgraph(sorted(n for n in graph if graph.degree(n) > 0))
    if active.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(active, weight="bloc_weight",
                                             resolution=resolution, seed=seed)
    blocs = [sorted(bloc) for bloc in found]
    return sorted(blocs, key=lambda bloc: (-len(bloc), bloc[0]))


def bloc_of(blocs: list[list[str]]) -> dict[str, int]:
    """ISO3 -> bloc number (1-based, in the order of `voting_blocs`)."""
    return {iso3: number for number, bloc in enumerate(blocs, start=1) for iso3 in bloc}


def bloc_name(members: list[str], names: dict[str, str]) -> str:
    """A bloc in plain words, after its most recognisable member (rule above RECOGNISABLE):
    "26 EU members and 59 others", "Russia and 7 others", "Marshall Islands"."""
    eu = sorted(EU_MEMBERS.intersection(members))
    if 2 * len(eu) > len(EU_MEMBERS):
        lead, count = f"{len(eu)} EU members", len(eu)
    else:
        chosen = next((name for iso3, name in RECOGNISABLE if iso3 in members), None)
        lead = chosen or min(names.get(iso3, iso3) for iso3 in members)
        count = 1
    others = len(members) - count
    return lead if others == 0 else f"{lead} and {others} other{'s' if others > 1 else ''}"


@dataclass(frozen=True)
class Partners:
    closest: list[str]  # every state at the highest agreement (ties all listed, sorted)
    closest_agreement: float
    furthest: list[str]
    furthest_agreement: float


def partners(graph: nx.Graph, iso3: str) -> Partners | None:
    """A state's closest and furthest partners by agreement; None if it shares no vote."""
    weights = {other: data["weight"] for other, data in graph[iso3].items()}
    if not weights:
        return None
    high, low = max(weights.values()), min(weights.values())
    return Partners(sorted(o for o, w in weights.items() if w == high), high,
                    sorted(o for o, w in weights.items() if w == low), low)


def camp_changes(matrix: VoteMatrix, first: str, second: str) -> list[tuple[str, str, str]]:
    """States whose option differs between two vote events, both of which they took part in:
    (ISO3, option on the first, option on the second), sorted by ISO3. A state's camp on a
    vote is the option it chose."""
    a, b = matrix.column(first), matrix.column(second)
    codes = matrix.codes
    changed = (codes[:, a] > NON_VOTING) & (codes[:, b] > NON_VOTING) & (codes[:, a] != codes[:, b])
    return [(matrix.states[i], CODE_WORDS[int(codes[i, a])], CODE_WORDS[int(codes[i, b])])
            for i in np.flatnonzero(changed)]


def ideal_points(matrix: VoteMatrix, *, anchor_column: int = 0) -> np.ndarray:
    """One position per state: the first principal component of the vote matrix.

    Each ballot is coded on one ordinal scale, yes = +1, abstain = 0, no = -1 (abstention as
    the middle position, as in the ordered models of UN ideal points of Bailey, Strezhnev and
    Voeten, 2017). Each column is centred on the mean of the states that took part; a state
    that did not take part sits at that mean (0 after centring), so it pulls no vote either
    way. The score is the first left singular vector times its singular value (numpy SVD).

    Why this and not a W-NOMINATE-like fit: it is closed-form and deterministic (no
    optimiser, no starting values), and a handful of votes cannot identify a spatial utility
    model's parameters. A plain agreement-distance scaling was tried and rejected: since an
    abstention agrees only with an abstention, its first axis separated abstainers from
    everyone else instead of ordering states from no to yes.

    Sign convention: the states that voted yes on `anchor_column` (the first vote analysed by
    default) have the higher mean position; if everyone or nobody voted yes there, the
    largest loading of the component is positive. States that took part in no vote get NaN."""
    scores, loadings = principal_scores(matrix, components=1)
    first = scores[:, 0]
    yes = matrix.codes[:, anchor_column] == YES
    if yes.any() and (~yes).any() and first[yes].mean() != first[~yes].mean():
        flip = first[yes].mean() < first[~yes].mean()
    else:
        flip = loadings[0][np.argmax(np.abs(loadings[0]))] < 0
    first = -first if flip else first
    first = np.round(first, 12) + 0.0  # drop platform noise in the last bits, and -0.0
    return np.where(matrix.took_part.any(axis=1), first, np.nan)


def principal_scores(matrix: VoteMatrix, components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(scores, loadings) of the ordinally coded, column-centred vote matrix (see ideal_points);
    signs as numpy's SVD gives them. Missing components (too few votes) are zero."""
    codes = matrix.codes
    scale = np.select([codes == YES, codes == ABSTAIN, codes == NO], [1.0, 0.0, -1.0], np.nan)
    took_part = ~np.isnan(scale)
    counts = took_part.sum(axis=0)
    means = np.where(counts > 0, np.nansum(scale, axis=0) / np.maximum(counts, 1), 0.0)
    centred = np.where(took_part, scale - means, 0.0)
    left, singular, right = np.linalg.svd(centred, full_matrices=False)
    scores = np.zeros((len(codes), components))
    loadings = np.zeros((components, codes.shape[1]))
    kept = min(components, len(singular))
    scores[:, :kept] = left[:, :kept] * singular[:kept]
    loadings[:kept] = right[:kept]
    return scores, loadings


def benchmark_agreement(states: int = 193, events: int = 5000, repeats: int = 7,
                        seed: int = SEED) -> float:
    """Median seconds to compute the agreement matrix of a random states x events vote matrix
    (codes drawn uniformly from not-a-member, non-voting, yes, no, abstain)."""
    codes = np.random.default_rng(seed).integers(-1, 4, size=(states, events), dtype=np.int8)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        agreement_matrix(codes)
        timings.append(time.perf_counter() - started)
    return float(np.median(timings))
