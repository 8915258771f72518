"""The ontology (ontology/unkg.ttl) and the JSON-LD context (ontology/context.jsonld).

The ontology must parse the same in two independent engines, define every unkg: term
that docs/MODEL.md uses, document each one for a curator, tie each class to a standard
vocabulary, and never pun a class with a property. The context must compact a graph
into readable terms and expand it back to the same triples.
"""

import csv
import json
import re
from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.model.namespaces import OA, OPENGOV, PREFIXES, PROV, SCHEMA, UNKG

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "unkg.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
MODEL = ROOT / "docs" / "MODEL.md"
OFFICIAL_RECORD = ROOT / "sources" / "official-record"

PROPERTY_TYPES = (
    OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
)
CLASS_TYPES = (OWL.Class, RDFS.Class)
STANDARD_NAMESPACES = tuple(
    str(ns) for prefix, ns in PREFIXES.items() if prefix not in {"unkg", "id", "owl", "xsd"}
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]


def typed(graph: Graph, types: tuple[URIRef, ...]) -> set[URIRef]:
    return {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def unkg_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(UNKG))}


def english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.language == "en" and str(o).strip()]


# --- the ontology -------------------------------------------------------------------


def test_rdflib_and_oxigraph_read_the_same_triples(ontology: Graph) -> None:
    quads = pyoxigraph.parse(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE)
    as_ntriples = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES)
    from_oxigraph = Graph().parse(data=as_ntriples.decode(), format="nt")
    assert len(from_oxigraph) == len(ontology) > 500
    assert isomorphic(from_oxigraph, ontology)


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/unkg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionInfo, PREFIXES["dcterms"].title,
                      PREFIXES["dcterms"].description, PREFIXES["dcterms"].license,
                      PREFIXES["dcterms"].created):
        assert ontology.value(header, predicate) is not None, predicate
    assert not list(ontology.objects(header, OWL.imports)), "the ontology is self-contained"


def test_every_term_in_model_md_is_defined(ontology: Graph) -> None:
    mentioned = {UNKG[name] for name in
                 re.findall(r"\bunkg:([A-Za-z][A-Za-z0-9]*)", MODEL.read_text(encoding="utf-8"))}
    assert len(mentioned) > 60  # the regex found the contract's terms, not nothing
    missing = sorted(t for t in mentioned if (t, RDF.type, None) not in ontology)
    assert not missing, f"MODEL.md mentions terms the ontology does not define: {missing}"


def test_every_unkg_term_used_is_declared(ontology: Graph) -> None:
    """Catches typos: an unkg: IRI in any position must have an rdf:type of its own."""
    used = {n for triple in ontology for n in triple
            if isinstance(n, URIRef) and n.startswith(str(UNKG))}
    undeclared = sorted(t for t in used if (t, RDF.type, None) not in ontology)
    assert not undeclared


def test_classes_and_properties_have_one_english_label_and_a_comment(ontology: Graph) -> None:
    terms = {t for t in typed(ontology, CLASS_TYPES + PROPERTY_TYPES) if t in unkg_terms(ontology)}
    assert len(terms) > 40
    for term in sorted(terms):
        assert len(english(ontology, term, RDFS.label)) == 1, f"{term}: one English label"
        assert english(ontology, term, RDFS.comment), f"{term}: an English comment"


def test_concepts_have_one_english_preflabel_and_a_definition(ontology: Graph) -> None:
    individuals = unkg_terms(ontology) - typed(ontology, CLASS_TYPES + PROPERTY_TYPES)
    assert UNKG.evidencing in individuals and UNKG.VoteOptions in individuals
    for term in sorted(individuals):
        assert len(english(ontology, term, SKOS.prefLabel)) == 1, f"{term}: one English prefLabel"
        assert english(ontology, term, SKOS.definition), f"{term}: an English definition"


def test_every_unkg_term_is_a_class_a_property_or_a_concept(ontology: Graph) -> None:
    kinds = CLASS_TYPES + PROPERTY_TYPES + (SKOS.Concept, SKOS.ConceptScheme, OA.Motivation)
    for term in sorted(unkg_terms(ontology)):
        assert any((term, RDF.type, kind) in ontology for kind in kinds), term


def test_no_iri_is_both_class_and_property(ontology: Graph) -> None:
    punned = typed(ontology, CLASS_TYPES) & typed(ontology, PROPERTY_TYPES)
    assert not punned


def test_object_and_datatype_properties_are_disjoint_and_ranged_sensibly(ontology: Graph) -> None:
    objects = typed(ontology, (OWL.ObjectProperty,))
    datatypes = typed(ontology, (OWL.DatatypeProperty,))
    assert not objects & datatypes
    for prop in datatypes:
        for rng in ontology.objects(prop, RDFS.range):
            assert str(rng).startswith(str(XSD)), f"{prop}: datatype property ranged over {rng}"
    classes = typed(ontology, CLASS_TYPES)
    for prop in objects:
        for rng in ontology.objects(prop, RDFS.range):
            assert rng in classes, f"{prop}: object property ranged over non-class {rng}"


