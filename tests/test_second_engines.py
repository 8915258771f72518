"""The shapes' verdicts do not depend on one engine.

kg.validate.report runs the core shapes in pyshacl and the SPARQL constraints in Oxigraph
(kg/validate/sparql.py). Two cross-checks, on the good fixture and every bad case:
- the SPARQL constraints give the same results as pyshacl running them itself
  (rdflib's SPARQL engine, per focus node, as SHACL specifies);
- the core shapes give the same violating focus nodes in a second, independent
  SHACL engine: shacl-engine from npm (JavaScript), driven by tests/shacl_js/validate.js.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.validate.report import _short, shapes_graph, validate
from kg.validate.sparql import without_sparql
from tests.conftest import require
from tests.shape_cases import CASES, CONFORMING, GOOD, Case

pytestmark = pytest.mark.slow  # pyshacl's own SPARQL and the JavaScript engine: seconds each

SHACL_JS = Path(__file__).parent / "shacl_js"


def sparql_constraint_names() -> set[str]:
    return {_short(c) for c in shapes_graph().objects(None, SH.sparql)}


SPARQL_NAMES = sparql_constraint_names()  # once: every worker sorts the cases at collection


def uses_sparql(case: Case) -> bool:
    return any(shape in SPARQL_NAMES for shape, _ in case.expected)


SPARQL_CASES = [c for c in CASES if uses_sparql(c)]
CORE_CASES = [c for c in CASES if not uses_sparql(c)]


@pytest.mark.parametrize("case", SPARQL_CASES, ids=[c.name for c in SPARQL_CASES])
def test_sparql_constraints_agree_with_pyshacl_alone(case: Case) -> None:
    graph = case.graph()
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph(), inference="none",
                                    allow_warnings=True, advanced=False)
    theirs = {(_short(report.value(r, SH.sourceConstraint) or report.value(r, SH.sourceShape)),
               _short(report.value(r, SH.focusNode)))
              for r in report.subjects(RDF.type, SH.ValidationResult)}
    ours = {(r.shape, r.focus) for r in validate(graph).results}
    assert ours == theirs
    assert case.expected <= ours


@pytest.mark.parametrize("case", CONFORMING, ids=[c.name for c in CONFORMING])
def test_conforming_change_passes_pyshacl_alone(case: Case) -> None:
    conforms, report, _ = pyshacl.validate(case.graph(), shacl_graph=shapes_graph(),
                                           inference="none", allow_warnings=True, advanced=False)
    assert conforms
    assert not list(report.subjects(RDF.type, SH.ValidationResult))
    assert validate(case.graph()).results == []


def _node_ready() -> bool:
    return shutil.which("node") is not None and (SHACL_JS / "node_modules").is_dir()


def test_core_shapes_agree_with_the_javascript_engine(tmp_path: Path) -> None:
    require(_node_ready(), "run `npm ci` in tests/shacl_js (scripts/test does)")
    shapes_dir = tmp_path / "shapes"
    shapes_dir.mkdir()
    (shapes_dir / "core.ttl").write_text(without_sparql(shapes_graph()).serialize(format="nt"))
    files = {"good": tmp_path / "good.ttl"}
    shutil.copy(GOOD, files["good"])
    graphs: dict[str, Graph] = {"good": Graph().parse(GOOD, format="turtle")}
    for n, case in enumerate(CORE_CASES):
        graphs[case.name] = case.graph()
        files[case.name] = tmp_path / f"case-{n}.ttl"
        files[case.name].write_text(graphs[case.name].serialize(format="nt"))
    run = subprocess.run(["node", str(SHACL_JS / "validate.js"), str(shapes_dir),
                          *map(str, files.values())], capture_output=True, text=True, check=True)
    verdicts = json.loads(run.stdout)
    checked = 0
    for name, path in files.items():
        js = verdicts[str(path)]
        ours = {r.focus for r in validate(graphs[name]).violations}
        js_focus = {_short_iri(f) for f in js["violations"]}
        assert js_focus == ours, name
        assert js["conforms"] is (not ours), name
        checked += 1
    assert checked == len(CORE_CASES) + 1


def _short_iri(text: str) -> str:
    return _short(URIRef(text))
