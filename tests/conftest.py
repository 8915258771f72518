"""Shared fixtures: the project folder and one build of the shipped data per test session."""

import shutil
from pathlib import Path

import pytest

from kg.pipeline.build import BuildResult, build

pytest_plugins = ["tests.servers"]  # real Oxigraph, Virtuoso and `kg serve` servers

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("sources", "facts", "ontology", "shapes", "queries")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    """The shipped data built once: the result and the output folder (exports, store)."""
    out = tmp_path_factory.mktemp("build")
    return build(ROOT, out), out


def copy_project(target: Path) -> Path:
    """A scratch copy of the project's data, for tests that break it on purpose."""
    for part in PROJECT_PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, target / part)
    return target
