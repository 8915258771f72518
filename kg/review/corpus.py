"""A built graph read back with its articles: each article's sentences and the evidence in them."""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import CuratorError
from kg.ingest.quotes import Sentence, sentences
from kg.model.namespaces import ID, OA, RDF, UNKG

# Actor descriptions: their evidence shows where a name is used, not a fact about the votes.
ACTOR_CLASSES = {UNKG.Person, UNKG.Organization, UNKG.Group, UNKG.Post, UNKG.State}


@dataclass(frozen=True)
class Span:
    """One piece of quoted evidence: where it is, which record it comes from, what it supports."""

    evidence: URIRef
    record: str  # the id of the record in facts/*.yaml
    start: int
    end: int
    bodies: tuple[URIRef, ...]
    mention_only: bool  # every body is an actor: the span shows a name, not a fact


@dataclass
class Article:
    source: URIRef
    id: str
    path: Path
    text: str
    sentences: list[Sentence]
    spans: list[Span] = field(default_factory=list)

    def sentence_index(self, offset: int) -> int:
        """The index of the sentence holding this offset (or the last one starting before it)."""
        index = 0
        for i, sentence in enumerate(self.sentences):
            if sentence.start <= offset:
                index = i
        return index

    def spans_in(self, sentence: Sentence) -> list[Span]:
        return [s for s in self.spans if s.start < sentence.end and s.end > sentence.start]

    def sentences_of(self, span: Span) -> list[Sentence]:
        return [s for s in self.sentences if span.start < s.end and span.end > s.start]


def load_graph(path: Path) -> Graph:
    if not path.is_file():
        raise CuratorError(f"no graph at {path}; run `kg build` first (or give --graph FILE)")
    return Graph().parse(path)


def articles(graph: Graph, project: Path,
             kinds: tuple[URIRef, ...] = (UNKG.NewsArticle,)) -> list[Article]:
    """Every source of these `kinds` (news articles by default) with its text, sentences and
    quoted evidence."""
    found: dict[URIRef, Article] = {}
    for source in sorted({s for kind in kinds for s in graph.subjects(RDF.type, kind)}):
        local = graph.value(source, UNKG.localFile)
        path = project / str(local)
        if not path.is_file():
            raise CuratorError(f"the graph names {local} as the text of {source}, but it is not "
                               f"in {project}; give the project the graph was built from")
        with path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        found[source] = Article(source, str(source).rsplit("/", 1)[-1], path, text,
                                sentences(text))
    spans: dict[URIRef, list[Span]] = defaultdict(list)
    for target in graph.subjects(RDF.type, OA.SpecificResource):
        source = graph.value(target, OA.hasSource)
        if source not in found:
            continue
        evidence = graph.value(None, OA.hasTarget, target)
        for selector in graph.objects(target, OA.hasSelector):
            if (selector, RDF.type, OA.TextPositionSelector) not in graph:
                continue
            bodies = tuple(sorted(graph.objects(evidence, OA.hasBody)))
            spans[source].append(Span(
                evidence, record_id(evidence), int(graph.value(selector, OA.start)),
                int(graph.value(selector, OA.end)), bodies,
                all(set(graph.objects(b, RDF.type)) & ACTOR_CLASSES for b in bodies)))
    for source, article in found.items():
        article.spans = sorted(spans[source], key=lambda s: (s.start, s.end, s.record))
    return list(found.values())


def record_id(evidence: URIRef) -> str:
    """id:evidence/{record-id}/{n} -> record-id (kg.model.iris.evidence_iri mints it so)."""
    return str(evidence).removeprefix(str(ID["evidence/"])).rsplit("/", 1)[0]
