"""Progress of the long jobs: every step of `kg analyze` and of an import (reading, loading,
the store's compaction, the tally check) is a line that ends finished, on a terminal only.

`kg` runs as a subprocess; TTY_COMPATIBLE and TTY_INTERACTIVE tell rich that stderr is a
terminal (its documented switches), so the test sees what a person sees.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

from kg.pipeline.build import BuildResult
from tests.servers import kg_executable

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "sources" / "official-record" / "ga_voting_2025-02-24.csv"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def kg(*args: str, terminal: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "120"}
    for name in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR", "NO_COLOR"):
        env.pop(name, None)
    if terminal:
        env |= {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}
    return subprocess.run([kg_executable(), *args], capture_output=True, text=True, env=env,
                          timeout=300)


def finished(stderr: str) -> set[str]:
    """The steps drawn as finished: "✓ step ━━━ 100% 0:00:01"."""
    text = ANSI.sub("", stderr).replace("\r", "\n")
    return {match.group(1).strip() for match in
            re.finditer(r"✓ (.+?)\s+━+\s+100%\s+\d+:\d\d:\d\d", text)}


@pytest.fixture(scope="module")
def store_path(built: tuple[BuildResult, Path]) -> Path:
    return built[1] / "store"


@pytest.mark.slow  # `kg analyze` in a process of its own: seconds
def test_every_step_of_analyze_is_shown_finished(store_path: Path, tmp_path: Path):
    done = kg("analyze", "--store", str(store_path), "--out", str(tmp_path), terminal=True)
    assert done.returncode == 0, done.stderr
    assert finished(done.stderr) >= {
        "reading the votes", "loading matplotlib", "finding the blocs (Louvain)",
        "placing the states on one axis (ideal points)",
        "agreement and Cohen's kappa of every pair", "writing the tables",
        "drawing the pictures (PNG and SVG)"}
    assert "states x" in done.stdout and "━" not in done.stdout  # results stay on stdout


@pytest.mark.slow  # `kg analyze` in a process of its own: seconds
def test_analyze_in_a_script_prints_no_progress(store_path: Path, tmp_path: Path):
    done = kg("analyze", "--store", str(store_path), "--out", str(tmp_path), terminal=False)
    assert done.returncode == 0, done.stderr
    assert "━" not in done.stderr and "reading the votes" not in done.stderr


def test_an_import_shows_reading_loading_compaction_and_the_check(tmp_path: Path):
    done = kg("import-undl", "--store", str(tmp_path / "store"), "--report",
              str(tmp_path / "skipped.txt"), str(RECORD), terminal=True)
    assert done.returncode == 0, done.stderr
    assert finished(done.stderr) >= {
        f"reading {RECORD.name}", f"loading {RECORD.name} into the store",
        "compacting the store", "checking the ballots against the official totals"}
    assert "Traceback" not in done.stderr
