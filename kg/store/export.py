"""Serialise the graph to the standard syntaxes, byte-identical for the same input.

One registry of formats (EXPORTS): a new syntax is one entry. pyoxigraph writes Turtle,
N-Triples, TriG and N-Quads from the triples in one sorted order (a format with named graphs
carries the ontology in a graph of its own); rdflib writes the JSON-LD, compacted with the
project's context and put in a canonical order, because its own order follows hashing.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.model.namespaces import PREFIXES
from kg.model.terms import oxigraph_triples

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
