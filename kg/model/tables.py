"""docs/MODEL.md's generated tables: the ontology's terms, and the kinds of curated fact.

The page's prose explains the model; the tables between its marker comments list every class
and property with the ontology's own label and comment, so they cannot fall behind it. A test
keeps the page's block equal to a fresh generation (`python -m kg.model.generate`).
"""

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.model.context import unkg_classes, unkg_properties
from kg.model.kinds import COMMON, FACT_KINDS, FIELD_TYPES, MEANINGS
from kg.model.namespaces import curie
from kg.model.ontology import load_ontology

BEGIN = "<!-- generated from the ontology by `python -m kg.model.generate`: do not edit -->"
END = "<!-- end of the generated tables -->"
KINDS_BEGIN = ("<!-- generated from kg/model/kinds.py by `python -m kg.model.generate`: "
               "do not edit -->")
KINDS_END = "<!-- end of the generated table of kinds -->"
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


def fact_kinds_table() -> str:
    """The block between the kinds markers: each kind of curated record, and the fields' types."""
    lines = [KINDS_BEGIN, "",
             "| kind | file | required fields | optional fields | becomes | needs evidence |",
             "|---|---|---|---|---|---|"]
    for kind in FACT_KINDS.values():
        lines.append(_row(f"`{kind.name}`", f"`{kind.file}`",
                          ", ".join(f"`{f}`" for f in kind.required),
                          ", ".join(f"`{f}`" for f in kind.optional), _code(kind.cls),
                          "yes" if kind.needs_evidence else "no"))
    lines += ["", f"Every record may also have {', '.join(f'`{f}`' for f in COMMON)}.", "",
              "| type of field | what it holds | fields |", "|---|---|---|"]
    for field_type in dict.fromkeys(FIELD_TYPES.values()):
        lines.append(_row(field_type, MEANINGS[field_type], ", ".join(
            f"`{name}`" for name, kind in FIELD_TYPES.items() if kind == field_type)))
    return "\n".join([*lines, "", KINDS_END])


def with_tables(page: str) -> str:
    """The page with its generated blocks replaced by fresh ones."""
    for begin, end, block in ((BEGIN, END, model_tables()),
                              (KINDS_BEGIN, KINDS_END, fact_kinds_table())):
        start, stop = page.find(begin), page.find(end)
        if start < 0 or stop < start:
            raise ValueError(f"the page lacks the markers {begin!r} ... {end!r}")
        page = page[:start] + block + page[stop + len(end):]
    return page


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
