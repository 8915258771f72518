"""What each picture of an analysis says, in plain words, and the data it is drawn from.

kg.analysis.plots draws; this module decides the titles, subtitles, legends and source lines
from the votes analysed, so that a picture of 3 votes and one of 27 read alike and keep the
same size (titles never list more than MAX_LISTED votes).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pyoxigraph as ox

from kg.analysis.alignment import FEW_SHARED, SEED, bloc_name, bloc_of, principal_scores
from kg.analysis.regions import REGION_OF, REGIONS
from kg.analysis.votes import ABSTAIN, NO, NON_VOTING, YES, VoteEvent, VoteMatrix
from kg.model.iris import GENERAL_ASSEMBLY, SECURITY_COUNCIL
from kg.model.namespaces import PREFIXES

NO_REGION = "Other"  # a voter that is not one of today's 193 Member States (e.g. the USSR)
MAX_LISTED = 3  # votes named one by one in a title or legend; beyond, a count and a period
BODY_NAMES = {str(GENERAL_ASSEMBLY): "General Assembly", str(SECURITY_COUNCIL): "Security Council"}
OPTION_WORDS = {YES: "yes", NO: "no", ABSTAIN: "abstain", NON_VOTING: "did not vote"}
SOURCE = ("Source: roll calls from the UN Digital Library (digitallibrary.un.org) as recorded "
          "in unkg; {what}. Blocs, positions and agreement computed by unkg's `kg analyze` "
          "(Louvain communities on Cohen's kappa, seed {seed}).")
# The UN Digital Library record of each vote's resolution and what became of it, when the
# graph has them (the curated record does; kg.emit.record).
_RECORDS = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items()) + """
SELECT ?event (MIN(STR(?link)) AS ?record) (MIN(?name) AS ?result) WHERE {{
  VALUES ?event {{ {events} }}
  OPTIONAL {{ ?event opengov:motion/rdfs:seeAlso ?link .
             FILTER(STRSTARTS(STR(?link), "https://digitallibrary.un.org/record/")) }}
  OPTIONAL {{ ?event opengov:result ?outcome .
             OPTIONAL {{ ?outcome skos:prefLabel|rdfs:label ?label }}
             BIND(COALESCE(STR(?label), REPLACE(STR(?outcome), "^.*[#/]", "")) AS ?name) }}
}} GROUP BY ?event
"""


@dataclass(frozen=True)
class VoteRecord:
    record: str  # the UN Digital Library record's address, or ""
    result: str  # what became of the motion ("Adopted"), or ""


def vote_records(store: ox.Store, events: Sequence[VoteEvent]) -> dict[str, VoteRecord]:
    """Vote event IRI -> its record and result, for the source lines and roll calls."""
    values = " ".join(f"<{e.iri}>" for e in events)
    return {row["event"].value: VoteRecord(row["record"].value if row["record"] else "",
                                           row["result"].value if row["result"] else "")
            for row in store.query(_RECORDS.format(events=values))}


def long_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def votes_phrase(events: Sequence[VoteEvent]) -> str:
    """'3 UN votes on 24 February 2025' or '27 UN votes, 2 March 2022 to 24 February 2025'."""
    first, last = min(e.date for e in events), max(e.date for e in events)
    count = f"{len(events)} UN vote{'s' if len(events) > 1 else ''}"
    if first == last:
        return f"{count} on {long_date(first)}"
    return f"{count}, {long_date(first)} to {long_date(last)}"


def votes_listed(events: Sequence[VoteEvent],
                 records: Mapping[str, VoteRecord] | None = None) -> str:
    """The votes by symbol, body and record when there are few, else by count per body."""
    if len(events) <= MAX_LISTED:
        return "; ".join(f"{e.label} ({BODY_NAMES.get(e.body, 'UN')}{_record(e, records)})"
                         for e in events)
    per_body: dict[str, int] = {}
    for event in events:
        body = BODY_NAMES.get(event.body, "other bodies")
        per_body[body] = per_body.get(body, 0) + 1
    return ", ".join(f"{count} in the {body}" for body, count in per_body.items())


def _record(event: VoteEvent, records: Mapping[str, VoteRecord] | None) -> str:
    found = (records or {}).get(event.iri)
    return f", record {found.record.rsplit('/', 1)[-1]}" if found and found.record else ""


def few_shared_warning(shared: np.ndarray) -> str:
    """A caution when pairs of states share fewer than FEW_SHARED votes ('' when none do)."""
    upper = shared[np.triu_indices_from(shared, k=1)]
    pairs = upper[upper > 0]
    few = int((pairs < FEW_SHARED).sum())
    if few == 0:
        return ""
    if few == len(pairs):
        return (f"Caution: every pair of states shares fewer than {FEW_SHARED} votes (at most "
                f"{int(pairs.max())}); one vote more could change a state's bloc or position.")
    return (f"Caution: {few} of {len(pairs)} pairs of states share fewer than {FEW_SHARED} "
            "votes; their agreement rests on too few votes to mean much.")


def bloc_names(matrix: VoteMatrix, blocs: Sequence[Sequence[str]]) -> list[str]:
    """Each bloc in plain words (kg.analysis.alignment.bloc_name), in the order of `blocs`."""
    names = dict(zip(matrix.states, matrix.names, strict=True))
    return [bloc_name(list(members), names) for members in blocs]


def bloc_legend(matrix: VoteMatrix, blocs: Sequence[Sequence[str]],
                names: Sequence[str]) -> list[str]:
    """One line per bloc: its name and size and, when few votes were analysed, how its
    members voted on each ('A/RES/ES-11/7: yes 11, no 9'), so a reader sees why they are
    together."""
    row = {iso3: i for i, iso3 in enumerate(matrix.states)}
    lines = []
    for members, name in zip(blocs, names, strict=True):
        line = f"{name} ({len(members)} states)"
        if len(matrix.events) <= MAX_LISTED:
            codes = matrix.codes[[row[m] for m in members]]
            parts = []
            for column, event in enumerate(matrix.events):
                counted = {OPTION_WORDS[c]: int((codes[:, column] == c).sum())
                           for c in (YES, NO, ABSTAIN)}
                said = ", ".join(f"{word} {n}" for word, n in
                                 sorted(counted.items(), key=lambda kv: -kv[1]) if n)
                if said:
                    parts.append(f"{event.label} {said}")
            line += ": " + "; ".join(parts)
        lines.append(line)
    return lines


def draw_pictures(matrix: VoteMatrix, graph: nx.Graph, blocs: list[list[str]],
                  points: np.ndarray, agreement: np.ndarray, kappa: np.ndarray,
                  shared: np.ndarray, roll_calls: Sequence[VoteEvent], out: Path,
                  seed: int = SEED, records: Mapping[str, VoteRecord] | None = None
                  ) -> dict[str, list[Path]]:
    """The alignment map, the agreement heatmaps and one roll-call chart per vote event in
    `roll_calls`, as PNG and SVG in `out`; returns the files by picture. `records`: the
    vote events' UN Digital Library records, named in the source lines."""
    from kg.analysis import plots  # matplotlib: slow to import

    events, states = matrix.events, list(matrix.states)
    number = bloc_of(blocs)
    names = bloc_names(matrix, blocs)
    legend = bloc_legend(matrix, blocs, names)
    what = (f"{len(events)} vote{'s' if len(events) > 1 else ''}: "
            f"{votes_listed(events, records)}")
    source = SOURCE.format(what=what, seed=seed)
    warning = few_shared_warning(shared)
    first = events[0].label
    centres, _ = principal_scores(matrix, components=2)
    centres[:, 0] = np.where(np.isnan(points), 0.0, points)  # x is the signed ideal point
    voted = ~np.isnan(points)
    if voted.any():  # non-voters in a row just below the others
        span = float(np.ptp(centres[voted], axis=0).max()) or 1.0
        centres[~voted, 1] = centres[voted, 1].min() - 0.15 * span
    profiles = [tuple(row) for row in matrix.codes.tolist()]
    files = {}
    files["network"] = plots.draw_network(
        graph, number, legend, centres, profiles, plots.Words(
            f"Who voted with whom: {votes_phrase(events)}",
            "Each dot is a UN Member State (three-letter ISO code); states that cast exactly "
            "the same votes sit together. From left to right, states voted more and more like "
            f"those that voted yes on {first}; up and down only keeps groups apart. Colours "
            "are voting blocs: states that voted alike more often than chance would have it"
            + ("; with so few votes a bloc is a few vote patterns, listed in the legend. "
               if len(events) <= MAX_LISTED else ". ") + warning, source),
        (f"further from the states that voted yes on {first}",
         f"closer to the states that voted yes on {first}"),
        "Colour: voting bloc, named after its best-known member" + (
            ", with how its members voted" if len(events) <= MAX_LISTED else ""),
        out / "alignment-network.png")
    order = sorted(range(len(states)), key=lambda i: (
        number.get(states[i], len(blocs) + 1),
        -points[i] if not math.isnan(points[i]) else math.inf, states[i]))
    files["heatmap"] = plots.draw_heatmaps(
        agreement, kappa, order, [number.get(s) for s in states],
        names, states, plots.Words(
            f"How often each pair of states voted alike: {votes_phrase(events)}",
            "Each row and each column is a UN Member State, grouped by voting bloc. Left: the "
            "share of the votes both states cast (yes, no or abstain) on which they cast the "
            "same. Right: the same agreement corrected for chance, Cohen's kappa (Cohen 1960; "
            "for UN votes Häge 2011): two states that both almost always vote yes agree often, "
            "but not more than chance would have it. " + warning, source),
        out / "agreement-heatmap.png")
    for event in roll_calls:
        files[f"roll-call {event.label}"] = draw_roll_call(
            matrix, event, out, (records or {}).get(event.iri, VoteRecord("", "")))
    return files


