"""Which sentences of each article the curated facts cover, which are left out on purpose, and
which nobody has read for facts yet.

A sentence is covered when the evidence of a fact (a claim, statement, event, provision,
assertion, document, vote event, ...) falls in it; evidence of an actor's name alone does not
cover it. facts/left-out.yaml lists the sentences deliberately not encoded, each with a reason.
"""

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.emit.facts import LEFT_OUT
from kg.errors import CuratorError
from kg.ingest.quotes import Sentence, fold
from kg.ingest.yamlio import LINE, read_yaml
from kg.review.corpus import Article, articles


@dataclass(frozen=True)
class LeftOut:
    source: str
    sentence: str  # words of the sentence (its beginning, or enough to find it)
    reason: str
    occurrence: int
    line: int


@dataclass
class SentenceCoverage:
    index: int
    sentence: Sentence
    facts: list[str]  # record ids whose fact evidence falls in the sentence
    mentions: list[str]  # record ids of actors named in it
    left_out: str | None  # the reason, when listed in left-out.yaml

    @property
    def status(self) -> str:
        if self.facts:
            return "covered"
        return "left out" if self.left_out else "uncovered"


@dataclass
class ArticleCoverage:
    article: Article
    sentences: list[SentenceCoverage] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)


def read_left_out(project: Path) -> list[LeftOut]:
    display = f"facts/{LEFT_OUT}"
    path = project / display
    if not path.is_file():
        return []
    data = read_yaml(path, display) or {}
    if not isinstance(data, dict) or not isinstance(data.get("left_out") or [], list):
        raise CuratorError("write `left_out:` followed by a list of {source, sentence, reason}",
                           file=display)
    data = data.get("left_out") or []
    entries = []
    for item in data:
        where = f"line {item.get(LINE, '?')}" if isinstance(item, dict) else None
        if not isinstance(item, dict) or not {"source", "sentence", "reason"} <= set(item):
            raise CuratorError("each entry needs source, sentence (its words) and reason",
                               file=display, record=where)
        if not str(item["reason"]).strip():
            raise CuratorError("say why the sentence is left out (reason)", file=display,
                               record=where)
        entries.append(LeftOut(str(item["source"]), str(item["sentence"]), str(item["reason"]),
                               int(item.get("occurrence") or 1), int(item.get(LINE, 0))))
    return entries


def coverage(graph: Graph, project: Path) -> list[ArticleCoverage]:
    found = articles(graph, project)
    by_id = {a.id: a for a in found}
    reasons: dict[tuple[str, int], str] = {}
    display = f"facts/{LEFT_OUT}"
    for entry in read_left_out(project):
        article = by_id.get(entry.source)
        if article is None:
            raise CuratorError(f"unknown source {entry.source!r}; use one of "
                               f"{', '.join(sorted(by_id))}", file=display,
                               record=f"line {entry.line}")
        matches = [i for i, s in enumerate(article.sentences)
                   if fold(entry.sentence).lower() in fold(s.text).lower()]
        if len(matches) < entry.occurrence:
            raise CuratorError(f'no sentence of {entry.source} has the words "{entry.sentence}"'
                               + (f" {entry.occurrence} times" if entry.occurrence > 1 else "")
                               + "; copy them from the article", file=display,
                               record=f"line {entry.line}")
        reasons[(entry.source, matches[entry.occurrence - 1])] = entry.reason
    result = []
    for article in found:
        report = ArticleCoverage(article)
        for index, sentence in enumerate(article.sentences):
            spans = article.spans_in(sentence)
            report.sentences.append(SentenceCoverage(
                index, sentence,
                sorted({s.record for s in spans if not s.mention_only}),
                sorted({s.record for s in spans if s.mention_only}),
                reasons.get((article.id, index))))
        result.append(report)
    return sorted(result, key=lambda r: r.article.path.name)


def stale_left_out(reports: list[ArticleCoverage]) -> list[str]:
    """Sentences listed as left out that facts now cover: the list is out of date."""
    return [f"{r.article.id} sentence {s.index}: listed in {LEFT_OUT} but covered by "
            f"{', '.join(s.facts)}" for r in reports for s in r.sentences
            if s.facts and s.left_out]


def text_report(reports: list[ArticleCoverage], *, width: int = 90) -> str:
    lines = []
    totals = {"covered": 0, "left out": 0, "uncovered": 0}
    for report in reports:
        counts = {k: report.count(k) for k in totals}
        for key, value in counts.items():
            totals[key] += value
        lines.append(f"{report.article.path.name} ({report.article.id}): "
                     f"{len(report.sentences)} sentences, {counts['covered']} covered, "
                     f"{counts['left out']} left out, {counts['uncovered']} uncovered")
        for s in report.sentences:
            words = " ".join(s.sentence.text.split())
            words = words if len(words) <= width else words[: width - 1] + "…"
            lines.append(f"  [{s.index:2d}] {s.status:9s} {words}")
            if s.facts:
                lines.append(f"             facts: {', '.join(s.facts)}")
            elif s.left_out:
                lines.append(f"             why: {s.left_out}")
            if s.mentions and not s.facts:
                lines.append(f"             names only: {', '.join(s.mentions)}")
    total = sum(totals.values())
    lines.append(f"all articles: {total} sentences, {totals['covered']} covered, "
                 f"{totals['left out']} left out on purpose, {totals['uncovered']} uncovered")
    return "\n".join(lines)
