"""Former UN Members (facts/former-states.yaml): read strictly, emitted with their membership
dates, successors and the cited pages' words, answered by the saved query `successors`, and
kept apart from (but alike with) the same codes in an imported voting history.

Expected values are the file's own quotes: "The Union of Soviet Socialist Republics was an
original Member of the United Nations from 24 October 1945", "... would cease to exist on 31
December 1992 and that the Czech Republic and the Slovak Republic, as successor States ...".
"""

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.emit.record import state_label
from kg.errors import CuratorError
from kg.ingest.former_states import load_former_states
from kg.model.namespaces import DCTERMS, ID, OA, RDF, SCHEMA, UNKG
from kg.model.ontology import load_ontology
from kg.pipeline.build import BuildResult
from kg.pipeline.history import import_files
from kg.query.catalogue import EmbeddedBackend, run, saved_query
from kg.validate.compiled import validate_store
from tests.conftest import ROOT, assert_refused, copy_project

FILE = ROOT / "facts" / "former-states.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "undl"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def day(text: str) -> Literal:
    return Literal(text, datatype=XSD_DATE)


def project_with(tmp_path: Path, old: str, new: str) -> Path:
    """A scratch project whose former-states file has one change (`old` must be there once)."""
    project = tmp_path / "project"
    (project / "facts").mkdir(parents=True)
    text = FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (project / "facts" / FILE.name).write_text(text.replace(old, new), encoding="utf-8")
    return project


def line_of(words: str) -> int:
    """The line of the record holding `words` (its `- code:` line)."""
    lines = FILE.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if words in line)
    return next(i for i in range(at, -1, -1) if lines[i].startswith("- code:")) + 1


def test_the_shipped_file_reads_as_the_pages_say() -> None:
    states = {s.code: s for s in load_former_states(ROOT)}
    assert set(states) == {"SUN", "CSK", "DDR", "YUG"}
    sun, csk, ddr, yug = states["SUN"], states["CSK"], states["DDR"], states["YUG"]
    assert (str(sun.member_from), str(sun.member_until), sun.successors) == (
        "1945-10-24", "1991-12-24", ("RUS",))
    assert (str(csk.member_until), csk.successors) == ("1992-12-31", ("CZE", "SVK"))
    assert (str(ddr.member_from), str(ddr.member_until), ddr.successors) == (
        "1973-09-18", "1990-10-03", ("DEU",))
    # the note on Yugoslavia states no day: none is recorded
    assert (yug.member_from, yug.member_until) == (None, None)
    assert yug.successors == ("BIH", "HRV", "SVN", "MKD")
    assert sun.line == line_of("code: SUN") and sun.record == "facts/former-states.yaml#SUN"


@pytest.mark.parametrize(("old", "new", "record", "words"), [
    ("code: SUN", "code: SUV", "code: SUV", "code 'SUV' is not a state code"),
    ("name: CZECHOSLOVAKIA", "name: HUNGARY", "code: CSK", "name 'HUNGARY' shares no word"),
    ("successors: [RUS]", "successors: [RUS, RSU]", "code: SUN", "successor 'RSU' is not"),
    ("successors: [RUS]", "successors: [SUN]", "code: SUN", "SUN is named its own successor"),
    ("successors: [RUS]", "successors: RUS", "code: SUN", "successors must be a list"),
    ("member_until: 1992-12-31", "member_until: 1992-12-30", "code: CSK",
     "member_until 1992-12-30 ('30 December 1992') is not in the quoted words"),
    ("member_from: 1973-09-18", "member_from: 1991-09-18", "code: DDR",
     "is not in the quoted words"),
    ("member_until: 1990-10-03", "member_until: 1990-10-3x", "code: DDR",
     "member_until '1990-10-3x' is not a date"),
    ("  member_from: 1945-10-24\n  member_until: 1991-12-24",
     "  member_from: 1991-12-24\n  member_until: 1945-10-24", "code: SUN",
     "member_until 1945-10-24 is not after member_from 1991-12-24"),
    ("  successors: [CZE, SVK]", "  successor: [CZE, SVK]", "code: CSK",
     "unknown field(s) successor"),
    ("  source: https://www.un.org/en/about-us/member-states/czechoslovakia",
     "  source: www.un.org/czechoslovakia", "code: CSK", "is not a web address"),
])
def test_a_slip_is_one_message_naming_file_and_line(tmp_path: Path, old: str, new: str,
                                                    record: str, words: str) -> None:
    project = project_with(tmp_path, old, new)
    lines = (project / "facts" / FILE.name).read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines) if text.startswith(f"- {record}")) + 1
    with pytest.raises(CuratorError) as caught:
        load_former_states(project)
    assert str(caught.value).startswith(f"facts/former-states.yaml: line {line}: ")
    assert words in str(caught.value)


def test_a_key_given_twice_is_refused_with_its_line(tmp_path: Path) -> None:
    project = project_with(tmp_path, "  successors: [DEU]\n", "  successors: [DEU]\n  code: DDR\n")
    with pytest.raises(CuratorError, match=r"former-states.yaml: line \d+: the key 'code' is "
                                           r"given twice"):
        load_former_states(project)


