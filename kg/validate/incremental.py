"""Validation of a store that differs from an already validated one by a few triples.

A release holds the whole voting history (millions of triples, unchanged between builds) and
the curated graph (some thousands, edited by curators). Validating all of it again after a fact
edit costs half a minute; most checks cannot see the edit at all. So the validation of each
release is kept (a Baseline: every check's rows, by the check's query text, and the curated
triples it was computed with), and the next build validates only what the edit can reach:

1. The change is the symmetric difference of the curated triples then and now (history
   triples are the same in both stores, since the checkpoint holds them: a changed history is a
   new checkpoint and a full validation).
2. A check reads triples only through its patterns: the predicates of its path, of its targets
   and of what its constraints look up (sh:class: rdf:type with the named classes and their
   subclasses), or, for a SHACL-SPARQL constraint, every triple pattern of its query (read with
   rdflib's SPARQL parser). A check none of whose patterns can match a changed triple has, on
   the new store, exactly the rows it had: they are reused.
3. A core check that can see the change, with a path of one predicate (or its inverse), is run
   again for the focus nodes the change can reach only, and its other rows are reused. Such a
   check decides a focus node f from: f's own triples (its targets, its values through the path,
   sh:lessThan, sh:closed) and, for sh:class and the members of sh:or, the types and properties
   of f's values. So the nodes that can change are the subjects and objects of the changed
   triples it can read, plus the focus nodes whose value (in the new store) is the subject of a
   changed triple it reads from values.
4. Everything else that can see the change runs again in full: SHACL-SPARQL constraints, core
   checks with a longer path or looking deeper than a value's own triples, checks whose
   previous rows were not all listed (more than LISTED), a shape or check new since the
   baseline, and everything when the validation code itself changed.

tests/test_incremental_validation.py holds the result to a full validation of the same store.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, Node, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery

from kg.model.terms import to_oxigraph, to_rdflib
from kg.validate.compiled import (
    FOCUS_ONLY,
    LISTED,
    WORKERS,
    Check,
    Found,
    _local,
    _shape_name,
    compile_shapes,
    report_of,
    run_checks,
)
from kg.validate.report import ValidationReport
from kg.validate.sparql import Hierarchy, own_targets, sparql_term

FORMAT = 1
TYPE = str(RDF.type)
ANY = "*"  # in Reads.predicates: any predicate at all
SHOWN_FULL = 5  # checks run in full are named when there are at most this many


def engine_version() -> str:
    """A digest of the validation code: a baseline made by other code is not reused."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for source in sorted((f for f in files("kg.validate").iterdir() if f.name.endswith(".py")),
                         key=lambda f: f.name):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def check_key(check: Check) -> str:
    """A check by what it runs (its query names its targets' classes, so a changed hierarchy
    or shape is a new key) and by the shape and component its rows are reported under."""
    text = "\n".join([_stable(check.shape), str(check.component), _stable(check.path),
                      check.prologue, check.query])
    return hashlib.sha256(text.encode()).hexdigest()


def _stable(node: Node | None) -> str:
    """A shape or path by its IRI; a blank node's label changes each time the shapes are read,
    so it stands for nothing here (the query text holds what the check does)."""
    return str(node) if isinstance(node, URIRef) else ""


# ------------------------------------------------------------------ what a check reads

@dataclass(frozen=True)
class Reads:
    """The triples a check can read: any with one of `predicates` (ANY: every triple), and the
    rdf:type triples naming one of `classes` (every rdf:type triple if rdf:type is among the
    predicates). `path`: the SPARQL path from a focus node to its values when the check can be
    run for some focus nodes only (None: it cannot); `from_values`: the predicates it reads of
    the values' own triples."""

    predicates: frozenset[str]
    classes: frozenset[str]
    path: str | None = None
    from_values: frozenset[str] = frozenset()

    def sees(self, triple: ox.Triple) -> bool:
        predicate = triple.predicate.value
        return (ANY in self.predicates or predicate in self.predicates
                or (predicate == TYPE and isinstance(triple.object, ox.NamedNode)
                    and triple.object.value in self.classes))

    def as_json(self) -> dict:
        return {"predicates": sorted(self.predicates), "classes": sorted(self.classes),
                "path": self.path, "from_values": sorted(self.from_values)}

    @classmethod
    def from_json(cls, data: dict) -> Reads:
        return cls(frozenset(data["predicates"]), frozenset(data["classes"]), data["path"],
                   frozenset(data["from_values"]))