def test_every_class_reaches_a_standard_vocabulary(ontology: Graph) -> None:
    classes = {c for c in typed(ontology, CLASS_TYPES) if c in unkg_terms(ontology)}
    assert len(classes) == 28  # the classes MODEL.md lists, derived ones included
    for cls in sorted(classes):
        supers = set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}
        standard = [s for s in supers if str(s).startswith(STANDARD_NAMESPACES)]
        assert standard, f"{cls} is tied to no standard class"


NO_STANDARD_BLOCK = re.compile(r"^# Properties with no standard super-property.*?^# -{10,}",
                               re.MULTILINE | re.DOTALL)


def test_every_property_reaches_a_standard_one_or_says_why_not(ontology: Graph) -> None:
    """Each unkg property has a standard super-property, or the ontology's comment block
    "Properties with no standard super-property" names it (and names no other)."""
    properties = {p for p in typed(ontology, PROPERTY_TYPES) if p in unkg_terms(ontology)}
    without = set()
    for prop in properties:
        supers = set(ontology.transitive_objects(prop, RDFS.subPropertyOf)) - {prop}
        if not any(str(s).startswith(STANDARD_NAMESPACES) for s in supers):
            without.add(prop.removeprefix(str(UNKG)))
    block = NO_STANDARD_BLOCK.search(ONTOLOGY.read_text(encoding="utf-8"))
    assert block, "the ontology lost its list of properties with no standard super-property"
    listed = set(re.findall(r"unkg:(\w+)", block.group()))
    assert without, "every property has a standard super-property: drop the list"
    assert listed == without


