"""SHACL core constraints compiled to SPARQL and run on an Oxigraph store in place.

kg.validate.report runs pyshacl, which walks the focus nodes one by one in Python over an
rdflib graph: fine for the shipped graph, far too slow for the whole voting history
(millions of triples, bulk-loaded into a store by kg/pipeline/history.py). Here every constraint
component of every shape becomes one SELECT query returning the violating
(focus, value) rows, one pass the engine plans, so a valid store costs a scan per
constraint and nothing is copied out of it. The sh:sparql constraints run as
kg/validate/sparql.py builds them. Only the rows found are read back: labels and
curation records are looked up for the listed focus nodes alone.

Targets and sh:class follow rdfs:subClassOf as SHACL says; the hierarchy is read
once (the store's triples plus the given ontology, which a history store lacks)
and each query names the classes with VALUES.

Oxigraph keeps no derived integer datatypes: it stores "5"^^xsd:nonNegativeInteger
as xsd:integer 5 (and xsd:dateTimeStamp as xsd:dateTime). In a store, sh:datatype
xsd:nonNegativeInteger (and the other integer subtypes) can only be checked as an xsd:integer
within the subtype's range, and sh:datatype xsd:integer cannot tell an xsd:int: the report
lists these checks under `limits`. When the store was loaded from a graph at hand
(`validate_graph`, what `kg validate FILES` runs), those checks run exactly on that graph.

A shape using SHACL this module does not translate is refused (UnsupportedShape, naming the
feature and pointing to --engine pyshacl), never skipped; FEATURES lists what it compiles.

tests/test_shacl_compiled.py checks the results against kg.validate.report (pyshacl) on
the shipped graph and on every case of tests/shape_cases.py; tests/test_engines_agree.py on
generated graphs; tests/test_w3c_shacl.py holds the engine to the W3C SHACL test suite.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache, lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from kg.memory import release_freed_memory
from kg.model.terms import to_oxigraph, to_rdflib
from kg.validate.report import ValidationReport, _order, _short, result_from_report, shapes_graph
from kg.validate.sparql import (
    TARGETS,
    Hierarchy,
    InvalidShape,
    ShapeError,
    SparqlConstraint,
    Targets,
    UnsupportedShape,
    add_result,
    add_result_node,
    feature_name,
    own_targets,
    solutions,
    sparql_constraints,
    sparql_term,
    store_of,
    targeted_query,
    targeted_shapes,
)

__all__ = ["FOCUS_ONLY", "Check", "Cleared", "Found", "ShapeError", "UnsupportedShape",
           "compile_shapes", "counts_of", "report_of", "run_checks", "validate_graph",
           "validate_store"]

LISTED = 100  # results listed per constraint; the rest are counted (a history can fail 800k times)
WORKERS = 2  # Oxigraph releases the GIL while a query runs
# A comment where each core check binds its focus nodes first: kg.validate.incremental puts a
# VALUES ?focus there to run the check on some focus nodes only. As a comment it changes nothing.
FOCUS_ONLY = "#focus-only\n"

# Shape predicates that describe or link rather than constrain.
STRUCTURE = {*TARGETS, SH.property, SH.path, SH.severity, SH.message, SH.name, SH.description,
             SH.order, SH.group, SH.defaultValue, SH.deactivated, SH.sparql, SH.prefixes,
             SH.select}  # a shape may be its own SPARQL constraint
# Constraints on each value node on its own: one FILTER expression each.
VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.minInclusive,
         SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH["or"]}
SUPPORTED = STRUCTURE | VALUE | {SH.minCount, SH.maxCount, SH.hasValue, SH.lessThan, SH.closed,
                                 SH.ignoredProperties, SH.flags, SH.equals}
# Inside sh:or: value constraints, and sh:path with sh:minCount 1 / sh:hasValue.
SUPPORTED_IN_OR = VALUE | {SH.path, SH.minCount, SH.hasValue, SH.flags, SH.name, SH.description,
                           SH.message, SH.severity}

# Supported terms that are refused elsewhere, by the name "<term> <context>": on a node shape
# only, on a property shape only, and what a member shape of sh:or may say.
NODE_SHAPE_ONLY = {SH.closed, SH.ignoredProperties, SH.property, SH.sparql}
PROPERTY_SHAPE_ONLY = {SH.minCount, SH.maxCount, SH.lessThan}
IN_PROPERTY_SHAPE, IN_NODE_SHAPE = "in a property shape", "in a node shape"
INSIDE_OR = "inside sh:or"
# A shape using a parameter of a constraint component declared in the shapes graph.
CUSTOM_COMPONENT = "sh:ConstraintComponent"
# The SHACL features this engine claims to compile, by name (tests/test_w3c_shacl.py holds it
# to the W3C suite: a test using only these must pass, any other must be refused by name).
PATHS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath,
         SH.zeroOrOnePath}
FEATURES = frozenset(feature_name(t) for t in SUPPORTED | PATHS | {SH.select})

COMPONENT = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH["or"]: SH.OrConstraintComponent, SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent, SH.hasValue: SH.HasValueConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent, SH.closed: SH.ClosedConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
}
RANGE_TEST = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
              SH.maxExclusive: "<"}
NODE_KIND_FAILS = {  # a value node violates sh:nodeKind K when this holds
    SH.IRI: "!isIRI({v})", SH.Literal: "!isLiteral({v})", SH.BlankNode: "!isBlank({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
# Integer subtypes Oxigraph stores as xsd:integer, with their ranges (see the module docstring).
INTEGER_SUBTYPES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1), XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1), XSD.byte: (-128, 127),
    XSD.unsignedLong: (0, 2**64 - 1), XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255),
}
XSD_DATETIMESTAMP = XSD.dateTimeStamp
# The datatypes Oxigraph rewrites at load, and those it rewrites them to: a sh:datatype check of
# one of these cannot be made exactly on a store (see the module docstring).
LOST_AT_LOAD = {XSD.integer, *INTEGER_SUBTYPES, XSD.dateTime, XSD_DATETIMESTAMP}
# Datatypes whose lexical form Oxigraph can check by a cast: an ill-formed value fails it.
CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date,
            XSD.dateTime, XSD.time}


@dataclass(frozen=True)
class Cleared:
    """Counts that prove a sh:maxCount n >= 1 check (without `targets`) or a sh:minCount 1
    check (with it) of a path of one predicate has no row, for any targets.

    `subjects` counts the path's values and the nodes that have one: as many values as nodes,
    no node has two. `targets` counts the targets and the nodes with a value together: as many
    as the nodes with a value alone, every target has one. Checks of one path share the
    queries, which run once (run_checks)."""

    subjects: str  # SELECT ?values ?nodes
    targets: str = ""  # SELECT ?nodes

    def queries(self) -> list[str]:
        return [q for q in (self.subjects, self.targets) if q]

    def proves(self, counts: dict[str, dict[str, int]]) -> bool:
        nodes = counts[self.subjects]["nodes"]
        if self.targets:
            return counts[self.targets]["nodes"] == nodes
        return counts[self.subjects]["values"] == nodes


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query: rows ?focus [?value] [?path] violate it."""

    shape: Node
    component: URIRef
    severity: URIRef
    message: str
    path: Node | None  # the property shape's sh:path, for sh:resultPath
    query: str  # SELECT ... WHERE { ... } (no prologue, no LIMIT)
    prologue: str = ""  # PREFIX lines (SPARQL constraints)
    sparql: SparqlConstraint | None = None
    # A SELECT of the failing values before the join with the targets: `query` has no row
    # when it has none. Asked first, since the join costs seconds on a million targets.
    candidates: str = ""
    # A check of the same focus nodes that fails wherever this one does: when it finds no row,
    # this one is not run (see Compiler._implied_by).
    implied_by: Check | None = None
    datatype: URIRef | None = None  # the sh:datatype of a datatype check
    values: str = ""  # a SELECT of every (?focus, ?value) a datatype check tests
    hierarchy: Hierarchy | None = None  # for a SPARQL constraint run per focus node
    # Counts over the whole store that can prove the check has no row (not run then).
    cleared_by: Cleared | None = None


