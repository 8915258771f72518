"""SHACL-SPARQL constraints run on Oxigraph: each constraint is one query over the whole graph.

pyshacl runs a SPARQL constraint once per focus node and re-parses the query
each time, which costs minutes on the shipped graph. Every constraint in
shapes/rules.ttl binds $this with a triple pattern of its own, so the same
query with $this left free finds every violating focus node in one pass; the
query is wrapped so that it keeps only the rows whose $this the shape targets.
tests/test_shapes.py checks that this gives pyshacl's verdicts on every bad case. A query
for which that would not hold ($this not bound by a triple pattern, or read where it would
be unbound) runs once per focus node with $this pre-bound, as SHACL defines it.

The same queries serve kg.validate.report (an in-memory copy of an rdflib graph) and
kg/validate/compiled.py (a store validated in place): `targeted_query` is the one
place that turns a constraint into the query that runs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Variable

from kg.model.terms import OxigraphTerms, to_rdflib

THIS = re.compile(r"\$this\b")
THIS_VAR = Variable("this")
TEMPLATE = re.compile(r"\{[?$](\w+)\}")
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
# A constraint may give, besides its sh:select (what pyshacl runs per focus node), an equivalent
# query that plans well with $this free over a whole store; the tests compare the two.
WHOLE_GRAPH_SELECT = URIRef("https://w3id.org/unkg/shapes#wholeGraphSelect")
# What SHACL-SPARQL forbids in a query whose $this is pre-bound (SHACL 5.2.1); a sub-select is
# refused too, since this module runs the query with $this free, not pre-bound.
FORBIDDEN = {"MINUS": re.compile(r"\bMINUS\b", re.I), "VALUES": re.compile(r"\bVALUES\b", re.I),
             "SERVICE": re.compile(r"\bSERVICE\b", re.I),
             "AS $this": re.compile(r"\bAS\s+[?$]this\b", re.I)}
# A sub-select must return $this (SHACL 5.2.1): its projection, up to WHERE or the brace.
SUB_SELECT = re.compile(r"\bSELECT\b(.*?)(?:\bWHERE\b|\{)", re.I | re.S)
# Algebra nodes that pass a pattern through (rdflib's names): $this bound below is bound above.
PASS_THROUGH = {"SelectQuery", "Project", "Filter", "Extend", "Distinct", "Reduced", "Slice",
                "OrderBy", "ToMultiSet", "Group", "AggregateJoin"}


class ShapeError(ValueError):
    """A shapes graph the compiled engine will not run; refusing beats skipping a shape."""


class UnsupportedShape(ShapeError):
    """A shape uses SHACL the compiled engine does not translate (pyshacl does)."""

    def __init__(self, feature: str, shape: Node | None = None, detail: str = ""):
        self.feature = feature
        where = f" (shape {_name(shape)}{'; ' + detail if detail else ''})" if shape else (
            f" ({detail})" if detail else "")
        super().__init__(f"{feature} is not supported by the compiled engine{where}; "
                         "use --engine pyshacl")


class InvalidShape(ShapeError):
    """A shape SHACL itself forbids (e.g. a SPARQL constraint using MINUS)."""


def _name(node: Node | None) -> str:
    text = str(node)
    return "sh:" + text.removeprefix(str(SH)) if text.startswith(str(SH)) else (
        f"_:{text}" if isinstance(node, BNode) else f"<{text}>")


def feature_name(pred: Node) -> str:
    """A SHACL term as the refusal names it: sh:qualifiedValueShape."""
    return _name(pred)


@dataclass(frozen=True)
class Targets:
    """The focus nodes of a shape, merged over the node shapes that use a property shape."""

    classes: frozenset[str] = frozenset()
    nodes: frozenset[Node] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()

    def __or__(self, other: Targets) -> Targets:
        return Targets(self.classes | other.classes, self.nodes | other.nodes,
                       self.subjects_of | other.subjects_of, self.objects_of | other.objects_of)

    def __bool__(self) -> bool:
        return bool(self.classes or self.nodes or self.subjects_of or self.objects_of)

    def pattern(self, var: str, hierarchy: Hierarchy, fresh: Callable[[], str]) -> str:
        """A pattern binding ?var to every target (rdfs:subClassOf followed for classes);
        `fresh` names the helper variables."""
        branches = []
        if self.classes:
            branches.append(hierarchy.typed(var, self.classes, fresh()))
        if self.nodes:
            branches.append(f"VALUES ?{var} {{ {' '.join(map(sparql_term, sorted(self.nodes)))} }}")
        branches += [f"?{var} <{p}> ?{fresh()} ." for p in sorted(self.subjects_of)]
        branches += [f"?{fresh()} <{p}> ?{var} ." for p in sorted(self.objects_of)]
        if len(branches) == 1:
            return branches[0]
        return " UNION ".join(f"{{ {b} }}" for b in branches)


def implicit_class(shapes: Graph, shape: Node) -> bool:
    """A shape that is also a class targets that class's instances (SHACL 2.1.3.3)."""
    return any((shape, RDF.type, kind) in shapes for kind in (RDFS.Class, OWL.Class))


