"""The addresses the pages link to: an entity's page, a fact's evidence view, and which IRIs
may be links at all.

Every link written into a page is an http(s) IRI or a path on this server; anything else (a
`javascript:` or `data:` "URL" a source may carry) is shown as plain text.
"""

import re
from urllib.parse import quote

from kg.model.namespaces import PREFIXES
from kg.query.evidence_links import evidence_path as fact_evidence_path

ID_BASE = str(PREFIXES["id"])
_WEB_IRI = re.compile(r"^https?://", re.IGNORECASE)


def id_path(iri: str) -> str:
    """The part of an entity IRI after the id base: statement/peskov-balanced."""
    return quote(iri.removeprefix(ID_BASE), safe="/:-._~")


def entity_path(iri: str) -> str:
    """Where this server serves an entity IRI's page."""
    return "/id/" + id_path(iri)


def evidence_path(iri: str, source: str = "") -> str:
    """The evidence view of a fact, on one of its sources (its id) or on its first."""
    return fact_evidence_path(iri, source) or ""


def safe_href(iri: str) -> str | None:
    """The link target for an IRI, or None when it must not be a link."""
    if iri.startswith(ID_BASE):
        return entity_path(iri)
    return iri if _WEB_IRI.match(iri) else None