class Compiler:
    """Turns a shapes graph into Checks; needs the class hierarchy to expand sh:targetClass."""

    def __init__(self, shapes: Graph, hierarchy: Hierarchy):
        self.shapes = shapes
        self.hierarchy = hierarchy
        self._names = itertools.count()

    def checks(self) -> list[Check]:
        found: list[Check] = []
        parents: dict[Node, list[Node]] = {}
        for shape in sorted(self._targeted()):
            if self._deactivated(shape):
                continue
            if (shape, SH.path, None) not in self.shapes:
                found += self._node_checks(shape)
            for prop in self.shapes.objects(shape, SH.property):
                parents.setdefault(prop, []).append(shape)
        for prop in sorted(set(parents) | {s for s in self._targeted()
                                           if (s, SH.path, None) in self.shapes}):
            if self._deactivated(prop):
                continue
            targets = self._own_targets(prop)
            for parent in parents.get(prop, []):
                targets |= self._own_targets(parent)
            found += self._property_checks(prop, targets)
        return found

    # ------------------------------------------------------------------ targets

    def _targeted(self) -> set[Node]:
        return targeted_shapes(self.shapes)

    def _own_targets(self, shape: Node) -> Targets:
        return own_targets(self.shapes, shape)

    def _focus(self, targets: Targets) -> str:
        """A sub-select of every target as ?focus (a node may come twice: queries DISTINCT).

        As a sub-select it is joined by hash with the rows of the constraint; written inline,
        Oxigraph looks every target up one by one, 4 times slower on a million ballots."""
        pattern = targets.pattern("focus", self.hierarchy, self._var)
        return f"{{ SELECT ?focus WHERE {{ {FOCUS_ONLY}{pattern} }} }}"

    # ------------------------------------------------------------------ shapes

    def _node_checks(self, shape: Node) -> list[Check]:
        self._refuse(shape, SUPPORTED - PROPERTY_SHAPE_ONLY, IN_NODE_SHAPE)
        focus = self._focus(self._own_targets(shape))
        checks = []
        for pred, obj in self._constraints(shape, VALUE):
            where = f"{focus} {self._failing(shape, pred, obj, 'focus')}"
            checks.append(self._check(shape, pred, None,
                                      f"SELECT DISTINCT ?focus ?value WHERE {{ {where} "
                                      "BIND (?focus AS ?value) }"))
            if pred == SH.datatype:
                checks[-1] = replace(checks[-1], datatype=obj, values=(
                    f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} BIND (?focus AS ?value) }}"))
        checks = self._implied_by(shape, checks)
        for other in self.shapes.objects(shape, SH.equals):  # the focus node is its value node
            prop = self._equals_property(shape, other)
            # each branch joins the targets itself: a UNION's branches see no outer binding
            differ = (f"{{ {focus} FILTER NOT EXISTS {{ ?focus {prop} ?focus }} "
                      f"BIND (?focus AS ?value) }} UNION "
                      f"{{ {focus} ?focus {prop} ?value FILTER (!sameTerm(?value, ?focus)) }}")
            checks.append(self._check(shape, SH.equals, None,
                                      f"SELECT DISTINCT ?focus ?value WHERE {{ {differ} }}"))
        for value in self.shapes.objects(shape, SH.hasValue):
            checks.append(self._check(shape, SH.hasValue, None,
                                      f"SELECT DISTINCT ?focus WHERE {{ {focus} "
                                      f"FILTER (!sameTerm(?focus, {sparql_term(value)})) }}"))
        if self.shapes.value(shape, SH.closed) == Literal(True):
            allowed = {p for prop in self.shapes.objects(shape, SH.property)
                       if isinstance(p := self.shapes.value(prop, SH.path), URIRef)}
            for ignored in self.shapes.objects(shape, SH.ignoredProperties):
                allowed |= set(Collection(self.shapes, ignored))
            keep = (f"FILTER (?path NOT IN ({', '.join(map(sparql_term, sorted(allowed)))}))"
                    if allowed else "")
            checks.append(self._check(shape, SH.closed, None,
                                      f"SELECT DISTINCT ?focus ?path ?value WHERE {{ {focus} "
                                      f"?focus ?path ?value . {keep} }}"))
        return checks

    def _property_checks(self, shape: Node, targets: Targets) -> list[Check]:
        self._refuse(shape, SUPPORTED - NODE_SHAPE_ONLY, IN_PROPERTY_SHAPE)
        if not targets:
            return []
        path_node = self.shapes.value(shape, SH.path)
        path = self._path(path_node)
        focus = self._focus(targets)
        checks = []
        # The values are filtered first, over the property alone, then kept where their node is
        # a target: on valid data there is nothing to keep.
        for pred, obj in self._constraints(shape, VALUE):
            bad = (f"SELECT ?focus ?value WHERE {{ {FOCUS_ONLY}?focus {path} ?value "
                   f"{self._failing(shape, pred, obj, 'value')} }}")
            checks.append(self._check(shape, pred, path_node, self._among_targets(bad, targets,
                                                                            "?focus ?value"),
                                      candidates=bad))
            if pred == SH.datatype:
                checks[-1] = replace(checks[-1], datatype=obj, values=(
                    f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value }}"))
        cleared = self._cardinality(targets, path_node)
        for n in map(_integer, self.shapes.objects(shape, SH.minCount)):
            if n == 1:  # the common case: an anti-join (MINUS: by hash), no grouping
                where = f"{focus} MINUS {{ ?focus {path} ?value }}"
                checks.append(replace(self._check(shape, SH.minCount, path_node,
                                                  f"SELECT DISTINCT ?focus WHERE {{ {where} }}"),
                                      cleared_by=cleared))
            elif n > 1:
                checks.append(self._check(shape, SH.minCount, path_node,
                                          f"SELECT ?focus WHERE {{ {focus} OPTIONAL {{ ?focus "
                                          f"{path} ?value }} }} GROUP BY ?focus "
                                          f"HAVING (COUNT(DISTINCT ?value) < {n})"))
        for n in map(_integer, self.shapes.objects(shape, SH.maxCount)):
            # grouped over the property alone, then joined with the targets
            many = (f"SELECT ?focus WHERE {{ {FOCUS_ONLY}?focus {path} ?value }} GROUP BY ?focus "
                    f"HAVING (COUNT(DISTINCT ?value) > {n})")
            checks.append(replace(self._check(shape, SH.maxCount, path_node,
                                              self._among_targets(many, targets, "?focus"),
                                              candidates=many),
                                  cleared_by=replace(cleared, targets="")
                                  if cleared is not None and n >= 1 else None))
        for value in self.shapes.objects(shape, SH.hasValue):
            checks.append(self._check(shape, SH.hasValue, path_node,
                                      f"SELECT DISTINCT ?focus WHERE {{ {focus} MINUS "
                                      f"{{ ?focus {path} {sparql_term(value)} }} }}"))
        for other in self.shapes.objects(shape, SH.lessThan):
            checks.append(self._check(shape, SH.lessThan, path_node,
                                      f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} "
                                      f"?focus {path} ?value . ?focus {self._path(other)} ?other "
                                      f"FILTER (!COALESCE(?value < ?other, false)) }}"))
        for other in self.shapes.objects(shape, SH.equals):
            # Either side's values the other lacks, found over the two properties alone (an
            # anti-join by hash each way), then joined with the targets.
            prop = self._equals_property(shape, other)
            differ = (f"SELECT ?focus ?value WHERE {{ {{ ?focus {path} ?value MINUS "
                      f"{{ ?focus {prop} ?value }} }} UNION {{ ?focus {prop} ?value MINUS "
                      f"{{ ?focus {path} ?value }} }} }}")
            checks.append(self._check(shape, SH.equals, path_node,
                                      self._among_targets(differ, targets, "?focus ?value"),
                                      candidates=differ))
        return checks

    def _equals_property(self, shape: Node, other: Node) -> str:
        """The property sh:equals names: an IRI, as SHACL requires (4.5.1)."""
        if not isinstance(other, URIRef):
            raise InvalidShape(f"sh:equals of {_short(shape)} must name a property (an IRI), "
                               f"not {other}")
        return sparql_term(other)

    def _among_targets(self, candidates: str, targets: Targets, variables: str) -> str:
        """The rows of `candidates` whose ?focus is a target. Few candidates (a valid store has
        none: run_check asks first) are looked up one by one; a join with every target instead
        would hash a million ballots for a value of some other node (1.9 s, 360 MB)."""
        pattern = targets.pattern("focus", self.hierarchy, self._var)
        return (f"SELECT DISTINCT {variables} WHERE {{ {{ {candidates} }} "
                f"FILTER EXISTS {{ {pattern} }} }}")

    def _cardinality(self, targets: Targets, path_node: Node | None) -> Cleared | None:
        """For a path of one predicate p (or ^p): the counts that clear its sh:minCount 1 and
        sh:maxCount n >= 1 checks where they hold for every node (see Cleared). Counting costs a
        third of the anti-join and the grouping of the two checks (on the full history's
        ballots, 6.3 s -> 2.1 s CPU a property, and half the memory); where the counts do not
        clear a check, it runs as before. None for other paths."""
        predicate = self._simple_predicate(path_node)
        if predicate is None:
            return None
        names = itertools.count()  # the same text for the same targets and path: run once
        focus = targets.pattern("x", self.hierarchy, lambda: f"t{next(names)}")
        value = (f"?x {predicate} ?value" if isinstance(path_node, URIRef)
                 else f"?value {predicate} ?x")
        return Cleared(
            subjects=f"SELECT (COUNT(*) AS ?values) (COUNT(DISTINCT ?x) AS ?nodes) WHERE "
                     f"{{ {value} }}",
            targets=f"SELECT (COUNT(DISTINCT ?x) AS ?nodes) WHERE {{ {{ {focus} }} UNION "
                    f"{{ {value} }} }}")

    def _simple_predicate(self, path_node: Node | None) -> str | None:
        """The predicate of a path of one predicate or of its inverse, as SPARQL."""
        if isinstance(path_node, URIRef):
            return sparql_term(path_node)
        inverse = self.shapes.value(path_node, SH.inversePath) if path_node is not None else None
        return sparql_term(inverse) if isinstance(inverse, URIRef) else None

    def _implied_by(self, shape: Node, checks: list[Check]) -> list[Check]:
        """The node checks, sh:nodeKind sh:IRI (or IRIOrLiteral) marked as implied by sh:pattern
        where every focus node is a subject (targets by class or sh:targetSubjectsOf).

        A subject is an IRI or a blank node, so such a node kind fails only on a blank node, and
        a blank node fails every sh:pattern: when the pattern passes, so does the node kind.
        Both read each focus node's text, which on a million ballots takes seconds."""
        targets = self._own_targets(shape)
        pattern = next((c for c in checks if c.component == SH.PatternConstraintComponent), None)
        if pattern is None or targets.nodes or targets.objects_of:
            return checks
        blank_only = {SH.IRI, SH.IRIOrLiteral}  # the node kinds a subject fails only if blank
        kinds = set(self.shapes.objects(shape, SH.nodeKind))
        return [replace(c, implied_by=pattern)
                if c.component == SH.NodeKindConstraintComponent and kinds <= blank_only else c
                for c in checks]

    def _failing(self, shape: Node, pred: URIRef, obj: Node, var: str) -> str:
        """The pattern that keeps the ?var rows failing one value constraint."""
        if pred == SH["class"]:  # an anti-join by hash (MINUS), not a lookup per node
            return f"MINUS {{ {self.hierarchy.typed(var, [str(obj)], self._var())} }}"
        return f"FILTER ({self._fails(shape, pred, obj, '?' + var)})"

    def _check(self, shape: Node, pred: URIRef, path: Node | None, query: str,
               candidates: str = "") -> Check:
        message = self.shapes.value(shape, SH.message)
        return Check(
            shape=shape,
            component=COMPONENT[pred],
            severity=self.shapes.value(shape, SH.severity) or SH.Violation,
            message=str(message) if message is not None else f"{_local(COMPONENT[pred])} failed",
            path=path,
            query=query,
            candidates=candidates,
        )

    def _constraints(self, shape: Node, kinds: set[URIRef]) -> list[tuple[URIRef, Node]]:
        return sorted((p, o) for p, o in self.shapes.predicate_objects(shape) if p in kinds)

    def _refuse(self, shape: Node, supported: set[URIRef], context: str) -> None:
        """UnsupportedShape naming the first term of `shape` this engine does not compile here:
        "sh:xone", or in `context` a term supported elsewhere ("sh:property in a property
        shape"), or the parameter of a constraint component declared in the shapes graph."""
        for pred in sorted(self.shapes.predicates(shape)):
            if str(pred).startswith(str(SH)) and pred not in supported:
                name = feature_name(pred)
                raise UnsupportedShape(name if name not in FEATURES else f"{name} {context}",
                                       shape)
            if any((None, SH.parameter, p) in self.shapes
                   for p in self.shapes.subjects(SH.path, pred)):
                raise UnsupportedShape(CUSTOM_COMPONENT, shape, f"its parameter <{pred}>")

    def _deactivated(self, shape: Node) -> bool:
        return self.shapes.value(shape, SH.deactivated) == Literal(True)

    # ------------------------------------------------------------------ expressions

    def _fails(self, shape: Node, pred: URIRef, obj: Node, v: str) -> str:
        """A SPARQL expression true when value node `v` violates constraint (pred, obj)."""
        if pred == SH["class"]:
            return f"NOT EXISTS {{ {self.hierarchy.typed(v[1:], [str(obj)], self._var())} }}"
        if pred == SH.datatype:
            return f"!({_has_datatype(obj, v)})"
        if pred == SH.nodeKind:
            if obj not in NODE_KIND_FAILS:
                raise UnsupportedShape(f"sh:nodeKind {obj}", shape)
            return NODE_KIND_FAILS[obj].format(v=v)
        # A blank node has no STR, so it fails these (SHACL); read through COALESCE, not by a
        # separate isBlank test, so that Oxigraph reads each value's text once (see _coalesced).
        if pred == SH.pattern:
            flags = self.shapes.value(shape, SH.flags)
            extra = f", {json.dumps(str(flags))}" if flags is not None else ""
            return _coalesced(f"!REGEX(STR({v}), {json.dumps(str(obj))}{extra})", True)
        if pred == SH["in"]:
            members = [f"sameTerm({v}, {sparql_term(m)})" for m in Collection(self.shapes, obj)]
            return f"!({' || '.join(members) or 'false'})"
        if pred in RANGE_TEST:  # an incomparable value fails too (SHACL 4.3)
            return f"!COALESCE({v} {RANGE_TEST[pred]} {sparql_term(obj)}, false)"
        if pred == SH.minLength:
            return _coalesced(f"STRLEN(STR({v})) < {_integer(obj)}", True)
        if pred == SH.maxLength:
            return _coalesced(f"STRLEN(STR({v})) > {_integer(obj)}", True)
        if pred == SH["or"]:
            members = [self._conforms(m, v) for m in Collection(self.shapes, obj)]
            return f"!({' || '.join(members) or 'false'})"
        raise UnsupportedShape(f"{feature_name(pred)} as a value constraint", shape)

    def _conforms(self, member: Node, v: str) -> str:
        """A SPARQL expression true when `v` conforms to a member shape of sh:or."""
        self._refuse(member, SUPPORTED_IN_OR, INSIDE_OR)
        tests = []
        path_node = self.shapes.value(member, SH.path)
        if path_node is None:
            tests += [f"!({self._fails(member, p, o, v)})"
                      for p, o in self._constraints(member, VALUE)]
            tests += [f"sameTerm({v}, {sparql_term(x)})"
                      for x in self.shapes.objects(member, SH.hasValue)]
            if (member, SH.minCount, None) in self.shapes:
                raise UnsupportedShape("sh:minCount in a node shape inside sh:or", member)
        else:
            path = self._path(path_node)
            for n in map(_integer, self.shapes.objects(member, SH.minCount)):
                if n > 1:
                    raise UnsupportedShape(f"sh:minCount {n} inside sh:or", member)
                if n == 1:
                    tests.append(f"EXISTS {{ {v} {path} ?{self._var()} }}")
            tests += [f"EXISTS {{ {v} {path} {sparql_term(x)} }}"
                      for x in self.shapes.objects(member, SH.hasValue)]
            for p, o in self._constraints(member, VALUE):
                y = f"?{self._var()}"
                tests.append(f"NOT EXISTS {{ {v} {path} {y} FILTER ({self._fails(member, p, o, y)})"
                             " }")
        return f"({' && '.join(tests) or 'true'})"

    def _path(self, node: Node | None) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if node is None:
            raise UnsupportedShape("a property shape without sh:path")
        if (node, RDF.first, None) in self.shapes:
            return "(" + "/".join(self._path(p) for p in Collection(self.shapes, node)) + ")"
        for pred, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                               (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = self.shapes.value(node, pred)
            if inner is not None:
                return template.format(self._path(inner))
        alternatives = self.shapes.value(node, SH.alternativePath)
        if alternatives is not None:
            options = Collection(self.shapes, alternatives)
            return "(" + "|".join(self._path(p) for p in options) + ")"
        raise UnsupportedShape("this kind of property path", detail=str(node))

    def _var(self) -> str:
        return f"v{next(self._names)}"


def _has_datatype(datatype: Node, v: str) -> str:
    """True when `v` is a literal of `datatype`: LANG and datatype() fail on a non-literal, which
    COALESCE turns into false, so no isLiteral test (another read of the term, see _coalesced)."""
    if datatype == RDF.langString:
        return _coalesced(f"LANG({v}) != \"\"", False)
    if datatype in INTEGER_SUBTYPES:
        low, high = INTEGER_SUBTYPES[datatype]
        tests = [f"datatype({v}) = <{XSD.integer}>"]
        tests += [f"{v} >= {low}"] if low is not None else []
        tests += [f"{v} <= {high}"] if high is not None else []
        return _coalesced(" && ".join(tests), False)
    if datatype == XSD_DATETIMESTAMP:  # stored as an xsd:dateTime; the time zone is required
        return _coalesced(f"datatype({v}) = <{XSD.dateTime}> && TZ({v}) != \"\"", False)
    test = f"datatype({v}) = <{datatype}>"
    if datatype in CASTABLE:  # e.g. "nine"^^xsd:integer is ill-formed: SHACL says it fails
        test += f" && isLiteral(<{datatype}>(STR({v})))"
    return _coalesced(test, False)


def _coalesced(test: str, on_error: bool) -> str:
    """`test`, with `on_error` where it fails to evaluate (a type error: a value of another kind).

    Oxigraph evaluates on term ids but reads a term's text from disk for every function applied
    to it (isLiteral, datatype, STR...: ~8 µs each), so guarding a test with a kind test doubles
    the cost per value; on a million ballots that is seconds per constraint."""
    return f"COALESCE({test}, {str(on_error).lower()})"


def compile_shapes(shapes: Graph, hierarchy: Hierarchy) -> list[Check]:
    """Every core constraint and SPARQL constraint of `shapes` as a query; UnsupportedShape if
    a shape uses SHACL this module does not compile."""
    checks = Compiler(shapes, hierarchy).checks()
    for constraint in sparql_constraints(shapes):
        query = targeted_query(constraint, hierarchy)
        prologue = constraint.prefixes
        checks.append(Check(
            shape=constraint.shape, component=SH.SPARQLConstraintComponent,
            severity=constraint.severity, message=constraint.message, path=None,
            query=query.removeprefix(prologue), prologue=prologue, sparql=constraint,
            hierarchy=hierarchy,
        ))
    return checks


@lru_cache(maxsize=8)
def _packaged_checks(hierarchy: Hierarchy) -> list[Check]:
    # The packaged shapes are parsed once per process (shapes_graph), so their checks compile
    # once per class hierarchy: a fifth of a second each time on a small graph otherwise.
    return compile_shapes(shapes_graph(), hierarchy)


@dataclass
class Found:
    check: Check
    rows: list[dict[str, Node]]
    total: int


def run_check(store: ox.Store, check: Check, listed: int | None) -> Found:
    """The first `listed` violating rows and how many there are in all (counted in the store)."""
    if check.sparql is not None and check.sparql.per_focus:
        rows = list(solutions(store, check.sparql, check.hierarchy))
        return Found(check, rows[:listed] if listed is not None else rows, len(rows))
    if check.candidates and not store.query(f"{check.prologue}ASK {{ {check.candidates} }}"):
        return Found(check, [], 0)
    limit = f"\nLIMIT {listed + 1}" if listed is not None else ""
    answers = store.query(check.prologue + check.query + limit)
    names = [v.value for v in answers.variables]
    rows = [{n: to_rdflib(s[n]) for n in names if s[n] is not None} for s in answers]
    total = len(rows)
    if listed is not None and total > listed:
        rows = rows[:listed]
        count = f"{check.prologue}SELECT (COUNT(*) AS ?n) WHERE {{ {check.query} }}"
        total = int(next(iter(store.query(count)))["n"].value)
    return Found(check, rows, total)


def run_exactly(source: Graph, check: Check, listed: int | None) -> Found:
    """A datatype check run on the graph the store was loaded from, which still has the
    datatypes Oxigraph rewrites: a value fails unless it is a well-formed literal of exactly
    the datatype (SHACL 4.2.2; rdflib's `ill_typed` says well-formed, as in pyshacl)."""
    rows = [{"focus": row.focus, "value": row.value}
            for row in source.query(_prepared(check.values))
            if not _exactly(row.value, check.datatype)]
    rows.sort(key=lambda r: (str(r["focus"]), str(r["value"])))
    return Found(check, rows[:listed] if listed is not None else rows, len(rows))


@cache
def _prepared(query: str) -> Query:
    # rdflib parses a query text anew on every run (tens of ms); these texts repeat per graph
    return prepareQuery(query)


def _exactly(value: Node, datatype: URIRef | None) -> bool:
    # ill_typed is only known for a literal built from its text (not one a query returns)
    return (isinstance(value, Literal) and value.datatype == datatype
            and Literal(str(value), datatype=datatype).ill_typed is not True)


def run_checks(store: ox.Store, checks: list[Check], listed: int | None,
               workers: int, source: Graph | None = None) -> list[Found]:
    """Every check's rows, in order; a check implied by another runs only if that one failed.
    With `source`, the datatype checks a store cannot make exactly run on it instead."""
    exact = {c: run_exactly(source, c, listed) for c in checks
             if source is not None and c.datatype in LOST_AT_LOAD}
    queries = sorted({q for c in checks if c.cleared_by is not None
                      for q in c.cleared_by.queries()})
    counts = dict(zip(queries, _counted(store, queries, workers), strict=True))
    exact |= {c: Found(c, [], 0) for c in checks
              if c.cleared_by is not None and c.cleared_by.proves(counts)}
    # The SPARQL constraints (joins over the whole store, seconds each) on a lane of their own,
    # beside the core checks (_run_lanes).
    first = [c for c in checks if c.implied_by is None and c not in exact]
    found = exact | dict(zip(first, _run_lanes(store, first, listed, workers), strict=True))
    later = [c for c in checks if c.implied_by is not None and found[c.implied_by].total
             and c not in exact]
    found |= dict(zip(later, _run_lanes(store, later, listed, workers), strict=True))
    return [found.get(c) or Found(c, [], 0) for c in checks]


def counts_of(store: ox.Store, query: str) -> dict[str, int]:
    """The numbers of a one-row count query (Cleared)."""
    answers = store.query(query)
    row = next(iter(answers))
    return {v.value: int(row[v].value) for v in answers.variables}


def _run_lanes(store: ox.Store, checks: list[Check], listed: int | None,
               workers: int) -> list[Found]:
    """The checks' rows, with the SPARQL constraints one after another on one thread, the core
    checks on the others (and on that one once it is free). A SPARQL constraint over the whole
    history holds hash tables of a million ballots (OneBallotPerVoter 630 MB, TallyMatchesBallots
    350 MB); two at once pass 1 GB, where a core check beside one stays under 250 MB."""
    def run(store: ox.Store, check: Check) -> Found:
        found = run_check(store, check, listed)
        release_freed_memory()  # its hash tables, before the next check builds its own
        return found
    sparql = [c for c in checks if c.sparql is not None]
    core = [c for c in checks if c.sparql is None]
    if workers < 2:
        found = [run(store, c) for c in sparql + core]
    else:
        with ThreadPoolExecutor(workers) as pool:
            lane = pool.submit(lambda: [run(store, c) for c in sparql])
            found = list(pool.map(lambda c: run(store, c), core))
            found = lane.result() + found
    by_check = dict(zip(sparql + core, found, strict=True))
    return [by_check[c] for c in checks]


def _counted(store: ox.Store, queries: Sequence[str], workers: int) -> list[dict[str, int]]:
    if workers > 1:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda query: counts_of(store, query), queries))
    return [counts_of(store, query) for query in queries]


