"""`kg analyze`: blocs, ideal points, agreement matrix, network and heatmap files from the store."""

import csv
import io
import itertools
import math
from pathlib import Path

import click
import networkx as nx
import numpy as np

from kg.analysis.alignment import (
    FEW_SHARED,
    SEED,
    agreement_graph,
    agreement_matrix,
    bloc_name,
    bloc_of,
    camp_changes,
    ideal_points,
    kappa_matrix,
    partners,
    shared_counts,
    voting_blocs,
)
from kg.analysis.figures import (
    MAX_LISTED,
    VoteRecord,
    few_shared_warning,
    vote_records,
    votes_listed,
    votes_phrase,
)
from kg.analysis.rdf import derived_graph
from kg.analysis.votes import VoteEvent, VoteMatrix, select_vote_events, vote_matrix
from kg.progress import Steps
from kg.project import DEFAULT_STORE
from kg.store.embedded import open_store


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6f}"


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_analysis(matrix: VoteMatrix, out: Path, *, seed: int = SEED,
                   roll_calls: list[VoteEvent] | None = None,
                   records: dict[str, VoteRecord] | None = None, steps: Steps | None = None
                   ) -> tuple[dict[str, Path], list[list[str]], list[float]]:
    """Every output file of one analysis, in `out`; returns them by kind, the blocs and the
    ideal points. `roll_calls`: the vote events to chart (default: each vote analysed when
    there are at most three, else the latest); `records`: their UN Digital Library records;
    `steps`: where each step's progress is shown."""
    steps = steps or Steps(shown=False)
    with steps.step("loading matplotlib"):
        from kg.analysis.figures import draw_pictures  # matplotlib: slow to import
    out.mkdir(parents=True, exist_ok=True)
    with steps.step("finding the blocs (Louvain)"):
        graph = agreement_graph(matrix)
        blocs = voting_blocs(graph, seed=seed)
    bloc_number = bloc_of(blocs)
    with steps.step("placing the states on one axis (ideal points)"):
        points = ideal_points(matrix)
    with steps.step("agreement and Cohen's kappa of every pair"):
        agreement, shared = agreement_matrix(matrix.codes)
        kappa = kappa_matrix(matrix.codes)
    with steps.step("writing the tables"):
        for iso3, point in zip(matrix.states, points, strict=True):
            # States that took part in no vote get neither (GraphML: absent).
            if iso3 in bloc_number:
                graph.nodes[iso3]["bloc"] = bloc_number[iso3]
                graph.nodes[iso3]["ideal_point"] = round(float(point), 6)
        files = {
            "agreement": out / "agreement.csv",
            "shared": out / "shared-votes.csv",
            "kappa": out / "kappa.csv",
            "pairs": out / "pairs.csv",
            "blocs": out / "blocs.csv",
            "camps": out / "camp-changes.csv",
            "graphml": out / "alignment.graphml",
        }
        states = list(matrix.states)
        _write_csv(files["agreement"], [["iso3", *states]] + [
            [iso3, *(_number(v) for v in row)]
            for iso3, row in zip(states, agreement, strict=True)])
        _write_csv(files["shared"], [["iso3", *states]] + [
            [iso3, *row.tolist()] for iso3, row in zip(states, shared, strict=True)])
        _write_csv(files["kappa"], [["iso3", *states]] + [
            [iso3, *(_number(v) for v in row)] for iso3, row in zip(states, kappa, strict=True)])
        pair_rows: list[list[object]] = [["iso3_a", "iso3_b", "shared_votes", "votes_alike",
                                          "agreement", "kappa", "warning"]]
        for i, j in zip(*np.triu_indices(len(states), k=1), strict=True):
            if shared[i, j]:
                pair_rows.append([states[i], states[j], int(shared[i, j]),
                                  int(round(agreement[i, j] * shared[i, j])),
                                  _number(agreement[i, j]), _number(kappa[i, j]),
                                  f"fewer than {FEW_SHARED} shared votes"
                                  if shared[i, j] < FEW_SHARED else ""])
        _write_csv(files["pairs"], pair_rows)
        names = dict(zip(matrix.states, matrix.names, strict=True))
        bloc_rows: list[list[object]] = [["iso3", "name", "bloc", "bloc_name", "ideal_point",
                                          "votes_taken_part",
                                          "closest", "closest_agreement", "furthest",
                                          "furthest_agreement"]]
        for i, iso3 in enumerate(states):
            found = partners(graph, iso3)
            bloc = bloc_number.get(iso3)
            bloc_rows.append([iso3, matrix.names[i], bloc or "",
                              bloc_name(blocs[bloc - 1], names) if bloc else "", _number(points[i]),
                              int(matrix.took_part[i].sum()),
                              " ".join(found.closest) if found else "",
                              _number(found.closest_agreement) if found else "",
                              " ".join(found.furthest) if found else "",
                              _number(found.furthest_agreement) if found else ""])
        _write_csv(files["blocs"], bloc_rows)
        camp_rows: list[list[object]] = [["first_vote", "second_vote", "iso3", "first", "second"]]
        for first, second in itertools.pairwise(matrix.events):
            camp_rows += [[first.label, second.label, *change]
                          for change in camp_changes(matrix, first.iri, second.iri)]
        _write_csv(files["camps"], camp_rows)
        nx.write_graphml(graph, files["graphml"])
    if roll_calls is None:
        roll_calls = list(matrix.events if len(matrix.events) <= MAX_LISTED
                          else matrix.events[-1:])
    with steps.step("drawing the pictures (PNG and SVG)"):
        pictures = draw_pictures(matrix, graph, blocs, points, agreement, kappa, shared,
                                 roll_calls, out, seed, records)
    for picture, written in pictures.items():
        for path in written:
            files[f"{picture} {path.suffix[1:]}"] = path
    return files, blocs, points.tolist()


