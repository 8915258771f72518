"""The shapes compiled to SPARQL (kg/validate/compiled.py) give pyshacl's verdicts, on a store.

Each graph goes into an in-memory Oxigraph store with the ontology's class hierarchy, as
kg.validate.report adds it, and the (shape, focus, severity) results must equal
kg.validate.report's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph, Node
from rdflib.namespace import RDFS, SH

from kg.model.ontology import load_ontology
from kg.validate.cli import validate_command
from kg.validate.compiled import UnsupportedShape, compile_shapes, validate_store
from kg.validate.report import ValidationReport, validate
from kg.validate.sparql import Hierarchy
from tests.shape_cases import CASES, CONFORMING, GOOD, MISTAKES, Case, mistake_graph

ONTOLOGY = load_ontology()


def store_of(graph: Graph, ontology: Graph | None = ONTOLOGY) -> ox.Store:
    data = Graph()
    data += graph
    if ontology is not None:
        data += ontology.triples((None, RDFS.subClassOf, None))
    store = ox.Store()
    store.load(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def verdicts(report: ValidationReport) -> set[tuple[str, str, str]]:
    return {(r.shape, r.focus, r.severity) for r in report.results}


def assert_same(graph: Graph, ontology: Graph | None = ONTOLOGY) -> ValidationReport:
    theirs = validate(graph, ontology)
    # every result listed (not the first 100 per constraint): the shipped graph has more than
    # 100 facts awaiting review
    ours = validate_store(store_of(graph, ontology), ontology, listed=None)
    assert verdicts(ours) == verdicts(theirs), ours.text()
    assert ours.conforms is theirs.conforms
    return ours


def test_shipped_graph_agrees(built) -> None:
    result, _ = built
    report = assert_same(result.graph, result.ontology)
    assert report.conforms, report.text()


def test_good_fixture_has_no_result() -> None:
    assert assert_same(Graph().parse(GOOD, format="turtle")).results == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_agrees_with_pyshacl(case: Case) -> None:
    assert_same(case.graph())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_agrees_without_the_ontology(case: Case) -> None:
    # tests/test_shapes.py validates without the hierarchy: e.g. evidence must then say
    # oa:Annotation itself, since unkg:Evidence is not known to be one.
    report = assert_same(case.graph(), None)
    assert {(r.shape, r.focus) for r in report.results} == case.expected


@pytest.mark.parametrize("case", CONFORMING, ids=[c.name for c in CONFORMING])
def test_conforming_change_has_no_result(case: Case) -> None:
    assert assert_same(case.graph()).results == []


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_curator_mistake_agrees(name: str) -> None:
    report = assert_same(mistake_graph(name))
    expected, message = MISTAKES[name]
    assert any(message in r.message for r in report.violations), report.text()


def test_report_names_the_record_from_the_store() -> None:
    report = validate_store(store_of(mistake_graph("mistake-event-without-evidence.ttl")),
                            ONTOLOGY)
    (result,) = report.violations
    assert result.label == "Trump and Macron hold a press conference"
    assert result.curated_in == ("facts/events.yaml#trump-macron-press-conference",)
    assert result.path == "unkg:evidence"
    assert ("Trump and Macron hold a press conference "
         "(id:event/trump-macron-press-conference)") in report.text()


def test_results_beyond_the_listed_are_counted() -> None:
    case = next(c for c in CASES if c.name == "two ballots by one state")
    report = validate_store(store_of(case.graph()), ONTOLOGY, listed=1)
    assert not report.conforms
    assert len(report.results) == 1
    assert report.omitted == {("Violation", "unkgsh:OneBallotPerVoter"): 1}
    assert "2 violation(s)" in report.text() and "1 more from unkgsh:OneBallotPerVoter" in (
        report.text())


def test_unsupported_constraint_is_refused() -> None:
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:uniqueLang true ] .
    """, format="turtle")
    with pytest.raises(UnsupportedShape, match="uniqueLang"):
        compile_shapes(shapes, Hierarchy([]))
    with pytest.raises(UnsupportedShape, match="uniqueLang"):
        validate_store(ox.Store(), shapes=shapes)


