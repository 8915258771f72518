"""The project's ontology (OWL, Turtle), loaded once per process from the packaged file."""

from functools import cache

from rdflib import Graph

from kg.errors import CuratorError
from kg.project import ontology_file


@cache
def ontology_text() -> str:
    """The ontology file's Turtle, as shipped."""
    return ontology_file().read_text(encoding="utf-8")


@cache
def _parsed() -> Graph:
    try:
        return Graph().parse(data=ontology_text(), format="turtle")
    except Exception as err:  # rdflib raises several parser exception types
        raise CuratorError(f"the ontology does not parse: {err}",
                           file=str(ontology_file())) from None


def load_ontology() -> Graph:
    """A fresh copy of the ontology graph (callers may add to it); a missing or broken one is an
    error, never an empty class hierarchy."""
    graph = Graph()
    graph += _parsed()
    return graph
