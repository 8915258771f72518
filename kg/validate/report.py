"""SHACL validation of the graph against shapes/*.ttl, with a report a curator can act on.

Engines: pyshacl for the core constraints, Oxigraph for the SPARQL ones (kg/validate/sparql.py),
inference "none". The shapes name the classes the build asserts (docs/MODEL.md)
and SHACL itself follows rdfs:subClassOf for targets and sh:class, so only the ontology's class
hierarchy is added to (a copy of) the data. RDFS inference would add every schema:/prov:/org:
superclass triple and slow validation for no extra check.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.util import guess_format

from kg.errors import CuratorError
from kg.model.namespaces import OA, OPENGOV, PREFIXES, UNKG, curie
from kg.project import shape_files
from kg.validate.sparql import check as check_sparql
from kg.validate.sparql import without_sparql

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, with what a curator needs to find and fix the record."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    label: str | None
    path: str | None
    value: str | None
    message: str
    curated_in: tuple[str, ...]
    shape: str  # the shape (or SPARQL constraint) that failed
    component: str  # the SHACL constraint component, e.g. sh:MinCountConstraintComponent


@dataclass
class ValidationReport:
    """The results and three renderings of them. Two verdicts: SHACL's `conforms` (no result of
    any severity, what sh:conforms says) and the project's `passes` (no violation: warnings are
    listed for a curator but do not stop a build)."""

    results: list[ValidationResult]
    graph: Graph  # the standard sh:ValidationReport graph
    # (severity, shape) -> results found but not listed: a store validated in place lists the
    # first few of each constraint (kg/validate/compiled.py); empty when every result is listed.
    omitted: dict[tuple[str, str], int] = field(default_factory=dict)
    # Checks the engine could not make exactly, in a curator's words (see kg/validate/compiled.py).
    limits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        node = self.graph.value(predicate=RDF.type, object=SH.ValidationReport)
        if node is None:
            node = BNode()
            self.graph.add((node, RDF.type, SH.ValidationReport))
        self.graph.set((node, SH.conforms, Literal(self.conforms)))

    @property
    def conforms(self) -> bool:
        """SHACL's verdict: true only when the report has no result at all (warnings too)."""
        return not self.results and not self.omitted

    @property
    def passes(self) -> bool:
        """The project's rule: no violation (warnings and infos do not fail a build)."""
        return self._count("Violation") == 0

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def _count(self, severity: str) -> int:
        listed = sum(1 for r in self.results if r.severity == severity)
        return listed + sum(n for (sev, _), n in self.omitted.items() if sev == severity)

    def text(self) -> str:
        if not self.results and not self.omitted:
            return "The graph conforms to the shapes: no violation, no warning.\n" + (
                self._limits_text())
        verdict = ("Passes (no violation), but does not conform" if self.passes
                   else "Does NOT pass")
        lines = [
            f"{verdict}: {self._count('Violation')} violation(s), "
            f"{self._count('Warning')} warning(s), {self._count('Info')} info(s)."
        ]
        for severity in sorted({r.severity for r in self.results}, key=SEVERITY_ORDER.get):
            group = [r for r in self.results if r.severity == severity]
            lines += ["", f"== {severity}s ({len(group)}) =="]
            for r in group:
                name = f"{r.label} ({r.focus})" if r.label else r.focus
                lines.append(f"- {name}")
                lines.append(f"    {r.message}")
                if r.path or r.value:
                    lines.append(f"    property: {r.path or '-'}   value: {r.value or '-'}")
                if r.curated_in:
                    lines.append(f"    curated in: {', '.join(r.curated_in)}")
            for (sev, shape), n in sorted(self.omitted.items()):
                if sev == severity:
                    lines.append(f"- ... and {n} more from {shape}, not listed")
        return "\n".join(lines) + "\n" + self._limits_text()

    def _limits_text(self) -> str:
        if not self.limits:
            return ""
        return "\n".join(["", "== Not checked exactly ==", *(f"- {t}" for t in self.limits)]) + "\n"

    def turtle(self) -> str:
        # Canonical blank-node labels make the same report serialise to the same bytes.
        canonical = Graph()
        canonical += to_canonical_graph(self.graph)
        for prefix, namespace in PREFIXES.items():
            canonical.bind(prefix, namespace)
        canonical.bind("sh", SH)
        return canonical.serialize(format="turtle")

    def json(self) -> str:
        document: dict = {"conforms": self.conforms, "passes": self.passes,
                           "results": [asdict(r) for r in self.results]}
        if self.limits:
            document["limits"] = self.limits
        if self.omitted:
            document["omitted"] = [{"severity": sev, "shape": shape, "count": n}
                                   for (sev, shape), n in sorted(self.omitted.items())]
        return json.dumps(document, indent=2, ensure_ascii=False)


@cache
def shapes_graph(project: Path | None = None) -> Graph:
    """Every shape (packaged, then the project's own), parsed once per process and project."""
    graph = Graph()
    for resource in shape_files(project):
        try:
            graph.parse(data=resource.read_text(encoding="utf-8"), format="turtle")
        except Exception as err:  # rdflib raises several parser exception types
            raise CuratorError(f"the shapes do not parse: {err}", file=str(resource)) from None
    return graph


@cache
def _core_shapes(project: Path | None) -> Graph:
    # what pyshacl runs, split off once per process and project like shapes_graph itself
    return without_sparql(shapes_graph(project))


