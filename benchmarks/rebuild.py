"""The voting history as a declared source, timed as a user meets it (issue 15): the import
that declares the files and publishes a release (read, load, validate every shape, publish),
then a rebuild after a curated fact changes, which reuses the import's checkpoint.

Run: python benchmarks/rebuild.py [--scale 1.18] [--runs 3]
(scale 1.18 gives about the real General Assembly file's 947,434 rows; the generated files
are written to a temporary folder and removed.) Prints each step's wall time and peak memory,
the rebuild's median, and the targets: import 45 s, peak under 1 GB, rebuild 15 s.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"import": 45.0, "rebuild": 15.0}
PEAK_TARGET_MB = 1024


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and the peak resident memory (MB) of the command's process tree."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def edit_a_fact(project: Path, run: int) -> None:
    """A curator's edit: one claim's note changes (the graph changes, the history does not)."""
    claims = project / "facts" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    text = re.sub(r"(\n  note: )([^\n]*)", lambda m: f"{m.group(1)}{m.group(2)} (edit {run})",
                  text, count=1)
    claims.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.18)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    kg = [sys.executable, "-m", "kg"]
    with tempfile.TemporaryDirectory(prefix="unkg-rebuild-") as tmp:
        work = Path(tmp)
        history = work / "history"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_history.py"),
                        str(history), "--scale", str(args.scale)], check=True,
                       capture_output=True)
        rows = sum(1 for _ in (history / "ga_voting.csv").open(encoding="utf-8-sig")) - 1
        project = work / "project"
        for part in ("sources", "facts"):
            shutil.copytree(ROOT / part, project / part)
        subprocess.run([*kg, "build"], cwd=project, check=True, capture_output=True)
        print(f"scale {args.scale}: GA {rows:,} rows; load average {os.getloadavg()[0]:.1f}")
        wall, peak = timed([*kg, "import-undl", str(history / "ga_voting.csv"),
                            str(history / "sc_voting.csv"), "--allow-skipped-rows"], project)
        print(f"  import (read, load, validate, publish): {wall:.1f} s, peak {peak:,.0f} MB "
              f"(targets {TARGETS['import']:.0f} s, {PEAK_TARGET_MB} MB)")
        rebuilds = []
        for run in range(args.runs):
            edit_a_fact(project, run)
            rebuilds.append(timed([*kg, "build"], project)[0])
        median = statistics.median(rebuilds)
        print(f"  fact-edit rebuild: median {median:.1f} s of {args.runs} "
              f"({', '.join(f'{r:.1f}' for r in rebuilds)}; target {TARGETS['rebuild']:.0f} s)")
        print(f"  load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
