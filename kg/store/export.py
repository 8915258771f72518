"""Serialise the graph to the standard syntaxes, byte-identical for the same input.

One registry of formats (EXPORTS): a new syntax is one entry. pyoxigraph writes Turtle,
N-Triples, TriG and N-Quads from the triples in one sorted order (a format with named graphs
carries the ontology in a graph of its own); rdflib writes the JSON-LD, compacted with the
project's context and put in a canonical order, because its own order follows hashing.
"""

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

import click
import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import CuratorError
from kg.model.namespaces import PREFIXES
from kg.model.terms import oxigraph_triples
from kg.project import DEFAULT_OUT
from kg.store.release import current_release

DATA_GRAPH = URIRef("https://w3id.org/unkg/graph/data")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/unkg/graph/ontology")
# Prefixes written into Turtle and TriG. `id:` is left out: its local names hold "/", which
# Turtle allows only escaped (id:state\/USA); the full IRI reads better.
WRITTEN_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items() if prefix != "id"}


@dataclass(frozen=True)
class Content:
    """What every export is written from: the data and the ontology, each in one sorted order."""

    data: Graph
    data_triples: Sequence[ox.Triple]
    ontology_triples: Sequence[ox.Triple]
    context: Traversable


def sorted_triples(graph: Graph) -> list[ox.Triple]:
    return sorted(oxigraph_triples(graph), key=lambda t: (str(t.subject), str(t.predicate),
                                                          str(t.object)))


def _quads(content: Content) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(str(graph)))
            for graph, triples in ((DATA_GRAPH, content.data_triples),
                                   (ONTOLOGY_GRAPH, content.ontology_triples))
            for t in triples]


def _turtle(content: Content) -> bytes:
    return ox.serialize(content.data_triples, format=ox.RdfFormat.TURTLE,
                        prefixes=WRITTEN_PREFIXES)


def _ntriples(content: Content) -> bytes:
    return _sorted_lines(ox.serialize(content.data_triples, format=ox.RdfFormat.N_TRIPLES))


def _trig(content: Content) -> bytes:
    return ox.serialize(_quads(content), format=ox.RdfFormat.TRIG, prefixes=WRITTEN_PREFIXES)


def _nquads(content: Content) -> bytes:
    return _sorted_lines(ox.serialize(_quads(content), format=ox.RdfFormat.N_QUADS))


def _sorted_lines(text: bytes) -> bytes:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return b"\n".join(lines) + b"\n"


def _jsonld_export(content: Content) -> bytes:
    return _jsonld(content.data, content.context).encode("utf-8")


