"""The vocabularies the graph uses, and the rules that turn identifiers into IRIs."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

UNKG = Namespace("https://w3id.org/unkg/ontology#")
ID = Namespace("https://w3id.org/unkg/id/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("http://schema.org/")
RFC7111 = "http://tools.ietf.org/rfc/rfc7111"

PREFIXES: dict[str, Namespace] = {
    "unkg": UNKG,
    "id": ID,
    "opengov": OPENGOV,
    "org": Namespace(str(ORG)),
    "prov": Namespace(str(PROV)),
    "oa": OA,
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "skos": Namespace(str(SKOS)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "owl": Namespace("http://www.w3.org/2002/07/owl#"),
}

__all__ = [
    "DCTERMS", "ID", "OA", "OPENGOV", "ORG", "PREFIXES", "PROV", "RDF", "RDFS", "RFC7111",
    "SCHEMA", "SKOS", "UNKG", "XSD",
]
