"""docs/MODEL.md's tables of the ontology's terms, generated from the ontology.

The page's prose explains the model; the tables between its marker comments list every class
and property with the ontology's own label and comment, so they cannot fall behind it. A test
keeps the page's block equal to a fresh generation (`python -m kg.model.generate`).
"""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.model.context import unkg_classes, unkg_properties
from kg.model.namespaces import curie
from kg.model.ontology import load_ontology

BEGIN = "<!-- generated from the ontology by `python -m kg.model.generate`: do not edit -->"
END = "<!-- end of the generated tables -->"
PROPERTY_KINDS = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype",
                  OWL.AnnotationProperty: "annotation"}


def model_tables() -> str:
    """The block between the markers: a table of classes, a table of properties."""
    ontology = load_ontology()
    lines = ["### Classes", "",
             "| class | label | refines | what it is |", "|---|---|---|---|"]
    for term in unkg_classes():
        lines.append(_row(_code(term), _english(ontology, term, RDFS.label),
                          _terms(ontology, term, RDFS.subClassOf),
                          _english(ontology, term, RDFS.comment)))
    lines += ["", "### Properties", "",
              "| property | label | kind | refines | domain → range | what it says |",
              "|---|---|---|---|---|---|"]
    for term in unkg_properties():
        kind = next((name for cls, name in PROPERTY_KINDS.items()
                     if (term, RDF.type, cls) in ontology), "")
        span = f"{_terms(ontology, term, RDFS.domain) or '—'} → " \
               f"{_terms(ontology, term, RDFS.range) or '—'}"
        lines.append(_row(_code(term), _english(ontology, term, RDFS.label), kind,
                          _terms(ontology, term, RDFS.subPropertyOf), span,
                          _english(ontology, term, RDFS.comment)))
    return "\n".join([BEGIN, "", *lines, "", END])


def with_tables(page: str) -> str:
    """The page with its generated block replaced by a fresh one."""
    start, end = page.find(BEGIN), page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the page lacks the markers {BEGIN!r} ... {END!r}")
    return page[:start] + model_tables() + page[end + len(END):]


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"


def _code(term: URIRef) -> str:
    return f"`{curie(str(term)) or term}`"


def _terms(ontology: Graph, term: URIRef, link: URIRef) -> str:
    return ", ".join(sorted(_code(t) for t in ontology.objects(term, link)
                            if isinstance(t, URIRef)))


def _english(ontology: Graph, term: URIRef, link: URIRef) -> str:
    return next((" ".join(str(o).split()) for o in ontology.objects(term, link)
                 if isinstance(o, Literal) and o.language == "en"), "")
