"""RDF terms between the two libraries: rdflib (the emitters, pyshacl) and pyoxigraph (the store,
SPARQL, the serialisers). Every conversion goes through here."""

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph(node: Node) -> OxTerm:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def to_rdflib(term: OxTerm) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = URIRef(term.datatype.value) if term.language is None else None
    return Literal(term.value, lang=term.language, datatype=datatype)


def oxigraph_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Triple]:
    """rdflib triples as pyoxigraph triples; each distinct term is converted once."""
    seen: dict[Node, OxTerm] = {}

    def term(node: Node) -> OxTerm:
        converted = seen.get(node)
        if converted is None:
            converted = seen[node] = to_oxigraph(node)
        return converted

    for s, p, o in triples:
        yield ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]
