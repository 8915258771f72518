"""Time the fast test loop (issue 14: under 60 s) as a developer runs it, with the host's speed.

Run: python benchmarks/fast_loop.py [--runs 3] [--workers 2]

Runs `pytest -n WORKERS -m "not servers and not browser and not slow"` --runs times, each in a
process of its own, and prints every run's wall and CPU time (the children's user + system), the
medians, and the load average. This machine's host varies by up to 2x within an hour, so each run
is preceded by two fixed pure-Python workloads whose times say how fast the host was then: compare
two commits by runs made back to back, and read a slow figure with its calibration beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 60.0
FAST_LOOP = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
             "not servers and not browser and not slow"]


def calibration() -> tuple[float, float]:
    """Seconds of two fixed single-threaded workloads: hashing, which stays in the processor's
    cache, and a dictionary of two million entries read at random, which does not (the tests
    build graphs: their speed follows the second more than the first)."""
    start = time.perf_counter()
    digest = b"unkg"
    for _ in range(200_000):
        digest = hashlib.sha256(digest).digest()
    hashing = time.perf_counter() - start
    start = time.perf_counter()
    table = {i: (str(i), i) for i in range(2_000_000)}
    draw = random.Random(1945)
    sum(table[draw.randrange(2_000_000)][1] for _ in range(1_000_000))
    return hashing, time.perf_counter() - start


def one_run(workers: int) -> tuple[float, float, str]:
    """Wall and CPU seconds of one fast loop, and pytest's last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *FAST_LOOP, "-n", str(workers)], cwd=ROOT,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else done.stderr.strip()[-200:]
    if done.returncode != 0:
        sys.exit(f"the fast loop failed (exit {done.returncode}): {summary}")
    return wall, cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    walls, cpus = [], []
    for run in range(1, args.runs + 1):
        load = os.getloadavg()[0]
        hashing, memory = calibration()
        wall, cpu, summary = one_run(args.workers)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {run}: {wall:.1f} s wall, {cpu:.1f} s CPU (load average {load:.1f} before; "
              f"calibration: hashing {hashing:.2f} s, memory {memory:.2f} s) - {summary}",
              flush=True)
    wall = statistics.median(walls)
    verdict = "met" if wall <= TARGET_SECONDS else "NOT met"
    print(f"fast loop, {args.workers} workers, {args.runs} runs: median {wall:.1f} s wall "
          f"(min {min(walls):.1f}, max {max(walls):.1f}), median {statistics.median(cpus):.1f} s "
          f"CPU; target {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
