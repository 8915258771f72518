"""`kg validate`: the SHACL report of RDF files or of a store in place, by either engine."""

import sys
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import Graph

from kg.errors import CuratorError
from kg.model.ontology import load_ontology
from kg.model.terms import rdflib_graph
from kg.project import DEFAULT_GRAPH
from kg.store.embedded import open_store
from kg.validate.compiled import ShapeError, validate_graph, validate_store
from kg.validate.report import ValidationReport, load_rdf, validate


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Validate this Oxigraph store in place (e.g. build/store) instead of RDF files.",
)
@click.option(
    "--engine",
    type=click.Choice(["compiled", "pyshacl"]),
    default="compiled",
    show_default=True,
    help="compiled: the shapes as SPARQL queries on Oxigraph (fast; refuses a shape it cannot "
    "compile); pyshacl: the reference engine (slow; reads the whole graph into memory).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
def validate_command(files: tuple[Path, ...], store_path: Path | None, engine: str,
                     fmt: str) -> None:
    """Validate RDF FILES (default: build/unkg.ttl), or a store, against the SHACL shapes.

    With --store the shapes run as SPARQL on the store itself, for stores too big to load
    into memory (the whole voting history); the first results of each constraint are listed.
    The Turtle report's sh:conforms is SHACL's (false when there is any result, warnings too).
    Exits 1 when there is a violation, 0 otherwise (warnings are listed, not errors).
    """
    if store_path is not None and files:
        click.echo("error: give RDF files or --store, not both", err=True)
        sys.exit(2)
    try:
        report = _report(files, store_path, engine)
    except (CuratorError, ShapeError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo({"text": report.text, "turtle": report.turtle, "json": report.json}[fmt](), nl=False)
    sys.exit(0 if report.passes else 1)


def _report(files: tuple[Path, ...], store_path: Path | None, engine: str) -> ValidationReport:
    ontology = load_ontology()
    if store_path is not None:
        store = open_store(store_path)
        if engine == "compiled":
            return validate_store(store, ontology)
        return validate(_graph_of(store), ontology)
    data = load_rdf(files or [DEFAULT_GRAPH])
    if engine == "compiled":
        return validate_graph(data, ontology)
    return validate(data, ontology)


def _graph_of(store: ox.Store) -> Graph:
    """Every triple of the store (all its graphs), for pyshacl."""
    return rdflib_graph(store.quads_for_pattern(None, None, None))
