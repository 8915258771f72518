"""Evidence: the Web Annotation that ties a fact to the exact characters (or row) of a source."""

import re
import unicodedata
from collections.abc import Iterable

from rdflib import Literal, URIRef

from kg.emit.sink import TripleSink
from kg.errors import CuratorError
from kg.ingest.quotes import fold
from kg.ingest.sources import Source
from kg.model.iris import evidence_iri, part_iri
from kg.model.namespaces import DCTERMS, OA, PROV, RDF, UNKG, XSD


def _annotation(graph: TripleSink, iri: URIRef, source: Source, bodies: Iterable[URIRef]) -> URIRef:
    target = part_iri(iri, "target")
    graph.add((iri, RDF.type, UNKG.Evidence))
    graph.add((iri, RDF.type, OA.Annotation))
    graph.add((iri, OA.motivatedBy, UNKG.evidencing))
    graph.add((iri, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, source.iri))
    for body in bodies:
        graph.add((iri, OA.hasBody, body))
        graph.add((body, UNKG.evidence, iri))
        graph.add((body, PROV.wasDerivedFrom, source.iri))
    return target


def emit_quote_evidence(
    graph: TripleSink,
    evidence_id: str,
    source: Source,
    quote: str,
    bodies: list[URIRef],
    *,
    occurrence: int | None,
    file: str,
    record: str,
) -> str:
    """Find the quote in the source and record its span; returns the verbatim words."""
    spans = source.folded.find_all(quote)
    if not spans:
        nearest = source.folded.nearest(quote)
        hint = f'; the nearest text is "{nearest}"' if nearest else ""
        hint += _invisible_difference(fold(quote), source.folded.folded)
        raise CuratorError(
            f'quote "{quote}" is not in {source.display}{hint}. Copy the words from the article',
            file=file,
            record=record,
        )
    if occurrence is None and len(spans) > 1:
        raise CuratorError(
            f'quote "{quote}" occurs {len(spans)} times in {source.display}; add '
            "occurrence: N (1 for the first) or quote more words",
            file=file,
            record=record,
        )
    index = (occurrence or 1) - 1
    if not 0 <= index < len(spans):
        raise CuratorError(
            f'occurrence {occurrence} asked, but quote "{quote}" occurs {len(spans)} time(s)',
            file=file,
            record=record,
        )
    span = spans[index]
    iri = evidence_iri(evidence_id)
    target = _annotation(graph, iri, source, bodies)
    quote_sel, position_sel = part_iri(iri, "quote"), part_iri(iri, "position")
    graph.add((target, OA.hasSelector, quote_sel))
    graph.add((target, OA.hasSelector, position_sel))
    graph.add((quote_sel, RDF.type, OA.TextQuoteSelector))
    graph.add((quote_sel, OA.exact, Literal(span.exact)))
    graph.add((quote_sel, OA.prefix, Literal(span.prefix)))
    graph.add((quote_sel, OA.suffix, Literal(span.suffix)))
    graph.add((position_sel, RDF.type, OA.TextPositionSelector))
    graph.add((position_sel, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    graph.add((position_sel, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
    return span.exact


def _invisible_difference(quote: str, article: str) -> str:
    """A quote that differs from the article only in Unicode normalisation (NFD "e" + U+0301
    against NFC "é"): the two look the same on screen, so name the code points."""
    form = "NFC" if unicodedata.is_normalized("NFC", article) else "NFD"
    written = unicodedata.normalize(form, quote)
    if written == quote or written not in article:
        return ""
    clusters = re.findall(r".[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff]*", quote, re.S)
    different = next(c for c in clusters if unicodedata.normalize(form, c) != c)

    def points(text: str) -> str:
        return " ".join(f"U+{ord(ch):04X}" for ch in text)

    return (f'. The two look alike but differ in Unicode normalisation: the quote writes '
            f'"{different}" as {points(different)}, the article as '
            f"{points(unicodedata.normalize(form, different))} ({form}); retype the accented "
            "letters or save the facts file in NFC")


def emit_fragment_evidence(graph: TripleSink, evidence_id: str, source: Source, value: str,
                           conforms_to: str, bodies: list[URIRef]) -> None:
    """Evidence that is a fragment of a record file: a CSV row (RFC 7111, 'row=N') or a
    MARCXML record (RFC 3023, 'xpointer(...)')."""
    iri = evidence_iri(evidence_id)
    target = _annotation(graph, iri, source, bodies)
    selector = part_iri(iri, "row")
    graph.add((target, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.FragmentSelector))
    graph.add((selector, DCTERMS.conformsTo, URIRef(conforms_to)))
    graph.add((selector, RDF.value, Literal(value)))
