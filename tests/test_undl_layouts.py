"""Every published layout of the UN Digital Library's voting data, through the one reader
(kg/ingest/undl.py) and the one emitter (kg/emit/record.py): one small fixture per layout
(tests/fixtures/undl/README.md names the data dictionary each follows), one MARCXML record,
and the bad variants, each refused or reported with its file and row.
"""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kg.emit.entailment import Entailment
from kg.emit.record import emit_official_record, emit_votes
from kg.emit.sink import NTriplesWriter
from kg.errors import CuratorError
from kg.ingest.sources import Source
from kg.ingest.undl import CsvVotes, open_votes
from kg.model.iris import concept_iri
from kg.model.namespaces import DCTERMS, ID, OPENGOV, RDF, SCHEMA, SKOS, UNKG
from kg.model.ontology import load_ontology
from kg.pipeline.build import build
from kg.pipeline.history import import_files, write_ntriples
from kg.validate.compiled import validate_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "undl"
KG = str(Path(sys.executable).with_name("kg"))
# file -> (layout found, rows, ballots, vote events, adopted without a vote)
LAYOUTS = {
    "ga_2024-09-12.csv": ("GA 2024-09-12", 10, 8, 2, 1),
    "ga_2025-07-23.csv": ("GA 2025-07-23", 8, 8, 2, 0),
    "ga_2026-02.csv": ("GA 2026-02", 6, 4, 1, 1),
    "sc_2025-07-21.csv": ("SC 2025-07-21 or later", 18, 15, 1, 1),
    "sc_2026-02.csv": ("SC 2025-07-21 or later", 15, 15, 1, 0),
    "ga_record.xml": ("MARCXML", 5, 5, 1, 0),
}
EVERY_FIXTURE = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xml"))


def source_of(path: Path) -> Source:
    meta = {"id": f"test-{path.stem}", "title": path.name, "publisher": None, "date": None,
            "url": None, "sha256": "0" * 64}
    return Source(meta["id"], path, path.name, meta)


def imported(path: Path) -> tuple[Graph, object]:
    out = io.StringIO()
    report = write_ntriples(path, out)
    return Graph().parse(data=out.getvalue(), format="nt"), report


def option(graph: Graph, symbol_slug: str, iso3: str) -> URIRef | None:
    return graph.value(ID[f"vote/{symbol_slug}/{iso3}"], SCHEMA.option)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_layout_imports_every_row(name: str) -> None:
    graph, report = imported(FIXTURES / name)
    layout, rows, ballots, events, without = LAYOUTS[name]
    assert (report.layout, report.rows, report.imported, report.events,
            report.emitted.without_vote) == (layout, rows, ballots, events, without)
    assert report.skipped == 0 and report.mismatch_count == 0
    # every row is a ballot or a row of an adoption without a vote
    assert report.imported + report.emitted.without_vote_rows == report.rows
    assert len(set(graph.subjects(RDF.type, UNKG.Vote))) == ballots
    # every recorded vote's tally matched its ballots, so its roll call is marked complete
    assert len(set(graph.subjects(UNKG.rollCallComplete, Literal(True)))) == events


def test_2024_layout_plural_names_nv_and_former_states() -> None:
    graph, _ = imported(FIXTURES / "ga_2024-09-12.csv")
    assert option(graph, "A-RES-377-V", "SUN") == UNKG.No
    assert option(graph, "A-RES-377-V", "IND") == UNKG.NonVoting  # NV
    assert option(graph, "A-RES-3379-XXX", "DDR") == UNKG.Yes
    assert (ID["state/SUN"], SKOS.hiddenLabel,
            Literal("UNION OF SOVIET SOCIALIST REPUBLICS", lang="en")) in graph
    count = graph.value(ID["vote-event/A-RES-377-V"] + "/count/non-voting", RDF.value)
    assert count == Literal(1)  # the column `non-voting`


def test_adoption_without_a_vote_has_no_event_ballots_or_tally() -> None:
    for name, slug in (("ga_2024-09-12.csv", "A-RES-46-1"), ("ga_2026-02.csv", "A-RES-80-11"),
                       ("sc_2025-07-21.csv", "S-RES-2719-2023")):
        graph, _ = imported(FIXTURES / name)
        document = ID[f"document/{slug}"]
        assert (document, UNKG.adoptedWithoutVote, Literal(True)) in graph, name
        assert (document, UNKG.outcome, UNKG.Adopted) in graph
        assert graph.value(document, DCTERMS.date) is not None
        assert not list(graph.subjects(OPENGOV.motion, document)), name
        assert not [s for s in graph.subjects(RDF.type, UNKG.Vote) if slug in s], name
        assert not [s for s in graph.subjects() if f"vote-event/{slug}" in s], name