def validate_store(
    store: ox.Store,
    ontology: Graph | None = None,
    *,
    shapes: Graph | None = None,
    listed: int | None = LISTED,
    workers: int = WORKERS,
    source: Graph | None = None,
) -> ValidationReport:
    """Validate a store in place against every shape (default: shapes/*.ttl).

    `ontology` adds its rdfs:subClassOf triples to the store's own for targets and sh:class.
    At most `listed` results per constraint are listed (None: all); the report counts the rest.
    `source` is the graph the store was loaded from, if at hand: the datatype checks a store
    cannot make run on it (otherwise the report names them under `limits`).
    ShapeError (UnsupportedShape, InvalidShape) when a shape cannot be compiled.
    """
    hierarchy = Hierarchy.of(store, ontology)
    if shapes is None:
        shapes, checks = shapes_graph(), list(_packaged_checks(hierarchy))
    else:
        checks = compile_shapes(shapes, hierarchy)
    found = run_checks(store, checks, listed, workers, source)
    return report_of(store, shapes, checks, found, source)


def report_of(store: ox.Store, shapes: Graph, checks: list[Check], found: list[Found],
              source: Graph | None = None) -> ValidationReport:
    """The report of the checks' rows found in `store` (labels and records looked up there)."""
    report = Graph()
    report_node = BNode()
    report.add((report_node, RDF.type, SH.ValidationReport))
    omitted: dict[tuple[str, str], int] = {}
    # only a literal in a row can need its written form back (the look-up reads every literal)
    literal_found = any(isinstance(v, Literal) for item in found for row in item.rows
                        for v in row.values())
    written = _as_written(source, shapes) if source is not None and literal_found else {}
    for item in found:
        for row in item.rows:
            _add(report, report_node, item.check, {k: written.get(v, v) for k, v in row.items()},
                 shapes)
        if item.total > len(item.rows):
            key = (_local(item.check.severity), _shape_name(item.check))
            omitted[key] = omitted.get(key, 0) + item.total - len(item.rows)
    lookups = StoreLookups(store)
    results = sorted((result_from_report(report, node, lookups.objects, lookups.subjects)
                      for node in report.subjects(RDF.type, SH.ValidationResult)), key=_order)
    limits = [] if source is not None else _limits(checks)
    return ValidationReport(results=results, graph=report, omitted=omitted, limits=limits)


