"""The main job: sources + facts + official record -> graph -> validation -> exports + store.

Data flows one way. Nothing is written where users look until the graph has
been built and validated and every export and the store are complete; then one
rename publishes them together (see kg.store.release).
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click
from rdflib import Graph, URIRef

from kg.emit.entailment import Entailment
from kg.emit.facts import Facts
from kg.emit.record import emit_bodies, emit_official_record
from kg.errors import CuratorError
from kg.ingest.sources import emit_source, load_sources
from kg.model.namespaces import OA, RDF, UNKG
from kg.model.ontology import load_ontology
from kg.project import DEFAULT_OUT, DEFAULT_PROJECT, context_file, ontology_file
from kg.store.embedded import load_store
from kg.store.export import EXPORTS, bind_prefixes, write_exports
from kg.store.release import discard, new_release, publish

STORE = "store"
FACT_CLASSES = (UNKG.Claim, UNKG.Statement, UNKG.Event)


@dataclass
class BuildResult:
    graph: Graph
    ontology: Graph
    project: Path
    release: Path | None = None
    warnings: list[str] = field(default_factory=list)


def build_graph(root: Path) -> BuildResult:
    """Everything the project's data says, as one RDF graph (not yet validated)."""
    ontology = load_ontology()
    sources = load_sources(root)
    graph = Graph()
    bind_prefixes(graph)
    emit_bodies(graph)
    for source in sources.values():
        emit_source(graph, source)
        if source.is_table:
            emit_official_record(graph, source)
    Facts(root, sources, graph, ontology).emit(graph)
    Entailment.of(ontology).add_to(graph)  # the standard types and properties, for any reader
    return BuildResult(graph, ontology, root)


def validate_graph(result: BuildResult) -> None:
    """Validation is part of the build: an invalid graph is never exported or loaded."""
    from kg.validate.report import (
        validate,  # the shapes' module; imported here to keep start-up fast
    )

    report = validate(result.graph, result.ontology, project=result.project)
    if not report.conforms:
        raise CuratorError("the graph does not pass validation; nothing was written.\n"
                           + report.text())
    result.warnings = [f"{r.label or r.focus}: {r.message}" for r in report.warnings]


def build(root: Path, out_dir: Path) -> BuildResult:
    result = build_graph(root)
    validate_graph(result)
    release = new_release(out_dir)
    try:
        files = write_exports(result.graph, result.ontology, context_file(), release)
        load_store([files[EXPORTS.index("unkg.nt")], ontology_file()], release / STORE)
    except BaseException:
        discard(release)
        raise
    publish(out_dir, release, [*EXPORTS, STORE])
    result.release = release
    return result


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
    single = single_source_facts(graph)
    lines.append(f"claims, statements and events carried by one source only: {len(single)}")
    return "\n".join(lines)


def single_source_facts(graph: Graph) -> list[URIRef]:
    single = []
    for cls in FACT_CLASSES:
        for node in graph.subjects(RDF.type, cls):
            sources = {graph.value(graph.value(ev, OA.hasTarget), OA.hasSource)
                       for ev in graph.objects(node, UNKG.evidence)}
            if len(sources) == 1:
                single.append(node)
    return sorted(single)


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
                   "(facts carried by one source; `kg validate` lists them)")
    click.echo(f"exports: {', '.join(str(out / name) for name in EXPORTS)}")
    click.echo(f"embedded store: {out / STORE}")
