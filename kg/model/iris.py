"""The one place that mints IRIs: every entity the graph names, from its kind and key.

IRIs are readable and stable (`id:state/USA`, `id:vote-event/A-RES-ES-11-7`): the same record
always gets the same IRI, and no entity a user may link to is a blank node. A new kind of
entity gets its minting function here, and nowhere else.
"""

import re

from rdflib import URIRef

from kg.model.namespaces import ID

# Kinds of curated entity, as the facts files reference them (`state:USA`, `person:...`), and
# the IRI path segment of each.
ENTITY_KINDS = {"state": "state", "person": "person", "org": "org", "group": "group",
                "post": "post", "doc": "document", "amendment": "amendment",
                "vote-event": "vote-event", "statement": "statement", "claim": "claim",
                "event": "event", "source": "source", "rule": "rule"}

GENERAL_ASSEMBLY = ID["org/un-general-assembly"]
SECURITY_COUNCIL = ID["org/un-security-council"]


def symbol_slug(symbol: str) -> str:
    """A UN document symbol as an IRI path segment: 'S/RES/2774 (2025)' -> 'S-RES-2774-2025'."""
    text = symbol.replace("(", " ").replace(")", " ")
    return re.sub(r"[\s/]+", "-", text.strip()).strip("-")


def canonical_symbol(symbol: str) -> str:
    """The UN's spelling of a symbol: 'S/RES/2774(2025)' -> 'S/RES/2774 (2025)'."""
    return re.sub(r"\s*\(", " (", symbol.strip())


def entity_iri(kind: str, key: str) -> URIRef:
    """A curated entity by its kind (a key of ENTITY_KINDS or a path segment) and id."""
    return ID[f"{ENTITY_KINDS.get(kind, kind)}/{key}"]


def state_iri(iso3: str) -> URIRef:
    return ID[f"state/{iso3}"]


def document_iri(symbol: str) -> URIRef:
    return ID[f"document/{symbol_slug(symbol)}"]


def vote_event_iri(key: str) -> URIRef:
    """A resolution's adoption vote is keyed by its symbol; an amendment's by the amendment id."""
    return ID[f"vote-event/{symbol_slug(key)}"]


def vote_iri(event_key: str, iso3: str) -> URIRef:
    return ID[f"vote/{symbol_slug(event_key)}/{iso3}"]


def count_iri(event_key: str, option: str) -> URIRef:
    return URIRef(f"{vote_event_iri(event_key)}/count/{option}")


def membership_iri(body: URIRef, iso3: str) -> URIRef:
    return ID[f"membership/{body.rsplit('/', 1)[-1]}/{iso3}"]


def concept_iri(scheme: str, label: str) -> URIRef:
    """A heading of a concept scheme (the UN's subject headings, agenda items), by its words:
    'UKRAINE--POLITICAL CONDITIONS' -> id:concept/undl-subjects/ukraine-political-conditions."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "untitled"
    return ID[f"concept/{scheme}/{slug}"]


def scheme_iri(scheme: str) -> URIRef:
    return ID[f"scheme/{scheme}"]


def claim_iri(claim_id: str, part: str | None = None) -> URIRef:
    return ID[f"claim/{claim_id}/{part}" if part else f"claim/{claim_id}"]


def source_iri(source_id: str) -> URIRef:
    return ID[f"source/{source_id}"]


def evidence_iri(evidence_id: str) -> URIRef:
    return ID[f"evidence/{evidence_id}"]


def part_iri(whole: URIRef, part: str) -> URIRef:
    """A node that exists only as part of another (an evidence's target and selectors, an
    analysis's blocs): named below it, `WHOLE/PART`."""
    return URIRef(f"{whole}/{part}")


def analysis_iri(digest: str) -> URIRef:
    return ID[f"analysis/alignment-{digest}"]


def id_relative(iri: str) -> str | None:
    """The path of an entity IRI below id: ('state/USA'), or None for any other IRI."""
    base = str(ID)
    return iri[len(base):] if iri.startswith(base) else None