def test_model_md_subclass_axioms(ontology: Graph) -> None:
    # The class table of docs/MODEL.md, "Properties by class".
    expected = [
        (UNKG.State, SCHEMA.Country), (UNKG.State, PREFIXES["org"].Organization),
        (UNKG.Person, SCHEMA.Person), (UNKG.Body, UNKG.Organization),
        (UNKG.Resolution, OPENGOV.Motion), (UNKG.Resolution, SCHEMA.Legislation),
        (UNKG.Amendment, OPENGOV.Motion), (UNKG.VoteEvent, OPENGOV.VoteEvent),
        (UNKG.Vote, OPENGOV.Vote), (UNKG.Claim, RDF.Statement), (UNKG.Claim, PROV.Entity),
        (UNKG.Statement, SCHEMA.Quotation), (UNKG.Event, SCHEMA.Event),
        (UNKG.Event, PROV.Activity), (UNKG.Source, PROV.Entity),
        (UNKG.NewsArticle, SCHEMA.NewsArticle), (UNKG.OfficialRecord, SCHEMA.Dataset),
        (UNKG.Evidence, OA.Annotation),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in ontology, f"{sub} ⊑ {sup}"


def test_variant_of_is_symmetric_and_evidence_is_not_derivation(ontology: Graph) -> None:
    assert (UNKG.variantOf, RDF.type, OWL.SymmetricProperty) in ontology
    # The evidence is the annotation, not the source: deriving from it would be wrong.
    assert (UNKG.evidence, RDFS.subPropertyOf, PROV.wasDerivedFrom) not in ontology


def test_vote_option_notations_are_the_official_record_codes(ontology: Graph) -> None:
    # The codes of the ms_vote column of both official-record CSV files.
    codes = set()
    for path in sorted(OFFICIAL_RECORD.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            codes |= {row["ms_vote"] for row in csv.DictReader(handle)}
    assert codes == {"Y", "N", "A", "X"}
    options = set(ontology.subjects(SKOS.inScheme, UNKG.VoteOptions))
    notations = {str(ontology.value(o, SKOS.notation)) for o in options}
    assert notations == codes
    assert ontology.value(UNKG.No, SKOS.notation) == Literal("N")


def test_concept_schemes_hold_the_model_md_concepts(ontology: Graph) -> None:
    schemes = {
        UNKG.VoteOptions: {"Yes", "No", "Abstain", "NonVoting"},
        UNKG.Outcomes: {"Adopted", "Rejected", "Vetoed"},
        UNKG.Stances: {"Praise", "Criticism", "Support", "Opposition", "Neutral"},
        UNKG.SeatKinds: {"PermanentMember", "ElectedMember"},
    }
    for scheme, names in schemes.items():
        members = set(ontology.subjects(SKOS.inScheme, scheme))
        assert members == {UNKG[n] for n in names}, scheme
    assert len(set(ontology.subjects(SKOS.inScheme, UNKG.EventKinds))) >= 5
    assert (UNKG.evidencing, SKOS.broader, OA.describing) in ontology
    assert (UNKG.evidencing, RDF.type, OA.Motivation) in ontology


SAMPLE = """
@base <https://w3id.org/unkg/id/> .
@prefix unkg: <https://w3id.org/unkg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix opengov: <http://www.w3.org/ns/opengov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# After docs/MODEL.md's evidence example (Moscow Times: "18 against — including from the U.S.").
<claim/us-against-es-11-7/USA> a unkg:Claim ;
    rdf:subject <vote/A-RES-ES-11-7/USA> ; rdf:predicate schema:option ; rdf:object unkg:No ;
    rdfs:label "USA voted no on A/RES/ES-11/7 (as reported)"@en ;
    prov:wasDerivedFrom <source/moscow-times-2025-02-25> ;
    unkg:evidence <evidence/us-against-es-11-7/1> ;
    unkg:curatedIn "facts/claims.yaml#us-against-es-11-7" ;
    unkg:curatorNote "'including from the U.S.' read as the US voting no" .
<claim/votes-on-tuesday> a unkg:Claim ;
    rdf:subject <vote-event/A-RES-ES-11-7> ; rdf:predicate dcterms:date ;
    rdf:object "2025-02-25"^^xsd:date .
<evidence/us-against-es-11-7/1> a unkg:Evidence , oa:Annotation ;
    oa:motivatedBy unkg:evidencing ;
    oa:hasBody <claim/us-against-es-11-7/USA> ;
    oa:hasTarget <evidence/us-against-es-11-7/1/target> .
<evidence/us-against-es-11-7/1/target> a oa:SpecificResource ;
    oa:hasSource <source/moscow-times-2025-02-25> ;
    oa:hasSelector <evidence/us-against-es-11-7/1/quote> ,
                   <evidence/us-against-es-11-7/1/position> .
<evidence/us-against-es-11-7/1/quote> a oa:TextQuoteSelector ;
    oa:exact "18 against — including from the U.S." ; oa:prefix "with " ; oa:suffix "." .
<evidence/us-against-es-11-7/1/position> a oa:TextPositionSelector ;
    oa:start "1234"^^xsd:nonNegativeInteger ; oa:end 1271 .
<evidence/record/1/row> a oa:FragmentSelector ;
    dcterms:conformsTo <http://tools.ietf.org/rfc/rfc7111> ; rdf:value "row=5" .
<vote-event/A-RES-ES-11-7> a unkg:VoteEvent ;
    opengov:motion <document/A-RES-ES-11-7> ; unkg:body <org/un-general-assembly> ;
    dcterms:date "2025-02-24"^^xsd:date ; opengov:result unkg:Adopted ;
    opengov:count <vote-event/A-RES-ES-11-7/count/yes> ; unkg:rollCallComplete true .
<vote-event/A-RES-ES-11-7/count/yes> a opengov:YesCount ; rdf:value 93 .
<vote/A-RES-ES-11-7/USA> a unkg:Vote ;
    opengov:voteEvent <vote-event/A-RES-ES-11-7> ; schema:agent <state/USA> ;
    schema:option unkg:No .
<state/USA> a unkg:State ; unkg:iso3 "USA" ; skos:prefLabel "United States"@en ;
    skos:altLabel "U.S."@en , "Washington"@en .
<membership/un-security-council/USA> a org:Membership ; org:member <state/USA> ;
    org:organization <org/un-security-council> ; org:role unkg:PermanentMember .
<amendment/sc-european-amendments> a unkg:Amendment ; unkg:movedBy <state/GBR> .
<rule/sc-adoption> a unkg:VotingRule ; unkg:body <org/un-security-council> ;
    unkg:minimumYesVotes 9 ; unkg:permanentMemberVeto true .
<statement/peskov-balanced> a unkg:Statement ;
    schema:creator <person/dmitry-peskov> ; unkg:inRole <post/kremlin-spokesperson> ;
    schema:text "We welcome this" ; unkg:directQuote true ; unkg:stance unkg:Praise ;
    unkg:stanceTowards <state/USA> ; unkg:variantOf <statement/peskov-balanced-2> .
<source/moscow-times-2025-02-25> a unkg:NewsArticle ;
    dcterms:title "Kremlin Applauds U.S. Position in UN Resolution on Ukraine Invasion" ;
    schema:datePublished "2025-02-25"^^xsd:date ;
    schema:url <https://www.themoscowtimes.com/2025/02/25/kremlin-applauds-us-position-in-un-\
resolution-on-ukraine-invasion-a88157> ;
    unkg:sha256 "60cbc04ec8213245c0bef0f3086895eb336eb0442b559e2ce0adb80ce5bff0d6" ;
    unkg:localFile "sources/articles/000_e932386db07a42c0.txt" .
<source/article-2025-02-26-unsc-pakistan> a unkg:NewsArticle ;
    unkg:unknownProperty schema:publisher , schema:url .
"""


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


def test_a_standards_only_client_can_read_the_data(ontology: Graph, sample: Graph) -> None:
    """OWL RL inference over ontology + data gives the standard types and links."""
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in sample:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    entailed = [
        (URIRef("https://w3id.org/unkg/id/vote/A-RES-ES-11-7/USA"), RDF.type, OPENGOV.Vote),
        (URIRef("https://w3id.org/unkg/id/state/USA"), RDF.type, PROV.Agent),
        (URIRef("https://w3id.org/unkg/id/claim/us-against-es-11-7/USA"), RDF.type, RDF.Statement),
        (URIRef("https://w3id.org/unkg/id/statement/peskov-balanced-2"),
         UNKG.variantOf, URIRef("https://w3id.org/unkg/id/statement/peskov-balanced")),
        (URIRef("https://w3id.org/unkg/id/statement/peskov-balanced"),
         SCHEMA.about, URIRef("https://w3id.org/unkg/id/state/USA")),
        # Popolo's current term for a motion's mover (opengov:mover was withdrawn in 2014)
        (URIRef("https://w3id.org/unkg/id/amendment/sc-european-amendments"),
         SCHEMA.creator, URIRef("https://w3id.org/unkg/id/state/GBR")),
    ]
    for triple in entailed:
        assert triple in closure, triple
    assert (None, RDF.type, OWL.Nothing) not in closure


# --- the JSON-LD context ------------------------------------------------------------


def test_context_declares_the_model_md_prefixes(context: dict) -> None:
    # JSON-LD 1.0 processors refuse "@version"; the context uses no 1.1 feature, so it has none
    assert "@version" not in context
    assert "@vocab" not in context  # unknown terms must not silently land in a namespace
    for prefix in ("unkg", "id", "opengov", "org", "prov", "oa", "schema", "dcterms", "skos"):
        assert context[prefix] == str(PREFIXES[prefix]), prefix


def test_context_terms_match_the_ontology(ontology: Graph, context: dict) -> None:
    """Each unkg property term is coerced as its ontology declaration says."""
    def expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return context[prefix] + local

    checked = 0
    for term, definition in context.items():
        if term.startswith("@") or not isinstance(definition, dict | str):
            continue
        target = definition if isinstance(definition, str) else definition["@id"]
        if not target.startswith("unkg:"):  # prefixes and other vocabularies' terms
            continue
        iri = URIRef(expand(target))
        if not iri.startswith(str(UNKG)):
            continue
        assert (iri, RDF.type, None) in ontology, f"context term {term} names unknown {iri}"
        coercion = definition.get("@type") if isinstance(definition, dict) else None
        if (iri, RDF.type, OWL.ObjectProperty) in ontology:
            assert coercion == "@id", f"{term}: object property, values are IRIs"
        elif (iri, RDF.type, OWL.DatatypeProperty) in ontology:
            rng = ontology.value(iri, RDFS.range)
            wanted = None if rng in (None, XSD.string) else "xsd:" + rng.removeprefix(str(XSD))
            assert coercion == wanted, f"{term}: typed as the ontology's range {rng}"
        checked += 1
    assert checked >= 45


def test_context_compacts_readably_and_round_trips(sample: Graph, context: dict) -> None:
    compacted = sample.serialize(format="json-ld", context=context, auto_compact=True)
    nodes = {node["@id"]: node for node in json.loads(compacted)["@graph"]}
    vote = nodes["https://w3id.org/unkg/id/vote/A-RES-ES-11-7/USA"]
    assert vote["@type"] == "Vote" and vote["option"] == "unkg:No"
    event = nodes["https://w3id.org/unkg/id/vote-event/A-RES-ES-11-7"]
    assert event["date"] == "2025-02-24" and event["rollCallComplete"] == "true"
    quote = nodes["https://w3id.org/unkg/id/evidence/us-against-es-11-7/1/quote"]
    assert quote["exact"] == "18 against — including from the U.S."

    by_rdflib = Graph().parse(data=compacted, format="json-ld")
    assert isomorphic(by_rdflib, sample)

    # A second, independent JSON-LD processor must read the same triples.
    quads = pyoxigraph.parse(compacted, format=pyoxigraph.RdfFormat.JSON_LD)
    as_ntriples = pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_TRIPLES)
    by_oxigraph = Graph().parse(data=as_ntriples.decode(), format="nt")
    assert isomorphic(by_oxigraph, sample)


def test_sample_has_no_blank_nodes(sample: Graph) -> None:
    # Guards the round-trip test: isomorphism with blank nodes would be a weaker check.
    assert not any(isinstance(n, BNode) for triple in sample for n in triple)