def reads_of(check: Check, shapes: Graph, hierarchy: Hierarchy) -> Reads:
    if check.sparql is not None:
        return _sparql_reads(check.prologue + check.query)
    targets = own_targets(shapes, check.shape)
    for parent in shapes.subjects(SH.property, check.shape):
        targets |= own_targets(shapes, parent)
    predicates = set(targets.subjects_of | targets.objects_of)
    classes = {sub for c in targets.classes for sub in hierarchy.subclasses(c)}
    local = not targets.nodes and not targets.objects_of  # focus nodes are IRIs (subjects)
    path = None
    if check.path is not None:
        predicates |= _path_iris(shapes, check.path)
        path = _simple_path(shapes, check.path)
        local = local and path is not None
    from_values: set[str] = set()
    for pred, obj in shapes.predicate_objects(check.shape):
        if pred == SH["class"]:
            classes |= set(hierarchy.subclasses(str(obj)))
            from_values.add(TYPE)
        elif pred == SH.lessThan:
            predicates |= _path_iris(shapes, obj)
            local = local and _simple_path(shapes, obj) is not None
        elif pred == SH.closed and obj == Literal(True):
            predicates.add(ANY)
        elif pred == SH["or"]:
            for member in Collection(shapes, obj):
                member_path = shapes.value(member, SH.path)
                for sub in shapes.objects(member, SH["class"]):
                    classes |= set(hierarchy.subclasses(str(sub)))
                    from_values.add(TYPE)
                if member_path is not None:
                    predicates |= _path_iris(shapes, member_path)
                    from_values |= _path_iris(shapes, member_path)
                    # deeper than the value's own triples: not run for some focus nodes only
                    local = local and isinstance(member_path, URIRef) and not any(
                        (member, p, None) in shapes for p in (SH["class"], SH["or"]))
                elif (member, SH["or"], None) in shapes:
                    local = False
    if check.path is None:  # a node shape: its "values" are the focus node itself
        predicates |= from_values - {TYPE}
        from_values = set()
    return Reads(frozenset(predicates), frozenset(classes),
                 (path or "") if local else None, frozenset(from_values))


def _path_iris(shapes: Graph, node: Node) -> set[str]:
    """Every predicate a SHACL property path can follow."""
    if isinstance(node, URIRef):
        return {str(node)}
    found: set[str] = set()
    if (node, RDF.first, None) in shapes:
        for step in Collection(shapes, node):
            found |= _path_iris(shapes, step)
        return found
    for pred, inner in shapes.predicate_objects(node):
        if pred == SH.alternativePath:
            for step in Collection(shapes, inner):
                found |= _path_iris(shapes, step)
        elif pred in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            found |= _path_iris(shapes, inner)
    return found


def _simple_path(shapes: Graph, node: Node) -> str | None:
    """A path of one predicate, or its inverse, as SPARQL; None for any other path."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    inverse = shapes.value(node, SH.inversePath)
    return f"^<{inverse}>" if isinstance(inverse, URIRef) else None


def _sparql_reads(query: str) -> Reads:
    """The predicates and classes of every triple pattern of a SPARQL query (a variable
    predicate or a negated property set reads everything; rdf:type with a variable object
    every type triple)."""
    predicates: set[str] = set()
    classes: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):  # rdflib's algebra: CompValue, a dict of its parts
            for key, value in node.items():
                if key == "triples":  # a BGP's triples, or an EXISTS' flat list of terms
                    for triple in value:
                        for at in range(0, len(triple) - 2, 3):
                            pattern(triple[at + 1], triple[at + 2])
                else:
                    visit(value)
        elif isinstance(node, list | tuple):
            for item in node:
                visit(item)

    def pattern(p: object, o: object) -> None:
        if isinstance(p, URIRef):
            if p == RDF.type and isinstance(o, URIRef):
                classes.add(str(o))
            else:
                predicates.add(str(p))
        else:
            predicates.update(path_predicates(p))

    def path_predicates(p: object) -> set[str]:
        if isinstance(p, URIRef):
            return {str(p)}
        if isinstance(p, SequencePath | AlternativePath):
            return {x for arg in p.args for x in path_predicates(arg)}
        if isinstance(p, InvPath):
            return path_predicates(p.arg)
        if isinstance(p, MulPath):
            return path_predicates(p.path)
        return {ANY}  # a variable, a negated property set, or a form not known here

    visit(prepareQuery(query).algebra)
    return Reads(frozenset(predicates), frozenset(classes))


# ------------------------------------------------------------------ the baseline

@dataclass
class Baseline:
    """A validated store's results: per check key, its rows and their total, and what the
    check reads; the curated triples (N-Triples lines) the store held besides the history."""

    engine: str
    curated: set[str]
    found: dict[str, tuple[list[dict[str, Node]], int]]
    reads: dict[str, Reads]

    def save(self, path: Path) -> None:
        """Written in one rename: a killed build leaves the old baseline or the new one."""
        data = {"engine": self.engine, "curated": sorted(self.curated),
                "found": {key: {"total": total, "rows": [{k: str(to_oxigraph(v))
                                                          for k, v in row.items()}
                                                         for row in rows]}
                          for key, (rows, total) in sorted(self.found.items())},
                "reads": {key: reads.as_json() for key, reads in sorted(self.reads.items())}}
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Baseline | None:
        """The baseline at `path`, or None if there is none made by this code."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("engine") != engine_version():
            return None
        found = {key: ([{k: _term(v) for k, v in row.items()} for row in item["rows"]],
                       item["total"]) for key, item in data["found"].items()}
        reads = {key: Reads.from_json(value) for key, value in data["reads"].items()}
        return cls(data["engine"], set(data["curated"]), found, reads)


