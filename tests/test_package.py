"""The package installs like any other: a wheel built by `python -m build` (through its sdist),
installed into a fresh virtual environment outside the checkout, builds, queries and validates
the checkout's corpus. Nothing is read from the source tree but the corpus given by --project."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed (dependencies from the index)."""
    work = tmp_path_factory.mktemp("wheel")
    built = run(sys.executable, "-m", "build", "--outdir", work / "dist", ROOT, cwd=work)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = sorted((work / "dist").glob("unkg-*.whl"))
    assert len(wheels) == 1, list((work / "dist").iterdir())
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    install = run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheels[0], cwd=work)
    assert install.returncode == 0, install.stderr[-3000:]
    return bin_dir


def test_the_wheel_carries_its_resources(installed: Path, tmp_path: Path) -> None:
    where = run(installed / "python", "-c",
                "import kg, kg.project as p; print(kg.__file__); "
                "print(len(p.shape_files()), len(p.query_files()), p.ontology_file().is_file(), "
                "p.context_file().is_file(), (p.STATIC / 'index.html').is_file())", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    module, counts = where.stdout.splitlines()
    assert str(installed.parent) in module and str(ROOT) not in module
    shapes, queries, *found = counts.split()
    assert int(shapes) == len(list((ROOT / "shapes").glob("*.ttl")))
    assert int(queries) == len(list((ROOT / "queries").rglob("*.rq")))
    assert found == ["True", "True", "True"]


def test_the_installed_command_builds_queries_and_validates(installed: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    build = run(installed / "kg", "build", "--project", ROOT, "--out", out, cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "validation: conforms" in build.stdout
    query = run(installed / "kg", "query", "votes-on-resolution", "--store", out / "store",
                "--param", "vote_event=A/RES/ES-11/7", "--param", "option=No", "--format", "csv",
                cwd=tmp_path)
    assert query.returncode == 0, query.stderr
    assert len(query.stdout.strip().splitlines()) == 1 + 18  # header + the 18 against
    valid = run(installed / "kg", "validate", out / "unkg.ttl", cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout[-2000:] + valid.stderr
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://w3id.org/unkg/id/state/XXX> a "
                   "<https://w3id.org/unkg/ontology#State> .\n")  # no name, no code: invalid
    invalid = run(installed / "kg", "validate", bad, cwd=tmp_path)
    assert invalid.returncode == 1, invalid.stdout + invalid.stderr
    assert "Does NOT pass" in invalid.stdout and "A state needs" in invalid.stdout
