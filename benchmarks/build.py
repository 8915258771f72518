"""Time `kg build` of the shipped corpus as a user runs it: a new process each time, start-up
included, into a fresh output folder. Prints the median wall and CPU time of N runs against the
3 s target (issue 14), and the machine's load so that a noisy figure can be recognised.

Run: python benchmarks/build.py [--runs 5] [--project .]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0


def one_build(project: Path, kg: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one `kg build`."""
    out = Path(tempfile.mkdtemp(prefix="unkg-bench-build-"))
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([*kg, "build", "--project", str(project), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--project", type=Path, default=Path("."))
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    one_build(args.project, kg)  # warm the file cache and the bytecode, not timed
    runs = [one_build(args.project, kg) for _ in range(args.runs)]
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    wall = statistics.median(walls)
    print(f"kg build of {args.project.resolve()}: {args.runs} runs, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    print(f"  wall: median {wall:.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
    print(f"  cpu:  median {statistics.median(cpus):.2f} s")
    print(f"  target {TARGET_SECONDS:.1f} s wall: {'met' if wall <= TARGET_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