def validate(data: Graph, ontology: Graph | None = None, *,
             project: Path | None = None) -> ValidationReport:
    """Validate `data` against every shape (packaged, and the project's own); `ontology`
    supplies the class hierarchy."""
    if ontology is not None:
        # Only the class hierarchy matters to SHACL (targets, sh:class). pyshacl's ont_graph
        # mixes the whole ontology into a clone and ran 100x slower on the fixtures.
        data_and_classes = Graph()
        data_and_classes += data
        data_and_classes += ontology.triples((None, RDFS.subClassOf, None))
    graph = data if ontology is None else data_and_classes
    import pyshacl  # only the reference engine needs it: `kg build` starts without it

    # Core constraints run in pyshacl; the SPARQL ones, one query each, in Oxigraph.
    _, report_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=_core_shapes(project),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    report_node = report_graph.value(predicate=RDF.type, object=SH.ValidationReport)
    check_sparql(graph, shapes_graph(project), report_graph, report_node)
    nodes = report_graph.subjects(RDF.type, SH.ValidationResult)
    results = sorted((_result(report_graph, node, data) for node in nodes), key=_order)
    return ValidationReport(results=results, graph=report_graph)


def _order(r: ValidationResult) -> tuple:
    return (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.shape, r.path or "", r.value or "")


def _result(report: Graph, node: Node, data: Graph) -> ValidationResult:
    return result_from_report(
        report, node, lambda n, p: data.objects(n, p), lambda p, n: data.subjects(p, n)
    )


def result_from_report(
    report: Graph, node: Node, objects: Objects, subjects: Subjects
) -> ValidationResult:
    """One sh:ValidationResult of `report` in short forms; the data is read through
    `objects`/`subjects` (see label_of), only for the result's focus node."""
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    severity = report.value(node, SH.resultSeverity)
    shape = report.value(node, SH.sourceConstraint) or report.value(node, SH.sourceShape)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return ValidationResult(
        severity=str(severity).removeprefix(str(SH)),
        focus=_short(focus),
        label=label_of(focus, objects) if focus is not None else None,
        path=_short(path) if path is not None and not isinstance(path, BNode) else None,
        value=_short(value) if value is not None else None,
        message=messages[0] if messages else "(no message)",
        curated_in=tuple(sorted(curated_in_of(focus, objects, subjects) if focus else ())),
        shape=_short(shape),
        component=_short(report.value(node, SH.sourceConstraintComponent)),
    )


SHAPE_PREFIXES = {"sh": str(SH), "unkgsh": "https://w3id.org/unkg/shapes#"}


def _short(node: Node | None) -> str:
    """A node as a curator reads it: id:state/USA, unkg:Yes, a literal's text."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return curie(str(node), SHAPE_PREFIXES) or str(node)


# How a result names its record, over any graph: `objects(node, predicate)` and
# `subjects(predicate, node)` are the only reads (an rdflib Graph here, a store in
# kg/validate/compiled.py).
Objects = Callable[[Node, URIRef], Iterable[Node]]
Subjects = Callable[[URIRef, Node], Iterable[Node]]


def label_of(node: Node, objects: Objects) -> str | None:
    for prop in (RDFS.label, SKOS.prefLabel):
        label = next(iter(objects(node, prop)), None)
        if label is not None:
            return str(label)
    return None


# Nodes without their own record (counts, evidence, targets, selectors) lead to the facts they
# belong to: up through these links, then down oa:hasBody to the facts an evidence supports. A
# ballot imported in bulk leads to its vote event, which names the rows of all its ballots.
_UP = (OA.hasSelector, OA.hasTarget, OPENGOV["count"])
_DOWN = (OA.hasBody, OPENGOV.voteEvent)


def curated_in_of(node: Node, objects: Objects, subjects: Subjects, depth: int = 3) -> set[str]:
    direct = {str(o) for o in objects(node, UNKG.curatedIn)}
    if direct or depth == 0:
        return direct
    found: set[str] = set()
    for link in _DOWN:
        for fact in objects(node, link):
            found |= {str(o) for o in objects(fact, UNKG.curatedIn)}
    for link in _UP:
        for parent in subjects(link, node):
            found |= curated_in_of(parent, objects, subjects, depth - 1)
    return found


@contextmanager
def literals_as_written() -> Iterator[None]:
    """Parse literals as written: by default rdflib rewrites "none"^^xsd:boolean to "false"
    (ill-formed, but no longer visibly so to an engine reading the text) and "01"^^xsd:integer
    to "1", and SHACL checks, and a report quotes, what the data says."""
    saved = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = saved


def load_rdf(paths: Iterable[Path]) -> Graph:
    """Parse RDF files into one graph (format from the extension); a bad file is a CuratorError."""
    with literals_as_written():
        return _load_rdf(paths)


def _load_rdf(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        fmt = guess_format(str(path))
        if fmt is None:
            raise CuratorError(
                "unknown RDF format; name the file .ttl, .nt, .nq, .trig, .rdf, .xml or .jsonld",
                file=str(path),
            )
        try:
            graph.parse(path, format=fmt)
        except FileNotFoundError:
            message = "file not found; run `kg build` or give an existing file"
            raise CuratorError(message, file=str(path)) from None
        except Exception as error:  # rdflib raises many parser-specific types
            raise CuratorError(f"cannot read it as {fmt}: {error}", file=str(path)) from None
    return graph
