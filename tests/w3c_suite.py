"""The W3C SHACL test suite (../shared/w3c-shacl-tests): its manifests read, and a report
reduced to what the suite compares (sh:conforms, and the set of results by focus node, path,
value, source shape, constraint component and severity; messages ignored).

Blank nodes differ between the files a test reads and the reports engines write, so a blank
node is compared by what the graphs say of it (its properties, a few levels deep): a property
shape or a path written [ ... ] matches the same [ ... ] wherever it was parsed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.validate import compiled
from kg.validate.report import literals_as_written
from kg.validate.sparql import feature_name

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c-shacl-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# Every SHACL term a shapes graph can use to constrain, target or navigate: what a test uses
# is read against what an engine claims (kg.validate.compiled.FEATURES).
SHACL_FEATURES = {SH[name] for name in (
    "targetClass targetNode targetSubjectsOf targetObjectsOf class datatype nodeKind minCount "
    "maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern "
    "flags languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node "
    "property qualifiedValueShape qualifiedMinCount qualifiedMaxCount "
    "qualifiedValueShapesDisjoint closed ignoredProperties hasValue in sparql deactivated "
    "severity inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath "
    "select").split()}


@dataclass(frozen=True)
class Entry:
    """One sht:Validate test of a manifest."""

    file: Path
    test: str  # the test's IRI
    label: str
    data: Path
    shapes: Path

    @property
    def name(self) -> str:
        return self.test.rsplit("/", 1)[-1]

    @property
    def expected(self) -> Graph:
        """The file's graph, holding the expected report (parsed when a test reads it)."""
        return parse(self.file)

    @property
    def result(self) -> Node:
        """The mf:result node: a sh:ValidationReport, or sht:Failure."""
        return self.expected.value(URIRef(self.test), MF.result)

    @property
    def id(self) -> str:
        return f"{self.file.relative_to(SUITE).parent}/{self.name}"

    @property
    def part(self) -> str:
        """"core" or "sparql"."""
        return self.file.relative_to(SUITE).parts[0]

    @property
    def fails(self) -> bool:
        """The test expects the engine to reject the shapes (e.g. SPARQL SHACL forbids)."""
        return self.result == SHT.Failure

    def graphs(self) -> tuple[Graph, Graph]:
        """(data graph, shapes graph), each parsed from its file."""
        return parse(self.data), parse(self.shapes)

    def features(self) -> set[str]:
        """The SHACL features the shapes graph uses (the expected report left out), named as
        kg.validate.compiled names them: "sh:datatype", or a term where an engine may not take
        it ("sh:property in a property shape", "sh:property inside sh:or"), or
        "sh:ConstraintComponent" for a shape using a constraint component's parameter."""
        shapes = parse(self.shapes)
        report = set(_reachable(shapes, self.result)) if self.shapes == self.file else set()
        members = {m for lists in shapes.objects(None, SH["or"])
                   for m in Collection(shapes, lists)}
        parameters = {shapes.value(p, SH.path) for p in shapes.objects(None, SH.parameter)}
        used = set()
        for s, p, _ in shapes:
            if s in report:
                continue
            if p in parameters and (None, SH.parameter, s) not in shapes:  # a shape using it
                used.add(compiled.CUSTOM_COMPONENT)
            if p not in SHACL_FEATURES:
                continue
            name = feature_name(p)
            if s in members and p not in compiled.SUPPORTED_IN_OR:
                name = f"{name} {compiled.INSIDE_OR}"
            elif (s, SH.path, None) in shapes and p in compiled.NODE_SHAPE_ONLY:
                name = f"{name} {compiled.IN_PROPERTY_SHAPE}"
            elif (s, SH.path, None) not in shapes and p in compiled.PROPERTY_SHAPE_ONLY:
                name = f"{name} {compiled.IN_NODE_SHAPE}"
            used.add(name)
        for select in shapes.objects(None, SH.select):
            used |= {v for v in ("$shapesGraph", "$currentShape") if v in str(select)}
        return used

    def expected_report(self) -> tuple[bool, frozenset]:
        conforms = self.expected.value(self.result, SH.conforms)
        context = [self.expected, *self.graphs()]
        return bool(conforms.toPython()), results_of(self.expected, self.result, context)


