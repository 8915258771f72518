"""CPU of the hot path of `kg import-undl`: a voting file to N-Triples (write_ntriples).

    python benchmarks/make_history.py /tmp/h --scale 0.25
    python benchmarks/write_ntriples.py /tmp/h [--runs 3]

For each file of the folder (ga_voting.csv, sc_voting.csv): the process CPU seconds of writing
it, the minimum of --runs runs (the machine is shared: the minimum is the run least disturbed),
the ballots, the lines written and the CPU per ballot. The lines go to a sink that only counts
them, so the disk is not measured.

Measured on the 2-core shared machine, scale 0.25 (204,937 GA rows, 193,479 ballots; 10,367 SC
ballots), issue 17, before and after the stream carried the ontology's entailment:
  before  ga 1.07-1.13 s (5.5-5.9 us per ballot, 1,050,093 lines), sc 0.24 s
  after   ga 1.23-1.29 s (6.4-6.7 us per ballot, 1,259,837 lines), sc 0.26-0.30 s
The ballots' entailed line (`a opengov:Vote`) is in the template, so a ballot is still one
string; that line's bytes cost about 0.11 s, the other lines' look-ups about 0.05 s.
"""

import sys
import time
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.pipeline.history import write_ntriples  # noqa: E402


class CountingSink:
    """A text sink that keeps only the number of lines."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--runs", default=3, show_default=True)
def main(folder: Path, runs: int) -> None:
    for name in ("ga_voting.csv", "sc_voting.csv"):
        path = folder / name
        if not path.exists():
            continue
        times, lines, ballots = [], 0, 0
        for _ in range(runs):
            sink = CountingSink()
            cpu = time.process_time()
            report = write_ntriples(path, sink)  # type: ignore[arg-type]
            times.append(time.process_time() - cpu)
            lines, ballots = sink.lines, report.imported
        best = min(times)
        click.echo(f"{name}: {best:.2f} s CPU (min of {runs}: "
                   f"{', '.join(f'{t:.2f}' for t in times)}), {ballots} ballots, {lines} lines, "
                   f"{best / ballots * 1e6:.2f} us per ballot")


if __name__ == "__main__":
    main()
