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
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"import": 45.0, "rebuild": 15.0}
PEAK_TARGET_MB = 1024


def timed(command: list[str], cwd: Path) -> dict:
    """Wall and CPU seconds and the peak resident memory (MB) of the command's process tree,
    measured by a parent process of its own (RUSAGE_CHILDREN counts only that command)."""
    probe = ("import json, resource, subprocess, sys, time\n"
             "start = time.perf_counter()\n"
             "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "wall = time.perf_counter() - start\n"
             "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(json.dumps({'wall': wall, 'cpu': use.ru_utime + use.ru_stime,\n"
             "                  'peak_mb': use.ru_maxrss / 1024, 'rc': done.returncode,\n"
             "                  'out': done.stdout[-3000:], 'err': done.stderr[-3000:]}))\n")
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result['out']}\n{result['err']}")
    return result


def edit_a_fact(project: Path, run: int) -> None:
    """A curator's edit: one claim's note changes (the graph changes, the history does not)."""
    claims = project / "facts" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    text = re.sub(r"(\n  note: )([^\n]*)", lambda m: f"{m.group(1)}{m.group(2)} (edit {run})",
                  text, count=1)
    claims.write_text(text, encoding="utf-8")


def measure_pipeline(history: Path, work: Path, runs: int) -> dict:
    """`kg import-undl` of both files into a copy of the project (after its own `kg build`),
    then `runs` fact-edit rebuilds: each command's wall, CPU and peak memory, and the project."""
    kg = [sys.executable, "-m", "kg"]
    project = work / "project"
    for part in ("sources", "facts"):
        shutil.copytree(ROOT / part, project / part)
    subprocess.run([*kg, "build"], cwd=project, check=True, capture_output=True)
    load = os.getloadavg()[0]
    imported = timed([*kg, "import-undl", str(history / "ga_voting.csv"),
                      str(history / "sc_voting.csv"), "--allow-skipped-rows"], project)
    rebuilds = []
    for run in range(runs):
        edit_a_fact(project, run)
        rebuilds.append(timed([*kg, "build"], project))
    reuse = re.search(r"validation: (\d+ checks reused.*)", rebuilds[-1]["out"]) \
        if rebuilds else None
    return {"import": imported, "rebuilds": rebuilds, "project": project, "load_start": load,
            "load_end": os.getloadavg()[0], "validation": reuse.group(1) if reuse else ""}


def arguments(description: str, runs: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.18)
    parser.add_argument("--runs", type=int, default=runs)
    return parser.parse_args()


def generated_history(work: Path, scale: float) -> Path:
    """The GA and SC files of benchmarks/make_history.py at this scale, in WORK/history."""
    history = work / "history"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_history.py"),
                    str(history), "--scale", str(scale)], check=True, capture_output=True)
    return history


def main() -> None:
    args = arguments(__doc__.splitlines()[0], runs=3)
    with tempfile.TemporaryDirectory(prefix="unkg-rebuild-") as tmp:
        work = Path(tmp)
        history = generated_history(work, args.scale)
        rows = sum(1 for _ in (history / "ga_voting.csv").open(encoding="utf-8-sig")) - 1
        print(f"scale {args.scale}: GA {rows:,} rows")
        done = measure_pipeline(history, work, args.runs)
        imported = done["import"]
        print(f"  import (read, load, validate, publish): {imported['wall']:.1f} s wall, "
              f"{imported['cpu']:.1f} s CPU, peak {imported['peak_mb']:,.0f} MB (targets "
              f"{TARGETS['import']:.0f} s, {PEAK_TARGET_MB} MB)")
        walls = [r["wall"] for r in done["rebuilds"]]
        print(f"  fact-edit rebuild: median {statistics.median(walls):.1f} s wall, "
              f"{statistics.median(r['cpu'] for r in done['rebuilds']):.1f} s CPU, of "
              f"{args.runs} ({', '.join(f'{w:.1f}' for w in walls)}; target "
              f"{TARGETS['rebuild']:.0f} s); {done['validation']}")
        print(f"  load average at the start {done['load_start']:.1f}, at the end "
              f"{done['load_end']:.1f}")


if __name__ == "__main__":
    main()