def targeted_shapes(shapes: Graph) -> set[Node]:
    found = {s for p in TARGETS for s in shapes.subjects(p, None)}
    return found | {s for s in shapes.subjects(RDF.type, SH.NodeShape) if implicit_class(shapes, s)}


def own_targets(shapes: Graph, shape: Node) -> Targets:
    classes = {str(c) for c in shapes.objects(shape, SH.targetClass)}
    if implicit_class(shapes, shape):
        classes.add(str(shape))
    return Targets(
        frozenset(classes),
        frozenset(shapes.objects(shape, SH.targetNode)),
        frozenset(str(p) for p in shapes.objects(shape, SH.targetSubjectsOf)),
        frozenset(str(p) for p in shapes.objects(shape, SH.targetObjectsOf)),
    )


def sparql_term(node: Node) -> str:
    """An rdflib term as SPARQL text."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = json.dumps(str(node), ensure_ascii=False)
        if node.language:
            return f"{text}@{node.language}"
        return f"{text}^^<{node.datatype or XSD.string}>"
    raise UnsupportedShape("a blank node as a constant", detail=f"_:{node}")


@dataclass(frozen=True)
class SparqlConstraint:
    shape: Node
    constraint: Node
    severity: URIRef
    targets: Targets
    message: str
    prefixes: str  # PREFIX lines from sh:prefixes
    select: str  # the sh:select text with $this as ?this
    # True when the query must run once per focus node with $this pre-bound: its sh:select
    # does not bind $this by a triple pattern, so running it with $this free finds other rows.
    per_focus: bool = False

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
        # equal hierarchies compile the same shapes to the same checks (a cache key)
        self._key = frozenset((sup, frozenset(subs)) for sup, subs in self._subs.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hierarchy) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    @classmethod
    def of(cls, store: ox.Store, extra: Graph | None = None) -> Hierarchy:
        query = f"SELECT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}> ?sup }}"
        pairs = [(row["sub"].value, row["sup"].value) for row in store.query(query)
                 if isinstance(row["sub"], ox.NamedNode) and isinstance(row["sup"], ox.NamedNode)]
        if extra is not None:
            pairs += [(str(s), str(o)) for s, o in extra.subject_objects(RDFS.subClassOf)
                      if isinstance(s, URIRef) and isinstance(o, URIRef)]
        return cls(pairs)

    def subclasses(self, cls: str) -> tuple[str, ...]:
        """The class and every class below it, sorted (stable query text). Keyed by plain str:
        an rdflib URIRef hashes differently from its text and would find no subclass."""
        cls = str(cls)
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
    """Every sh:sparql constraint of every targeted node shape, with its prefixes and targets."""
    found = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if shapes.value(shape, SH.deactivated) == Literal(True) or shapes.value(
                constraint, SH.deactivated) == Literal(True):
            continue
        if (shape, SH.path, None) in shapes:
            raise UnsupportedShape("sh:sparql in a property shape", shape)
        targets = own_targets(shapes, shape)
        select = shapes.value(constraint, SH.select)
        if not targets:
            continue
        if select is None:
            raise UnsupportedShape("a SPARQL constraint without sh:select", shape)
        for keyword, pattern in FORBIDDEN.items():
            if pattern.search(str(select)):
                raise InvalidShape(f"the sh:select of {_name(constraint)} (shape {_name(shape)}) "
                                   f"uses {keyword}, which SHACL-SPARQL does not allow with a "
                                   "pre-bound $this; rewrite the query without it")
        for variable in ("$shapesGraph", "$currentShape"):
            if variable in str(select):
                raise UnsupportedShape(variable, shape)
        for projection in SUB_SELECT.findall(str(select))[1:]:
            if not re.search(r"[?$]this\b", projection):
                raise InvalidShape(f"a sub-select in the sh:select of {_name(constraint)} (shape "
                                   f"{_name(shape)}) does not return $this, as SHACL-SPARQL "
                                   "requires; add $this to its SELECT")
        prefixes = _prefixes(shapes, constraint)
        whole_graph = shapes.value(constraint, WHOLE_GRAPH_SELECT)
        found.append(SparqlConstraint(
            shape=shape,
            constraint=constraint,
            severity=shapes.value(constraint, SH.severity) or shapes.value(shape, SH.severity)
            or SH.Violation,
            targets=targets,
            message=str(shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)),
            prefixes=prefixes,
            select=THIS.sub("?this", str(whole_graph or select)),
            per_focus=whole_graph is None and not _binds_this(prefixes + str(select), constraint),
        ))
    return found


def _prefixes(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines for the sh:declare of the constraint's sh:prefixes and what they import."""
    owners = list(shapes.objects(constraint, SH.prefixes))
    seen: set[Node] = set()
    declared: dict[str, str] = {}
    while owners:
        owner = owners.pop()
        if owner in seen:
            continue
        seen.add(owner)
        owners += list(shapes.objects(owner, OWL.imports))
        for decl in shapes.objects(owner, SH.declare):
            declared[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl, SH.namespace))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))