def test_decimal_totals_bom_crlf_and_joined_values() -> None:
    raw = (FIXTURES / "ga_2026-02.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b",2.0," in raw
    graph, _ = imported(FIXTURES / "ga_2026-02.csv")
    assert graph.value(ID["vote-event/A-RES-80-10/count/yes"], RDF.value) == Literal(2)
    document = ID["document/A-RES-80-10"]
    assert set(graph.objects(document, UNKG.draftSymbol)) == {
        Literal("A/80/L.10"), Literal("A/80/L.10/Add.1")}
    assert {str(graph.value(c, SKOS.prefLabel)) for c in graph.objects(document, DCTERMS.subject)
            } >= {"UN--REFORM", "INTERNATIONAL COOPERATION"}


def test_council_symbols_and_permanent_members() -> None:
    for name, slug, iso3 in (("sc_2025-07-21.csv", "S-RES-2720-2023", "USA"),
                             ("sc_2026-02.csv", "S-RES-2803-2025", "RUS")):
        graph, _ = imported(FIXTURES / name)
        assert (ID[f"document/{slug}"], UNKG.symbol,
                Literal(f"S/RES/{slug.split('-')[2]} ({slug.split('-')[3]})")) in graph
        assert option(graph, slug, iso3) == UNKG.Abstain
        roles = {str(m).rsplit("/", 1)[-1]: graph.value(m, URIRef(
            "http://www.w3.org/ns/org#role")) for m in graph.subjects(RDF.type, URIRef(
                "http://www.w3.org/ns/org#Membership"))}
        assert roles["CHN"] == UNKG.PermanentMember and roles["DNK" if "2026" in name
                                                              else "ALB"] == UNKG.ElectedMember
        assert list(roles.values()).count(UNKG.PermanentMember) == 5


def test_subjects_are_skos_concepts_on_the_resolution() -> None:
    graph, _ = imported(FIXTURES / "ga_2025-07-23.csv")
    concept = concept_iri("undl-subjects", "UKRAINE--POLITICAL CONDITIONS")
    assert (concept, RDF.type, SKOS.Concept) in graph
    assert (concept, SKOS.prefLabel, Literal("UKRAINE--POLITICAL CONDITIONS", lang="en")) in graph
    assert set(graph.subjects(DCTERMS.subject, concept)) == {
        ID["document/A-RES-ES-11-1"], ID["document/A-RES-78-221"]}
    agenda = list(graph.objects(ID["document/A-RES-ES-11-1"], DCTERMS.subject))
    assert len(agenda) == 3  # two subjects and the agenda item


def test_marcxml_record_through_the_same_emitter() -> None:
    graph, report = imported(FIXTURES / "ga_record.xml")
    assert option(graph, "A-RES-ES-11-4", "RUS") == UNKG.No
    assert option(graph, "A-RES-ES-11-4", "VEN") == UNKG.NonVoting  # no $d
    assert graph.value(ID["vote-event/A-RES-ES-11-4"], DCTERMS.date) == Literal(
        "2022-10-12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    curated = str(graph.value(ID["vote-event/A-RES-ES-11-4"], UNKG.curatedIn))
    assert curated.endswith("ga_record.xml#xpointer(//*[local-name()='record'][1])")
    assert (ID["document/A-RES-ES-11-4"], UNKG.draftSymbol, Literal("A/ES-11/L.5")) in graph


def test_marcxml_996_is_the_official_tally() -> None:
    """Datafield 996 ($b yes, $c no, $d abstentions, $e non-voting, $f members, zero-padded)
    gives the record's counts, as the CSV's total_* columns do; they match its 967 fields."""
    graph, report = imported(FIXTURES / "ga_record.xml")
    event = ID["vote-event/A-RES-ES-11-4"]
    counts = {str(c).rsplit("/", 1)[-1]: graph.value(c, RDF.value)
              for c in graph.objects(event, OPENGOV["count"])}
    assert counts == {"yes": Literal(2), "no": Literal(1), "abstain": Literal(1),
                      "non-voting": Literal(1)}
    assert report.mismatch_count == 0
    assert (event, UNKG.rollCallComplete, Literal(True)) in graph


def test_a_marcxml_996_that_disagrees_is_reported_with_file_and_record() -> None:
    graph, report = imported(FIXTURES / "ga_records_996_mismatch.xml")
    assert report.imported == 5 and report.events == 2 and report.mismatch_count == 1
    assert report.mismatches == [
        "A/RES/46/86 (record 2): yes 2 counted, 3 official; no 1 counted, 0 official"]
    summary = report.summary()
    assert "ga_records_996_mismatch.xml (ga, layout MARCXML)" in summary
    assert "1 of 2 vote events match their official totals; 1 do not" in summary
    # the ballots stay as recorded; only the matching record's roll call is complete
    assert option(graph, "A-RES-46-86", "ISR") == UNKG.Yes
    assert set(graph.subjects(UNKG.rollCallComplete, Literal(True))) == {
        ID["vote-event/A-RES-3379-XXX"]}
    assert graph.value(ID["vote-event/A-RES-46-86/count/yes"], RDF.value) == Literal(3)
    # in detail, each ballot names its own 967 field of its own record
    path = FIXTURES / "ga_records_996_mismatch.xml"
    detailed = Graph()
    emit_votes(detailed, source_of(path), open_votes(path, file=path.name), detail=True)
    assert str(detailed.value(ID["vote/A-RES-46-86/ISR"], UNKG.curatedIn)).endswith(
        "#xpointer(//*[local-name()='record'][2]/*[@tag='967'][2])")


def test_a_marcxml_996_count_that_is_not_a_number_names_file_record_and_subfield(
        tmp_path: Path) -> None:
    path = variant(tmp_path, "ga_record.xml", b'<subfield code="c">001</subfield>',
                   b'<subfield code="c">one</subfield>')
    with pytest.raises(CuratorError, match=r"ga_record.xml: record 1: 996 \$c 'one' is not a "
                                           r"whole number"):
        write_ntriples(path, io.StringIO(), strict=True)


@pytest.mark.parametrize("name", EVERY_FIXTURE)
@pytest.mark.parametrize("detail", [False, True])
def test_graph_and_ntriples_outputs_are_the_same_graph(name: str, detail: bool) -> None:
    """The emitter's two outputs: rdflib triples, and the stream with its ballot templates."""
    path = FIXTURES / name
    source = source_of(path)
    graph = Graph()
    found: list[list[str]] = [[], []]
    emit_votes(graph, source, open_votes(path, file=name, on_problem=lambda r, m: found[0]
                                         .append(f"{r} {m}")), detail=detail)
    out = io.StringIO()
    writer = NTriplesWriter(out)
    emit_votes(writer, source, open_votes(path, file=name, on_problem=lambda r, m: found[1]
                                          .append(f"{r} {m}")), detail=detail)
    streamed = Graph().parse(data=out.getvalue(), format="nt")
    assert len(graph) > 50 and writer.count == len(streamed)
    assert set(graph) == set(streamed)  # no blank nodes: equal triples are isomorphic graphs
    assert found[0] == found[1]


@pytest.mark.parametrize("name", EVERY_FIXTURE)
@pytest.mark.parametrize("detail", [False, True])
def test_the_entailing_stream_is_the_graph_with_its_entailment(name: str, detail: bool) -> None:
    """The stream with the ontology's entailment (kg import-undl), per line and in the ballot
    templates, gives what `kg build` gets by Entailment.add_to on its graph."""
    path = FIXTURES / name
    source = source_of(path)
    entailment = Entailment.of(load_ontology())

    def skip(row: int, message: str) -> None:  # a fixture's bad rows, skipped by both
        pass
    graph = Graph()
    emit_votes(graph, source, open_votes(path, file=name, on_problem=skip), detail=detail)
    plain = len(graph)
    assert entailment.add_to(graph) > plain // 5  # every ballot gains its opengov:Vote at least
    out = io.StringIO()
    writer = NTriplesWriter(out, entailment)
    emit_votes(writer, source, open_votes(path, file=name, on_problem=skip), detail=detail)
    streamed = Graph().parse(data=out.getvalue(), format="nt")
    assert set(graph) == set(streamed)
    assert writer.count >= len(streamed)  # a superclass reached twice is written twice


@pytest.mark.parametrize("name", [n for n in EVERY_FIXTURE if n.endswith(".csv")
                                  and n != "historical_alt_columns.csv"])
def test_the_seed_loader_reads_every_layout(name: str) -> None:
    graph = Graph()
    emitted = emit_official_record(graph, source_of(FIXTURES / name))
    assert emitted.ballots == LAYOUTS[name][2] and emitted.mismatch_count == 0
    assert graph.value(next(graph.subjects(RDF.type, UNKG.Vote)), UNKG.curatedIn) is not None


def test_the_seed_loader_refuses_a_bad_row_with_file_and_row() -> None:
    with pytest.raises(CuratorError, match=r"historical_alt_columns.csv: row 13: 11 fields"):
        emit_official_record(Graph(), source_of(FIXTURES / "historical_alt_columns.csv"))


def variant(tmp_path: Path, name: str, old: bytes, new: bytes) -> Path:
    path = tmp_path / name
    data = (FIXTURES / name).read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))
    return path


