"""`kg import-undl`: declare UN voting files as sources of the project and publish a new
release that holds them (or, with --store, import into a standalone store)."""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import click
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.ingest.undl import open_votes
from kg.pipeline.build import build
from kg.pipeline.declared import declare, history_checkpoint, new_declaration, write_declared
from kg.pipeline.history import DEFAULT_REPORT, ImportReport, import_files, store_tally_mismatches
from kg.progress import Steps
from kg.project import DEFAULT_OUT, DEFAULT_PROJECT
from kg.store.release import RELEASES, locked


@click.command("import-undl")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--body", type=click.Choice(["ga", "sc"]), default=None,
              help="General Assembly or Security Council file; checked against the header "
                   "[default: from the header].")
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
@click.option("--allow-skipped-rows", is_flag=True,
              help="Accept an import that skipped rows (they are still reported).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_REPORT, show_default=True,
              help="Where every skipped row is listed, with its file, number and reason.")
@click.pass_context
def import_undl_command(ctx: click.Context, files: tuple[Path, ...], body: str | None,
                        project: Path, out: Path, store_path: Path | None, strict: bool,
                        allow_skipped_rows: bool, report_path: Path) -> None:
    """Declare UN Digital Library voting data as sources of the project and publish a new
    validated release that holds them: the CSV datasets (GA: record 4060887, SC: record
    4055387; every published layout) or one record exported as MARCXML (.xml).

    The files are recorded in PROJECT/history.yaml (path, sha256, body, rows), so every later
    `kg build` holds them too; a published release is never changed. Exits 1 when rows were
    skipped (unless --allow-skipped-rows: then nothing is declared or published), 2 when a file
    is refused, gives no ballot or the new release does not pass validation.
    """
    for path in files:  # a file that is not a voting file is refused before anything is done
        open_votes(path, file=path.as_posix(), body=body)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    with report_path.open("w", encoding="utf-8") as log:
        if store_path is not None:
            reports = _import_into_standalone_store(files, body, store_path, strict, log)
        else:
            declared = declare(project, [new_declaration(path, body) for path in files])
            with locked(out):  # the import alone first: skipped rows are decided on before
                _, reports = history_checkpoint(out, declared, progress=True, strict=strict,
                                                skipped_log=log)
    for report in reports:
        click.echo(report.summary())
    skipped = sum(report.skipped for report in reports)
    if skipped:
        click.echo(f"{skipped} row(s) skipped; every one is listed in {report_path}", err=True)
        if not allow_skipped_rows:
            click.echo("the import is incomplete, and nothing was declared or published: fix the "
                       "rows and import again, or pass --allow-skipped-rows to accept it",
                       err=True)
            ctx.exit(1)
    else:
        report_path.unlink(missing_ok=True)
    if store_path is not None:
        return
    with Steps() as steps, steps.step("validating, exporting and publishing the new release"):
        result = build(project, out, declared=declared)  # reuses the import's checkpoint
    rows = {Path(report.file).resolve(): report.rows for report in reports}
    write_declared(project, [replace(d, rows=rows.get(d.path, d.rows)) for d in declared])
    click.echo(f"published {result.release}: the curated graph and {len(declared)} declared "
               f"voting file(s) ({project / 'history.yaml'}); validation: passes, with "
               f"{len(result.warnings)} warnings")


def _import_into_standalone_store(files: Sequence[Path], body: str | None, store_path: Path,
                                  strict: bool, log: TextIO) -> list[ImportReport]:
    target = store_path.resolve()
    if RELEASES in target.parts:
        raise CuratorError("that store belongs to a published release, and a release is never "
                           "changed: run `kg import-undl FILE` without --store to publish a new "
                           "one", file=str(store_path))
    reports = import_files(files, target, body=body, strict=strict, progress=True,
                           skipped_log=log)
    events = [event for report in reports for event in report.emitted.events]
    with Steps() as steps, steps.step("checking the ballots against the official totals"):
        mismatches = store_tally_mismatches(ox.Store.read_only(str(target)), events)
    click.echo(f"store {store_path}: {len(mismatches)} option(s) of the {len(events)} imported "
               "vote events whose ballots in the store disagree with the official totals")
    return reports