def _binds_this(query: str, constraint: Node) -> bool:
    """Whether running the query once with $this free gives, for each focus node, the rows it
    gives with $this pre-bound: $this is bound by a triple pattern, and every part of the
    query that reads $this sees it bound (a FILTER in an inner group of its own does not)."""
    try:
        ox.Store().query(query)  # Oxigraph's parser is the one that will run it
    except SyntaxError as error:
        raise InvalidShape(f"the sh:select of {_name(constraint)} is not valid SPARQL: "
                           f"{str(error).splitlines()[0]}") from None
    return _free_this_is_safe(query)


@cache
def _free_this_is_safe(query: str) -> bool:
    """The analysis of _binds_this, once per query text (rdflib parses in tens of ms)."""
    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # rdflib's parser is stricter here and there: run it the safe way
        return False
    binds, safe = _this_in(algebra)
    return binds and safe


def _mentions(node: object) -> bool:
    return repr(THIS_VAR) in repr(node)


def _this_in(node: object) -> tuple[bool, bool]:
    """(binds: every solution of this part binds $this by a triple pattern, safe: no part of it
    reads $this where it would be unbound with $this free), over rdflib's algebra."""
    name = getattr(node, "name", "")
    if name == "BGP":
        return any(THIS_VAR in triple for triple in node.triples), True
    if name in ("Join", "Union", "LeftJoin"):
        (b1, s1), (b2, s2) = _this_in(node.p1), _this_in(node.p2)
        safe = s1 and s2 and (b1 or not _mentions(node.p1)) and (b2 or not _mentions(node.p2))
        if name == "LeftJoin":  # OPTIONAL { ... } and its filter read $this as p1 binds it
            return b1, s1 and s2 and (b1 or not _mentions(node.p2))
        return (b1 or b2 if name == "Join" else b1 and b2), safe
    if name in ("Filter", "Extend"):
        binds, safe = _this_in(node.p)
        return binds, safe and (binds or not _mentions(node.expr))
    if name in PASS_THROUGH:
        return _this_in(node.p)
    return False, not _mentions(node)


def focus_query(constraint: SparqlConstraint, hierarchy: Hierarchy) -> str:
    """Every target of the constraint's shape as ?this."""
    names = iter(range(1_000_000))
    focus = constraint.targets.pattern("this", hierarchy, lambda: f"targetVar{next(names)}")
    return f"SELECT DISTINCT ?this WHERE {{ {focus} }}"


def solutions(store: ox.Store, constraint: SparqlConstraint,
              hierarchy: Hierarchy) -> Iterator[dict[str, Node]]:
    """The constraint's rows: one query with $this free, or, for a per_focus constraint, one
    per focus node with $this pre-bound (Oxigraph's substitutions bind it in sub-selects too)."""
    if not constraint.per_focus:
        yield from rows(store, targeted_query(constraint, hierarchy))
        return
    for focus in store.query(focus_query(constraint, hierarchy)):
        this = focus["this"]
        if isinstance(this, ox.BlankNode):  # no text for it: Oxigraph's substitution instead
            found = rows(store, constraint.prefixes + constraint.select,
                         {ox.Variable("this"): this})
        else:
            found = rows(store, constraint.prefixes + prebound(constraint.select, str(this)))
        for row in found:
            yield {**row, "this": to_rdflib(this)}


