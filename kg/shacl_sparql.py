"""SHACL-SPARQL constraints run on Oxigraph: each constraint is one query over the whole graph.

pyshacl runs a SPARQL constraint once per focus node and re-parses the query
each time, which costs minutes on the shipped graph. Every constraint in
shapes/rules.ttl binds $this with a triple pattern of its own, so the same
query with $this left free finds every violating focus node in one pass; the
rows are then kept for the nodes the shape targets. tests/test_shapes.py checks
that this gives pyshacl's verdicts on every bad case.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH

THIS = re.compile(r"\$this\b")
TEMPLATE = re.compile(r"\{[?$](\w+)\}")


@dataclass(frozen=True)
class SparqlConstraint:
    shape: Node
    constraint: Node
    severity: URIRef
    target_classes: tuple[URIRef, ...]
    message: str
    query: str


def sparql_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every sh:sparql constraint of every node shape, with its prefixes and targets."""
    found = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        prefixes = "".join(
            f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>\n"
            for owner in shapes.objects(constraint, SH.prefixes)
            for decl in sorted(shapes.objects(owner, SH.declare)))
        found.append(SparqlConstraint(
            shape=shape,
            constraint=constraint,
            severity=shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
            or SH.Violation,
            target_classes=tuple(sorted(shapes.objects(shape, SH.targetClass))),
            message=str(shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)),
            query=prefixes + THIS.sub("?this", str(shapes.value(constraint, SH.select))),
        ))
    return found


def without_sparql(shapes: Graph) -> Graph:
    """The shapes graph minus its SPARQL constraints: what pyshacl still runs."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


def check(data: Graph, shapes: Graph, report: Graph, report_node: Node) -> int:
    """Add a sh:ValidationResult to the report for every row of every constraint; the count."""
    store = ox.Store()
    store.load(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    added = 0
    for constraint in sparql_constraints(shapes):
        focus = _targets(store, constraint.target_classes)
        for row in _rows(store, constraint.query):
            this = row.get("this")
            if this is None or this not in focus:
                continue
            result = BNode()
            report.add((report_node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, this))
            report.add((result, SH.resultSeverity, constraint.severity))
            report.add((result, SH.sourceShape, constraint.shape))
            report.add((result, SH.sourceConstraint, constraint.constraint))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((result, SH.resultMessage, Literal(_message(constraint.message, row))))
            if row.get("value") is not None:
                report.add((result, SH.value, row["value"]))
            if row.get("path") is not None:
                report.add((result, SH.resultPath, row["path"]))
            added += 1
    return added


def _targets(store: ox.Store, classes: tuple[URIRef, ...]) -> set[Node]:
    values = " ".join(f"<{cls}>" for cls in classes)
    query = (f"SELECT DISTINCT ?node WHERE {{ VALUES ?target {{ {values} }} "
             f"?node a ?type . ?type <{RDFS.subClassOf}>* ?target }}")
    return {row["node"] for row in _rows(store, query)}


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, Node]]:
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: _term(solution[name]) for name in names if solution[name] is not None}


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = URIRef(term.datatype.value) if term.language is None else None
    return Literal(term.value, lang=term.language, datatype=datatype)


def _message(template: str, row: dict[str, Node]) -> str:
    """Fill {?name} and {$this} with the row's values, as SHACL-SPARQL describes."""
    return TEMPLATE.sub(lambda m: str(row.get(m.group(1), m.group(0))), template)
