"""The evidence view (`/evidence/{fact}`): the article with the fact's quoted words highlighted,
the fact in plain words beside it, and the other sources that carry it.

`?source=ID` picks which of the fact's sources the page shows (the first one by default), so
every source's reading of a fact has a stable address of its own. The highlighting and the
plain words are kg review's (kg.review.highlight, kg.review.describe): one piece of code for
the curator's review page and this one.
"""

from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import CuratorError
from kg.review.corpus import Article
from kg.review.describe import describe, kind, label
from kg.review.highlight import Piece, pieces
from kg.serve.links import evidence_path
from kg.serve.protocol import ProtocolError
from kg.serve.reading import (
    Source,
    corpus,
    neighbourhood,
    record_row,
    select,
    sources,
)


@dataclass(frozen=True)
class Quoted:
    """One piece of a fact's evidence: the words one source gives for it."""

    evidence: str
    source: Source
    exact: str  # the quoted words ("" for a row of a table)
    row: str  # "FILE.csv#row=N" for a row of the official record, else ""


@dataclass
class EvidenceView:
    fact: str
    name: str
    kind: str
    described: list[tuple[str, str]]
    source: Source
    quotes: list[Quoted]  # this source's
    pieces: list[Piece] = field(default_factory=list)  # the article's text, if it is one
    links: dict[str, str] = field(default_factory=dict)  # record -> its fact's evidence view
    record: list[tuple[str, str]] = field(default_factory=list)  # a CSV row: (column, value)
    others: list[tuple[Source, list[Quoted]]] = field(default_factory=list)
    variants: list[tuple[str, str, list[Source]]] = field(default_factory=list)  # words, href
    missing_text: str = ""  # why the source's text cannot be shown


def _number(evidence: str) -> tuple[int, str]:
    tail = evidence.rsplit("/", 1)[-1]
    return (int(tail), evidence) if tail.isdigit() else (0, evidence)


def quoted(store: ox.Store, fact: str) -> list[Quoted]:
    """Every piece of a fact's evidence, in the order the curator gave it."""
    node = str(ox.NamedNode(fact))
    rows = select(store, f"""SELECT ?evidence ?source ?exact ?row WHERE {{
        {node} unkg:evidence ?evidence . ?evidence oa:hasTarget ?target .
        ?target oa:hasSource ?source .
        OPTIONAL {{ ?target oa:hasSelector ?q . ?q oa:exact ?exact }}
        OPTIONAL {{ ?target oa:hasSelector ?f . ?f a oa:FragmentSelector ; rdf:value ?row }} }}""")
    found = sources(store, {r["source"] for r in rows})
    given = [Quoted(r["evidence"], found[r["source"]], r["exact"],
                    f"{found[r['source']].local_file}#{r['row']}" if r["row"] else "")
             for r in rows]
    return sorted(set(given), key=lambda q: _number(q.evidence))


def variants(store: ox.Store, fact: str) -> list[tuple[str, str, list[Source]]]:
    """Other wordings of the same remark (unkg:variantOf): their words, view and sources."""
    node = str(ox.NamedNode(fact))
    rows = select(store, f"""SELECT DISTINCT ?variant ?text ?name ?source WHERE {{
        {{ {node} unkg:variantOf ?variant }} UNION {{ ?variant unkg:variantOf {node} }}
        FILTER (?variant != {node})
        OPTIONAL {{ ?variant schema:text ?text }} OPTIONAL {{ ?variant rdfs:label ?name }}
        OPTIONAL {{ ?variant prov:wasDerivedFrom ?source }} }}""")
    found = sources(store, {r["source"] for r in rows if r["source"]})
    by_variant: dict[str, tuple[str, list[Source]]] = {}
    for r in rows:
        text, listed = by_variant.setdefault(r["variant"], (r["text"] or r["name"], []))
        if r["source"] and found[r["source"]] not in listed:
            listed.append(found[r["source"]])
    return [(text, evidence_path(v), sorted(listed, key=lambda s: s.title))
            for v, (text, listed) in sorted(by_variant.items())]


def evidence_view(store: ox.Store, project: Path, fact: str, source_id: str) -> EvidenceView:
    quotes = quoted(store, fact)
    if not quotes:
        raise ProtocolError(HTTPStatus.NOT_FOUND,
                            f"{fact} has no evidence in the graph: nothing quotes it")
    order = list(dict.fromkeys(q.source.iri for q in quotes))
    chosen = next((q.source for q in quotes if q.source.id == source_id), None)
    if chosen is None:
        if source_id:
            ids = ", ".join(dict.fromkeys(q.source.id for q in quotes))
            raise ProtocolError(HTTPStatus.NOT_FOUND,
                                f"source={source_id}: the fact's sources are {ids}")
        chosen = quotes[0].source
    graph = neighbourhood(store, fact)
    node = URIRef(fact)
    described = describe(graph, node)
    view = EvidenceView(fact, plain_name(graph, node, described), kind(graph, node),
                        [(name, words) for name, words in described if name != "what"],
                        chosen, [q for q in quotes if q.source == chosen])
    try:
        article = corpus(store, project).get(chosen.iri)
    except CuratorError as error:  # the texts are not where the server was started
        article, view.missing_text = None, f"{error} (kg serve --project DIR)"
    if article is not None:
        view.pieces = pieces(article.text, article.spans,
                             {URIRef(q.evidence) for q in view.quotes})
        view.links = _links(article)
    for q in view.quotes:
        if q.row:
            view.record = record_row(project, q.row)
            break
    view.others = [(s, [q for q in quotes if q.source.iri == iri])
                   for iri in order if iri != chosen.iri
                   for s in [next(q.source for q in quotes if q.source.iri == iri)]]
    view.variants = variants(store, fact)
    return view


def plain_name(graph: Graph, node: URIRef, described: list[tuple[str, str]]) -> str:
    """The fact's words in full, with their speaker ("Dmitry Peskov: “...”"), where it has
    words; else its label (labels cut long quotes short)."""
    fields = dict(described)
    if "words" not in fields:
        return label(graph, node)
    speaker = f"{fields['speaker']}: " if "speaker" in fields else ""
    return f"{speaker}“{fields['words']}”"


def _links(article: Article) -> dict[str, str]:
    """Each quoted record of the article -> the evidence view of (the first of) its facts, on
    this article."""
    source_id = article.id
    links: dict[str, str] = {}
    for span in article.spans:
        if span.record not in links and span.bodies:
            links[span.record] = evidence_path(str(span.bodies[0]), source_id)
    return links
