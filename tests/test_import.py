"""The bulk importer (kg/pipeline/history.py): the official extract, a generated history,
malformed rows.

Memory staying flat as rows grow is measured in benchmarks/run.py (peak RSS of the import step
at each scale, in benchmarks/RESULTS.md), not here.
"""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.analysis.alignment import agreement_counts
from kg.analysis.votes import select_vote_events, vote_matrix
from kg.errors import CuratorError
from kg.model.namespaces import ID, SKOS, UNKG
from kg.model.ontology import load_ontology
from kg.pipeline.history import import_files, store_tally_mismatches, write_ntriples
from kg.query.catalogue import EmbeddedBackend, run, saved_query
from kg.validate.compiled import validate_store
from tests.conftest import generate

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "sources" / "official-record"
FIXTURE = ROOT / "tests" / "fixtures" / "undl" / "historical_alt_columns.csv"


def ntriples(path: Path, **options: object) -> tuple[str, object]:
    out = io.StringIO()
    report = write_ntriples(path, out, **options)  # type: ignore[arg-type]
    return out.getvalue(), report


@pytest.fixture(scope="module")
def record_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    store = tmp_path_factory.mktemp("record") / "store"
    reports = import_files([RECORD / "ga_voting_2025-02-24.csv",
                            RECORD / "sc_voting_2025-02-24.csv"], store)
    return store, reports


def test_official_extract_imports_with_matching_tallies(record_store: tuple[Path, list]) -> None:
    store, (ga, sc) = record_store
    # sources/official-record/README.md: 386 = 193 states x 2 resolutions; 15 Council members
    assert (ga.rows, ga.imported, ga.skipped, ga.events, ga.states) == (386, 386, 0, 2, 193)
    assert (sc.rows, sc.imported, sc.skipped, sc.events, sc.states) == (15, 15, 0, 1, 15)
    assert ga.mismatch_count == sc.mismatch_count == 0
    assert store_tally_mismatches(ox.Store.read_only(str(store))) == []