def test_unknown_header_is_refused_with_the_header_and_the_names_expected(tmp_path: Path) -> None:
    path = variant(tmp_path, "ga_2025-07-23.csv", b"ms_vote,", b"country_vote,")
    with pytest.raises(CuratorError) as error:
        CsvVotes(path, file="x.csv")
    text = str(error.value)
    assert "x.csv: row 1: unknown column(s) country_vote" in text
    assert "the header: undl_id,ms_code,ms_name,country_vote,date" in text
    assert "names expected: undl_id, ms_code, ms_name, ms_vote" in text and "ms_votes" in text


def test_body_is_checked_against_the_header() -> None:
    with pytest.raises(CuratorError, match="--body sc was given, but the header is a General "
                                           "Assembly file's"):
        CsvVotes(FIXTURES / "ga_2025-07-23.csv", file="ga.csv", body="sc")
    with pytest.raises(CuratorError, match="--body ga was given, but the header is a Security "
                                           "Council file's"):
        CsvVotes(FIXTURES / "sc_2026-02.csv", file="sc.csv", body="ga")
    assert CsvVotes(FIXTURES / "sc_2026-02.csv", file="sc.csv", body="sc").layout.body == "sc"


def test_a_bad_code_is_reported_with_file_and_row_or_refused_when_strict(tmp_path: Path) -> None:
    path = variant(tmp_path, "sc_2026-02.csv", b"FALSE,Y,", b"FALSE,Q,")
    _, report = imported(path)
    assert report.skipped == 1 and report.imported == 14
    assert report.problems == [f"{path.as_posix()}: row 7: unknown vote code 'Q'; use Y, N, A, "
                               "X or NV (blank: non-voting)"]
    with pytest.raises(CuratorError, match=r"sc_2026-02.csv: row 7: unknown vote code 'Q'"):
        write_ntriples(path, io.StringIO(), strict=True)


