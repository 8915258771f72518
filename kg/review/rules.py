"""Review rules: the mistakes a careful second reader finds, where a rule can find them.

Each rule reads the built graph and the article texts and returns warnings, never errors: a
rule points a curator at a reading to check, it cannot know the reading is wrong. (Two rules
that need no article text, a stance without a reason and an unreviewed fact, are SHACL
warnings in shapes/rules.ttl, so `kg validate` reports them.)
"""

import re
from collections import defaultdict
from collections.abc import Iterator
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
    checks = (quote_far_from_speaker, speaker_as_object, said_of_the_draft,
              text_not_in_evidence_sentences, reporting_clause_in_text,
              contradiction_without_its_words, ballot_claim_without_roll_call,
              fixed_group_cited_without_members, date_claim_written_before,
              undated_beside_dated)
    results: set[Finding] = set()
    for check in checks:
        results.update(check(graph, found))
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

QuoteSpan = tuple[URIRef, set[str], Article, Span]  # statement, speaker's names, where


def direct_quotes(graph: Graph, found: list[Article]) -> Iterator[QuoteSpan]:
    """Each evidence span of each direct quote, with the names its speaker goes by."""
    for statement in graph.subjects(UNKG.directQuote, Literal(True)):
        words = names(graph, graph.value(statement, SCHEMA.creator))
        for article, span in evidence_spans(found, statement):
            yield statement, words, article, span


def quote_far_from_speaker(graph: Graph, found: list[Article]) -> list[Finding]:
    """A direct quote whose speaker is named neither in its sentence nor in the one before."""
    results = []
    for statement, words, article, span in direct_quotes(graph, found):
        if not mentions(context(article, span, before=1), words):
            speaker = ", ".join(sorted(words)) or graph.value(statement, SCHEMA.creator)
            results.append(Finding(
                where(graph, statement, span.record), "quote-far-from-speaker",
                f"direct quote in {article.id} (sentence {article.sentence_index(span.start)})"
                f" but its speaker ({speaker}) is not named "
                "there or in the sentence before: whose words are they?"))
    return results


def speaker_as_object(graph: Graph, found: list[Article]) -> list[Finding]:
    """Quoted words followed at once by the speaker's name ('This “stunned” Ukraine'): the
    speaker is what the words are about, not who said them."""
    results = []
    for statement, words, article, span in direct_quotes(graph, found):
        text = fold(str(graph.value(statement, SCHEMA.text) or "")).lower()
        quoted = fold(article.text[span.start:span.end]).lower()
        at = quoted.find(text)
        if at < 0 or not text:
            continue
        after = quoted[at + len(text):].lstrip("\"' ")
        if any(re.match(rf"{re.escape(fold(w).lower())}(?!\w)", after) for w in words):
            results.append(Finding(
                where(graph, statement, span.record), "speaker-as-object",
                f'in {article.id} the quoted words are followed by the speaker\'s name '
                f'("{quoted[at:at + len(text) + 12]}..."): is the speaker what the words '
                "are about rather than who said them?"))
    return results


def said_of_the_draft(graph: Graph, found: list[Article]) -> list[Finding]:
    """A remark whose evidence names a text before amendment ('Washington's original draft')
    but which is recorded as about the resolution adopted from it."""
    results = []
    for draft in graph.subjects(RDF.type, UNKG.DraftText):
        resolution = graph.value(draft, UNKG.draftOf)
        event = next(graph.subjects(OPENGOV.motion, resolution), None)
        draft_names = {n for n in names(graph, draft) if len(n.split()) > 1}
        for statement in graph.subjects(RDF.type, UNKG.Statement):
            targets = set(graph.objects(statement, SCHEMA.about)) | set(
                graph.objects(statement, UNKG.commentsOn))
            if not targets & {resolution, event} - {None} or draft in targets:
                continue
            for article, span in evidence_spans(found, statement):
                if mentions(context(article, span), draft_names):
                    results.append(Finding(
                        where(graph, statement, span.record), "said-of-the-draft",
                        f"its words in {article.id} are said of {label_of(graph, draft)}, but "
                        f"it is recorded as about the resolution adopted from it: about: "
                        "draft:… instead"))
    return results


def label_of(graph: Graph, node: URIRef) -> str:
    return str(graph.value(node, RDFS.label) or node)