def test_a_violation_on_a_bulk_ballot_names_its_vote_events_rows(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    path = RECORD / "sc_voting_2025-02-24.csv"
    import_files([path], store_dir)
    store = ox.Store(str(store_dir))
    ballot = f"<{ID['vote/S-RES-2774-2025/USA']}>"
    store.update(f"INSERT DATA {{ {ballot} <http://schema.org/option> <{ID['state/USA']}> }}")
    report = validate_store(store, load_ontology())
    results = [r for r in report.violations if r.focus.endswith("vote/S-RES-2774-2025/USA")]
    assert results, report.text()
    # the Council's 15 ballots are rows 2-16 of the file (the header is row 1)
    assert {r.curated_in for r in results} == {
        ("sources/official-record/sc_voting_2025-02-24.csv#row=2-16",)}


def test_us_and_russia_on_ukraine_in_the_official_extract(record_store: tuple[Path, list]) -> None:
    store, _ = record_store
    answer = run(saved_query("us-russia-ukraine-votes"), {}, EmbeddedBackend(store))
    votes = {row["symbol"].value: (row["stateVote"].value, row["otherVote"].value,
                                   row["alike"].value) for row in answer.rows}
    # official record rows: USA N / RUS N on ES-11/7, USA A / RUS N on ES-11/8, both Y on 2774
    assert votes == {"A/RES/ES-11/7": ("No", "No", "true"),
                     "A/RES/ES-11/8": ("Abstain", "No", "false"),
                     "S/RES/2774 (2025)": ("Yes", "Yes", "true")}


def test_bulk_ballots_are_the_shipped_ballots_with_their_rows_on_the_event() -> None:
    path = RECORD / "ga_voting_2025-02-24.csv"
    text, _ = ntriples(path)
    graph = Graph().parse(data=text, format="nt")
    vote, event = ID["vote/A-RES-ES-11-7/USA"], ID["vote-event/A-RES-ES-11-7"]
    assert (vote, URIRef("http://schema.org/option"), UNKG.No) in graph
    assert (ID["state/USA"], UNKG.votedNo, event) in graph
    assert (event, UNKG.rollCallComplete, Literal(True)) in graph
    # the ballot has no row of its own: its event names the rows of all its ballots, and the
    # USA's row among them (line 184 of the file; the header is row 1) holds its vote
    assert graph.value(vote, UNKG.curatedIn) is None
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [(n, r) for n, r in enumerate(csv.DictReader(handle), start=2)
                if r["resolution"] == "A/RES/ES-11/7"]
    first, last = rows[0][0], rows[-1][0]
    curated = [str(o) for o in graph.objects(event, UNKG.curatedIn)]
    assert len(curated) == 1
    assert curated[0].endswith(f"ga_voting_2025-02-24.csv#row={first}-{last}")
    assert [(n, r["ms_vote"]) for n, r in rows if r["ms_code"] == "USA"] == [(184, "N")]
    assert first < 184 < last


def test_output_is_deterministic() -> None:
    assert ntriples(FIXTURE)[0] == ntriples(FIXTURE)[0]


def test_alternative_columns_historical_codes_and_malformed_rows() -> None:
    text, report = ntriples(FIXTURE)
    # expected values: tests/fixtures/undl/README.md
    assert (report.rows, report.imported, report.skipped, report.events) == (17, 13, 4, 3)
    assert report.states == 9  # SUN USA YUG CSK GBR FRA IND PAK DDR
    problems = "\n".join(report.problems)
    for row, words in ((13, "11 fields where the header has 13"), (14, "unknown vote code 'Q'"),
                       (16, "USA votes twice on A/RES/3379 (XXX)"), (17, "date '3 Nov 1991'")):
        assert f"historical_alt_columns.csv: row {row}: {words}" in problems
    assert report.mismatch_count == 1
    assert report.mismatches[0].startswith("A/RES/3379 (XXX) (row 10): no 1 counted, 2 official")
    graph = Graph().parse(data=text, format="nt")
    assert (ID["vote/A-RES-377-V/SUN"], URIRef("http://schema.org/option"), UNKG.No) in graph
    assert (ID["vote/A-RES-377-V/PAK"], URIRef("http://schema.org/option"),
            UNKG.NonVoting) in graph
    assert (ID["state/USA"], SKOS.hiddenLabel, Literal("UNITED STATES", lang="en")) in graph
    complete = set(graph.subjects(UNKG.rollCallComplete, Literal(True)))
    assert ID["vote-event/A-RES-377-V"] in complete
    assert ID["vote-event/A-RES-3379-XXX"] not in complete


def test_strict_stops_at_the_first_malformed_row() -> None:
    with pytest.raises(CuratorError, match=r"historical_alt_columns.csv: row 13: 11 fields"):
        ntriples(FIXTURE, strict=True)


def test_command_reports_and_strict_exits_cleanly(tmp_path: Path) -> None:
    kg = [str(Path(sys.executable).with_name("kg"))]  # the installed command line
    done = subprocess.run([*kg, "import-undl", str(FIXTURE), "--store", str(tmp_path / "s"),
                           "--report", str(tmp_path / "skipped.txt")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr  # rows were skipped (tests/test_undl_layouts.py)
    assert "17 rows, 13 ballots imported, 4 rows skipped" in done.stdout
    assert "2 of 3 vote events match their official totals; 1 do not" in done.stdout
    before = len(ox.Store.read_only(str(tmp_path / "s")))
    strict = subprocess.run([*kg, "import-undl", str(FIXTURE), str(FIXTURE), "--strict",
                             "--store", str(tmp_path / "s"), "--report",
                             str(tmp_path / "skipped.txt")],
                            capture_output=True, text=True, check=False)
    assert strict.returncode == 2
    assert "row 13" in strict.stderr and "Traceback" not in strict.stderr
    assert len(ox.Store.read_only(str(tmp_path / "s"))) == before  # the refused file left no row


def test_streamed_load_is_the_written_triples(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # many chunks, loaded while read
    monkeypatch.setattr("kg.pipeline.history.LOAD_CHUNK_CHARS", 2_000)
    import_files([FIXTURE], tmp_path / "store")
    text, _ = ntriples(FIXTURE)
    expected = {str(quad.triple) for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}
    loaded = {str(quad.triple) for quad in ox.Store.read_only(str(tmp_path / "store"))}
    assert loaded == expected and len(expected) > 100


def test_generated_history_with_malformed_rows(tmp_path: Path) -> None:
    folder = generate(tmp_path, "--malformed", "3")
    text, report = ntriples(folder / "ga_voting.csv")
    # make_history.spoil: one missing field, one unknown code, one repeated ballot
    assert report.skipped == 3 and report.rows == report.imported + 3
    kinds = " ".join(report.problems)
    assert "fields where the header has 21" in kinds and "'Q'" in kinds and "twice" in kinds
    assert 1 <= report.mismatch_count <= 2  # the two lost ballots, in one event or two
    assert report.triples == text.count("\n")


@pytest.fixture(scope="module")
def history_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = generate(tmp_path_factory.mktemp("history"))
    store = folder / "store"
    reports = import_files([folder / "ga_voting.csv", folder / "sc_voting.csv"], store)
    assert [report.skipped for report in reports] == [0, 0]
    return store


def test_generated_council_adoptions_have_the_charter_majority(history_store: Path) -> None:
    # Every row of a UNDL file is an adopted resolution: 7 yes until the amended Article 27
    # came into force on 31 August 1965, 9 since (shapes/rules.ttl checks the same).
    with (history_store.parent / "sc_voting.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    yes = {(row["date"], row["resolution"]): int(float(row["total_yes"])) for row in rows}
    short = [key for key, count in yes.items() if count < (7 if key[0] < "1965-08-31" else 9)]
    assert short == [] and len(yes) > 70


def test_pair_agreement_is_the_vote_matrix_agreement(history_store: Path) -> None:
    # Two implementations of one rule: the saved query (SPARQL on the shortcuts) and the
    # numpy agreement of kg analyze's vote matrix, over the same period of the generated history.
    answer = run(saved_query("pair-agreement"),
                 {"state": "USA", "since": "1990-01-01", "until": "2025-12-31"},
                 EmbeddedBackend(history_store))
    by_query = {row["other"].value.rsplit("/", 1)[-1]: (int(row["votes"].value),
                                                        int(row["agreed"].value))
                for row in answer.rows}
    store = ox.Store.read_only(str(history_store))
    matrix = vote_matrix(store, select_vote_events(store, start="1990-01-01", end="2025-12-31"))
    same, shared = agreement_counts(matrix.codes)
    usa = matrix.states.index("USA")
    by_matrix = {iso3: (int(shared[usa, i]), int(same[usa, i]))
                 for i, iso3 in enumerate(matrix.states) if iso3 != "USA" and shared[usa, i]}
    assert by_query == by_matrix and len(by_query) > 150


def test_ukraine_query_on_generated_history(history_store: Path) -> None:
    store = history_store
    answer = run(saved_query("us-russia-ukraine-votes"), {}, EmbeddedBackend(store))
    votes = {row["symbol"].value: (row["stateVote"].value, row["otherVote"].value)
             for row in answer.rows}
    # make_history.UKRAINE_GA since 2022: the generator casts USA yes and Russia no;
    # ES-11/7 and ES-11/8 come from the official extract (rows of USA and RUS)
    assert votes["A/RES/ES-11/1"] == ("Yes", "No")
    assert votes["A/RES/ES-11/6"] == ("Yes", "No")
    assert votes["A/RES/ES-11/7"] == ("No", "No")
    assert votes["A/RES/ES-11/8"] == ("Abstain", "No")
    assert "A/RES/68/262" not in votes  # 2014: before the `since` default
    assert all(row["date"].value >= "2022-01-01" for row in answer.rows)
