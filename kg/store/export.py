"""Serialise the graph to the standard syntaxes, byte-identical for the same input.

rdflib writes Turtle, TriG and JSON-LD; line-based syntaxes are sorted, and the
JSON-LD document is put in a canonical order, because rdflib's own output
order follows hashing, which changes from one process to the next.
"""

import json
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef

from kg.model.namespaces import PREFIXES

DATA_GRAPH = URIRef("https://w3id.org/unkg/graph/data")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/unkg/graph/ontology")
EXPORTS = ("unkg.ttl", "unkg.nt", "unkg.jsonld", "unkg.trig", "unkg.nq")


def bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def write_exports(data: Graph, ontology: Graph, context_file: Path, folder: Path) -> list[Path]:
    """Write every export of the data graph (TriG and N-Quads also carry the ontology)."""
    bind_prefixes(data)
    written = [folder / name for name in EXPORTS]
    turtle, ntriples, jsonld, trig, nquads = written
    turtle.write_text(data.serialize(format="turtle"), encoding="utf-8")
    ntriples.write_text(_sorted_lines(data.serialize(format="nt")), encoding="utf-8")
    jsonld.write_text(_jsonld(data, context_file), encoding="utf-8")
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace, override=True, replace=True)
    for name, graph in ((DATA_GRAPH, data), (ONTOLOGY_GRAPH, ontology)):
        named = dataset.graph(name)
        for triple in graph:
            named.add(triple)
    trig.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    nquads.write_text(_sorted_lines(dataset.serialize(format="nquads")), encoding="utf-8")
    return written


def _sorted_lines(text: str) -> str:
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n"


def _jsonld(data: Graph, context_file: Path) -> str:
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
