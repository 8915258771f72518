"""Where emitted triples go: an rdflib Graph, or anything else with the same `add`."""

from typing import Protocol

from rdflib.term import Node

Triple = tuple[Node, Node, Node]


class TripleSink(Protocol):
    """rdflib.Graph satisfies this; so can a streaming writer for data too large for memory."""

    def add(self, triple: Triple, /) -> object: ...
