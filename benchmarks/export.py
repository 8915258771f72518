"""The full history's exports (issue 14: 5 s or less each for Turtle, N-Triples and N-Quads).

Run: python benchmarks/export.py [--scale 1.18] [--runs 5]
Generates the history at the scale given (benchmarks/make_history.py; 1.18 is about the real
General Assembly file's 947,434 rows), declares it in a copy of the project (`kg import-undl`,
which publishes a release holding it), then times `kg export`'s writer of each syntax on that
release: the median of --runs, wall and CPU, with the size written and the load average. For
comparison it also times one dump of the release's store by Oxigraph (Store.dump), the way the
exports were written before.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
TARGET = 5.0  # seconds, each syntax


def main() -> None:
    import pyoxigraph as ox
    from rebuild import arguments, generated_history, measure_pipeline

    from kg.store.export import FULL_WRITERS, export_release
    from kg.store.release import current_release

    args = arguments(__doc__.splitlines()[0], runs=5)
    with tempfile.TemporaryDirectory(prefix="unkg-export-") as tmp:
        work = Path(tmp)
        generated_history(work, args.scale)
        project = measure_pipeline(work / "history", work, runs=0)["project"]
        release = current_release(project / "build")
        assert release is not None
        triples = len(ox.Store.read_only(str(release / "store")))
        print(f"scale {args.scale}: {triples:,} triples in the release's store; "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"| export | wall, median of {args.runs} | CPU | size | target |")
        print("|---|---|---|---|---|")
        for name in FULL_WRITERS:
            walls, cpus = [], []
            for _ in range(args.runs):
                start, cpu = time.perf_counter(), time.process_time()
                [path] = export_release(release, work / "out", [name])
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            print(f"| {name} | {statistics.median(walls):.2f} s | "
                  f"{statistics.median(cpus):.2f} s | {path.stat().st_size / 1e6:,.0f} MB | "
                  f"{TARGET:.0f} s |")
            path.unlink()
        start, cpu = time.perf_counter(), time.process_time()
        ox.Store.read_only(str(release / "store")).dump(
            output=str(work / "out" / "dump.nt"), format=ox.RdfFormat.N_TRIPLES,
            from_graph=ox.DefaultGraph())
        print(f"| (before: Store.dump to N-Triples, once) | {time.perf_counter() - start:.2f} s | "
              f"{time.process_time() - cpu:.2f} s | | |")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
