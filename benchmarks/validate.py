"""Time SHACL validation: median of 5 runs on the built graph (or the shapes' good fixture).

Run: python benchmarks/validate.py [FILE]   (default: build/unkg.ttl if built)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from kg.model.ontology import load_ontology
from kg.project import DEFAULT_GRAPH as BUILT_GRAPH
from kg.validate.report import load_rdf, shapes_graph, validate

PROJECT = Path(__file__).resolve().parent.parent

FIXTURE = PROJECT / "tests" / "fixtures" / "shapes" / "good.ttl"
RUNS = 5


def main() -> None:
    path = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else BUILT_GRAPH if BUILT_GRAPH.exists() else FIXTURE
    )
    data, ontology = load_rdf([path]), load_ontology()
    shapes_graph()  # parse the shapes once, outside the timing, as a long-running build would
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        report = validate(data, ontology)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(
        f"{path}: {len(data)} triples, median of {RUNS} validations {median:.2f} s, "
        f"{len(data) / median:,.0f} triples/s; passes={report.passes}, "
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
    )


if __name__ == "__main__":
    main()
