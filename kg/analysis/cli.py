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
    SEED,
    agreement_graph,
    agreement_matrix,
    bloc_of,
    camp_changes,
    ideal_points,
    partners,
    principal_scores,
    voting_blocs,
)
from kg.analysis.rdf import derived_graph
from kg.analysis.votes import VoteMatrix, select_vote_events, vote_matrix
from kg.project import DEFAULT_STORE
from kg.store.embedded import open_store

NETWORK_PNG = "alignment-network.png"
HEATMAP_PNG = "agreement-heatmap.png"


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.6f}"


def _write_csv(path: Path, rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_analysis(matrix: VoteMatrix, out: Path, *, seed: int = SEED
                   ) -> tuple[dict[str, Path], list[list[str]], list[float]]:
    """Every output file of one analysis, in `out`; returns them by kind, the blocs and the
    ideal points."""
    from kg.analysis.plots import draw_heatmap, draw_network  # matplotlib: slow to import
    out.mkdir(parents=True, exist_ok=True)
    graph = agreement_graph(matrix)
    blocs = voting_blocs(graph, seed=seed)
    bloc_number = bloc_of(blocs)
    points = ideal_points(matrix)
    agreement, shared = agreement_matrix(matrix.codes)
    for iso3, point in zip(matrix.states, points, strict=True):
        if iso3 in bloc_number:  # states that took part in no vote get neither (GraphML: absent)
            graph.nodes[iso3]["bloc"] = bloc_number[iso3]
            graph.nodes[iso3]["ideal_point"] = round(float(point), 6)
    files = {
        "agreement": out / "agreement.csv",
        "shared": out / "shared-votes.csv",
        "blocs": out / "blocs.csv",
        "camps": out / "camp-changes.csv",
        "graphml": out / "alignment.graphml",
        "network": out / NETWORK_PNG,
        "heatmap": out / HEATMAP_PNG,
    }
    states = list(matrix.states)
    _write_csv(files["agreement"], [["iso3", *states]] + [
        [iso3, *(_number(v) for v in row)] for iso3, row in zip(states, agreement, strict=True)])
    _write_csv(files["shared"], [["iso3", *states]] + [
        [iso3, *row.tolist()] for iso3, row in zip(states, shared, strict=True)])
    bloc_rows: list[list[object]] = [["iso3", "name", "bloc", "ideal_point", "votes_taken_part",
                                      "closest", "closest_agreement", "furthest",
                                      "furthest_agreement"]]
    for i, iso3 in enumerate(states):
        found = partners(graph, iso3)
        bloc_rows.append([iso3, matrix.names[i], bloc_number.get(iso3, ""), _number(points[i]),
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
    votes = ", ".join(e.label for e in matrix.events)
    centres, _ = principal_scores(matrix, components=2)
    centres[:, 0] = np.where(np.isnan(points), 0.0, points)  # x is the signed ideal point
    centres[np.isnan(points), 1] = centres[:, 1].min() - 1.0  # non-voters in a row below
    profiles = [tuple(row) for row in matrix.codes.tolist()]
    draw_network(graph, bloc_number, centres, profiles,
                 f"Voting alignment on {votes}: blocs by Louvain (seed {seed}); states that "
                 "voted identically are packed together", files["network"])
    order = sorted(range(len(states)), key=lambda i: (
        bloc_number.get(states[i], len(blocs) + 1),
        -points[i] if not math.isnan(points[i]) else math.inf, states[i]))
    draw_heatmap(agreement, order, states, [bloc_number.get(s) for s in states],
                 f"Agreement on {votes}, ordered by bloc and ideal point", files["heatmap"])
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
def analyze_command(store_path: Path, votes: str, start: str | None, end: str | None,
                    subject: str | None, out: Path, rdf_file: Path | None, seed: int) -> None:
    """Voting blocs, partners, camp changes and ideal points, with a network and a heatmap."""
    store = open_store(store_path)
    matrix = vote_matrix(store, select_vote_events(store, votes, start=start, end=end,
                                                   subject=subject))
    files, blocs, points = write_analysis(matrix, out, seed=seed)
    click.echo(f"{len(matrix.states)} states x {len(matrix.events)} vote events "
               f"({', '.join(e.label for e in matrix.events)}): {len(blocs)} blocs of "
               f"{', '.join(str(len(b)) for b in blocs)} states")
    if rdf_file:
        rdf_file.parent.mkdir(parents=True, exist_ok=True)
        graph = derived_graph(matrix, blocs, points, seed)
        rdf_file.write_text(graph.serialize(format="turtle"), encoding="utf-8")
        files["rdf"] = rdf_file
    for kind, path in files.items():
        click.echo(f"  {kind:9s} {path}")
