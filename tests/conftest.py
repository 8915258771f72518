"""Shared fixtures: the project folder and one build of the shipped data per test session.

Markers (pyproject.toml): `servers` and `browser` are set here from what a test uses, so that
no test can forget them; `slow` is set by the modules themselves. The fast loop is `pytest -n 2
-m "not servers and not browser and not slow"` (pytest-xdist); `bash scripts/test` runs everything.
"""

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.pipeline.build import BuildResult, build

pytest_plugins = ["tests.servers"]  # real Oxigraph, Virtuoso and `kg serve` servers

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("sources", "facts", "shapes", "queries")  # the ontology is packaged only


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    """The shipped data built once: the result and the output folder (exports, store)."""
    out = tmp_path_factory.mktemp("build")
    return build(ROOT, out), out


def generate(folder: Path, *extra: str) -> Path:
    """A small generated voting history in `folder` (benchmarks/make_history.py, scale 0.002:
    about 15,000 rows; `extra`: its other options)."""
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_history.py"), str(folder),
                    "--scale", "0.002", *extra], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="session")
def generated_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ox.Store]:
    """A generated history (`generate`), imported as `kg import-undl` does: its folder (the two
    CSV files) and its store."""
    from kg.pipeline.history import import_files
    folder = generate(tmp_path_factory.mktemp("history"))
    store_dir = folder / "store"
    import_files([folder / name for name in ("ga_voting.csv", "sc_voting.csv")], store_dir)
    return folder, ox.Store.read_only(str(store_dir))


def copy_project(target: Path) -> Path:
    """A scratch copy of the project's data, for tests that break it on purpose."""
    for part in PROJECT_PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, target / part)
    return target


# Tests that start a real server (tests/servers.py), by the fixtures or modules that do it.
SERVER_FIXTURES = {"served", "remote_endpoint"}
SERVER_MODULES = {"test_serve", "test_serve_hostile", "test_remote", "test_web",
                  "test_readme_recipes", "test_engines"}
BROWSER_MODULES = {"test_web", "test_review_pages"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in SERVER_MODULES or SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.servers)
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, reason: str) -> None:
    """A missing optional tool skips the test with its reason on a developer's machine, and
    fails it under CI (CI=true), where scripts/test has installed everything."""
    if not available:
        (pytest.fail if under_ci() else pytest.skip)(reason)


def run_build(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`kg build` as a curator runs it, in a process of its own."""
    return subprocess.run([sys.executable, "-m", "kg", "build", "--project", str(project),
                           "--out", str(out)], capture_output=True, text=True)


def kg_in_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`kg ARGS` through the console script's own entry point (kg.cli.main), in this process:
    the exit code, stdout and stderr a curator sees, without a second of Python start-up per
    case. An exception main() lets through (a traceback, for a curator) fails the test by
    itself; tests/test_curator_errors.py shows a real process answers the same."""
    from kg.cli import main

    stdout, stderr, argv = io.StringIO(), io.StringIO(), sys.argv
    sys.argv = ["kg", *args]
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            main()
        raise AssertionError("kg.cli.main returned without an exit code")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess(["kg", *args], code, stdout.getvalue(), stderr.getvalue())


def build_in_process(project: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """`kg build` of `project` into `out`, by kg_in_process."""
    return kg_in_process("build", "--project", str(project), "--out", str(out))


@pytest.fixture(scope="session")
def previous_output(built: tuple[BuildResult, Path],
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build (a copy of the session's, its links relative), which every failing build
    must leave byte for byte as it was. Shared by the session: a test that builds successfully
    builds into a copy of it."""
    out = tmp_path_factory.mktemp("good") / "build"
    shutil.copytree(built[1], out, symlinks=True)
    return out


def published(out: Path) -> dict[str, str]:
    """What users see of a build: where `current` points and the hash of every export."""
    from kg.store.export import EXPORTS

    state = {"current": str((out / "current").resolve())}
    state.update({name: hashlib.sha256((out / name).read_bytes()).hexdigest()
                  for name in EXPORTS})
    return state


def assert_refused(project: Path, out: Path, expected: list[str]) -> str:
    """A build of the project stops with one message holding the expected words (exit 2, no
    traceback), and the published build in `out` is left byte for byte as it was."""
    before = published(out)
    result = build_in_process(project, out)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert message.startswith("error: ") and message.count("error: ") == 1, message
    for words in expected:
        assert words in message, f"{words!r} not in: {message}"
    assert published(out) == before
    return message


def rehash(project: Path, document: str) -> None:
    """A curator who edits a source also updates its recorded hash."""
    meta = (project / document).with_suffix(".yaml")
    digest = hashlib.sha256((project / document).read_bytes()).hexdigest()
    lines = [f"sha256: {digest}" if line.startswith("sha256:") else line
             for line in meta.read_text(encoding="utf-8").splitlines()]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Edit:
    """A curator's edit of one file of a copied project: its first `old` becomes `new` (text,
    or bytes for what is not UTF-8); `rehash` records the source's new sha256, as a curator who
    edits a source would, so that the edit reaches the reader behind the hash check."""
    file: str
    old: str | bytes
    new: str | bytes
    rehash: bool = False

    def __call__(self, project: Path) -> None:
        path = project / self.file
        data = path.read_bytes() if isinstance(self.old, bytes) else path.read_text("utf-8")
        assert self.old in data, f"fixture {self.old!r} not found in {self.file}"
        changed = data.replace(self.old, self.new, 1)  # type: ignore[arg-type]
        if isinstance(changed, bytes):
            path.write_bytes(changed)
        else:
            path.write_text(changed, encoding="utf-8")
        if self.rehash:
            rehash(project, self.file)


def assert_break_refused(mutate: Callable[[Path], None], words: list[str], out: Path,
                         scratch: Path) -> str:
    """A copy of the project broken by `mutate` is refused as assert_refused says, with a
    message holding `words` and, for an Edit, the name of the file edited."""
    project = copy_project(scratch)
    mutate(project)
    named = [mutate.file] if isinstance(mutate, Edit) else []
    return assert_refused(project, out, [*named, *words])