def test_kg_build_refuses_a_typo_and_keeps_the_published_build(
        tmp_path: Path, previous_output: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "facts" / FILE.name
    path.write_text(path.read_text(encoding="utf-8").replace("code: CSK", "code: CKS"),
                    encoding="utf-8")
    assert_refused(project, previous_output, [
        f"facts/former-states.yaml: line {line_of('code: CSK')}: code 'CKS' is not a state code"])


def test_the_build_emits_dates_successors_and_the_cited_words(
        built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    sun, csk = ID["state/SUN"], ID["state/CSK"]
    assert (sun, RDF.type, UNKG.State) in graph and (sun, UNKG.iso3, Literal("SUN")) in graph
    assert graph.value(sun, UNKG.memberFrom) == day("1945-10-24")
    assert graph.value(sun, UNKG.memberUntil) == day("1991-12-24")
    assert set(graph.objects(csk, UNKG.succeededBy)) == {ID["state/CZE"], ID["state/SVK"]}
    # a reader of Dublin Core alone finds the successors too (the ontology's entailment)
    assert set(graph.objects(csk, DCTERMS.isReplacedBy)) == {ID["state/CZE"], ID["state/SVK"]}
    assert (ID["state/YUG"], UNKG.memberFrom, None) not in graph  # not stated: not recorded
    quotes = {str(graph.value(graph.value(graph.value(e, OA.hasTarget), OA.hasSelector),
                              OA.exact)) for e in graph.objects(sun, UNKG.evidence)}
    assert ("The Union of Soviet Socialist Republics was an original Member of the United "
            "Nations from 24 October 1945.") in quotes and len(quotes) == 2
    page = next(graph.objects(graph.value(next(graph.objects(sun, UNKG.evidence)),
                                          OA.hasTarget), OA.hasSource))
    assert (page, RDF.type, UNKG.WebReference) in graph
    assert graph.value(page, SCHEMA.url) == URIRef(
        "https://www.un.org/en/about-us/member-states/russian-federation")


def successors(backend: EmbeddedBackend, state: str) -> list[tuple[str, str, str, str]]:
    """The answer's rows without the cited words (one row per quote: duplicates dropped)."""
    answer = run(saved_query("successors"), {"state": state}, backend)
    rows = [(row["relation"].value, row["other"].value.rsplit("/", 1)[-1],
             row["memberFrom"].value if row["memberFrom"] else "",
             row["memberUntil"].value if row["memberUntil"] else "") for row in answer.rows]
    return list(dict.fromkeys(rows))


def test_saved_query_names_successors_and_predecessors(built: tuple[BuildResult, Path]) -> None:
    backend = EmbeddedBackend(built[1] / "store")
    assert successors(backend, "SUN") == [("succeeded by", "RUS", "1945-10-24", "1991-12-24")]
    assert successors(backend, "Soviet Union") == successors(backend, "SUN")
    assert successors(backend, "CSK") == [
        ("succeeded by", "CZE", "1945-10-24", "1992-12-31"),
        ("succeeded by", "SVK", "1945-10-24", "1992-12-31")]
    # asked from the other side: the former Member a current state succeeded
    assert successors(backend, "Slovakia") == [
        ("successor of", "CSK", "1945-10-24", "1992-12-31")]
    assert [row[1] for row in successors(backend, "YUG")] == ["BIH", "HRV", "MKD", "SVN"]
    assert successors(backend, "USA") == []
    answer = run(saved_query("successors"), {"state": "DDR"}, backend)
    assert len(answer.rows) == 1 and "effective from 3 October 1990" in answer.rows[0][
        "words"].value
    assert answer.rows[0]["page"].value.startswith("https://www.nationsencyclopedia.com/")
    # the Soviet Union's two quotes: two rows, in the order of their words
    words = [row["words"].value for row in run(saved_query("successors"), {"state": "SUN"},
                                                backend).rows]
    assert [w[:16] for w in words] == ["In a letter date", "The Union of Sov"]


@pytest.mark.parametrize("un_name", ["UNION OF SOVIET SOCIALIST REPUBLICS", "USSR"])
def test_an_imported_history_votes_under_the_former_code_and_still_validates(
        built: tuple[BuildResult, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        un_name: str) -> None:
    """The 2024 layout's fixture has SUN, YUG, CSK and DDR ballots: imported into a copy of the
    release, they are the former states' ballots, one state each with the one preferred name
    its file gives (also when the file names it otherwise than facts/former-states.yaml), and
    every shape holds."""
    store_dir = tmp_path / "store"
    ox.Store.read_only(str(built[0].release / "store")).backup(str(store_dir))  # type: ignore[operator]
    monkeypatch.chdir(tmp_path)
    history = tmp_path / "ga_2024-09-12.csv"
    history.write_text((FIXTURES / history.name).read_text(encoding="utf-8").replace(
        "UNION OF SOVIET SOCIALIST REPUBLICS", un_name), encoding="utf-8")
    import_files([history], store_dir)
    store = ox.Store(str(store_dir))
    report = validate_store(store, load_ontology())
    assert report.passes, report.text()
    sun = ox.NamedNode(str(ID["state/SUN"]))
    assert len(list(store.quads_for_pattern(None, ox.NamedNode(str(SCHEMA.agent)), sun))) == 2
    labels = {q.object.value for q in store.quads_for_pattern(
        sun, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None)}
    assert labels == {state_label(un_name)}  # the file's name, as the history importer casts it
    del store
    assert successors(EmbeddedBackend(store_dir), "SUN") == [
        ("succeeded by", "RUS", "1945-10-24", "1991-12-24")]
