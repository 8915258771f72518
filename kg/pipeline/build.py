"""The main job: sources + facts + official record -> graph -> validation -> exports + store.

Data flows one way. Nothing is written where users look until the graph has
been built and validated and every export and the store are complete; then one
rename publishes them together (see kg.store.release).
"""

import gc
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import click
import pyoxigraph as ox
from rdflib import Graph

from kg.emit.entailment import Entailment
from kg.emit.facts import Facts, read_facts
from kg.emit.record import emit_bodies, emit_former_states, emit_official_record
from kg.errors import CuratorError
from kg.ingest.former_states import load_former_states
from kg.ingest.sources import emit_source, load_sources
from kg.model.namespaces import OA, RDF, UNKG
from kg.model.ontology import load_ontology
from kg.pipeline.declared import (
    HISTORY_FILE,
    DeclaredFile,
    history_checkpoint,
    read_declared,
)
from kg.project import DEFAULT_OUT, DEFAULT_PROJECT, context_file
from kg.store.export import (
    EXPORTS,
    HISTORY_NTRIPLES,
    Content,
    bind_prefixes,
    sorted_triples,
    write_exports,
)
from kg.store.release import discard, locked, new_release, publish
from kg.validate.compiled import ShapeError, validate_store
from kg.validate.incremental import Baseline, validate_store_against
from kg.validate.report import ValidationReport, ValidationResult, shapes_graph, validate

STORE = "store"
BASELINE = "validation.json"  # beside the history's checkpoint: its last release's validation
# Checks run at once on a store with the voting history: both cores. Two whole-history SPARQL
# constraints side by side passed 1 GB (the target for the import) before the compiled engine
# kept them to one lane (kg.validate.compiled._run_lanes); a core check beside one stays small.
HISTORY_WORKERS = 2
# The shape that finds facts only one source carries (shapes/rules.ttl): the summary counts them.
SINGLE_SOURCE_CHECK = "unkgsh:CarriedBySingleSource"


@dataclass
class BuildResult:
    graph: Graph
    ontology: Graph
    project: Path
    release: Path | None = None
    warnings: list[ValidationResult] = field(default_factory=list)
    declared: list[DeclaredFile] = field(default_factory=list)  # voting-history files held
    imports: list = field(default_factory=list)  # the history import's reports, if it ran now
    validation: str = ""  # how much of the validation was reused (kg.validate.incremental)


def build_graph(root: Path) -> BuildResult:
    """Everything the project's data says, as one RDF graph (not yet validated)."""
    ontology = load_ontology()
    sources = load_sources(root)
    records = read_facts(root)  # a curator's typo stops the build here, before the voting files
    graph = Graph(store="SimpleMemory")  # no named graphs here: rdflib's plain store adds 2x faster
    bind_prefixes(graph)
    emit_bodies(graph)
    for source in sources.values():
        emit_source(graph, source)
        if source.is_table:
            emit_official_record(graph, source)
    emit_former_states(graph, load_former_states(root))
    Facts(records, sources, graph, ontology).emit(graph)
    Entailment.of(ontology).add_to(graph)  # the standard types and properties, for any reader
    return BuildResult(graph, ontology, root)


def records_per_file(values: Iterable[str]) -> Counter[str]:
    """How many records of each file a graph holds, from its unkg:curatedIn values
    ("facts/claims.yaml#record-id", "sources/...csv#row=2")."""
    return Counter(value.split("#", 1)[0] for value in set(values) if "#" in value)


def _published_curated_in(nt: Path) -> Iterable[str]:
    """The unkg:curatedIn values of a published N-Triples export, read line by line."""
    curated = f"<{UNKG.curatedIn}>"
    with nt.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if curated in line:
                match = re.search(r'"((?:[^"\\]|\\.)*)"', line)
                if match:
                    yield match.group(1)


def warn_lost_records(graph: Graph, out_dir: Path) -> None:
    """A facts file holding under half the records it had in the published build is worth a
    loud warning (a paste gone wrong, a file truncated): not a refusal, as curators do prune."""
    published = out_dir / "unkg.nt"
    if not published.is_file():
        return
    before = records_per_file(_published_curated_in(published))
    now = records_per_file(str(o) for o in graph.objects(None, UNKG.curatedIn))
    for file, count in sorted(before.items()):
        if now[file] < count / 2:
            click.echo(f"WARNING: {file} now holds {now[file]} record(s); the published build "
                       f"has {count} from it. If records were lost by mistake, restore the "
                       "file before publishing.", err=True)


def validate_store_of(result: BuildResult, store: ox.Store, *, history_free: bool,
                      curated: Sequence[ox.Triple] = (), baseline: Path | None = None) -> None:
    """Validation is part of the build: an invalid graph is never exported or published. The
    shapes run compiled to SPARQL on the release's own store (kg.validate.compiled); pyshacl,
    the reference engine, gives the same verdict on every shape case (tests/test_shacl_compiled).

    With the history, the validation of the previous release (`baseline`, beside the history's
    checkpoint) is reused where the change of the `curated` triples cannot reach
    (kg.validate.incremental), and this release's validation replaces it."""
    shapes = shapes_graph(result.project)
    try:
        if baseline is None:
            report = validate_store(store, result.ontology, shapes=shapes, listed=None,
                                    source=result.graph if history_free else None)
        else:
            done = validate_store_against(store, result.ontology, shapes, curated,
                                          Baseline.load(baseline), workers=HISTORY_WORKERS)
            done.baseline.save(baseline)
            report = done.report
            result.validation = (f"{done.reused} checks reused from the previous release's "
                                 f"validation, {done.focused} run for the focus nodes the "
                                 f"change reaches, {done.full} in full"
                                 + (f" ({', '.join(done.run_in_full)})" if done.run_in_full
                                    else ""))
    except ShapeError as error:  # a project's own shape the compiled engine cannot run
        if not history_free:
            raise CuratorError(f"{error}; the build cannot validate the voting history with "
                               "pyshacl (hours): rephrase the shape") from None
        click.echo(f"note: {error}; validating with pyshacl instead", err=True)
        report = validate(result.graph, result.ontology, project=result.project)
    if report.violations:
        raise CuratorError("the graph does not pass validation; nothing was written.\n"
                           + failure_text(report))
    result.warnings = report.warnings


