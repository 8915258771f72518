"""Time every saved query as a user runs it: `kg query NAME ...`, start-up and table included.

    python benchmarks/query_cli.py [--project .] [--runs 3] [--only NAME,...] [--timeout 120]
                                   [--kg PATH]

For each saved query (`kg query --list`), runs in the project folder (its published release):
- `defaults`: no --param at all (required parameters take their defaults, optional ones stay
  unbound: the widest answer);
- each `# example:` line of its header, with exactly that line's parameters.

Each case is a fresh `kg query` process writing its terminal table to a pipe (formatting the
rows is part of the user's wait); median of --runs runs, wall and CPU (user+sys of the child)
seconds, and the rows the table ends with. Prints a Markdown table against the target of
issue 15: every saved query 1 s or less on a release holding the whole history.
"""

import argparse
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TARGET = 1.0  # seconds, wall, start-up included (issue 15, item 6)
ROWS = re.compile(r"^\((\d+) rows?\)$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    query: str
    label: str  # "defaults" or the example's parameters
    args: tuple[str, ...]  # after `kg query`


def cases(names: list[str]) -> list[Case]:
    """Every saved query with no parameters, then with each of its header's examples."""
    from kg.query.catalogue import catalogue
    found: list[Case] = []
    for name, query in catalogue().items():
        if names and name not in names:
            continue
        found.append(Case(name, "defaults", (name,)))
        for example in query.examples:
            words = shlex.split(example)
            if words[:3] != ["kg", "query", name]:
                continue  # an example of another command
            found.append(Case(name, " ".join(words[3:]), tuple(words[2:])))
    return found


def measure(kg: str, case: Case, project: Path, runs: int, timeout: float) -> dict:
    walls, cpus, rows = [], [], ""
    for _ in range(runs):
        # The children's CPU, before and after: one child at a time, so the difference is its.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            child = subprocess.run([kg, "query", *case.args], cwd=project, capture_output=True,
                                   env=os.environ | {"COLUMNS": "120"}, check=False,
                                   timeout=timeout)
        except subprocess.TimeoutExpired:  # stopped: its figure is a lower bound
            return {"wall": float(timeout), "cpu": float("nan"),
                    "rows": f"stopped after {timeout:g} s"}
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out, err = child.stdout, child.stderr
        if child.returncode:
            lines = err.decode(errors="replace").strip().splitlines() or ["?"]
            return {"wall": walls[-1], "cpu": cpus[-1], "rows": "error: " + lines[-1]}
        counts = ROWS.findall(out.decode(errors="replace"))
        rows = counts[-1] if counts else "?"
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "rows": rows,
            "runs": walls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="the project folder whose published release is queried")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated query names")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds after which one run is stopped (and not repeated)")
    parser.add_argument("--kg", default=str(Path(sys.executable).parent / "kg"),
                        help="the kg command (default: beside this Python)")
    args = parser.parse_args()
    selected = [name for name in args.only.split(",") if name]
    load = os.getloadavg()[0]
    print(f"`kg query` on {args.project.resolve()}, median of {args.runs} runs, load average "
          f"{load:.1f} at the start; wall (CPU) seconds, start-up included; target "
          f"{TARGET:g} s.\n")
    print("| query | parameters | rows | wall s | CPU s | runs (wall) | target |")
    print("|---|---|---:|---:|---:|---|---|")
    missed = 0
    for case in cases(selected):
        done = measure(args.kg, case, args.project, args.runs, args.timeout)
        ok = done["wall"] <= TARGET and str(done["rows"]).isdigit()
        missed += not ok
        runs = ", ".join(f"{w:.2f}" for w in done.get("runs", [done["wall"]]))
        print(f"| {case.query} | {case.label} | {done['rows']} | {done['wall']:.2f} | "
              f"{done['cpu']:.2f} | {runs} | {'met' if ok else 'MISSED'} |", flush=True)
    print(f"\n{missed} case(s) over {TARGET:g} s; load average {os.getloadavg()[0]:.1f} at the "
          "end.")


if __name__ == "__main__":
    main()