def test_bad_bytes_name_file_row_and_column(tmp_path: Path) -> None:
    path = variant(tmp_path, "ga_2025-07-23.csv", b"CHINA", b"CH\xcdNA")
    with pytest.raises(CuratorError) as error:
        write_ntriples(path, io.StringIO())
    assert "row 4: byte 0xcd is not UTF-8 (column ms_name" in str(error.value)
    assert "ga_2025-07-23.csv" in str(error.value)


def run_kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([KG, *args], capture_output=True, text=True, check=False)


def test_exit_codes_and_the_skipped_rows_report(tmp_path: Path) -> None:
    fixture = FIXTURES / "historical_alt_columns.csv"
    report = tmp_path / "skipped.txt"
    done = run_kg("import-undl", str(fixture), "--store", str(tmp_path / "s"), "--report",
                  str(report))
    assert done.returncode == 1, done.stderr
    assert "17 rows, 13 ballots imported, 4 rows skipped" in done.stdout
    assert "4 row(s) skipped; every one is listed in" in done.stderr
    assert [line.split(": ")[1] for line in report.read_text().splitlines()] == [
        "row 13", "row 14", "row 16", "row 17"]
    allowed = run_kg("import-undl", str(FIXTURES / "ga_2025-07-23.csv"), str(fixture),
                     "--store", str(tmp_path / "t"), "--report", str(report),
                     "--allow-skipped-rows")
    assert allowed.returncode == 0, allowed.stderr
    # the closing tally check covers this import's 5 vote events (3379 disagrees: no, 1 vs 2)
    assert "1 option(s) of the 5 imported vote events whose ballots" in allowed.stdout


def test_the_tally_check_covers_only_the_imported_files_events(tmp_path: Path) -> None:
    store = tmp_path / "s"
    run_kg("import-undl", str(FIXTURES / "historical_alt_columns.csv"), "--store", str(store),
           "--report", str(tmp_path / "r.txt"))
    done = run_kg("import-undl", str(FIXTURES / "ga_2025-07-23.csv"), "--store", str(store),
                  "--report", str(tmp_path / "r.txt"))
    assert done.returncode == 0, done.stderr
    assert "store " in done.stdout and ": 0 option(s) of the 2 imported vote events" in done.stdout


