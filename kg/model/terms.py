"""RDF terms between the two libraries: rdflib (the emitters, pyshacl) and pyoxigraph (the store,
SPARQL, the serialisers). Every conversion goes through here."""

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


class OxigraphTerms:
    """rdflib -> pyoxigraph, remembering the IRIs and datatypes it has converted: in a graph or a
    stream the same few thousand IRIs (states, events, properties) recur. The memory is bounded,
    so that it does not grow with the rows of a large file."""

    def __init__(self, limit: int = 50_000):
        self.limit = limit
        self._iris: dict[URIRef, ox.NamedNode] = {}

    def __call__(self, node: Node) -> OxTerm:
        if isinstance(node, URIRef):
            return self._iri(node)
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            if node.datatype:
                return ox.Literal(str(node), datatype=self._iri(node.datatype))
            return ox.Literal(str(node))
        if isinstance(node, BNode):
            return ox.BlankNode(str(node))
        raise TypeError(f"not an RDF term: {node!r}")

    def _iri(self, node: URIRef) -> ox.NamedNode:
        converted = self._iris.get(node)
        if converted is None:
            if len(self._iris) > self.limit:
                self._iris.clear()
            converted = self._iris[node] = ox.NamedNode(str(node))
        return converted


def to_oxigraph(node: Node) -> OxTerm:
    """One term, uncached (for a query's bindings and other single terms)."""
    return OxigraphTerms()(node)


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as rdflib's, exactly as stored: a plain string stays a simple literal
    (as rdflib parses one), and a literal is never normalised (rdflib would rewrite an
    ill-formed "none"^^xsd:boolean to "false", hiding what a validator must see)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = URIRef(term.datatype.value) if term.language is None else None
    if datatype == XSD_STRING:
        datatype = None
    return Literal(term.value, lang=term.language, datatype=datatype, normalize=False)


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """pyoxigraph triples (or quads, their graphs dropped) as one rdflib Graph."""
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def oxigraph_triples(triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Triple]:
    """rdflib triples as pyoxigraph triples."""
    term = OxigraphTerms()
    for s, p, o in triples:
        yield ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]
