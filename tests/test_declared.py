"""The voting history as a declared source: `kg import-undl` publishes a new validated release,
every later `kg build` keeps the history, and nothing, not even a killed import, touches a
published release."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from kg.store.release import current_release
from tests.conftest import copy_project, generate

pytestmark = pytest.mark.slow
KG = [sys.executable, "-m", "kg"]
COUNT_VOTE_EVENTS = ("SELECT (COUNT(*) AS ?n) WHERE { ?v a "
                     "<https://w3id.org/unkg/ontology#VoteEvent> }")
SC_HEADER = ("undl_id,ms_code,ms_name,permanent_member,ms_vote,date,resolution,draft,meeting,"
             "description,agenda,subjects,vote_note,modality,total_yes,total_no,"
             "total_abstentions,total_non_voting,total_ms,undl_link")
COUNCIL_2000 = ["CHN", "FRA", "GBR", "RUS", "USA", "ARG", "BGD", "CAN", "JAM", "MLI", "NAM",
                "NLD", "TUN", "UKR", "MYS"]


def kg(project: Path, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*KG, *map(str, args)], cwd=project, capture_output=True, text=True,
                          timeout=600)
    if check:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def vote_events(store: Path) -> int:
    [row] = ox.Store.read_only(str(store.resolve())).query(COUNT_VOTE_EVENTS)
    return int(row["n"].value)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("history"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_import_declares_the_file_and_publishes_a_release(project: Path, history: Path) -> None:
    kg(project, "build")
    shipped = vote_events(project / "build" / "store")
    before = current_release(project / "build")
    done = kg(project, "import-undl", history / "ga_voting.csv")
    assert "published" in done.stdout
    [entry] = yaml.safe_load((project / "history.yaml").read_text())
    assert Path(entry["path"]) == (history / "ga_voting.csv").resolve()
    assert entry["rows"] > 0 and len(entry["sha256"]) == 64
    after = current_release(project / "build")
    assert after != before and before is not None and before.exists()
    with_history = vote_events(project / "build" / "store")
    assert with_history > shipped
    # A fact edit and a rebuild keep the history (from its checkpoint, not a second import).
    kg(project, "build")
    assert vote_events(project / "build" / "store") == with_history
    assert current_release(project / "build") != after


def test_a_history_that_breaks_a_shape_publishes_nothing(project: Path, tmp_path: Path) -> None:
    kg(project, "build")
    before = current_release(project / "build")
    rows = [f"9001,{code},{code},{'TRUE' if code in COUNCIL_2000[:5] else 'FALSE'},"
            f"{'Y' if i < 8 else 'A'},2000-06-01,S/RES/9999(2000),,,Too few yes,,,,,"
            f"8,0,7,0,15," for i, code in enumerate(COUNCIL_2000)]
    bad = tmp_path / "sc_voting.csv"
    bad.write_text(SC_HEADER + "\n" + "\n".join(rows) + "\n")
    done = kg(project, "import-undl", bad, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "does not pass validation" in done.stderr and "Traceback" not in done.stderr
    assert current_release(project / "build") == before
    assert not (project / "history.yaml").exists()


def test_a_changed_declared_file_is_named(project: Path, history: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ga.csv"
    copy.write_bytes((history / "ga_voting.csv").read_bytes())
    kg(project, "import-undl", copy)
    copy.write_bytes(copy.read_bytes() + b"\n")
    done = kg(project, "build", check=False)
    assert done.returncode == 2
    assert "has changed since it was declared" in done.stderr and "history.yaml" in done.stderr


def test_a_release_store_is_never_imported_into(project: Path, history: Path) -> None:
    kg(project, "build")
    done = kg(project, "import-undl", history / "sc_voting.csv", "--store", "build/store",
              check=False)
    assert done.returncode == 2 and "never changed" in done.stderr


@pytest.mark.parametrize("after", [0.3, 1.0, 2.0, 3.5])
def test_a_killed_import_leaves_the_published_release_as_it_was(project: Path, history: Path,
                                                                after: float) -> None:
    kg(project, "build")
    release, answer = current_release(project / "build"), vote_events(project / "build" / "store")
    process = subprocess.Popen([*KG, "import-undl", str(history / "ga_voting.csv"),
                                str(history / "sc_voting.csv")], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    published = current_release(project / "build")
    if published == release:  # killed before the switch: exactly as before
        assert vote_events(project / "build" / "store") == answer
        assert not (project / "history.yaml").exists()  # declared only once published
    else:  # the switch happened: the new release is complete and holds the history
        assert vote_events(project / "build" / "store") > answer
    kg(project, "build")  # and the folder is usable: the next build goes through
