"""The rebuild's validation (kg.validate.incremental) against a full validation of the same store.

A history is imported once (a small generated file, real import code); each case builds a store
of it plus a curated graph, validates it from the baseline of another curated graph, and
compares the report with validate_store's on the same store. The curated changes cross into the
history: a curated triple that gives a history ballot a second option (a core check run for
some focus nodes), a second ballot for a voter of a history vote event (a SHACL-SPARQL rule, run
in full), a type taken away from a node history ballots name as their voter (a value's type,
two steps from the focus node)."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.model.ontology import load_ontology
from kg.pipeline.build import build_graph
from kg.pipeline.history import import_files
from kg.project import DEFAULT_PROJECT
from kg.store.export import sorted_triples
from kg.store.release import current_release
from kg.validate.compiled import LISTED, validate_store
from kg.validate.incremental import Baseline, Incremental, validate_store_against
from kg.validate.report import shapes_graph
from tests.conftest import copy_project, generate

# A history generated and imported for the module, and a store per case: seconds each.
pytestmark = pytest.mark.slow

UNKG = "https://w3id.org/unkg/ontology#"
SCHEMA = "http://schema.org/"
OPENGOV = "http://www.w3.org/ns/opengov#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate(tmp_path_factory.mktemp("history"))
    store = folder / "store"
    import_files([folder / "ga_voting.csv", folder / "sc_voting.csv"], store)
    return store


@pytest.fixture(scope="module")
def curated() -> list[ox.Triple]:
    result = build_graph(DEFAULT_PROJECT)
    return [*sorted_triples(result.graph), *sorted_triples(result.ontology)]


@pytest.fixture(scope="module")
def shapes():  # type: ignore[no-untyped-def]
    return shapes_graph(DEFAULT_PROJECT)


def validated(history: Path, folder: Path, curated: list[ox.Triple], shapes,  # type: ignore[no-untyped-def]
              baseline: Baseline | None) -> tuple[Incremental, object]:
    """A release's store (the checkpoint copied, the curated triples added) validated from
    `baseline`, and the full validation of the same store."""
    ox.Store.read_only(str(history)).backup(str(folder))
    store = ox.Store(str(folder))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in curated)
    done = validate_store_against(store, load_ontology(), shapes, curated, baseline)
    full = validate_store(store, load_ontology(), shapes=shapes, listed=LISTED)
    return done, full


def same_report(done: Incremental, full) -> None:  # type: ignore[no-untyped-def]
    assert done.report.results == full.results
    assert done.report.omitted == full.omitted
    assert done.report.limits == full.limits


def short(node: ox.NamedNode) -> str:
    """A node as a report names it."""
    return "id:" + node.value.removeprefix("https://w3id.org/unkg/id/")


def a_ballot(history: Path) -> tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]:
    """A history ballot of a General Assembly vote, its vote event and its voter."""
    [row] = ox.Store.read_only(str(history)).query(
        f"SELECT ?b ?e ?s WHERE {{ ?b <{OPENGOV}voteEvent> ?e ; <{SCHEMA}agent> ?s ; "
        f"<{SCHEMA}option> <{UNKG}Yes> FILTER (STRSTARTS(STR(?e), "
        "'https://w3id.org/unkg/id/vote-event/A-RES-')) } ORDER BY ?b LIMIT 1")
    return row["b"], row["e"], row["s"]


@pytest.fixture(scope="module")
def baseline(history: Path, curated: list[ox.Triple], shapes,  # type: ignore[no-untyped-def]
             tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    done, full = validated(history, tmp_path_factory.mktemp("first") / "store", curated, shapes,
                           None)
    same_report(done, full)
    assert done.full == len(done.baseline.found) and done.reused == 0
    assert full.passes
    return done.baseline


def test_a_fact_edit_reuses_what_it_cannot_reach(history: Path, curated: list[ox.Triple],
                                                 shapes, baseline: Baseline,  # type: ignore[no-untyped-def]
                                                 tmp_path: Path) -> None:
    note = next(t for t in curated if t.predicate.value == f"{UNKG}curatorNote")
    edited = [ox.Triple(t.subject, t.predicate, ox.Literal(t.object.value + " (edited)"))
              if t == note else t for t in curated]
    # the shapes read again, as a new `kg build` does: their blank nodes get new labels
    done, full = validated(history, tmp_path / "store", edited, shapes_graph(DEFAULT_PROJECT),
                           baseline)
    same_report(done, full)
    assert full.passes
    assert done.reused > 0.9 * (done.reused + done.focused + done.full)
    assert done.full == 0, done.run_in_full  # a note reaches no check that must run in full


def test_a_curated_option_on_a_history_ballot_is_caught(history: Path, curated: list[ox.Triple],
                                                        shapes, baseline: Baseline,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path) -> None:
    ballot, _, _ = a_ballot(history)
    edited = [*curated, ox.Triple(ballot, ox.NamedNode(f"{SCHEMA}option"),
                                  ox.NamedNode(f"{UNKG}No"))]
    done, full = validated(history, tmp_path / "store", edited, shapes, baseline)
    same_report(done, full)
    assert done.focused > 0
    assert any(r.focus == short(ballot) and r.shape.endswith("Vote-option")
               for r in done.report.violations)


def test_a_second_ballot_for_a_history_voter_is_caught(history: Path, curated: list[ox.Triple],
                                                       shapes, baseline: Baseline,  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
    _, event, voter = a_ballot(history)
    second = ox.NamedNode(f"{event.value.replace('/vote-event/', '/vote/')}/ZZZ")
    edited = [*curated, ox.Triple(second, TYPE, ox.NamedNode(f"{UNKG}Vote")),
              ox.Triple(second, ox.NamedNode(f"{OPENGOV}voteEvent"), event),
              ox.Triple(second, ox.NamedNode(f"{SCHEMA}agent"), voter),
              ox.Triple(second, ox.NamedNode(f"{SCHEMA}option"), ox.NamedNode(f"{UNKG}No"))]
    done, full = validated(history, tmp_path / "store", edited, shapes, baseline)
    same_report(done, full)
    assert any(r.shape.endswith("OneBallotPerVoter") for r in done.report.violations)


def test_a_type_taken_from_a_history_voter_is_caught(history: Path, curated: list[ox.Triple],
                                                     shapes, baseline: Baseline,  # type: ignore[no-untyped-def]
                                                     tmp_path: Path) -> None:
    """The baseline's curated graph names a new voter of a history ballot, typed a State; the
    edit drops that type: the ballot (two steps away) now fails sh:class unkg:State."""
    ballot, _, _ = a_ballot(history)
    voter = ox.NamedNode("https://w3id.org/unkg/id/state/ZZZ")
    before = [*curated, ox.Triple(ballot, ox.NamedNode(f"{SCHEMA}agent"), voter),
              ox.Triple(voter, TYPE, ox.NamedNode(f"{UNKG}State"))]
    first, _ = validated(history, tmp_path / "first", before, shapes, baseline)
    done, full = validated(history, tmp_path / "second", before[:-1], shapes, first.baseline)
    same_report(done, full)
    assert done.focused > 0
    assert any(r.focus == short(ballot) and r.shape.endswith("Vote-agent")
               and r.component.endswith("ClassConstraintComponent")
               for r in done.report.violations)


def test_the_baseline_is_kept_and_read_back(baseline: Baseline, tmp_path: Path) -> None:
    path = tmp_path / "validation.json"
    baseline.save(path)
    again = Baseline.load(path)
    assert again is not None
    assert again.found == baseline.found and again.curated == baseline.curated
    assert again.reads == baseline.reads
    path.write_text(path.read_text().replace(baseline.engine, "other-engine"))
    assert Baseline.load(path) is None  # made by other validation code: not reused


def test_an_official_record_edit_that_crosses_into_the_history_is_caught_on_rebuild(
        tmp_path: Path) -> None:
    """`kg import-undl`, then an edit of the shipped official record: two states' ballots on
    A/RES/ES-11/7 swapped (the totals still match). The history holds the ballots as first
    imported, so each of the two ballots now has two options, one from each part: the rebuild
    (which reuses the import's validation) refuses it, as a full validation does."""
    project = copy_project(tmp_path / "project")
    history = generate(tmp_path / "history")
    kg = [sys.executable, "-m", "kg"]
    run = {"cwd": project, "capture_output": True, "text": True, "timeout": 600}
    assert subprocess.run([*kg, "import-undl", history / "ga_voting.csv"], **run).returncode == 0
    record = project / "sources" / "official-record" / "ga_voting_2025-02-24.csv"
    rows = record.read_text(encoding="utf-8").split("\n")
    yes = next(i for i, r in enumerate(rows) if ",A/RES/ES-11/7," in r and ",USA," in r)
    no = next(i for i, r in enumerate(rows) if ",A/RES/ES-11/7," in r and ",FRA," in r)
    assert ",N,2025" in rows[yes] and ",Y,2025" in rows[no]  # the extract's ballots
    rows[yes] = rows[yes].replace(",N,2025", ",Y,2025")
    rows[no] = rows[no].replace(",Y,2025", ",N,2025")
    record.write_text("\n".join(rows), encoding="utf-8")
    meta = record.with_suffix(".yaml")
    digest = hashlib.sha256(record.read_bytes()).hexdigest()
    meta.write_text(re.sub(r"sha256: \w+", f"sha256: {digest}", meta.read_text()))
    before = current_release(project / "build")
    done = subprocess.run([*kg, "build"], **run)
    assert done.returncode == 2, done.stdout + done.stderr
    for state in ("USA", "FRA"):  # sh:maxCount 1 on the ballot, run for the reached nodes
        assert re.search(rf"\(id:vote/A-RES-ES-11-7/{state}\)\n +A vote needs exactly one "
                         "option", done.stderr), done.stderr
    assert "does not match the 94 ballots" in done.stderr  # the SHACL-SPARQL tally, in full
    assert current_release(project / "build") == before  # nothing published
