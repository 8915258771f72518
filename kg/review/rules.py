"""Review rules: the mistakes a careful second reader finds, where a rule can find them.

Each rule reads the built graph and the article texts and returns warnings, never errors: a
rule points a curator at a reading to check, it cannot know the reading is wrong. (Two rules
that need no article text, a stance without a reason and an unreviewed fact, are SHACL
warnings in shapes/rules.ttl, so `kg validate` reports them.)
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.ingest.quotes import fold
from kg.model.iris import state_iri
from kg.model.namespaces import DCTERMS, OPENGOV, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, UNKG
from kg.review.corpus import Article, Span, articles

NUMBER_WORDS = {0: "no", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
                7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
                13: "thirteen", 14: "fourteen", 15: "fifteen"}


@dataclass(frozen=True, order=True)
class Finding:
    record: str  # "facts/FILE.yaml#id"
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.message} [{self.rule}]"


def review_findings(graph: Graph, project: Path) -> list[Finding]:
    found = articles(graph, project)
    results: set[Finding] = set()
    for rule in SPAN_RULES:
        results.update(rule.findings(graph, found))
    for rule in NODE_RULES:
        results.update(rule.findings(graph))
    results.update(undated_beside_dated(graph))
    return sorted(results)


# -- helpers ---------------------------------------------------------------------------------

def names(graph: Graph, node: URIRef) -> set[str]:
    """The words an article may use for a node: its labels, aliases, surname, wording."""
    found = {str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel, UNKG.proposedWording,
                              UNKG.symbol) for o in graph.objects(node, p)}
    if (node, RDF.type, UNKG.Person) in graph:
        found |= {label.split()[-1] for label in list(found)}
    return {n for n in found if len(n) > 1}


def mentions(text: str, words: set[str]) -> bool:
    folded = fold(text).lower()
    return any(re.search(rf"(?<!\w){re.escape(fold(w).lower())}(?!\w)", folded) for w in words)


def where(graph: Graph, node: URIRef, record: str | None = None) -> str:
    places = sorted(str(c) for c in graph.objects(node, UNKG.curatedIn))
    if record:
        places = [p for p in places if p.endswith(f"#{record}")] or places
    return places[0] if places else str(node)


def evidence_spans(found: list[Article], node: URIRef) -> list[tuple[Article, Span]]:
    return [(a, s) for a in found for s in a.spans if node in s.bodies]


def context(article: Article, span: Span, before: int = 0) -> str:
    """The sentences the span lies in, with `before` sentences ahead of them."""
    first = max(0, article.sentence_index(span.start) - before)
    last = article.sentence_index(max(span.start, span.end - 1))
    return " ".join(s.text for s in article.sentences[first:last + 1])


# -- the rules -------------------------------------------------------------------------------
# Most rules read each evidence span of some facts (SpanRule) or each fact alone (NodeRule):
# which facts, and what is wrong with one span or fact (a message), else None.

@dataclass(frozen=True)
class SpanRule:
    name: str
    facts: Callable[[Graph], Iterable[URIRef]]
    check: Callable[[Graph, URIRef, Article, Span], str | None]

    def findings(self, graph: Graph, found: list[Article]) -> Iterator[Finding]:
        for node in set(self.facts(graph)):
            for article, span in evidence_spans(found, node):
                message = self.check(graph, node, article, span)
                if message is not None:
                    yield Finding(where(graph, node, span.record), self.name, message)


@dataclass(frozen=True)
class NodeRule:
    name: str
    facts: Callable[[Graph], Iterable[URIRef]]
    check: Callable[[Graph, URIRef], str | None]

    def findings(self, graph: Graph) -> Iterator[Finding]:
        for node in set(self.facts(graph)):
            message = self.check(graph, node)
            if message is not None:
                yield Finding(where(graph, node), self.name, message)


def subjects_with(predicate: URIRef, value: object = None) -> Callable[[Graph], Iterable[URIRef]]:
    """The facts a rule reads: the subjects of `predicate` (with that value, if given)."""
    return lambda graph: graph.subjects(predicate, value)


def speaker_names(graph: Graph, statement: URIRef) -> set[str]:
    return names(graph, graph.value(statement, SCHEMA.creator))


def far_from_speaker(graph: Graph, statement: URIRef, article: Article, span: Span) -> str | None:
    """A direct quote whose speaker is named neither in its sentence nor in the one before."""
    words = speaker_names(graph, statement)
    if mentions(context(article, span, before=1), words):
        return None
    speaker = ", ".join(sorted(words)) or graph.value(statement, SCHEMA.creator)
    return (f"direct quote in {article.id} (sentence {article.sentence_index(span.start)}) but "
            f"its speaker ({speaker}) is not named there or in the sentence before: whose words "
            "are they?")


def speaker_after_quote(graph: Graph, statement: URIRef, article: Article,
                        span: Span) -> str | None:
    """Quoted words followed at once by the speaker's name ('This “stunned” Ukraine'): the
    speaker is what the words are about, not who said them."""
    text = fold(str(graph.value(statement, SCHEMA.text) or "")).lower()
    quoted = fold(article.text[span.start:span.end]).lower()
    at = quoted.find(text)
    if at < 0 or not text:
        return None
    after = quoted[at + len(text):].lstrip("\"' ")
    if not any(re.match(rf"{re.escape(fold(w).lower())}(?!\w)", after)
               for w in speaker_names(graph, statement)):
        return None
    return (f'in {article.id} the quoted words are followed by the speaker\'s name '
            f'("{quoted[at:at + len(text) + 12]}..."): is the speaker what the words are about '
            "rather than who said them?")


def about_the_resolution_not_its_draft(graph: Graph, statement: URIRef, article: Article,
                                       span: Span) -> str | None:
    """A remark whose evidence names a text before amendment ('Washington's original draft')
    but which is recorded as about the resolution adopted from it."""
    targets = set(graph.objects(statement, SCHEMA.about)) | set(
        graph.objects(statement, UNKG.commentsOn))
    for draft in sorted(graph.subjects(RDF.type, UNKG.DraftText)):
        resolution = graph.value(draft, UNKG.draftOf)
        event = next(graph.subjects(OPENGOV.motion, resolution), None)
        if not targets & {resolution, event} - {None} or draft in targets:
            continue
        if mentions(context(article, span), {n for n in names(graph, draft)
                                             if len(n.split()) > 1}):
            return (f"its words in {article.id} are said of {label_of(graph, draft)}, but it "
                    "is recorded as about the resolution adopted from it: about: draft:… "
                    "instead")
    return None


def label_of(graph: Graph, node: URIRef) -> str:
    return str(graph.value(node, RDFS.label) or node)


def text_outside_sentences(graph: Graph, statement: URIRef, article: Article,
                           span: Span) -> str | None:
    """Each evidence of a statement must lie in sentences that hold the statement's text
    ("…" in the text leaves words out)."""
    text = str(graph.value(statement, SCHEMA.text) or "")
    sentences = fold(" ".join(s.text for s in article.sentences_of(span))).lower()
    at = 0
    for part in (fold(p).lower() for p in re.split(r"…|\.\.\.", text) if fold(p)):
        at = sentences.find(part, at)
        if at < 0:
            return (f"the evidence in {article.id} (sentence "
                    f"{article.sentence_index(span.start)}) does not contain the text "
                    f'"{part}": a different sentence is a different statement')
        at += len(part)
    return None


def names_own_speaker(graph: Graph, statement: URIRef) -> str | None:
    """A paraphrase whose text names its own speaker carries the reporting clause
    ("Peskov pointed to ...", "The UK insisted ..."): the text is the speaker's words only."""
    text = str(graph.value(statement, SCHEMA.text) or "")
    if not mentions(text, speaker_names(graph, statement)):
        return None
    return (f'the paraphrase "{text[:70]}" names its own speaker: leave the reporting clause '
            "out of `text`")


def contradicted_claims(graph: Graph) -> Iterator[URIRef]:
    for claim in graph.subjects(RDF.type, UNKG.Claim):
        recorded = list(graph.objects(graph.value(claim, RDF.subject),
                                      graph.value(claim, RDF.predicate)))
        if recorded and not any(_same(graph.value(claim, RDF.object), r) for r in recorded):
            yield claim


def contradiction_unnamed(graph: Graph, claim: URIRef, article: Article,
                          span: Span) -> str | None:
    """A claim the record contradicts must quote words that name what it contradicts: the
    day for a date, the motion for an outcome, the voter for a ballot, the number for a count."""
    words = _words_for(graph, graph.value(claim, RDF.subject), graph.value(claim, RDF.predicate),
                       graph.value(claim, RDF.object))
    if mentions(article.text[span.start:span.end], words):
        return None
    return (f"the record says otherwise, but the quoted words in {article.id} do not name what "
            f"is contradicted ({', '.join(sorted(words)) or 'no name known'}); is this the "
            "source's claim or a reading of it?")


def ballot_without_roll_call(graph: Graph, claim: URIRef) -> str | None:
    """A ballot claimed on a vote whose roll call the record does not hold: no vote query
    will show it. If the source names no such vote, it is a position (kind: position)."""
    vote = graph.value(claim, RDF.subject)
    if (vote, SCHEMA.agent, None) in graph:
        return None
    return (f"claims a ballot ({vote.rsplit('/', 2)[-2]}) on a vote whose roll call is not in "
            "the record; if the article names no such vote, record the actor's position "
            "instead (kind: position)")


def no_member_named(graph: Graph, group: URIRef, article: Article, span: Span) -> str | None:
    """A group with a fixed membership (org:hasMember) cited in a sentence that names none of
    its members: the article may be naming a group by description (kind: described-group)."""
    members = {n for m in graph.objects(group, ORG.hasMember) for n in names(graph, m)}
    if mentions(context(article, span), members):
        return None
    return (f"cited in {article.id} (sentence {article.sentence_index(span.start)}) where none "
            "of its members is named: a group named by description has no fixed members "
            "(kind: described-group, named_members)")


def written_before(graph: Graph, claim: URIRef, article: Article, span: Span) -> str | None:
    """A source dated on or before the day it gives for a vote may be announcing the vote,
    not reporting it."""
    claimed = graph.value(claim, RDF.object).toPython()
    published = graph.value(article.source, SCHEMA.datePublished)
    if published is None or published.toPython() > claimed:
        return None
    return (f"{article.id} is dated {published}, not after the day it is cited for "
            f"({claimed}): an announcement is not a report of the vote's date")


direct_quotes = subjects_with(UNKG.directQuote, Literal(True))
statements = subjects_with(RDF.type, UNKG.Statement)
SPAN_RULES = (
    SpanRule("quote-far-from-speaker", direct_quotes, far_from_speaker),
    SpanRule("speaker-as-object", direct_quotes, speaker_after_quote),
    SpanRule("said-of-the-draft", statements, about_the_resolution_not_its_draft),
    SpanRule("text-not-in-evidence", statements, text_outside_sentences),
    SpanRule("contradiction-without-its-words", contradicted_claims, contradiction_unnamed),
    SpanRule("group-without-members", subjects_with(ORG.hasMember), no_member_named),
    SpanRule("date-claim-written-before", subjects_with(RDF.predicate, DCTERMS.date),
             written_before),
)
NODE_RULES = (
    NodeRule("reporting-clause-in-text", subjects_with(UNKG.directQuote, Literal(False)),
             names_own_speaker),
    NodeRule("ballot-without-roll-call", subjects_with(RDF.predicate, SCHEMA.option),
             ballot_without_roll_call),
)


def undated_beside_dated(graph: Graph) -> list[Finding]:
    """One speaker's statements in one source, some dated and some not."""
    groups: dict[tuple, list[URIRef]] = defaultdict(list)
    for statement in graph.subjects(RDF.type, UNKG.Statement):
        for source in set(graph.objects(statement, PROV.wasDerivedFrom)):
            groups[(graph.value(statement, SCHEMA.creator), source)].append(statement)
    results = []
    for (_, source), statements in groups.items():
        dated = [s for s in statements if (s, DCTERMS.date, None) in graph]
        if dated and len(dated) < len(statements):
            for statement in sorted(set(statements) - set(dated)):
                results.append(Finding(
                    where(graph, statement), "undated-beside-dated",
                    f"undated, while {where(graph, dated[0]).split('#')[-1]} by the same "
                    f"speaker in {source.rsplit('/', 1)[-1]} is dated: the same occasion?"))
    return results


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    if isinstance(a, Literal) and isinstance(b, Literal):
        return a.toPython() == b.toPython()
    return False


def _words_for(graph: Graph, subject: URIRef, predicate: URIRef, claimed: object) -> set[str]:
    if predicate == DCTERMS.date and isinstance(claimed, Literal):
        day = claimed.toPython()
        if isinstance(day, date):
            return {day.strftime("%A"), f"{day.strftime('%B')} {day.day}", day.isoformat(),
                    f"{day.day} {day.strftime('%B')}"}
    if predicate == SCHEMA.option:
        # id:vote/{event}/{ISO3}: the voter is named in the ballot's IRI when not in the record
        voter = graph.value(subject, SCHEMA.agent) or state_iri(str(subject).rsplit("/", 1)[-1])
        return names(graph, voter)
    if predicate == RDF.value and isinstance(claimed, Literal):
        number = int(claimed.toPython())
        return {str(number), NUMBER_WORDS.get(number, str(number))}
    return names(graph, subject)