def text_not_in_evidence_sentences(graph: Graph, found: list[Article]) -> list[Finding]:
    """Each evidence of a statement must lie in sentences that hold the statement's text
    ("…" in the text leaves words out)."""
    results = []
    for statement in graph.subjects(RDF.type, UNKG.Statement):
        text = str(graph.value(statement, SCHEMA.text) or "")
        parts = [fold(p).lower() for p in re.split(r"…|\.\.\.", text) if fold(p)]
        for article, span in evidence_spans(found, statement):
            sentences = fold(" ".join(s.text for s in article.sentences_of(span))).lower()
            at, missing = 0, None
            for part in parts:
                at = sentences.find(part, at)
                if at < 0:
                    missing = part
                    break
                at += len(part)
            if missing is not None:
                results.append(Finding(
                    where(graph, statement, span.record), "text-not-in-evidence",
                    f'the evidence in {article.id} (sentence '
                    f'{article.sentence_index(span.start)}) does not contain the text '
                    f'"{missing}": a different sentence is a different statement'))
    return results


def reporting_clause_in_text(graph: Graph, found: list[Article]) -> list[Finding]:
    """A paraphrase whose text names its own speaker carries the reporting clause
    ("Peskov pointed to ...", "The UK insisted ..."): the text is the speaker's words only."""
    results = []
    for statement in graph.subjects(UNKG.directQuote, Literal(False)):
        speaker = graph.value(statement, SCHEMA.creator)
        text = str(graph.value(statement, SCHEMA.text) or "")
        if mentions(text, names(graph, speaker)):
            results.append(Finding(
                where(graph, statement), "reporting-clause-in-text",
                f'the paraphrase "{text[:70]}" names its own speaker: leave the reporting '
                "clause out of `text`"))
    return results


def contradiction_without_its_words(graph: Graph, found: list[Article]) -> list[Finding]:
    """A claim the record contradicts must quote words that name what it contradicts: the
    day for a date, the motion for an outcome, the voter for a ballot, the number for a count."""
    results = []
    for claim in graph.subjects(RDF.type, UNKG.Claim):
        subject = graph.value(claim, RDF.subject)
        predicate = graph.value(claim, RDF.predicate)
        claimed = graph.value(claim, RDF.object)
        recorded = list(graph.objects(subject, predicate))
        if not recorded or any(_same(claimed, r) for r in recorded):
            continue
        words = _words_for(graph, subject, predicate, claimed)
        for article, span in evidence_spans(found, claim):
            if not mentions(article.text[span.start:span.end], words):
                results.append(Finding(
                    where(graph, claim, span.record), "contradiction-without-its-words",
                    f"the record says otherwise, but the quoted words in {article.id} do not "
                    f"name what is contradicted ({', '.join(sorted(words)) or 'no name known'});"
                    " is this the source's claim or a reading of it?"))
    return results


def ballot_claim_without_roll_call(graph: Graph, found: list[Article]) -> list[Finding]:
    """A ballot claimed on a vote whose roll call the record does not hold: no vote query
    will show it. If the source names no such vote, it is a position (kind: position)."""
    results = []
    for claim in graph.subjects(RDF.predicate, SCHEMA.option):
        vote = graph.value(claim, RDF.subject)
        if (vote, SCHEMA.agent, None) not in graph:
            results.append(Finding(
                where(graph, claim), "ballot-without-roll-call",
                f"claims a ballot ({vote.rsplit('/', 2)[-2]}) on a vote whose roll call is not "
                "in the record; if the article names no such vote, record the actor's "
                "position instead (kind: position)"))
    return results


def fixed_group_cited_without_members(graph: Graph, found: list[Article]) -> list[Finding]:
    """A group with a fixed membership (org:hasMember) cited in a sentence that names none of
    its members: the article may be naming a group by description (kind: described-group)."""
    results = []
    for group in set(graph.subjects(ORG.hasMember, None)):
        members = {n for m in graph.objects(group, ORG.hasMember) for n in names(graph, m)}
        for article, span in evidence_spans(found, group):
            if not mentions(context(article, span), members):
                results.append(Finding(
                    where(graph, group), "group-without-members",
                    f"cited in {article.id} (sentence {article.sentence_index(span.start)}) "
                    "where none of its members is named: a group named by description has "
                    "no fixed members (kind: described-group, named_members)"))
    return results


def date_claim_written_before(graph: Graph, found: list[Article]) -> list[Finding]:
    """A source dated on or before the day it gives for a vote may be announcing the vote,
    not reporting it."""
    results = []
    for claim in graph.subjects(RDF.predicate, DCTERMS.date):
        claimed = graph.value(claim, RDF.object).toPython()
        for article, span in evidence_spans(found, claim):
            published = graph.value(article.source, SCHEMA.datePublished)
            if published is not None and published.toPython() <= claimed:
                results.append(Finding(
                    where(graph, claim, span.record), "date-claim-written-before",
                    f"{article.id} is dated {published}, not after the day it is cited for "
                    f"({claimed}): an announcement is not a report of the vote's date"))
    return results


def undated_beside_dated(graph: Graph, found: list[Article]) -> list[Finding]:
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