def _jsonld(data: Graph, context_file: Traversable | Path) -> str:
    context = json.loads(context_file.read_text(encoding="utf-8"))["@context"]
    document = json.loads(data.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = document.get("@graph", [document])
    ordered = sorted((_canonical(node) for node in nodes), key=lambda n: str(n.get("@id", "")))
    return json.dumps({"@context": context, "@graph": ordered}, ensure_ascii=False, indent=2,
                      sort_keys=True) + "\n"


def _canonical(value: Any) -> Any:
    """Sort the values of every property: JSON-LD arrays here are sets, not lists."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [_canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


# File name -> writer. The order is the order of the build's summary.
WRITERS: dict[str, Callable[[Content], bytes]] = {
    "unkg.ttl": _turtle,
    "unkg.nt": _ntriples,
    "unkg.jsonld": _jsonld_export,
    "unkg.trig": _trig,
    "unkg.nq": _nquads,
}
EXPORTS = tuple(WRITERS)


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def write_exports(content: Content, folder: Path) -> list[Path]:
    """Write every export into the folder (TriG and N-Quads also carry the ontology)."""
    written = []
    for name, writer in WRITERS.items():
        (folder / name).write_bytes(writer(content))
        written.append(folder / name)
    return written


# ------------------------------------------------------------------ a release's whole content

# In a release that holds declared voting history: the N-Triples its store was loaded with, in
# import order (kg.pipeline.declared). Reading millions of triples back out of the store takes
# Oxigraph about 20 s; from this file every syntax below is written in a few seconds.
HISTORY_NTRIPLES = "history.nt"
CHUNK = 1 << 24


def _copy(source: Path, out: BinaryIO) -> None:
    with source.open("rb") as handle:
        shutil.copyfileobj(handle, out, CHUNK)


def _release_ntriples(release: Path) -> list[Path]:
    """The release's data as N-Triples files: the curated graph, then the history if any."""
    return [path for path in (release / "unkg.nt", release / HISTORY_NTRIPLES) if path.is_file()]


def _full_ntriples(release: Path, out: BinaryIO) -> None:
    for part in _release_ntriples(release):
        _copy(part, out)


def _full_nquads(release: Path, out: BinaryIO) -> None:
    """The curated N-Quads (data and ontology graphs), then the history in the data graph."""
    _copy(release / "unkg.nq", out)
    history = release / HISTORY_NTRIPLES
    if not history.is_file():
        return
    # An N-Triples line ends " .\n" and no term holds a raw newline, so naming the graph is
    # one replacement per line; chunks are cut at a line's end.
    in_graph = f" <{DATA_GRAPH}> .\n".encode()
    with history.open("rb") as lines:
        while chunk := lines.read(CHUNK) + lines.readline():
            out.write(chunk.replace(b" .\n", in_graph))


def _full_turtle(release: Path, out: BinaryIO) -> None:
    # lenient for the history: its terms were checked when they were written, as the store's
    # bulk load trusts them (a third less time)
    parts = (ox.parse(path=str(part), format=ox.RdfFormat.N_TRIPLES,
                      lenient=part.name == HISTORY_NTRIPLES)
             for part in _release_ntriples(release))
    ox.serialize(chain.from_iterable(parts), out, format=ox.RdfFormat.TURTLE,
                 prefixes=WRITTEN_PREFIXES)


# File name -> writer of a release's whole content: the curated graph and every declared
# voting-history file (`kg export`). A triple both hold (a state's name) may appear twice in the
# line-based syntaxes: a parser reads it once.
FULL_WRITERS: dict[str, Callable[[Path, BinaryIO], None]] = {
    "unkg-full.ttl": _full_turtle,
    "unkg-full.nt": _full_ntriples,
    "unkg-full.nq": _full_nquads,
}


def export_release(release: Path, folder: Path, names: Sequence[str] = tuple(FULL_WRITERS)
                   ) -> list[Path]:
    """Write the release's whole content in each syntax named, each file complete or absent
    (written beside its final name, then renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        target = folder / name
        partial = target.with_name(f".{name}.partial-{os.getpid()}")
        try:
            with partial.open("wb") as out:
                FULL_WRITERS[name](release, out)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
    return written


@click.command("export")
@click.option("--out", "build_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_OUT, show_default=True, help="The build whose published release "
              "is exported.")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to write the files [default: OUT/full-export].")
@click.option("--format", "formats", type=click.Choice(["turtle", "ntriples", "nquads"]),
              multiple=True, help="Only these syntaxes (repeatable) [default: all three].")
def export_command(build_dir: Path, folder: Path | None, formats: tuple[str, ...]) -> None:
    """Write the published release's whole content, the curated graph and every declared
    voting-history file, as unkg-full.ttl, unkg-full.nt and unkg-full.nq. (`kg build` writes
    the curated graph alone in every syntax, JSON-LD and TriG too.)"""
    release = current_release(build_dir)
    if release is None:
        raise CuratorError(f"{build_dir} has no published release; run `kg build` first")
    suffixes = {"turtle": ".ttl", "ntriples": ".nt", "nquads": ".nq"}
    names = [name for name in FULL_WRITERS
             if not formats or any(name.endswith(suffixes[f]) for f in formats)]
    click.echo(f"release {release.name}:")
    for path in export_release(release, folder or build_dir / "full-export", names):
        click.echo(f"  {path} ({path.stat().st_size:,} bytes)")
