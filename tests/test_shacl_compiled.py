"""The shapes compiled to SPARQL (kg/validate/compiled.py) give pyshacl's verdicts, on a store.

Each graph goes into an in-memory Oxigraph store with the ontology's class hierarchy, as
kg.validate.report adds it, and the (shape, focus, severity) results must equal
kg.validate.report's.

What runs pyshacl (a quarter of a second a small graph, seconds on the shipped one) is marked
`slow`, except the comparison on every shape case in groups (tests/shape_cases.py `together`:
cases that name no node in common, applied to one graph), with the ontology, as `kg build`
validates. Slow: every case alone, with and without the ontology; the shipped graph; `kg
validate --engine pyshacl` on a store; foci typed by a subclass. `bash scripts/test` runs them
all."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.model.namespaces import OA
from kg.model.ontology import load_ontology
from kg.model.terms import to_oxigraph
from kg.validate.cli import validate_command
from kg.validate.compiled import (
    UnsupportedShape,
    compile_shapes,
    counts_of,
    validate_graph,
    validate_store,
)
from kg.validate.report import ValidationReport, shapes_graph, validate
from kg.validate.sparql import (
    Hierarchy,
    InvalidShape,
    rows,
    sparql_constraints,
    targeted_query,
)
from kg.validate.sparql import store_of as graph_store
from tests import shape_cases
from tests.shape_cases import CASES, CONFORMING, GOOD, MISTAKES, Case, mistake_graph, reference

ONTOLOGY = load_ontology()
UNKGSH = "https://w3id.org/unkg/shapes#"


def store_of(graph: Graph, ontology: Graph | None = ONTOLOGY) -> ox.Store:
    store = graph_store(graph)
    if ontology is not None:
        store.extend(ox.Quad(*map(to_oxigraph, t))
                     for t in ontology.triples((None, RDFS.subClassOf, None)))
    return store


def verdicts(report: ValidationReport) -> set[tuple[str, str, str]]:
    return {(r.shape, r.focus, r.severity) for r in report.results}


def full_results(report: ValidationReport) -> set[tuple]:
    """Every result as the W3C suite compares them (focus, path, value, shape, component,
    severity), in the report's short forms."""
    return {(r.focus, r.path, r.value, r.shape, r.component, r.severity) for r in report.results}


def assert_same(graph: Graph, ontology: Graph | None = ONTOLOGY,
                theirs: ValidationReport | None = None) -> ValidationReport:
    """The compiled engine on the graph (what `kg validate FILES` runs) gives pyshacl's results,
    values and paths included; on a store loaded from it, the same verdicts. `theirs`: pyshacl's
    report on the same graph and ontology, when the session has it already."""
    theirs = validate(graph, ontology) if theirs is None else theirs
    ours = validate_graph(graph, ontology)
    assert full_results(ours) == full_results(theirs), ours.text()
    assert (ours.conforms, ours.passes) == (theirs.conforms, theirs.passes)
    # every result listed (not the first 100 per constraint): the shipped graph has more than
    # 100 facts awaiting review
    # one thread: on a graph this small a second one only adds its hand-offs (the threads run
    # in test_command_validates_a_store_in_place and every `kg build`)
    in_place = validate_store(store_of(graph, ontology), ontology, listed=None, workers=1)
    assert verdicts(in_place) == verdicts(theirs), in_place.text()
    assert (in_place.conforms, in_place.passes) == (theirs.conforms, theirs.passes)
    return in_place


@pytest.mark.slow  # pyshacl on the shipped graph: seconds
def test_shipped_graph_agrees(built) -> None:
    result, _ = built
    report = assert_same(result.graph, result.ontology)
    assert report.passes, report.text()


def test_good_fixture_has_no_result() -> None:
    assert assert_same(Graph().parse(GOOD, format="turtle")).results == []


@pytest.mark.parametrize("group", shape_cases.together(CASES) + shape_cases.together(CONFORMING),
                         ids=lambda g: g.name)
def test_cases_together_agree_with_pyshacl(group: shape_cases.Group) -> None:
    # every case, in the groups tests/test_shapes.py checks (one validation a group)
    assert_same(group.shared())


@pytest.mark.slow  # the same cases one by one: 0.3 s of pyshacl each
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_agrees_with_pyshacl(case: Case) -> None:
    assert_same(case.shared())


