"""`kg coverage`: each article sentence, the facts that cover it, and what is left out and why."""

import sys
from pathlib import Path

import click

from kg.project import DEFAULT_GRAPH, DEFAULT_PROJECT
from kg.review.corpus import load_graph
from kg.review.coverage import coverage, stale_left_out, text_report
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
