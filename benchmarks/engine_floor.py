"""How fast Oxigraph itself loads the import's triples: the floor under `kg import-undl`.

    python benchmarks/engine_floor.py [--data /tmp/unkg-history/scale-1]

Writes the N-Triples of the GA and SC files to a temporary file (timed apart), then times
one `Store.bulk_load` of that file (no Python in the loop; Oxigraph parses and sorts on its own
threads) and the store's compaction, as `kg.pipeline.history.import_files` does. One run of
each (the full history takes about a minute); compare with the import row of benchmarks/run.py.
"""

import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def timed(label: str) -> Iterator[None]:
    start, cpu = time.perf_counter(), time.process_time()
    yield
    click.echo(f"| {label} | {time.perf_counter() - start:.2f} s "
               f"| {time.process_time() - cpu:.2f} s |")


@click.command()
@click.option("--data", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("/tmp/unkg-history/scale-1"), show_default=True)
def main(data: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import pyoxigraph as ox

    from kg.pipeline.history import write_ntriples

    with tempfile.TemporaryDirectory(prefix="unkg-floor-") as tmp:
        nt, store_dir = Path(tmp) / "history.nt", Path(tmp) / "store"

        click.echo(f"{data}\n\n| step | wall | CPU |\n|---|---|---|")
        with timed("rows to N-Triples (the importer's writer alone, to a file)"), \
                nt.open("w", encoding="utf-8", buffering=1 << 20) as out:
            for name in ("ga_voting.csv", "sc_voting.csv"):
                write_ntriples(data / name, out)
        store = ox.Store(str(store_dir))
        with timed("Store.bulk_load of that file, one call"):
            store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, lenient=True)
        with timed("compaction (Store.optimize, then flush)"):
            store.optimize()
            store.flush()
        click.echo(f"\n{len(store):,} triples; peak memory "
                   f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        del store  # closed before its folder is removed


if __name__ == "__main__":
    main()
