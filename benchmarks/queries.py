"""Time every saved query on the embedded store: median of 5 runs, default parameters.

    python benchmarks/queries.py [--store build/store] [--runs 5]

Each run resolves the parameters (the look-ups in the graph) and evaluates the query to the
last row, as `kg query` does; the first, warm-up run is not counted.
"""

import argparse
import statistics
import time
from pathlib import Path

from kg.project import DEFAULT_STORE
from kg.query.catalogue import EmbeddedBackend, catalogue, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    backend = EmbeddedBackend(args.store)
    print(f"{'query':32} {'rows':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, query in catalogue().items():
        given: dict[str, str] = {}
        result = run(query, given, backend)  # warm-up
        rows = 1 if isinstance(result, bool) else len(result.rows)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run(query, given, backend)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:32} {rows:5d} {statistics.median(times):10.1f} {min(times):8.1f} "
              f"{max(times):8.1f}")


if __name__ == "__main__":
    main()
