"""SHACL-SPARQL constraints run on Oxigraph: each constraint is one query over the whole graph.

pyshacl runs a SPARQL constraint once per focus node and re-parses the query
each time, which costs minutes on the shipped graph. Every constraint in
shapes/rules.ttl binds $this with a triple pattern of its own, so the same
query with $this left free finds every violating focus node in one pass; the
query is wrapped so that it keeps only the rows whose $this the shape targets.
tests/test_shapes.py checks that this gives pyshacl's verdicts on every bad case.

The same queries serve kg.validate.report (an in-memory copy of an rdflib graph) and
kg/validate/compiled.py (a store validated in place): `targeted_query` is the one
place that turns a constraint into the query that runs.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import RDF, RDFS, SH

THIS = re.compile(r"\$this\b")
TEMPLATE = re.compile(r"\{[?$](\w+)\}")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
# A constraint may give, besides its sh:select (what pyshacl runs per focus node), an equivalent
# query that plans well with $this free over a whole store; the tests compare the two.
WHOLE_GRAPH_SELECT = URIRef("https://w3id.org/unkg/shapes#wholeGraphSelect")


@dataclass(frozen=True)
class SparqlConstraint:
    shape: Node
    constraint: Node
    severity: URIRef
    target_classes: tuple[URIRef, ...]
    message: str
    prefixes: str  # PREFIX lines from sh:prefixes
    select: str  # the sh:select text with $this as ?this

    @property
    def query(self) -> str:
        return self.prefixes + self.select


class Hierarchy:
    """rdfs:subClassOf, closed transitively downwards: what SHACL's rdfs:subClassOf* reaches.

    Computed once in Python from the store's own subClassOf triples plus any given
    (the ontology need not be in a store validated in place), so every query names
    its classes with VALUES instead of walking a property path per node.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self._subs: dict[str, set[str]] = defaultdict(set)
        for sub, sup in pairs:
            self._subs[sup].add(sub)

    @classmethod
    def of(cls, store: ox.Store, extra: Graph | None = None) -> "Hierarchy":
        query = f"SELECT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}> ?sup }}"
        pairs = [(row["sub"].value, row["sup"].value) for row in store.query(query)
                 if isinstance(row["sub"], ox.NamedNode) and isinstance(row["sup"], ox.NamedNode)]
        if extra is not None:
            pairs += [(str(s), str(o)) for s, o in extra.subject_objects(RDFS.subClassOf)
                      if isinstance(s, URIRef) and isinstance(o, URIRef)]
        return cls(pairs)

    def subclasses(self, cls: str) -> tuple[str, ...]:
        """The class and every class below it, sorted (stable query text)."""
        found, todo = {cls}, [cls]
        while todo:
            for sub in self._subs.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return tuple(sorted(found))

    def typed(self, var: str, classes: Iterable[str], type_var: str) -> str:
        """A pattern binding ?var to the instances of `classes` (with their subclasses)."""
        every = sorted({sub for cls in classes for sub in self.subclasses(cls)})
        if len(every) == 1:
            return f"?{var} a <{every[0]}> ."
        values = " ".join(f"<{c}>" for c in every)
        return f"VALUES ?{type_var} {{ {values} }} ?{var} a ?{type_var} ."


def sparql_constraints(shapes: Graph) -> list[SparqlConstraint]:
    """Every sh:sparql constraint of every node shape, with its prefixes and targets."""
    found = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        other = {p for p in TARGETS if (shape, p, None) in shapes} - {SH.targetClass}
        if other:  # the wrapper below restricts rows by class only
            raise ValueError(f"SPARQL constraints of {shape} need sh:targetClass targets, not "
                             + ", ".join(sorted(str(p) for p in other)))
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
            prefixes=prefixes,
            select=THIS.sub("?this", str(shapes.value(constraint, WHOLE_GRAPH_SELECT)
                                         or shapes.value(constraint, SH.select))),
        ))
    return found


def targeted_query(constraint: SparqlConstraint, hierarchy: Hierarchy) -> str:
    """The constraint's query, keeping only rows whose ?this is an instance of a target class."""
    focus = hierarchy.typed("this", constraint.target_classes, "targetType")
    return (f"{constraint.prefixes}SELECT * WHERE {{\n{{ {constraint.select} }}\n"
            f"FILTER (BOUND(?this) && EXISTS {{ {focus} }})\n}}")


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
    hierarchy = Hierarchy.of(store)
    added = 0
    for constraint in sparql_constraints(shapes):
        for row in rows(store, targeted_query(constraint, hierarchy)):
            add_result(report, report_node, constraint, row)
            added += 1
    return added


def add_result(report: Graph, report_node: Node, constraint: SparqlConstraint,
               row: dict[str, Node]) -> None:
    """One row of a constraint as a sh:ValidationResult of the report."""
    result = add_result_node(report, report_node, focus=row["this"],
                             severity=constraint.severity, shape=constraint.shape,
                             component=SH.SPARQLConstraintComponent,
                             message=message(constraint.message, row), value=row.get("value"),
                             path=row.get("path"))
    report.add((result, SH.sourceConstraint, constraint.constraint))


def add_result_node(report: Graph, report_node: Node, *, focus: Node, severity: Node,
                    shape: Node, component: Node, message: str, value: Node | None,
                    path: Node | None) -> BNode:
    """A sh:ValidationResult in the report (shared by the SPARQL and the compiled core checks)."""
    result = BNode()
    report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.focusNode, focus))
    report.add((result, SH.resultSeverity, severity))
    report.add((result, SH.sourceShape, shape))
    report.add((result, SH.sourceConstraintComponent, component))
    report.add((result, SH.resultMessage, Literal(message)))
    if value is not None:
        report.add((result, SH.value, value))
    if path is not None:
        report.add((result, SH.resultPath, path))
    return result


def rows(store: ox.Store, query: str) -> Iterator[dict[str, Node]]:
    """The solutions of a SELECT query as rdflib terms, unbound variables left out."""
    solutions = store.query(query)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = URIRef(term.datatype.value) if term.language is None else None
    return Literal(term.value, lang=term.language, datatype=datatype)


def message(template: str, row: dict[str, Node]) -> str:
    """Fill {?name} and {$this} with the row's values, as SHACL-SPARQL describes."""
    return TEMPLATE.sub(lambda m: str(row.get(m.group(1), m.group(0))), template)