def _term(text: str) -> Node:
    quad = next(ox.parse(input=f"<urn:s> <urn:p> {text} .\n".encode(),
                         format=ox.RdfFormat.N_TRIPLES))
    return to_rdflib(quad.object)


def curated_lines(triples: Iterable[ox.Triple]) -> set[str]:
    return {f"{t.subject} {t.predicate} {t.object} ." for t in triples}


def _parsed(lines: Iterable[str]) -> list[ox.Triple]:
    text = "\n".join(lines).encode()
    return [q.triple for q in ox.parse(input=text, format=ox.RdfFormat.N_TRIPLES)]


# ------------------------------------------------------------------ validation

@dataclass
class Incremental:
    """What a validation did: checks reused, run for some focus nodes, run in full."""

    report: ValidationReport
    baseline: Baseline
    reused: int = 0
    focused: int = 0
    full: int = 0
    run_in_full: list[str] = field(default_factory=list)  # shape and component, when few


def validate_store_against(store: ox.Store, ontology: Graph | None, shapes: Graph,
                           curated: Iterable[ox.Triple], baseline: Baseline | None, *,
                           workers: int = WORKERS) -> Incremental:
    """Validate `store` (the history plus `curated`) against every shape, reusing `baseline`,
    the validation of the same history with other curated triples, where the change cannot
    be seen; without a baseline, every check runs. Returns the report (as validate_store's,
    LISTED rows per check) and the baseline of this store, for the next build."""
    hierarchy = Hierarchy.of(store, ontology)
    checks = compile_shapes(shapes, hierarchy)
    lines = curated_lines(curated)
    keys = [check_key(c) for c in checks]
    known = baseline.reads if baseline is not None else {}
    reads = {k: known.get(k) or reads_of(c, shapes, hierarchy) for k, c in zip(keys, checks,
                                                                                strict=True)}
    if baseline is None:
        found = run_checks(store, checks, LISTED, workers)
        result = Incremental(report_of(store, shapes, checks, found), Baseline(
            engine_version(), lines, {}, reads), full=len(checks))
        result.baseline.found = {k: (f.rows, f.total) for k, f in zip(keys, found, strict=True)}
        return result
    changed = _parsed(lines ^ baseline.curated)
    plan: dict[str, str] = {}  # key -> "reuse", "focus" or "full"
    twice = {k for k in keys if keys.count(k) > 1}  # two blank-node shapes alike: not told apart
    for key in keys:
        before = baseline.found.get(key)
        if before is None or key in twice or any(_has_blank(row) for row in before[0]):
            plan[key] = "full"
        elif not any(reads[key].sees(t) for t in changed):
            plan[key] = "reuse"
        elif reads[key].path is not None and before[1] == len(before[0]):
            plan[key] = "focus"
        else:
            plan[key] = "full"
    found: dict[str, Found] = {}
    focused = [(k, c) for k, c in zip(keys, checks, strict=True) if plan[k] == "focus"]
    for (key, _), item in zip(focused, _run_focused(store, focused, reads, changed,
                                                         baseline, workers), strict=True):
        if item is None:
            plan[key] = "full"
        else:
            found[key] = item
    full = [c for k, c in zip(keys, checks, strict=True) if plan[k] == "full"]
    # a check implied by another (run_checks runs it only where that one fails) takes it along
    with_impliers = full + [c.implied_by for c in full
                            if c.implied_by is not None and c.implied_by not in full]
    ran = dict(zip(with_impliers, run_checks(store, with_impliers, LISTED, workers),
                   strict=True))
    for key, check in zip(keys, checks, strict=True):
        if plan[key] == "reuse":
            rows, total = baseline.found[key]
            found[key] = Found(check, rows, total)
        elif plan[key] == "full":
            found[key] = ran[check]
    ordered = [ran[c] if plan[k] == "full" else found[k] for k, c in zip(keys, checks,
                                                                         strict=True)]
    report = report_of(store, shapes, checks, ordered)
    counts = {kind: sum(1 for k in keys if plan[k] == kind) for kind in ("reuse", "focus",
                                                                         "full")}
    new = Baseline(engine_version(), lines, {k: (f.rows, f.total) for k, f in found.items()},
                   reads)
    names = [f"{_shape_name(c)} {_local(c.component)}" for k, c in zip(keys, checks, strict=True)
             if plan[k] == "full"]
    return Incremental(report, new, counts["reuse"], counts["focus"], counts["full"],
                       names if len(names) <= SHOWN_FULL else [])