def _limits(checks: list[Check]) -> list[str]:
    """The datatype checks a store cannot make exactly, one line per datatype."""
    by_datatype: dict[URIRef, set[str]] = {}
    for check in checks:
        if check.datatype in LOST_AT_LOAD:
            by_datatype.setdefault(check.datatype, set()).add(_shape_name(check))
    lines = []
    for datatype, names in sorted(by_datatype.items()):
        what = _short(datatype)
        if datatype in INTEGER_SUBTYPES:
            how = f"checked as an xsd:integer in the range of {what}"
        elif datatype == XSD_DATETIMESTAMP:
            how = "checked as an xsd:dateTime with a time zone"
        else:
            how = "checked without telling the types Oxigraph rewrites to it"
        lines.append(
            f"sh:datatype {what} ({', '.join(sorted(names))}): {how}, since the store keeps "
            "no integer subtypes (nor xsd:dateTimeStamp); validate the RDF files for the "
            "exact check")
    return lines


def _as_written(source: Graph, shapes: Graph) -> dict[Node, Literal]:
    """Literals Oxigraph stores in another form ("4.0"^^xsd:decimal as "4", "5"^^xsd:int as
    xsd:integer 5), mapped back to the form written in the graph (or a shape's sh:targetNode),
    so that the report names the value the curator wrote. A stored form written two ways is
    left as stored."""
    literals = list({o for o in source.objects() if isinstance(o, Literal)}
                    | {n for n in shapes.objects(None, SH.targetNode) if isinstance(n, Literal)})
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:literal:{i}"), ox.NamedNode("urn:value"),
                           to_oxigraph(literal)) for i, literal in enumerate(literals))
    stored: dict[Node, list[Literal]] = {}
    for quad in scratch:
        original = literals[int(quad.subject.value.removeprefix("urn:literal:"))]
        stored.setdefault(to_rdflib(quad.object), []).append(original)
    written = {}
    for form, originals in stored.items():
        texts = {_text(o): o for o in originals}
        if len(texts) == 1 and _text(form) not in texts:
            written[form] = originals[0]
    return written