def test_no_ballot_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "without.csv"
    lines = (FIXTURES / "ga_2024-09-12.csv").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], *lines[-2:]]) + "\n", encoding="utf-8")
    done = run_kg("import-undl", str(path), "--store", str(tmp_path / "s"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no ballot imported (2 rows, 0 skipped, 1 resolutions adopted without a vote)" in \
        done.stderr


def test_marcxml_command(tmp_path: Path) -> None:
    done = run_kg("import-undl", str(FIXTURES / "ga_record.xml"), "--store", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    assert "5 ballots imported" in done.stdout
    store = ox.Store.read_only(str(tmp_path / "s"))
    assert len(list(store.quads_for_pattern(None, ox.NamedNode(str(SCHEMA.option)), None))) == 5


@pytest.mark.slow  # `kg build` then `kg import-undl`, each in a process of its own: seconds
def test_build_then_import_of_the_shipped_record_validates(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file built and imported: one description of its source (no second title or
    publisher), and every shape holds."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "sources", project / "sources")
    shutil.copytree(ROOT / "facts", project / "facts")
    result = build(project, tmp_path / "out")
    # A copy of the release's store (a release is never written to), opened read-only to copy.
    store_dir = tmp_path / "store"
    ox.Store.read_only(str(result.release / "store")).backup(str(store_dir))  # type: ignore[operator]
    shipped = project / "sources" / "official-record" / "ga_voting_2025-02-24.csv"
    monkeypatch.chdir(project)  # as a user runs it: from the project's folder
    import_files([shipped], store_dir)
    report = validate_store(ox.Store(str(store_dir)), load_ontology())
    assert report.passes, report.text()


@pytest.fixture(scope="module")
def topics_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("topics") / "store"
    import_files([FIXTURES / "ga_2025-07-23.csv", FIXTURES / "ga_record.xml"], store)
    return store


def test_saved_query_takes_an_optional_subject(topics_store: Path) -> None:
    from kg.query.catalogue import EmbeddedBackend, run, saved_query

    def symbols(**given: str) -> list[str]:
        answer = run(saved_query("state-votes"), {"state": "USA", **given},
                     EmbeddedBackend(topics_store))
        return [row["symbol"].value for row in answer.rows]

    assert symbols() == ["A/RES/ES-11/1", "A/RES/ES-11/4", "A/RES/78/221"]
    assert symbols(subject="ukraine--political conditions") == [
        "A/RES/ES-11/1", "A/RES/ES-11/4", "A/RES/78/221"]
    assert symbols(subject="HUMAN RIGHTS") == ["A/RES/78/221"]
    assert symbols(subject="Territorial integrity") == ["A/RES/ES-11/4"]  # MARC 650 $a


@pytest.mark.slow  # `kg analyze` draws its pictures: seconds
def test_analyze_filters_by_subject(topics_store: Path, tmp_path: Path) -> None:
    from kg.analysis.votes import select_vote_events
    store = ox.Store.read_only(str(topics_store))
    chosen = select_vote_events(store, "ga", subject="human rights")
    assert [e.label for e in chosen] == ["A/RES/78/221"]
    with pytest.raises(CuratorError, match="no vote event .* the closest: HUMAN RIGHTS"):
        select_vote_events(store, subject="HUMAN RIGHT")
    done = run_kg("analyze", "--store", str(topics_store), "--subject",
                  "UKRAINE--POLITICAL CONDITIONS", "--out", str(tmp_path / "a"))
    assert done.returncode == 0, done.stderr
    assert "x 3 UN votes" in done.stdout
    assert all(symbol in done.stdout for symbol in ("A/RES/ES-11/1 ", "A/RES/ES-11/4 ",
                                                    "A/RES/78/221 "))


def test_a_bad_vote_in_a_marcxml_record_names_record_and_field(tmp_path: Path) -> None:
    path = variant(tmp_path, "ga_record.xml", b'<subfield code="d">N</subfield>',
                   b'<subfield code="d">Q</subfield>')
    with pytest.raises(CuratorError, match=r"ga_record.xml: record 1, 967 field 2: unknown vote "
                                           r"code 'Q' in 967 \$d"):
        write_ntriples(path, io.StringIO(), strict=True)
    _, report = imported(path)
    assert report.skipped == 1 and report.imported == 4