def failure_text(report: ValidationReport) -> str:
    """A failed build's report: the warnings as a count, the violations listed, last, where a
    curator's terminal ends (the full report is `kg validate`'s)."""
    warnings = sum(1 for r in report.results if r.severity != "Violation") + sum(
        n for (severity, _), n in report.omitted.items() if severity != "Violation")
    violations = replace(report, graph=Graph(), results=report.violations, omitted={
        key: n for key, n in report.omitted.items() if key[0] == "Violation"})
    count = len(violations.results) + sum(violations.omitted.values())
    listed = violations.text().split("\n", 1)[1]  # its verdict line would count 0 warnings
    return (f"Does NOT pass: {count} violation(s) listed below; {warnings} warning(s) and "
            f"info(s) not listed (`kg validate` lists them).\n{listed}")


def build(root: Path, out_dir: Path, *, declared: Sequence[DeclaredFile] | None = None,
          progress: bool = False, strict: bool = False) -> BuildResult:
    """Emit, store, validate, export, publish: in that order, each from the one before.

    The release's store also holds every declared voting-history file (kg.pipeline.declared),
    copied from their import's checkpoint; `declared` replaces the project's own declarations
    (kg import-undl passes the set it is about to declare).
    """
    result = build_graph(root)
    warn_lost_records(result.graph, out_dir)
    result.declared = list(read_declared(root) if declared is None else declared)
    data = sorted_triples(result.graph)
    ontology = sorted_triples(result.ontology)
    with locked(out_dir):
        history = None
        if result.declared:
            history, result.imports = history_checkpoint(out_dir, result.declared,
                                                         progress=progress, strict=strict)
        result.release = _write_release(result, data, ontology, out_dir, history)
    return result


def _write_release(result: BuildResult, data: list[ox.Triple], ontology: list[ox.Triple],
                   out_dir: Path, history: Path | None) -> Path:
    release = new_release(out_dir)
    try:
        if history is not None:  # a checkpoint: hard links to the import's files, no rewrite
            ox.Store.read_only(str(history)).backup(str(release / STORE))
            os.link(history.parent / HISTORY_NTRIPLES, release / HISTORY_NTRIPLES)
        store = ox.Store(str(release / STORE))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                          for t in (*data, *ontology))
        validate_store_of(result, store, history_free=history is None, curated=[*data, *ontology],
                          baseline=history.parent / BASELINE if history is not None else None)
        write_exports(Content(result.graph, data, ontology, context_file()), release)
        store.flush()
        if history is None:  # the history's checkpoint is compacted already; a rewrite of all
            store.optimize()  # of it for the curated graph's few files would cost seconds
        del store  # close RocksDB before readers open it: pyoxigraph has no close(), and
        gc.collect()  # a reference cycle anywhere would keep the store's lock until the next GC
    except BaseException:
        discard(release)
        raise
    publish(out_dir, release, [*EXPORTS, STORE])
    return release


def summary(result: BuildResult) -> str:
    graph = result.graph
    classes = Counter(o for o in graph.objects(None, RDF.type) if str(o).startswith(str(UNKG)))
    lines = [f"{len(graph)} triples"]
    lines += [f"  {count:6d}  {str(cls).split('#')[-1]}" for cls, count in sorted(
        classes.items(), key=lambda item: str(item[0]))]
    lines.append("sources (pieces of evidence):")
    for source in sorted(graph.subjects(RDF.type, UNKG.NewsArticle)) + sorted(
            graph.subjects(RDF.type, UNKG.OfficialRecord)):
        cited = sum(1 for _ in graph.subjects(OA.hasSource, source))
        lines.append(f"  {cited:6d}  {graph.value(source, UNKG.localFile)}")
    single = [w for w in result.warnings if w.shape == SINGLE_SOURCE_CHECK]
    lines.append(f"claims, statements and events carried by one source only: {len(single)}")
    if result.declared:
        lines.append(f"declared voting-history files, in the store ({HISTORY_FILE}):")
        lines += [f"  {d.rows or '?':>8} rows  {d.path}" for d in result.declared]
    if result.validation:
        lines.append(f"validation: {result.validation}")
    return "\n".join(lines)


@click.command("build")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_PROJECT, show_default=True,
              help="Folder holding sources/ and facts/ (and its own shapes/ and queries/, if any).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
              show_default=True, help="Where the exports and the embedded store go.")
def build_command(project: Path, out: Path) -> None:
    """Build the graph from the shipped data, validate it, export it and load the store."""
    result = build(project, out)
    click.echo(summary(result))
    if result.warnings:
        click.echo(f"validation: conforms, with {len(result.warnings)} warnings "
                   "(`kg validate` lists them)")
    click.echo(f"exports: {', '.join(str(out / name) for name in EXPORTS)}")
    click.echo(f"embedded store: {out / STORE}")
