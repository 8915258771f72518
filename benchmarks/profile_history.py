"""Where the time of the history import and of a fact-edit rebuild goes, phase by phase.

    python benchmarks/profile_history.py DATA_DIR [--work /tmp/unkg-profile] [--checks 15]

DATA_DIR holds ga_voting.csv and sc_voting.csv (benchmarks/make_history.py). Runs, in this
process, the steps `kg import-undl` and `kg build` run, each timed (wall and CPU) on its own:
reading and loading the files, compacting, validating (every check timed; the slowest listed),
then the rebuild's steps (emit the curated graph, copy the checkpoint, add the curated graph,
validate, export, publish). Prints one table per command, and the load average.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
PHASES: list[tuple[str, float, float]] = []


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    PHASES.append((name, time.perf_counter() - wall, time.process_time() - cpu))


def print_phases(title: str) -> None:
    total = sum(w for _, w, _ in PHASES)
    click.echo(f"\n{title} (load average {os.getloadavg()[0]:.1f}; peak RSS so far "
               f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)")
    click.echo(f"  {'phase':<46} {'wall s':>8} {'cpu s':>8} {'share':>6}")
    for name, wall, cpu in PHASES:
        click.echo(f"  {name:<46} {wall:8.2f} {cpu:8.2f} {wall / total:6.0%}")
    click.echo(f"  {'total':<46} {total:8.2f}")
    PHASES.clear()


def timed_checks(top: int) -> list[tuple[float, str]]:
    """Time every check run_check runs (patched in place; the engine's order is kept)."""
    from kg.validate import compiled
    times: list[tuple[float, str]] = []
    original = compiled.run_check

    def run_check(store, check, listed):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        found = original(store, check, listed)
        name = f"{compiled._shape_name(check)} {compiled._local(check.component)}"
        times.append((time.perf_counter() - start, name))
        return found
    compiled.run_check = run_check
    return times


def print_checks(times: list[tuple[float, str]], top: int) -> None:
    click.echo(f"  {len(times)} checks, {sum(t for t, _ in times):.1f} s summed over the "
               f"worker threads; the {top} slowest:")
    for seconds, name in sorted(times, reverse=True)[:top]:
        click.echo(f"    {seconds:7.2f} s  {name}")
    times.clear()


@click.command()
@click.argument("data", type=click.Path(file_okay=False, path_type=Path))
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/tmp/unkg-profile"), show_default=True)
@click.option("--checks", "top", default=15, show_default=True, help="Slowest checks listed.")
def main(data: Path, work: Path, top: int) -> None:
    from kg.pipeline import build as building
    from kg.pipeline.declared import CHECKPOINTS, checkpoint_key, new_declaration, write_declared
    from kg.pipeline.history import import_files
    from kg.store.export import HISTORY_NTRIPLES

    shutil.rmtree(work, ignore_errors=True)
    project, out = work / "project", work / "project" / "build"
    for part in ("sources", "facts"):
        shutil.copytree(ROOT / part, project / part)
    files = [data / "ga_voting.csv", data / "sc_voting.csv"]
    times = timed_checks(top)

    # ---- the import: `kg import-undl` = history_checkpoint (read, load, compact) + build()
    os.chdir(project)
    declared = [new_declaration(f, None) for f in files]
    write_declared(project, declared)
    store_dir = out / CHECKPOINTS / checkpoint_key(declared) / "store"
    with phase("read CSV + emit + bulk load + compact"):
        reports = import_files(files, store_dir,
                               ntriples_copy=store_dir.parent / HISTORY_NTRIPLES)
    click.echo(f"imported {sum(r.rows for r in reports):,} rows, "
               f"{sum(r.triples for r in reports):,} triples")
    originals = {name: getattr(building, name) for name in
                 ("build_graph", "validate_store_of", "write_exports", "publish",
                  "sorted_triples")}

    def timing(name: str):  # type: ignore[no-untyped-def]
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            with phase(name):
                return originals[name](*args, **kwargs)
        return wrapped
    for name in originals:
        setattr(building, name, timing(name))
    with phase("build() in all"):
        done = building.build(project, out)
    click.echo(done.validation)
    print_phases("import: phases (build() in all = the phases above it + copying the "
                 "checkpoint and adding the curated graph)")
    print_checks(times, top)

    # ---- a rebuild after a fact edit: build() with the checkpoint reused
    claims = project / "facts" / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("\n  note: ", "\n  note: (edit) ",
                                                                  1), encoding="utf-8")
    with phase("build() in all"):
        done = building.build(project, out)
    click.echo(done.validation)
    print_phases("rebuild after a fact edit: phases")
    print_checks(times, top)


if __name__ == "__main__":
    main()