@pytest.mark.slow  # each case's results are checked on the compiled engine in test_shapes.py
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_case_agrees_without_the_ontology(case: Case) -> None:
    # tests/test_shapes.py validates without the hierarchy: e.g. evidence must then say
    # oa:Annotation itself, since unkg:Evidence is not known to be one.
    report = assert_same(case.shared(), None, reference(case))
    assert {(r.shape, r.focus) for r in report.results} == case.expected


@pytest.mark.slow  # in the fast loop together (test_cases_together_agree_with_pyshacl)
@pytest.mark.parametrize("case", CONFORMING, ids=[c.name for c in CONFORMING])
def test_conforming_change_has_no_result(case: Case) -> None:
    assert assert_same(case.shared()).results == []


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
    report = validate_store(store_of(case.shared()), ONTOLOGY, listed=1)
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
    with pytest.raises(UnsupportedShape) as refused:
        validate_store(ox.Store(), shapes=shapes)
    assert str(refused.value).startswith("sh:uniqueLang is not supported by the compiled engine "
                                         "(shape _:")
    assert str(refused.value).endswith("; use --engine pyshacl")


def test_equals_naming_no_property_is_an_invalid_shape() -> None:
    # SHACL 4.5.1: the value of sh:equals is an IRI; a literal names no property to compare
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:equals "ex:q" ] .
    """, format="turtle")
    with pytest.raises(InvalidShape, match="sh:equals of .* must name a property"):
        compile_shapes(shapes, Hierarchy([]))


def test_a_projects_shape_the_engine_cannot_compile_is_refused_not_skipped(tmp_path: Path,
                                                                          ) -> None:
    # A project adds a shape with sh:xone: the compiled engine refuses the whole run by name;
    # pyshacl (--engine pyshacl) validates it.
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "extra.ttl").write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix unkg: <https://w3id.org/unkg/ontology#> .
        @prefix ex: <https://example.org/shapes#> .
        ex:OneName a sh:NodeShape ; sh:targetClass unkg:State ;
            sh:xone ( [ sh:path unkg:iso3 ; sh:minCount 1 ] [ sh:path ex:code ; sh:minCount 1 ] ) .
    """, encoding="utf-8")
    shapes = shapes_graph(tmp_path)
    graph = Graph().parse(GOOD, format="turtle")
    with pytest.raises(UnsupportedShape) as refused:
        validate_graph(graph, ONTOLOGY, shapes=shapes)
    assert str(refused.value) == ("sh:xone is not supported by the compiled engine (shape "
                                  "<https://example.org/shapes#OneName>); use --engine pyshacl")
    assert validate(graph, ONTOLOGY, project=tmp_path).passes


def two_options(store: Path, copy_at: Path) -> None:
    """A copy of the store at `copy_at`, with a ballot given two options."""
    copy = ox.Store(str(copy_at))
    source = ox.Store.read_only(str(store))
    copy.extend(source.quads_for_pattern(None, None, None))
    del source
    copy.update("""INSERT DATA { <https://w3id.org/unkg/id/vote/A-RES-ES-11-7/USA>
                   <http://schema.org/option> <https://w3id.org/unkg/ontology#Yes> }""")
    copy.flush()
    del copy


def test_command_validates_a_store_in_place(built, tmp_path: Path) -> None:
    _, out = built
    runner = CliRunner()
    good = runner.invoke(validate_command, ["--store", str(out / "store")])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("Passes (no violation), but does not conform: "
                                  "0 violation(s)"), good.output
    two_options(out / "store", tmp_path / "store")
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


@pytest.mark.slow  # pyshacl over the shipped store: seconds
def test_reference_engine_validates_a_store_in_place(built, tmp_path: Path) -> None:
    two_options(built[1] / "store", tmp_path / "store")
    reference = CliRunner().invoke(validate_command, ["--store", str(tmp_path / "store"),
                                                      "--engine", "pyshacl", "--format", "json"])
    assert reference.exit_code == 1, reference.output
    assert ("unkgsh:Vote-option", "id:vote/A-RES-ES-11-7/USA") in {
        (r["shape"], r["focus"]) for r in json.loads(reference.output)["results"]}


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



CARDINALITY_SHAPES = """
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P , ex:Q .
    ex:P sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 .
    ex:Q sh:path [ sh:inversePath ex:q ] ; sh:minCount 1 ; sh:maxCount 2 .
"""