def test_command_validates_a_store_in_place(built, tmp_path: Path) -> None:
    _, out = built
    runner = CliRunner()
    good = runner.invoke(validate_command, ["--store", str(out / "store")])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("Conforms: 0 violation(s)")
    # a copy of the store with a ballot given two options
    copy = ox.Store(str(tmp_path / "store"))
    source = ox.Store.read_only(str(out / "store"))
    copy.extend(source.quads_for_pattern(None, None, None))
    del source
    copy.update("""INSERT DATA { <https://w3id.org/unkg/id/vote/A-RES-ES-11-7/USA>
                   <http://schema.org/option> <https://w3id.org/unkg/ontology#Yes> }""")
    copy.flush()
    del copy
    bad = runner.invoke(validate_command, ["--store", str(tmp_path / "store")])
    assert bad.exit_code == 1, bad.output
    assert "A vote needs exactly one option" in bad.output
    as_json = runner.invoke(validate_command, ["--store", str(tmp_path / "store"), "--format",
                                               "json"])
    assert as_json.exit_code == 1
    shapes = {(r["shape"], r["focus"]) for r in json.loads(as_json.output)["results"]}
    assert ("unkgsh:Vote-option", "id:vote/A-RES-ES-11-7/USA") in shapes
    missing = runner.invoke(validate_command, ["--store", str(tmp_path / "none")])
    assert missing.exit_code == 2
    assert missing.output.strip().splitlines() == [f"error: no store at {tmp_path / 'none'}: "
                                                   "run `kg build` first"]


# Value constraints on values of every kind, one property each: the compiled tests lean on
# type errors (a blank node has no STR, an IRI no datatype) and must fail the value as
# pyshacl does.
VALUE_KINDS_SHAPES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ;
        sh:property [ sh:path ex:pattern ; sh:pattern "^a" ] ,
            [ sh:path ex:minLength ; sh:minLength 2 ] ,
            [ sh:path ex:maxLength ; sh:maxLength 2 ] ,
            [ sh:path ex:string ; sh:datatype xsd:string ] ,
            [ sh:path ex:integer ; sh:datatype xsd:integer ] ,
            [ sh:path ex:langString ; sh:datatype rdf:langString ] .
"""
VALUE_KINDS = ['[]', '<http://example.org/a>', '"a"', '"abc"', '"a"@en', '"1"^^xsd:integer',
               '"nine"^^xsd:integer', '"2025-02-24"^^xsd:date']


def test_value_constraints_on_every_kind_of_value_agree_with_pyshacl() -> None:
    props = ["pattern", "minLength", "maxLength", "string", "integer", "langString"]
    data = Graph().parse(data="@prefix ex: <http://example.org/> . "
                         "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . " + " ".join(
                             f"ex:n{i} a ex:C ; ex:{p} {v} ." for i, v in enumerate(VALUE_KINDS)
                             for p in props), format="turtle")
    shapes = Graph().parse(data=VALUE_KINDS_SHAPES, format="turtle")
    _, theirs, _ = pyshacl.validate(data, shacl_graph=shapes)
    expected = {(str(theirs.value(r, SH.focusNode)), str(theirs.value(r, SH.resultPath)))
                for r in theirs.subjects(SH.focusNode, None)}
    ours = validate_store(store_of(data, None), shapes=shapes, listed=None)
    found = {(str(r[SH.focusNode]), str(r[SH.resultPath])) for r in _results(ours)}
    assert found == expected
    assert len(expected) > len(VALUE_KINDS)  # every value fails some constraint


def _results(report: ValidationReport) -> list[dict[Node, Node]]:
    graph = report.graph
    return [dict(graph.predicate_objects(node)) for node in graph.subjects(SH.focusNode, None)]


def test_node_kind_of_subjects_is_checked_when_the_pattern_fails() -> None:
    # sh:nodeKind runs only when sh:pattern of the same shape finds a value (a blank node fails
    # both); with a blank node among the targets both must report it, as pyshacl does.
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI ; sh:pattern "^http" .
    """, format="turtle")
    checks = compile_shapes(shapes, Hierarchy([]))
    assert {c.component for c in checks if c.implied_by is not None} == {
        SH.NodeKindConstraintComponent}
    for data, failing in (("ex:a a ex:C . [] a ex:C .", 1), ("ex:a a ex:C .", 0)):
        graph = Graph().parse(data="@prefix ex: <http://example.org/> . " + data, format="turtle")
        _, theirs, _ = pyshacl.validate(graph, shacl_graph=shapes)
        expected = sorted(str(theirs.value(r, SH.sourceConstraintComponent))
                          for r in theirs.subjects(SH.focusNode, None))
        ours = validate_store(store_of(graph, None), shapes=shapes)
        found = sorted(str(r[SH.sourceConstraintComponent]) for r in _results(ours))
        assert found == expected
        assert len(found) == 2 * failing