def _text(literal: Literal) -> tuple[str, str, str]:
    """A literal as written (rdflib's == may compare values: "none"^^xsd:boolean == false)."""
    return str(literal), str(literal.datatype or ""), literal.language or ""


def validate_graph(graph: Graph, ontology: Graph | None = None, *,
                   shapes: Graph | None = None, listed: int | None = None) -> ValidationReport:
    """Validate an rdflib graph with the compiled engine: loaded into an in-memory store, the
    datatype checks run on the graph itself. Every result is listed unless `listed` says."""
    return validate_store(store_of(graph), ontology, shapes=shapes, listed=listed, workers=1,
                          source=graph)


def _add(report: Graph, report_node: Node, check: Check, row: dict[str, Node],
         shapes: Graph) -> None:
    if check.sparql is not None:
        add_result(report, report_node, check.sparql, row)
        return
    path = row.get("path", check.path)
    if path is not None and not isinstance(path, URIRef):  # a complex path: copied as compiled
        path = _copy_path(shapes, path, report)
    add_result_node(report, report_node, focus=row["focus"], severity=check.severity,
                    shape=check.shape, component=check.component, message=check.message,
                    value=row.get("value"), path=path)


def _copy_path(shapes: Graph, node: Node, report: Graph) -> Node:
    """A copy in the report of the path the query ran (Compiler._path reads it the same way),
    under new blank nodes: only the path's own triples, whatever else the shapes say of them."""
    if isinstance(node, URIRef):
        return node
    copy = BNode()
    if (node, RDF.first, None) in shapes:
        Collection(report, copy, [_copy_path(shapes, p, report)
                                  for p in Collection(shapes, node)])
        return copy
    for pred in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        inner = shapes.value(node, pred)
        if inner is not None:
            report.add((copy, pred, _copy_path(shapes, inner, report)))
            return copy
    options = BNode()
    Collection(report, options, [_copy_path(shapes, p, report) for p in
                                 Collection(shapes, shapes.value(node, SH.alternativePath))])
    report.add((copy, SH.alternativePath, options))
    return copy