PROJECTED_THIS = re.compile(r"(?<![\w(])[?$]this\b(?!\s*\))")
GROUP_BY = re.compile(r"\bGROUP\s+BY\b(.*?)(?=\bHAVING\b|\bORDER\b|\bLIMIT\b|\bOFFSET\b|\}|$)",
                      re.I | re.S)


def prebound(select: str, term: str) -> str:
    """The query with $this pre-bound to `term` (SPARQL text of an IRI or literal), as SHACL
    defines pre-binding: every occurrence is the value, bound($this) is true, also in
    sub-selects and BIND. (Oxigraph's substitutions join the value in at the end, which leaves
    BIND($this AS ?x) and FILTER(bound($this)) in an inner group unbound.)"""
    def projection(match: re.Match) -> str:
        kept = PROJECTED_THIS.sub("", match.group(1))
        if not re.sub(r"(?i)\b(DISTINCT|REDUCED)\b", "", kept).strip():
            kept += " *"
        return f"SELECT{kept} {match.group(2)}"

    def grouping(match: re.Match) -> str:
        kept = PROJECTED_THIS.sub("", match.group(1))
        return f"GROUP BY{kept}" if kept.strip() else ""

    text = re.sub(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", projection, select, flags=re.I | re.S)
    text = GROUP_BY.sub(grouping, text)
    text = re.sub(r"(?i)\bbound\s*\(\s*[?$]this\s*\)", "(true)", text)
    return re.sub(r"[?$]this\b", lambda _: term, text)


def targeted_query(constraint: SparqlConstraint, hierarchy: Hierarchy) -> str:
    """The constraint's query, keeping only rows whose ?this is a target of its shape."""
    names = iter(range(1_000_000))
    focus = constraint.targets.pattern("this", hierarchy, lambda: f"targetVar{next(names)}")
    return (f"{constraint.prefixes}SELECT * WHERE {{\n{{ {constraint.select} }}\n"
            f"FILTER (BOUND(?this) && EXISTS {{ {focus} }})\n}}")


def without_sparql(shapes: Graph) -> Graph:
    """The shapes graph minus its SPARQL constraints: what pyshacl still runs."""
    core = Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    return core


def store_of(graph: Graph) -> ox.Store:
    """An in-memory store holding `graph`, its blank nodes under the same labels (so that a
    report names the graph's own nodes, as pyshacl does)."""
    store = ox.Store()
    term = OxigraphTerms()  # the same IRIs recur in every triple
    store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in graph)
    return store


def check(data: Graph, shapes: Graph, report: Graph, report_node: Node) -> int:
    """Add a sh:ValidationResult to the report for every row of every constraint; the count."""
    store = store_of(data)
    hierarchy = Hierarchy.of(store)
    added = 0
    for constraint in sparql_constraints(shapes):
        for row in solutions(store, constraint, hierarchy):
            add_result(report, report_node, constraint, row)
            added += 1
    return added


def add_result(report: Graph, report_node: Node, constraint: SparqlConstraint,
               row: dict[str, Node]) -> None:
    """One row of a constraint as a sh:ValidationResult of the report."""
    # Without ?value, the value node of a node shape is the focus node (SHACL 5.3.2).
    result = add_result_node(report, report_node, focus=row["this"],
                             severity=constraint.severity, shape=constraint.shape,
                             component=SH.SPARQLConstraintComponent,
                             message=message(constraint.message, row),
                             value=row.get("value", row["this"]), path=row.get("path"))
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


def rows(store: ox.Store, query: str,
         bound: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
         ) -> Iterator[dict[str, Node]]:
    """The solutions of a SELECT query as rdflib terms, unbound variables left out."""
    found = store.query(query, substitutions=bound)
    names = [v.value for v in found.variables]
    for solution in found:
        yield {name: to_rdflib(solution[name]) for name in names if solution[name] is not None}


def message(template: str, row: dict[str, Node]) -> str:
    """Fill {?name} and {$this} with the row's values, as SHACL-SPARQL describes."""
    return TEMPLATE.sub(lambda m: str(row.get(m.group(1), m.group(0))), template)