def _has_blank(row: dict[str, Node]) -> bool:
    return any(not isinstance(v, URIRef | Literal) for v in row.values())


def _run_focused(store: ox.Store, focused: Sequence[tuple[str, Check]], reads: dict[str, Reads],
                 changed: Sequence[ox.Triple], baseline: Baseline,
                 workers: int) -> list[Found | None]:
    """Each check run for the focus nodes the change can reach, merged with its other rows
    from the baseline; None where that cannot be done (a blank node among the nodes, or more
    rows than are listed, where which LISTED rows a full run lists is the engine's choice)."""
    reached = [_reached(store, reads[key], changed) for key, _ in focused]
    jobs = {}
    for (key, check), nodes in zip(focused, reached, strict=True):
        if nodes:
            values = f"VALUES ?focus {{ {' '.join(sorted(map(sparql_term, nodes)))} }}\n"
            jobs[key] = replace(check, query=check.query.replace(FOCUS_ONLY, values),
                                candidates=check.candidates.replace(FOCUS_ONLY, values),
                                implied_by=None, cleared_by=None)
    ran = dict(zip(jobs, run_checks(store, list(jobs.values()), None, workers), strict=True))
    results: list[Found | None] = []
    for (key, check), nodes in zip(focused, reached, strict=True):
        if nodes is None:
            results.append(None)
            continue
        rows = [r for r in baseline.found[key][0] if r["focus"] not in nodes]
        rows += ran[key].rows if key in ran else []
        results.append(Found(check, rows, len(rows)) if len(rows) <= LISTED else None)
    return results


def _reached(store: ox.Store, reads: Reads, changed: Sequence[ox.Triple]) -> set[Node] | None:
    """The focus nodes whose rows the changed triples can alter (see the module docstring);
    None if one is a blank node (a VALUES clause cannot name it)."""
    seen = [t for t in changed if reads.sees(t)]
    nodes: set[ox.NamedNode | ox.BlankNode | ox.Literal] = set()
    for t in seen:
        nodes.add(t.subject)  # type: ignore[arg-type]
        nodes.add(t.object)  # type: ignore[arg-type]
    holders = {t.subject for t in changed if t.predicate.value in reads.from_values}
    if holders and reads.path:
        if any(isinstance(h, ox.BlankNode) for h in holders):
            return None
        query = (f"SELECT DISTINCT ?focus WHERE {{ VALUES ?value {{ "
                 f"{' '.join(str(h) for h in sorted(holders, key=str))} }} "
                 f"?focus {reads.path} ?value }}")
        nodes |= {row["focus"] for row in store.query(query)}
    if any(isinstance(n, ox.BlankNode) for n in nodes):
        return None
    return {to_rdflib(n) for n in nodes if not isinstance(n, ox.Literal)}
