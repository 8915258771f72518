"""The JSON-LD context, generated: the prefixes of kg.model.namespaces, a term for every class
and property the ontology defines, and the standard vocabularies' terms the data uses.

The shipped file (kg/resources/ontology/context.jsonld) is this module's output; a test keeps
the two equal, so a term added to the ontology reaches the JSON-LD export by regenerating
(`python -m kg.model.generate`), never by a second hand-kept list.
"""

import json
from collections.abc import Iterator
from functools import cache

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.model.namespaces import PREFIXES, UNKG
from kg.model.ontology import load_ontology, ontology_text

# The standard vocabularies' properties the data uses, by vocabulary: each property's local
# name, and how its values are read ("@id" for IRIs, an xsd datatype, None for text). The term
# is the local name but where NAMED says otherwise. The ontology does not redefine these; their
# value types are what the shapes require.
STANDARD_TERMS: dict[str, dict[str, str | None]] = {
    "rdfs": {"label": None, "comment": None, "seeAlso": "@id"},
    "skos": {"prefLabel": None, "altLabel": None, "notation": None, "hiddenLabel": None,
             "editorialNote": None, "broader": "@id", "exactMatch": "@id", "broadMatch": "@id",
             "definition": None, "inScheme": "@id"},
    "rdf": {"subject": "@id", "predicate": "@id", "object": None, "value": "xsd:integer"},
    "dcterms": {"title": None, "date": "xsd:date", "identifier": None, "conformsTo": "@id",
                "creator": "@id", "type": "@id", "relation": "@id", "isPartOf": "@id",
                "isReplacedBy": "@id"},
    "prov": {"wasDerivedFrom": "@id", "hadPrimarySource": "@id", "wasAssociatedWith": "@id"},
    "org": {"hasMember": "@id", "holds": "@id", "postIn": "@id", "member": "@id",
            "organization": "@id", "role": "@id"},
    "opengov": {"motion": "@id", "voteEvent": "@id", "result": "@id", "count": "@id"},
    "schema": {"agent": "@id", "option": "@id", "creator": "@id", "about": "@id", "text": None,
               "description": None, "publisher": None, "organizer": "@id",
               "datePublished": "xsd:date", "url": "@id", "inLanguage": None,
               "recordedAt": "@id"},
    "oa": {"motivatedBy": "@id", "hasBody": "@id", "hasTarget": "@id", "hasSource": "@id",
           "hasSelector": "@id", "exact": None, "prefix": None, "suffix": None,
           "start": "xsd:nonNegativeInteger", "end": "xsd:nonNegativeInteger"},
}
# "creator" and "type" are schema:creator and JSON-LD's @type: Dublin Core's get "dc".
NAMED = {"dcterms:creator": "dcCreator", "dcterms:type": "dcType"}
# A second term for a property: rdf:value is a count's number above, and a fragment
# selector's "row=5" (text) here.
ALIASES = {"rdf": {"fragment": ("rdf:value", None)}}


def standard_terms() -> dict[str, list[tuple[str, object]]]:
    """Each standard vocabulary's context entries, by prefix."""
    found: dict[str, list[tuple[str, object]]] = {}
    for prefix, properties in STANDARD_TERMS.items():
        entries = found.setdefault(prefix, [])
        for local, kind in properties.items():
            curie = f"{prefix}:{local}"
            entries.append((NAMED.get(curie, local), _entry(curie, kind)))
        entries += [(term, _entry(curie, kind))
                    for term, (curie, kind) in ALIASES.get(prefix, {}).items()]
    return found


def ontology_terms(kind: URIRef) -> list[URIRef]:
    """The unkg terms the ontology declares of one kind (owl:Class, a kind of property), in the
    order the ontology file defines them, so the context reads in the ontology's order."""
    graph = load_ontology()
    declared = {s for s in graph.subjects(RDF.type, kind)
                if isinstance(s, URIRef) and s.startswith(str(UNKG))}
    order = _document_order()
    return sorted(declared, key=lambda term: order.get(str(term), len(order)))


def unkg_classes() -> list[URIRef]:
    return ontology_terms(OWL.Class)


def unkg_properties() -> list[URIRef]:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    order = _document_order()
    found = {term for kind in kinds for term in ontology_terms(kind)}
    return sorted(found, key=lambda term: order.get(str(term), len(order)))


def value_type(ontology: Graph, prop: URIRef) -> str | None:
    """How the context reads a unkg property's values, as its declaration says: IRIs for an
    object property, the range's datatype for a typed datatype property, else text."""
    if (prop, RDF.type, OWL.ObjectProperty) in ontology:
        return "@id"
    datatype = ontology.value(prop, RDFS.range)
    if (prop, RDF.type, OWL.DatatypeProperty) in ontology and datatype not in (None, XSD.string):
        return "xsd:" + str(datatype).removeprefix(str(XSD))
    return None


def context_groups() -> list[list[tuple[str, object]]]:
    """The context's entries in groups: prefixes, classes, each standard vocabulary's terms,
    unkg properties."""
    ontology = load_ontology()
    local = len(str(UNKG))
    prefixes = [(prefix, str(namespace)) for prefix, namespace in PREFIXES.items()]
    classes = [(str(c)[local:], f"unkg:{str(c)[local:]}") for c in unkg_classes()]
    standard = standard_terms()
    properties = [(str(p)[local:], _entry(f"unkg:{str(p)[local:]}", value_type(ontology, p)))
                  for p in unkg_properties()]
    return [prefixes, classes, *standard.values(), properties]


def render_context() -> str:
    """The context file's text: one entry a line, a blank line between groups, so that a
    change to the ontology shows as a one-line change of the file."""
    seen: set[str] = set()
    groups = []
    for group in context_groups():
        lines = []
        for term, definition in group:
            if term in seen:
                raise ValueError(f"two context entries for the term {term!r}")
            seen.add(term)
            lines.append(f"    {json.dumps(term)}: {json.dumps(definition, ensure_ascii=False)}")
        groups.append(",\n".join(lines))
    return '{\n  "@context": {\n' + ",\n\n".join(groups) + "\n  }\n}\n"


def _entry(curie: str, kind: str | None) -> object:
    return curie if kind is None else {"@id": curie, "@type": kind}


@cache
def _document_order() -> dict[str, int]:
    """Each subject's first place in the ontology file (rdflib's graph keeps no order)."""
    order: dict[str, int] = {}
    for n, triple in enumerate(_parsed_in_order()):
        order.setdefault(triple.subject.value, n)
    return order


def _parsed_in_order() -> Iterator[ox.Triple]:
    for quad in ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE):
        yield quad.triple
