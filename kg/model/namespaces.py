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


def curie(iri: str, extra: dict[str, str] | None = None) -> str | None:
    """The prefixed name of an IRI (`id:state/USA`, `unkg:Yes`), or None where no prefix fits.

    The longest matching namespace wins; a local part with "/" is shortened only under `id:`,
    whose IRIs are paths by design. Every display of an IRI in kg uses this.
    """
    prefixes = {**{p: str(ns) for p, ns in PREFIXES.items()}, **(extra or {})}
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace):] if iri.startswith(namespace) else None
        if local and (prefix == "id" or "/" not in local):
            return f"{prefix}:{local}"
    return None


def shorten(iri: str) -> str:
    """An IRI as a reader sees it: its prefixed name, else the IRI in angle brackets."""
    return curie(iri) or f"<{iri}>"
