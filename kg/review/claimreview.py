"""The claims the official record settles, as schema.org ClaimReview JSON-LD.

ClaimReview is the markup fact-checkers publish and search engines read
(https://schema.org/ClaimReview): the claim (itemReviewed, a schema:Claim with the quoted
words, its author and where it appeared), the rating (reviewRating) and the review itself.
Here the reviewer is the official record: a claim it contradicts is rated 1 of 5 ("False"),
one it supports 5 of 5 ("True"). Claims the record does not settle are left out.
"""

import json
from typing import Any

from rdflib import Graph, URIRef

from kg.model.namespaces import DCTERMS, OA, PROV, RDF, SCHEMA, UNKG
from kg.review.describe import label, record_verdict

RATINGS = {"contradicted": (1, "False"), "supported": (5, "True")}


def claim_reviews(graph: Graph) -> dict[str, Any]:
    """One ClaimReview per claim and source that carries it, in a stable order."""
    reviews = []
    for claim in sorted(graph.subjects(RDF.type, UNKG.Claim)):
        verdict, said = record_verdict(graph, claim)
        if verdict not in RATINGS:
            continue
        value, name = RATINGS[verdict]
        for source, quotes in sorted(_quotes_by_source(graph, claim).items()):
            reviews.append({
                "@type": "ClaimReview",
                "@id": f"{claim}#review-{source.rsplit('/', 1)[-1]}",
                "url": str(claim),
                "claimReviewed": label(graph, claim).removesuffix(" (as reported)"),
                "itemReviewed": {
                    "@type": "Claim",
                    "text": " … ".join(quotes),
                    **_author(graph, source),
                    "appearance": _appearance(graph, source),
                },
                "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": 5,
                                 "worstRating": 1, "alternateName": name},
                "reviewBody": f"The official record {'gives' if value == 1 else 'agrees'}: "
                              f"{said}." + _note(graph, claim),
                "author": {"@type": "Organization", "name": "unkg (the official UN record)"},
                "isBasedOn": sorted(str(s) for s in _record_sources(graph, claim)),
            })
    return {"@context": "https://schema.org", "@graph": reviews}


def claim_reviews_json(graph: Graph) -> str:
    return json.dumps(claim_reviews(graph), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _quotes_by_source(graph: Graph, claim: URIRef) -> dict[URIRef, list[str]]:
    found: dict[URIRef, list[str]] = {}
    for evidence in sorted(graph.objects(claim, UNKG.evidence)):
        target = graph.value(evidence, OA.hasTarget)
        source = graph.value(target, OA.hasSource)
        for selector in graph.objects(target, OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                found.setdefault(source, []).append(str(exact))
    return found


def _author(graph: Graph, source: URIRef) -> dict[str, dict[str, str]]:
    """The publisher as the claim's author; none when the article does not name one (never
    invented: the appearance still says where the claim was made)."""
    publisher = graph.value(source, SCHEMA.publisher)
    return {"author": {"@type": "Organization", "name": str(publisher)}} if publisher else {}


def _appearance(graph: Graph, source: URIRef) -> dict[str, str]:
    page = {"@type": "NewsArticle", "@id": str(source), "name": label(graph, source),
            "identifier": str(graph.value(source, DCTERMS.identifier))}
    for key, prop in (("url", SCHEMA.url), ("datePublished", SCHEMA.datePublished)):
        value = graph.value(source, prop)
        if value is not None:
            page[key] = str(value)
    return page


def _record_sources(graph: Graph, claim: URIRef) -> set[URIRef]:
    """The sources of the record fact the claim is compared with (its subject's)."""
    subject = graph.value(claim, RDF.subject)
    return set(graph.objects(subject, PROV.wasDerivedFrom))


def _note(graph: Graph, claim: URIRef) -> str:
    notes = sorted(str(n) for n in graph.objects(claim, UNKG.curatorNote))
    return f" Curator's note: {' '.join(notes)}" if notes else ""