@pytest.mark.parametrize(("data", "cleared"), [
    # every target has one value each way: the count clears all four checks
    ("ex:a a ex:C ; ex:p 1 . ex:z ex:q ex:a .", 4),
    # a target without ex:p: not covered, and the minCount check finds it
    ("ex:a a ex:C . ex:b a ex:C ; ex:p 1 . ex:z ex:q ex:a , ex:b .", 3),
    # a node that is no target has two values: not functional, yet no target fails maxCount
    ("ex:a a ex:C ; ex:p 1 . ex:n ex:p 1 , 2 . ex:z ex:q ex:a .", 3),
    # a target with two values through ^ex:q (allowed, max 2) and one with two of ex:p
    ("ex:a a ex:C ; ex:p 1 , 2 . ex:y ex:q ex:a . ex:z ex:q ex:a .", 2),
])
def test_minimum_and_maximum_counts_are_cleared_by_a_count_only_when_it_proves_them(
        data: str, cleared: int) -> None:
    # sh:minCount 1 and sh:maxCount run only when one count over the store cannot clear them
    # (Compiler._cardinality); cleared or not, the results are pyshacl's.
    shapes = Graph().parse(data=CARDINALITY_SHAPES, format="turtle")
    checks = [c for c in compile_shapes(shapes, Hierarchy([])) if c.cleared_by is not None]
    queries = {q for c in checks for q in c.cleared_by.queries()}
    assert len(checks) == 4 and len(queries) == 4  # per path: the path's counts, the targets'
    graph = Graph().parse(data="@prefix ex: <http://example.org/> . " + data, format="turtle")
    store = store_of(graph, None)
    counts = {q: counts_of(store, q) for q in queries}
    assert sum(c.cleared_by.proves(counts) for c in checks) == cleared
    _, theirs, _ = pyshacl.validate(graph, shacl_graph=shapes)
    expected = sorted((str(theirs.value(r, SH.focusNode)),
                       str(theirs.value(r, SH.sourceConstraintComponent)))
                      for r in theirs.subjects(RDF.type, SH.ValidationResult))
    ours = validate_store(store, shapes=shapes)
    assert sorted((str(r[SH.focusNode]), str(r[SH.sourceConstraintComponent]))
                  for r in _results(ours)) == expected


# ---------------------------------------------------------------- issue 20: three findings

SUBCLASS = "https://example.org/extension#"


def sparql_constraint_cases() -> list[tuple[str, Case]]:
    """Each SHACL-SPARQL constraint with the first bad case that expects it."""
    shapes = shapes_graph()
    names = sorted("unkgsh:" + str(c).removeprefix(UNKGSH)
                   for c in shapes.subjects(RDF.type, SH.SPARQLConstraint))
    return [(name, next(c for c in CASES if name in {s for s, _ in c.expected}))
            for name in names]


SPARQL_CASES = sparql_constraint_cases()


@pytest.mark.parametrize("engines", [pytest.param(("compiled",)),
                                     pytest.param(("compiled", "pyshacl"), marks=pytest.mark.slow)],
                         ids=["compiled", "and-pyshacl"])
@pytest.mark.parametrize(("constraint", "case"), SPARQL_CASES, ids=[n for n, _ in SPARQL_CASES])
def test_sparql_constraint_reaches_a_focus_typed_by_a_subclass(constraint: str, case: Case,
                                                               engines: tuple[str, ...]) -> None:
    # The focus node is typed by a subclass of the target class, declared in the data only;
    # SHACL's targets follow rdfs:subClassOf, so the constraint must still report it.
    shapes = shapes_graph()
    graph = case.graph()
    node = next(s for s in shapes.subjects(RDF.type, SH.SPARQLConstraint)
                if str(s) == UNKGSH + constraint.removeprefix("unkgsh:"))
    shape = next(shapes.subjects(SH.sparql, node))
    focus = next(URIRef(ID + f.removeprefix("id:")) for s, f in case.expected if s == constraint)
    retyped = 0
    for cls in shapes.objects(shape, SH.targetClass):
        if (focus, RDF.type, cls) in graph:
            sub = URIRef(SUBCLASS + cls.split("#")[-1].split("/")[-1])
            graph.remove((focus, RDF.type, cls))
            graph.add((focus, RDF.type, sub))
            graph.add((sub, RDFS.subClassOf, cls))
            retyped += 1
    assert retyped == 1
    expected = (constraint, "id:" + str(focus).removeprefix(ID))
    ours = validate_graph(graph)
    assert expected in {(r.shape, r.focus) for r in ours.results}, ours.text()
    if "pyshacl" in engines:
        theirs = validate(graph)
        assert full_results(ours) == full_results(theirs), theirs.text()


