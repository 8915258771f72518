"""`kg validate`: the SHACL report of RDF files (pyshacl) or of a store in place (compiled)."""

import sys
from pathlib import Path

import click

from kg.errors import CuratorError
from kg.model.ontology import load_ontology
from kg.project import DEFAULT_GRAPH
from kg.store.embedded import open_store
from kg.validate.compiled import validate_store
from kg.validate.report import load_rdf, validate


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
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="How to print the report.",
)
def validate_command(files: tuple[Path, ...], store_path: Path | None, fmt: str) -> None:
    """Validate RDF FILES (default: build/unkg.ttl), or a store, against the SHACL shapes.

    With --store the shapes run as SPARQL on the store itself, for stores too big to load
    into memory (the whole voting history); the first results of each constraint are listed.
    Exits 1 when there is a violation, 0 otherwise (warnings are listed, not errors).
    """
    if store_path is not None and files:
        click.echo("error: give RDF files or --store, not both", err=True)
        sys.exit(2)
    try:
        if store_path is not None:
            report = validate_store(open_store(store_path), load_ontology())
        else:
            data = load_rdf(files or [DEFAULT_GRAPH])
            report = validate(data, load_ontology())
    except CuratorError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo({"text": report.text, "turtle": report.turtle, "json": report.json}[fmt](), nl=False)
    sys.exit(0 if report.conforms else 1)