@click.command("analyze")
@click.option("--store", "store_path", type=click.Path(path_type=Path),
              default=DEFAULT_STORE, show_default=True, help="The embedded store.")
@click.option("--votes", default="all", show_default=True,
              help="all, ga, sc, or vote events by symbol/IRI separated by commas "
                   "(e.g. 'A/RES/ES-11/7,S/RES/2774 (2025)').")
@click.option("--from", "start", help="Only votes on or after this date (YYYY-MM-DD).")
@click.option("--to", "end", help="Only votes on or before this date (YYYY-MM-DD).")
@click.option("--subject", help="Only votes on resolutions with this subject heading of the UN "
                                "Digital Library (e.g. 'HUMAN RIGHTS'; any case).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("docs/analysis"), show_default=True, help="Output folder.")
@click.option("--rdf", "rdf_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the blocs and ideal points as derived RDF (Turtle) here.")
@click.option("--seed", type=int, default=SEED, show_default=True, help="Louvain seed.")
@click.option("--roll-call", "roll_call_votes", metavar="VOTES",
              help="Vote events to chart the roll call of, by symbol separated by commas "
                   "(default: each vote analysed when there are at most three, else the latest).")
def analyze_command(store_path: Path, votes: str, start: str | None, end: str | None,
                    subject: str | None, out: Path, rdf_file: Path | None, seed: int,
                    roll_call_votes: str | None = None) -> None:
    """Voting blocs, partners, camp changes, ideal points and agreement (plain and Cohen's
    kappa), with a map of the blocs, agreement heatmaps and roll-call charts (PNG and SVG)."""
    store = open_store(store_path)
    with Steps() as steps:
        with steps.step("reading the votes"):
            matrix = vote_matrix(store, select_vote_events(store, votes, start=start, end=end,
                                                           subject=subject))
        roll_calls = None
        if roll_call_votes:
            roll_calls = [matrix.events[matrix.column(token)]
                          for token in roll_call_votes.split(",") if token.strip()]
        # Records are named where votes are listed one by one: few votes, and the roll calls.
        listed = matrix.events if len(matrix.events) <= MAX_LISTED else matrix.events[-1:]
        records = vote_records(store, [*listed, *(roll_calls or [])])
        files, blocs, points = write_analysis(matrix, out, seed=seed, roll_calls=roll_calls,
                                              records=records, steps=steps)
    click.echo(f"{len(matrix.states)} states x {votes_phrase(matrix.events)} "
               f"({votes_listed(matrix.events, records)}): {len(blocs)} blocs of "
               f"{', '.join(str(len(b)) for b in blocs)} states")
    warning = few_shared_warning(shared_counts(matrix.codes))
    if warning:
        click.echo(f"warning: {warning} (pairs.csv marks each such pair)", err=True)
    if rdf_file:
        rdf_file.parent.mkdir(parents=True, exist_ok=True)
        graph = derived_graph(matrix, blocs, points, seed)
        rdf_file.write_text(graph.serialize(format="turtle"), encoding="utf-8")
        files["rdf"] = rdf_file
    for kind, path in files.items():
        click.echo(f"  {kind:26s} {path}")
