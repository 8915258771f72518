"""The compiled engine (kg/validate/compiled.py) and pyshacl held to the W3C SHACL test suite.

Every sht:Validate test of ../shared/w3c-shacl-tests runs through the engine of `kg validate`
(and through pyshacl, the reference). A test whose shapes use only what the compiled engine
claims (kg.validate.compiled.FEATURES) must give the expected report; any other must be refused
with a message naming what is unsupported and pointing to --engine pyshacl. The figures the
README states are recomputed here.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest

from kg.validate.compiled import FEATURES, validate_graph
from kg.validate.sparql import InvalidShape, ShapeError, UnsupportedShape
from tests.w3c_suite import SUITE, Entry, entries, results_of

if not SUITE.is_dir():
    reason = f"the W3C SHACL test suite is not at {SUITE} (a bare clone has no ../shared)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)

ENTRIES = entries()
README = Path(__file__).resolve().parents[1] / "README.md"


@cache
def outcome(entry: Entry) -> tuple[str, str]:
    """("passed" | "refused" | "wrong", why) for the compiled engine on one test."""
    data, shapes = entry.graphs()
    unsupported = entry.features() - FEATURES
    try:
        report = validate_graph(data, shapes=shapes)
    except UnsupportedShape as error:
        if entry.fails:
            return "passed", f"rejected: {error}"
        if not unsupported:
            return "wrong", f"refused a test of supported features: {error}"
        if error.feature not in unsupported or "--engine pyshacl" not in str(error):
            return "wrong", f"refused naming no feature the test uses unsupported: {error}"
        return "refused", str(error)
    except InvalidShape as error:
        return ("passed", f"rejected: {error}") if entry.fails else ("wrong", str(error))
    if entry.fails:
        return "wrong", "accepted shapes the test expects to be rejected"
    if unsupported:
        return "wrong", f"ran shapes using {sorted(map(str, unsupported))} without refusing"
    expected = entry.expected_report()
    ours = (report.conforms, results_of(report.graph, None, [data, shapes]))
    if ours != expected:
        return "wrong", (f"conforms {ours[0]} (expected {expected[0]}); missing "
                         f"{sorted(map(str, expected[1] - ours[1]))}; unexpected "
                         f"{sorted(map(str, ours[1] - expected[1]))}")
    return "passed", ""


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_compiled_engine(entry: Entry) -> None:
    verdict, why = outcome(entry)
    assert verdict != "wrong", why


def _pyshacl(entry: Entry) -> tuple[bool, frozenset]:
    data, shapes = entry.graphs()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                           advanced=True)
    return conforms, results_of(report, None, [data, shapes])


# Where pyshacl (the reference engine of `kg validate --engine pyshacl`) departs from the suite.
PYSHACL_DEPARTS = {
    "core/path/path-strange-001": "its sh:resultPath is the shape's own path node, which also "
    "says sh:inversePath; the suite expects the sequence path alone",
    "core/path/path-strange-002": "the same: the path node as the shape spells it",
    "core/property/uniqueLang-002": 'it reads sh:uniqueLang "1"^^xsd:boolean as true; only '
    'true turns the constraint on',
    "sparql/pre-binding/shapesGraph-001": "it does not pre-bind $shapesGraph",
}


def _reference(entry: Entry) -> object:
    reason = PYSHACL_DEPARTS.get(entry.id)
    return pytest.param(entry, id=entry.id, marks=[pytest.mark.xfail(reason=reason, strict=True)]
                        if reason else [])


@pytest.mark.slow  # the reference engine's own conformance: the compiled engine's runs above
@pytest.mark.parametrize("entry", [_reference(e) for e in ENTRIES])
def test_pyshacl_reference(entry: Entry) -> None:
    if entry.fails:
        with pytest.raises(Exception):  # noqa: B017 (pyshacl raises several kinds)
            _pyshacl(entry)
        return
    assert _pyshacl(entry) == entry.expected_report()


def figures(part: str) -> dict[str, int]:
    counts = {"total": 0, "passed": 0, "refused": 0, "wrong": 0}
    for entry in ENTRIES:
        if entry.part == part:
            counts["total"] += 1
            counts[outcome(entry)[0]] += 1
    return counts


@pytest.mark.parametrize(("part", "title"), [("core", "SHACL Core"),
                                             ("sparql", "SHACL-SPARQL")])
def test_readme_states_the_conformance_figures(part: str, title: str) -> None:
    n = figures(part)
    line = (f"{title}: {n['passed']} of {n['total']} tests passed, {n['refused']} refused as "
            f"unsupported, {n['wrong']} wrong")
    assert line in README.read_text(encoding="utf-8"), line


def test_a_refusal_names_the_feature() -> None:
    refused = [outcome(e)[1] for e in ENTRIES if outcome(e)[0] == "refused"]
    assert refused
    for message in refused:
        assert re.search(r"^\S+.* is not supported by the compiled engine .*; use --engine "
                         r"pyshacl$", message), message


def test_a_shape_error_is_a_value_error() -> None:
    assert issubclass(ShapeError, ValueError)
