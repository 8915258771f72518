"""`kg coverage` (each article sentence, the facts covering it, what is left out and why) and
`kg review` (a review page per article, and the claims the record settles as ClaimReview)."""

import sys
from pathlib import Path

import click

from kg.project import DEFAULT_GRAPH, DEFAULT_OUT, DEFAULT_PROJECT
from kg.review.claimreview import claim_reviews_json
from kg.review.corpus import load_graph
from kg.review.coverage import coverage, stale_left_out, text_report
from kg.review.pages import write_pages
from kg.review.rules import review_findings

PROJECT = click.option("--project", type=click.Path(file_okay=False, path_type=Path),
                       default=DEFAULT_PROJECT, show_default=True,
                       help="Folder holding sources/ and facts/ (the graph's project).")
GRAPH = click.option("--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=DEFAULT_GRAPH, show_default=True,
                     help="The built graph (kg build writes it).")


@click.command("coverage")
@PROJECT
@GRAPH
def coverage_command(project: Path, graph_path: Path) -> None:
    """List each article's sentences with the facts whose evidence falls in them.

    Sentences no fact covers are either listed in facts/left-out.yaml with a reason, or
    reported as uncovered. The review rules' warnings follow. Exits 1 when a sentence is
    uncovered or a listed one is covered after all, 0 otherwise (warnings do not count).
    """
    graph = load_graph(graph_path)
    reports = coverage(graph, project)
    click.echo(text_report(reports))
    stale = stale_left_out(reports)
    for line in stale:
        click.echo(f"out of date: {line}")
    findings = review_findings(graph, project)
    click.echo(f"review warnings: {len(findings)}")
    for finding in findings:
        click.echo(f"  warning: {finding}")
    uncovered = sum(r.count("uncovered") for r in reports)
    sys.exit(1 if uncovered or stale else 0)


@click.command("review")
@PROJECT
@GRAPH
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_OUT / "review", show_default=True,
              help="Where the pages and claim-reviews.jsonld go.")
def review_command(project: Path, graph_path: Path, out: Path) -> None:
    """Write a review page per article and the claims the record settles as ClaimReview.

    Each page shows the article with every quoted span highlighted and linked to the fact it
    supports, in plain words (speaker, role, date, stance, target, vote, what the record
    says), with the review rules' warnings: a second curator's check of the first one's
    reading. claim-reviews.jsonld holds schema.org ClaimReview markup of every claim the
    official record contradicts or supports.
    """
    graph = load_graph(graph_path)
    pages = write_pages(graph, project, out)
    reviews = out / "claim-reviews.jsonld"
    reviews.write_text(claim_reviews_json(graph), encoding="utf-8")
    click.echo(f"{len(pages) - 1} article pages and an index in {out}")
    click.echo(f"ClaimReview JSON-LD: {reviews}")
