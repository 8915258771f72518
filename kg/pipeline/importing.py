"""`kg import-undl`: declare UN voting files as sources of the project and publish a new
release that holds them (or, with --store, import into a standalone store)."""

from dataclasses import replace
from pathlib import Path

import click
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.pipeline.build import build
from kg.pipeline.declared import declare, new_declaration, write_declared
from kg.pipeline.history import _columns, import_files, store_tally_mismatches
from kg.project import DEFAULT_OUT, DEFAULT_PROJECT
from kg.store.release import RELEASES as RELEASES_FOLDER


@click.command("import-undl")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--body", type=click.Choice(["ga", "sc"]), default=None,
              help="General Assembly or Security Council layout [default: from the header].")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_PROJECT, show_default=True,
              help="The project that declares the files (its history.yaml) and is rebuilt.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Where the new release is published.")
@click.option("--store", "store_path", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Instead: import into this standalone store, in place (created "
              "if missing; nothing declared, validated or published). Never a release's store.")
@click.option("--strict", is_flag=True,
              help="Stop at the first malformed row instead of skipping it.")
def import_undl_command(files: tuple[Path, ...], body: str | None, project: Path, out: Path,
                        store_path: Path | None, strict: bool) -> None:
    """Declare UN Digital Library voting files (GA: record 4060887, SC: record 4055387) as
    sources of the project, and publish a new validated release that holds them.

    The files are recorded in PROJECT/history.yaml (path, sha256, body, rows), so every later
    `kg build` holds them too; a published release is never changed.
    """
    for path in files:  # a file that is not a voting file is refused before anything is done
        _columns(path)
    if store_path is not None:
        _import_into_standalone_store(files, body, store_path, strict)
        return
    declared = declare(project, [new_declaration(path, body) for path in files])
    result = build(project, out, declared=declared, progress=True, strict=strict)
    rows = {Path(report.file).resolve(): report.rows for report in result.imports}
    write_declared(project, [replace(d, rows=rows.get(d.path, d.rows)) for d in declared])
    for report in result.imports:
        click.echo(report.summary())
    click.echo(f"published {result.release}: the curated graph and {len(declared)} declared "
               f"voting file(s) ({project / 'history.yaml'}); validation: conforms, with "
               f"{len(result.warnings)} warnings")


def _import_into_standalone_store(files: tuple[Path, ...], body: str | None, store_path: Path,
                                  strict: bool) -> None:
    target = store_path.resolve()
    if RELEASES_FOLDER in target.parts:
        raise CuratorError("that store belongs to a published release, and a release is never "
                           "changed: run `kg import-undl FILE` without --store to publish a new "
                           "one", file=str(store_path))
    for report in import_files(files, target, body=body, strict=strict, progress=True):
        click.echo(report.summary())
    mismatches = store_tally_mismatches(ox.Store.read_only(str(target)))
    click.echo(f"store {store_path}: {len(mismatches)} vote event option(s) whose ballots "
               "disagree with the official totals")
