"""Builds that share an output folder: one at a time, leftovers of killed builds removed, the
published release never touched by another build."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.store.release import CURRENT, RELEASES, current_release, locked

pytestmark = pytest.mark.slow


def kg_build(root: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", "--project", str(root),
                             "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_second_build_is_told_who_holds_the_folder(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    with locked(out):
        process = kg_build(root, out)
        _, err = process.communicate(timeout=300)
    assert process.returncode == 2, err
    assert f"another build is running (pid {os.getpid()})" in err
    assert "Traceback" not in err
    assert not (out / CURRENT).exists()  # nothing was published by the refused build


def test_builds_side_by_side_leave_one_complete_release(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    processes = [kg_build(root, out) for _ in range(3)]
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
    for code, err in outcomes:
        assert code == 0 or (code == 2 and "another build is running" in err), err
    assert any(code == 0 for code, _ in outcomes)
    release = current_release(out)
    assert release is not None
    assert {p.name for p in release.iterdir()} >= {"unkg.ttl", "unkg.nt", "store"}
    assert len(list((out / RELEASES).iterdir())) <= 3  # current, previous and its link


def test_leftovers_of_a_killed_build_go_and_the_published_release_stays(root: Path,
                                                                        tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert kg_build(root, out).wait(timeout=300) == 0
    first = current_release(out)
    killed = out / RELEASES / "20000101T000000-1-000000"
    (killed / "store").mkdir(parents=True)  # what a build killed half-way leaves
    assert kg_build(root, out).wait(timeout=300) == 0
    assert not killed.exists()
    assert first is not None and first.exists()  # the previous release, for open readers
    assert current_release(out) != first