ID = "https://w3id.org/unkg/id/"
TARGET = URIRef(ID + "evidence/european-allies/1/target")
SELECTORS = {
    "untyped": URIRef(ID + "evidence/european-allies/1/untyped"),
    "literal": Literal("Europeans"),
    "without triples": URIRef(ID + "evidence/european-allies/1/nothing"),
}


@pytest.mark.parametrize("kind", sorted(SELECTORS))
def test_target_with_a_selector_of_no_kind_is_reported(kind: str) -> None:
    graph = Graph().parse(GOOD, format="turtle")
    graph.remove((TARGET, OA.hasSelector, None))
    graph.add((TARGET, OA.hasSelector, SELECTORS[kind]))
    if kind == "untyped":
        graph.add((SELECTORS[kind], OA.exact, Literal("Europeans")))
    expected = ("unkgsh:TargetSelectsWordsOrRow", "id:evidence/european-allies/1/target")
    ours = validate_graph(graph)
    assert expected in {(r.shape, r.focus) for r in ours.results}, ours.text()
    # the query run on a whole store gives the rows of the sh:select, which pyshacl runs
    (constraint,) = [c for c in sparql_constraints(shapes_graph())
                     if str(c.constraint).endswith("#TargetSelectsWordsOrRow")]
    original = dataclasses.replace(constraint, select=str(shapes_graph().value(
        constraint.constraint, SH.select)).replace("$this", "?this"))
    store, hierarchy = store_of(graph, None), Hierarchy([])
    assert ({r["this"] for r in rows(store, targeted_query(constraint, hierarchy))}
            == {r["this"] for r in rows(store, targeted_query(original, hierarchy))} == {TARGET})


POSITION = URIRef(ID + "evidence/european-allies/1/position")
COUNT = URIRef(ID + "vote-event/A-RES-ES-11-7/count/yes")
DATATYPE_CASES = {
    "start typed xsd:int": (POSITION, OA.start, Literal("1513", datatype=XSD.int),
                            "unkgsh:Position-start"),
    "negative nonNegativeInteger": (POSITION, OA.start,
                                    Literal("-5", datatype=XSD.nonNegativeInteger),
                                    "unkgsh:Position-start"),
    "start typed plain xsd:integer": (POSITION, OA.start, Literal(1513), "unkgsh:Position-start"),
    "count typed xsd:int": (COUNT, RDF.value, Literal("93", datatype=XSD.int),
                            "unkgsh:Count-value"),
}


@pytest.mark.parametrize("name", sorted(DATATYPE_CASES))
def test_datatype_the_store_would_rewrite_is_checked_on_the_graph(name: str) -> None:
    node, prop, value, shape = DATATYPE_CASES[name]
    graph = Graph().parse(GOOD, format="turtle")
    graph.set((node, prop, value))
    theirs = validate(graph)
    ours = validate_graph(graph)
    assert shape in {r.shape for r in theirs.violations}, theirs.text()
    assert full_results(ours) == full_results(theirs)
    assert ours.limits == []
    # A store loaded without the graph at hand cannot see it, and says so.
    in_place = validate_store(store_of(graph, None))
    datatype = "xsd:nonNegativeInteger" if prop == OA.start else "xsd:integer"
    assert any(line.startswith(f"sh:datatype {datatype} (") and shape in line
               for line in in_place.limits), in_place.limits
    assert "== Not checked exactly ==" in in_place.text()


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_both_engines_print_the_same_report_of_a_file(name: str, tmp_path: Path) -> None:
    path = tmp_path / "data.ttl"
    mistake_graph(name).serialize(path, format="turtle")
    runs = {engine: CliRunner().invoke(validate_command, [str(path), "--engine", engine,
                                                          "--format", "json"])
            for engine in ("compiled", "pyshacl")}
    assert runs["compiled"].exit_code == runs["pyshacl"].exit_code == 1
    assert json.loads(runs["compiled"].output) == json.loads(runs["pyshacl"].output)
    assert runs["compiled"].output == runs["pyshacl"].output


def test_the_projects_sparql_constraints_run_once_over_the_whole_store() -> None:
    # Run once per focus node, a constraint would take hours on the voting history's million
    # ballots: each one must bind $this by a triple pattern (or give unkgsh:wholeGraphSelect).
    constraints = sparql_constraints(shapes_graph())
    assert len(constraints) >= 13
    assert [c.constraint for c in constraints if c.per_focus] == []