def roll_call_counts(matrix: VoteMatrix, event: VoteEvent) -> tuple[list[str], dict[str,
                                                                                     list[int]]]:
    """(regions with at least one member of the voting body, option -> count per region)."""
    column = matrix.codes[:, matrix.column(event.iri)]
    options = {"Yes": YES, "No": NO, "Abstain": ABSTAIN, "Did not vote": NON_VOTING}
    counts: dict[str, list[int]] = {option: [] for option in options}
    regions = []
    for region in (*REGIONS, NO_REGION):
        voters = [i for i, iso3 in enumerate(matrix.states)
                  if REGION_OF.get(iso3, NO_REGION) == region and column[i] >= NON_VOTING]
        if not voters:
            continue
        regions.append(region)
        for option, code in options.items():
            counts[option].append(int((column[voters] == code).sum()))
    return regions, counts


def roll_call_slug(event: VoteEvent) -> str:
    words = "".join(c if c.isalnum() else " " for c in event.label).split()
    return "roll-call-" + "-".join(words)


def draw_roll_call(matrix: VoteMatrix, event: VoteEvent, out: Path,
                   record: VoteRecord) -> list[Path]:
    from kg.analysis import plots  # matplotlib: slow to import

    regions, counts = roll_call_counts(matrix, event)
    totals = {option: sum(values) for option, values in counts.items()}
    column = matrix.codes[:, matrix.column(event.iri)]
    row = {iso3: i for i, iso3 in enumerate(matrix.states)}
    said = []
    for iso3, name in plots.HIGHLIGHTED.items():
        code = int(column[row[iso3]]) if iso3 in row else -1
        said.append(f"{name}: {OPTION_WORDS[code]}" if code >= NON_VOTING
                    else f"{name}: not a member")
    body = BODY_NAMES.get(event.body, "UN")
    members = sum(totals.values())
    result = f"{record.result[:1].upper()}{record.result[1:]} on " if record.result else ""
    return plots.draw_roll_call(regions, counts, plots.Words(
        f"How the {body} voted on {event.label}",
        f"{result}{long_date(event.date)}: {totals['Yes']} yes, {totals['No']} no, "
        f"{totals['Abstain']} abstentions, {totals['Did not vote']} did not vote, of {members} "
        f"members; by UN M49 region (UN Statistics Division). {' · '.join(said)}.",
        f"Source: the roll call of {event.label} from the UN Digital Library "
        f"({record.record or 'digitallibrary.un.org'}) as recorded in unkg; regions: UN M49 "
        "(unstats.un.org/unsd/methodology/m49). Chart: unkg's `kg analyze`."),
        out / f"{roll_call_slug(event)}.png")