class StoreLookups:
    """objects/subjects reads for kg.validate.report.result_from_report, one small query each."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._cache: dict[tuple[str, Node, Node], list[Node]] = {}

    def objects(self, node: Node, pred: URIRef) -> list[Node]:
        return self._read("SELECT ?n ?p ?x WHERE { ?n ?p ?x }", node, pred)

    def subjects(self, pred: URIRef, node: Node) -> list[Node]:
        return self._read("SELECT ?n ?p ?x WHERE { ?x ?p ?n }", node, pred)

    def _read(self, query: str, node: Node, pred: URIRef) -> list[Node]:
        key = (query, node, pred)
        if key not in self._cache:
            bound = {ox.Variable("n"): to_oxigraph(node), ox.Variable("p"): ox.NamedNode(str(pred))}
            values = [to_rdflib(s["x"]) for s in self.store.query(query, substitutions=bound)]
            self._cache[key] = sorted(values, key=str)  # stable: the first label is reproducible
        return self._cache[key]


def _integer(node: Node) -> int:
    if not isinstance(node, Literal) or not isinstance(node.toPython(), int):
        raise UnsupportedShape(f"the non-integer count {node}")
    return int(node.toPython())


def _local(node: Node) -> str:
    return str(node).removeprefix(str(SH))


def _shape_name(check: Check) -> str:
    return _short(check.sparql.constraint if check.sparql is not None else check.shape)
