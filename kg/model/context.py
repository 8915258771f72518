"""The JSON-LD context, generated: the prefixes of kg.model.namespaces, a term for every class
and property the ontology defines, and the standard vocabularies' terms the data uses.

The shipped file (kg/resources/ontology/context.jsonld) is this module's output; a test keeps
the two equal, so a term added to the ontology reaches the JSON-LD export by regenerating
(`python -m kg.model.generate`), never by a second hand-kept list.
"""

import json
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.model.namespaces import PREFIXES, UNKG
from kg.model.ontology import load_ontology, ontology_text

# The standard vocabularies' properties the data uses, by the term the export gives each:
# term -> (property, how its values are read: "@id" for IRIs, an xsd datatype, None for text).
# The ontology does not redefine these; their value types are what the shapes require.
STANDARD_TERMS: dict[str, tuple[str, str | None]] = {
    "label": ("rdfs:label", None),
    "comment": ("rdfs:comment", None),
    "seeAlso": ("rdfs:seeAlso", "@id"),
    "prefLabel": ("skos:prefLabel", None),
    "altLabel": ("skos:altLabel", None),
    "notation": ("skos:notation", None),
    "hiddenLabel": ("skos:hiddenLabel", None),
    "editorialNote": ("skos:editorialNote", None),
    "broader": ("skos:broader", "@id"),
    "exactMatch": ("skos:exactMatch", "@id"),
    "broadMatch": ("skos:broadMatch", "@id"),
    "definition": ("skos:definition", None),
    "inScheme": ("skos:inScheme", "@id"),
    "subject": ("rdf:subject", "@id"),
    "predicate": ("rdf:predicate", "@id"),
    "object": ("rdf:object", None),
    # rdf:value twice: a count's number, and a fragment selector's "row=5" (text)
    "value": ("rdf:value", "xsd:integer"),
    "fragment": ("rdf:value", None),
    "title": ("dcterms:title", None),
    "date": ("dcterms:date", "xsd:date"),
    "identifier": ("dcterms:identifier", None),
    "conformsTo": ("dcterms:conformsTo", "@id"),
    # "creator" and "type" are schema:creator and JSON-LD's @type; Dublin Core's get "dc"
    "dcCreator": ("dcterms:creator", "@id"),
    "dcType": ("dcterms:type", "@id"),
    "relation": ("dcterms:relation", "@id"),
    "isPartOf": ("dcterms:isPartOf", "@id"),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "@id"),
    "hadPrimarySource": ("prov:hadPrimarySource", "@id"),
    "wasAssociatedWith": ("prov:wasAssociatedWith", "@id"),
    "hasMember": ("org:hasMember", "@id"),
    "holds": ("org:holds", "@id"),
    "postIn": ("org:postIn", "@id"),
    "member": ("org:member", "@id"),
    "organization": ("org:organization", "@id"),
    "role": ("org:role", "@id"),
    "motion": ("opengov:motion", "@id"),
    "voteEvent": ("opengov:voteEvent", "@id"),
    "result": ("opengov:result", "@id"),
    "count": ("opengov:count", "@id"),
    "agent": ("schema:agent", "@id"),
    "option": ("schema:option", "@id"),
    "creator": ("schema:creator", "@id"),
    "about": ("schema:about", "@id"),
    "text": ("schema:text", None),
    "description": ("schema:description", None),
    "publisher": ("schema:publisher", None),
    "organizer": ("schema:organizer", "@id"),
    "datePublished": ("schema:datePublished", "xsd:date"),
    "url": ("schema:url", "@id"),
    "inLanguage": ("schema:inLanguage", None),
    "recordedAt": ("schema:recordedAt", "@id"),
    "motivatedBy": ("oa:motivatedBy", "@id"),
    "hasBody": ("oa:hasBody", "@id"),
    "hasTarget": ("oa:hasTarget", "@id"),
    "hasSource": ("oa:hasSource", "@id"),
    "hasSelector": ("oa:hasSelector", "@id"),
    "exact": ("oa:exact", None),
    "prefix": ("oa:prefix", None),
    "suffix": ("oa:suffix", None),
    "start": ("oa:start", "xsd:nonNegativeInteger"),
    "end": ("oa:end", "xsd:nonNegativeInteger"),
}


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
    standard: dict[str, list[tuple[str, object]]] = {}
    for term, (curie, kind) in STANDARD_TERMS.items():
        standard.setdefault(curie.split(":")[0], []).append((term, _entry(curie, kind)))
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


def _document_order() -> dict[str, int]:
    """Each subject's first place in the ontology file (rdflib's graph keeps no order)."""
    order: dict[str, int] = {}
    for n, triple in enumerate(_parsed_in_order()):
        order.setdefault(triple.subject.value, n)
    return order


def _parsed_in_order() -> Iterator[ox.Triple]:
    for quad in ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE):
        yield quad.triple