def entries() -> list[Entry]:
    """Every sht:Validate test reachable from the suite's manifest.ttl, in manifest order."""
    found: list[Entry] = []
    _read(SUITE / "manifest.ttl", found)
    return found


def _read(path: Path, found: list[Entry]) -> None:
    # The manifests are scanned with Oxigraph's parser (a tenth of rdflib's time, paid by every
    # worker at collection); rdflib parses a test's file when the test runs (`parse`).
    said: dict[tuple[str, str], list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
        said.setdefault((str(triple.subject), triple.predicate.value), []).append(triple.object)

    def value(node: object, predicate: URIRef) -> object:
        return next(iter(said.get((str(node), str(predicate)), [])), None)

    manifest = f"<{path.as_uri()}>"
    for included in said.get((manifest, str(MF.include)), []):
        _read(Path(included.value.removeprefix("file://")), found)
    for item in said.get((manifest, str(MF.entries)), []):
        while item is not None and str(item) != f"<{RDF.nil}>":
            test = value(item, RDF.first)
            item = value(item, RDF.rest)
            if str(SHT.Validate) not in {t.value for t in said.get((str(test), str(RDF.type)),
                                                                    [])}:
                continue
            action = value(test, MF.action)
            label = value(test, RDFS.label)
            found.append(Entry(
                file=path,
                test=test.value,
                label=label.value if label is not None else "None",
                data=_file(value(action, SHT.dataGraph).value),
                shapes=_file(value(action, SHT.shapesGraph).value),
            ))


def _file(iri: str) -> Path:
    return Path(iri.removeprefix("file://"))


_parsed: dict[Path, Graph] = {}


def parse(path: Path) -> Graph:
    """A file of the suite as a graph (parsed once: a test compares blank nodes by identity
    where its data, shapes and expected report are one file)."""
    if path not in _parsed:
        with literals_as_written():  # as `kg validate` reads files
            _parsed[path] = Graph().parse(path, format="turtle", publicID=path.as_uri())
    return _parsed[path]


def _reachable(graph: Graph, node: Node) -> Iterable[Node]:
    """The expected report's own nodes: itself, its results and their paths (not the shapes
    and data nodes they name)."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        yield current
        todo += [o for p, o in graph.predicate_objects(current)
                 if isinstance(o, BNode) and p not in REFERENCES]


REFERENCES = {SH.sourceShape, SH.focusNode, SH.value, SH.sourceConstraint}


def results_of(report: Graph, report_node: Node | None, context: list[Graph]) -> frozenset:
    """The report's results as the suite compares them; blank nodes described from `context`
    (the report itself, the data and the shapes graphs)."""
    if report_node is None:  # the top results only, not those nested as sh:detail
        report_node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    nodes = report.objects(report_node, SH.result)
    return frozenset(
        tuple(key(report.value(r, p), [report, *context]) for p in (
            SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
            SH.sourceConstraintComponent, SH.resultSeverity))
        for r in nodes)


def key(node: Node | None, context: list[Graph], depth: int = 4) -> object:
    """A term as compared: itself, or for a blank node what the graphs say of it."""
    if isinstance(node, Literal):  # a simple literal is an xsd:string (RDF 1.1)
        datatype = node.datatype or (None if node.language else XSD.string)
        return ("literal", str(node), str(datatype or ""), node.language or "")
    if not isinstance(node, BNode):
        return node
    if depth == 0:
        return "_:"
    described = set()
    for graph in context:
        for p, o in graph.predicate_objects(node):
            described.add((p, key(o, context, depth - 1)))
    return ("_:", frozenset(described))
