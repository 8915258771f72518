"""Each shape and SPARQL constraint catches its bad graph with its message; the good one passes.

Every case runs alone on both engines: the compiled one (what `kg build` and `kg validate` run)
and pyshacl, the reference. Those runs are marked `slow`. The fast loop checks every case on the
compiled engine in groups: cases that name no node in common, applied to one graph, where each
must be caught as if alone and nothing else may be (tests/shape_cases.py `together`); and
tests/test_shacl_compiled.py compares the two engines on the same groups.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from kg.model.ontology import load_ontology
from kg.validate.cli import validate_command
from kg.validate.compiled import validate_graph
from kg.validate.report import ValidationReport, shapes_graph, validate
from tests.shape_cases import (
    BULK_BALLOT,
    CASES,
    CONFORMING,
    FIXTURES,
    GOOD,
    MISTAKES,
    Case,
    Group,
    mistake_graph,
    reference,
    together,
)

UNKGSH = "https://w3id.org/unkg/shapes#"


# engine name -> how it validates a case's graph (no ontology, as the cases are written)
ENGINES = {"compiled": lambda case: validate_graph(case.shared()),
           "pyshacl": reference}  # validate(case.shared()), shared with test_shacl_compiled.py


def pairs(report: ValidationReport) -> set[tuple[str, str]]:
    return {(r.shape, r.focus) for r in report.results}


def declared_message(shape: str) -> str:
    """The sh:message a shape declares, up to its first {?variable}."""
    node = next(
        s for s in shapes_graph().subjects() if str(s) == UNKGSH + shape.removeprefix("unkgsh:")
    )
    message = shapes_graph().value(node, SH.message)
    return str(message).split("{")[0]


def test_good_graph_has_no_result_at_all() -> None:
    report = validate(Graph().parse(GOOD, format="turtle"))
    assert report.conforms
    assert report.results == [], report.text()


def on_each_engine(cases: list[Case]) -> Callable:
    """Run a test for each case alone on each engine: slow (the fast loop runs the groups)."""
    def parametrized(test: Callable) -> Callable:
        by_case = pytest.mark.parametrize("case", cases, ids=[c.name for c in cases])
        return pytest.mark.slow(pytest.mark.parametrize("engine", list(ENGINES))(by_case(test)))
    return parametrized


@on_each_engine(CONFORMING)
def test_conforming_change_has_no_result(case: Case, engine: str) -> None:
    report = ENGINES[engine](case)
    assert report.conforms
    assert report.results == [], report.text()


@on_each_engine(CASES)
def test_bad_graph_is_caught_with_the_shape_message(case: Case, engine: str) -> None:
    report = ENGINES[engine](case)
    assert pairs(report) == case.expected, report.text()
    assert {r.severity for r in report.results} == {case.severity}
    assert report.passes is (case.severity != "Violation")
    assert report.conforms is False  # SHACL: any result, a warning too
    for result in report.results:
        assert result.message.startswith(declared_message(result.shape)), result


@pytest.mark.parametrize("group", together(CASES), ids=lambda g: g.name)
def test_cases_naming_other_nodes_are_caught_together(group: Group) -> None:
    report = validate_graph(group.shared())
    assert pairs(report) == group.expected, report.text()
    for result in report.results:
        assert result.severity == group.severity(result.shape, result.focus), result
        assert result.message.startswith(declared_message(result.shape)), result
    violations = any(c.severity == "Violation" for c in group.cases)
    assert (report.passes, report.conforms) == (not violations, False)


@pytest.mark.parametrize("group", together(CONFORMING), ids=lambda g: g.name)
def test_conforming_changes_together_have_no_result(group: Group) -> None:
    report = validate_graph(group.shared())
    assert report.conforms and report.results == [], report.text()


def test_every_shape_and_constraint_has_a_failing_case() -> None:
    shapes = shapes_graph()
    covered = {shape for case in CASES for shape, _ in case.expected}
    own = {
        SH.property,
        SH.sparql,
        SH.targetClass,
        SH.targetObjectsOf,
        SH.targetSubjectsOf,
        SH.severity,
        SH.message,
        SH.ignoredProperties,
        SH.declare,
    }
    required = set()
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for node in shapes.subjects(RDF.type, kind):
            constrains = {p for p in shapes.predicates(node) if str(p).startswith(str(SH))} - own
            if kind != SH.NodeShape or constrains:
                required.add("unkgsh:" + str(node).removeprefix(UNKGSH))
            else:  # a node shape that only groups property shapes or SPARQL constraints
                parts = [*shapes.objects(node, SH.property), *shapes.objects(node, SH.sparql)]
                assert any("unkgsh:" + str(p).removeprefix(UNKGSH) in covered for p in parts), node
    assert required - covered == set()


def test_every_constraint_has_a_message_and_a_severity() -> None:
    shapes = shapes_graph()
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for node in shapes.subjects(RDF.type, kind):
            if kind == SH.SPARQLConstraint:
                assert shapes.value(node, SH.message), node
                continue
            if (node, SH.severity, None) not in shapes:
                assert kind == SH.NodeShape and (node, SH.targetClass, None) in shapes, node
            if kind == SH.PropertyShape:
                assert shapes.value(node, SH.message), node


def test_statement_before_the_vote_passes_when_marked_preceding() -> None:
    graph = Graph().parse(GOOD, format="turtle")
    statement = next(s for s in graph.subjects(RDF.type, None) if "statement/peskov" in str(s))
    graph.set(
        (
            statement,
            next(p for p in graph.predicates(statement) if str(p).endswith("/date")),
            Literal("2025-02-23", datatype="http://www.w3.org/2001/XMLSchema#date"),
        )
    )
    assert not validate(graph).conforms
    graph.add(
        (statement, next(iter(graph.predicates(None, Literal("reported")))), Literal("preceding"))
    )
    assert validate(graph).conforms


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_curator_mistake_is_reported(name: str) -> None:
    expected, message = MISTAKES[name]
    report = validate(mistake_graph(name))
    assert not report.conforms
    assert pairs(report) == expected, report.text()
    assert any(message in r.message for r in report.violations), report.text()


def test_a_ballot_imported_in_bulk_conforms_with_its_vote_events_evidence() -> None:
    report = validate(BULK_BALLOT.graph(), load_ontology())
    assert report.conforms, report.text()


def test_reports_name_the_record_and_render_three_ways() -> None:
    report = validate(mistake_graph("mistake-event-without-evidence.ttl"))
    (result,) = report.violations
    assert result.label == "Trump and Macron hold a press conference"
    assert result.curated_in == ("facts/events.yaml#trump-macron-press-conference",)
    text = report.text()
    assert (
        "== Violations (1) ==" in text
        and ("Trump and Macron hold a press conference "
         "(id:event/trump-macron-press-conference)") in text
    )
    assert json.loads(report.json())["results"][0]["path"] == "unkg:evidence"
    standard = Graph().parse(data=report.turtle(), format="turtle")
    assert (None, SH.conforms, Literal(False)) in standard
    assert len(list(standard.subjects(RDF.type, SH.ValidationResult))) == 1
    assert report.turtle() == validate(mistake_graph("mistake-event-without-evidence.ttl")).turtle()


def test_curated_in_of_a_selector_leads_to_its_fact() -> None:
    case = next(c for c in CASES if c.name == "offsets do not span the quote")
    (result,) = validate(case.graph()).results
    assert (
        result.curated_in == ()
    )  # the group is an actor: actors carry evidence, not curatedIn here
    case = next(c for c in CASES if c.name == "header row")
    (result,) = validate(case.graph()).results
    assert "sources/official-record/ga_voting_2025-02-24.csv#row=2" in result.curated_in


def test_command_exit_codes_and_formats(tmp_path) -> None:
    runner = CliRunner()
    good = runner.invoke(validate_command, [str(GOOD)])
    assert good.exit_code == 0 and "conforms" in good.output
    bad_file = tmp_path / "bad.ttl"
    mistake_graph("mistake-event-without-evidence.ttl").serialize(bad_file, format="turtle")
    bad = runner.invoke(validate_command, [str(bad_file), "--format", "json"])
    assert bad.exit_code == 1 and json.loads(bad.output)["conforms"] is False
    turtle = runner.invoke(
        validate_command,
        [str(GOOD), str(FIXTURES / "mistake-event-without-evidence.ttl"), "--format", "turtle"],
    )
    assert turtle.exit_code == 1 and "sh:ValidationReport" in turtle.output
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    unreadable = runner.invoke(validate_command, [str(broken)])
    assert unreadable.exit_code == 2 and "broken.ttl" in unreadable.output
    assert unreadable.exception is None or isinstance(unreadable.exception, SystemExit)
    missing = runner.invoke(validate_command, [str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and "file not found" in missing.output


def test_warnings_alone_pass_but_do_not_conform(tmp_path) -> None:
    # SHACL's sh:conforms is false whenever there is a result; only violations fail a build.
    case = next(c for c in CASES if c.severity == "Warning")
    report = validate(case.graph())
    assert report.passes and not report.conforms
    standard = Graph().parse(data=report.turtle(), format="turtle")
    assert (None, SH.conforms, Literal(False)) in standard
    assert (None, SH.conforms, Literal(True)) not in standard
    document = json.loads(report.json())
    assert document["conforms"] is False and document["passes"] is True
    assert report.text().startswith("Passes (no violation), but does not conform: "
                                    "0 violation(s), 1 warning(s)")
    path = tmp_path / "warned.ttl"
    case.graph().serialize(path, format="turtle")
    for engine in ("compiled", "pyshacl"):
        run = CliRunner().invoke(validate_command, [str(path), "--engine", engine,
                                                    "--format", "json"])
        assert run.exit_code == 0, run.output
        assert json.loads(run.output)["conforms"] is False
