"""`kg review`: one static HTML page per article, every quoted span highlighted and linked to
the fact it supports, shown in plain words beside the text; for a second curator's reading.

The pages come from jinja2 templates (kg/review/templates, autoescaped) and carry no script.
The highlighting (kg.review.highlight and its template macro) is the evidence view's too.
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader
from rdflib import Graph, URIRef

from kg.model.namespaces import RDF, UNKG
from kg.review.corpus import Article, articles
from kg.review.coverage import ArticleCoverage, coverage
from kg.review.describe import describe
from kg.review.highlight import pieces
from kg.review.rules import Finding, review_findings

# The classes `kg validate` expects a second curator's review of (shapes/rules.ttl ReviewShape).
REVIEWED = {UNKG.Claim, UNKG.Statement, UNKG.Event, UNKG.ReportedProvision, UNKG.Assertion}
TEMPLATES = Environment(loader=PackageLoader("kg.review", "templates"), autoescape=True,
                        keep_trailing_newline=True)


@dataclass(frozen=True)
class Card:
    """One record's facts beside the article: (field, plain words, CSS class) rows."""

    record: str
    rows: list[tuple[str, str, str]]


def write_pages(graph: Graph, project: Path, out: Path) -> list[Path]:
    """Write index.html and one page per article into `out`; returns the pages written."""
    out.mkdir(parents=True, exist_ok=True)
    findings = review_findings(graph, project)
    reports = {r.article.id: r for r in coverage(graph, project)}
    written = []
    for article in articles(graph, project):
        path = out / f"{article.id}.html"
        path.write_text(article_page(graph, article, reports[article.id], findings),
                        encoding="utf-8")
        written.append(path)
    index = out / "index.html"
    index.write_text(TEMPLATES.get_template("review_index.html").render(
        title="Review pages", pages=[p.stem for p in written]), encoding="utf-8")
    return [index, *written]


def article_page(graph: Graph, article: Article, report: ArticleCoverage,
                 findings: list[Finding]) -> str:
    records: dict[str, set[URIRef]] = {}
    for span in article.spans:
        records.setdefault(span.record, set()).update(span.bodies)
    cards = []
    for record in sorted(records, key=lambda r: min(s.start for s in article.spans
                                                      if s.record == r)):
        rows = []
        for node in sorted(records[record]):
            for name, words in describe(graph, node):
                css = words.split(" ")[0] if name == "official record" else ""
                rows.append((name, words, css))
        rows += [("quoted", f"“{article.text[s.start:s.end]}”", "")
                 for s in article.spans if s.record == record]
        rows += [("warning", f.message, "warning") for f in findings
                 if f.record.endswith(f"#{record}")]
        reviewable = [n for n in records[record] if set(graph.objects(n, RDF.type)) & REVIEWED]
        if reviewable and not any(graph.value(n, UNKG.reviewedBy) for n in reviewable):
            rows.append(("review", "not reviewed yet", ""))
        cards.append(Card(record, rows))
    counts = (f"{len(report.sentences)} sentences, {report.count('covered')} covered, "
              f"{report.count('left out')} left out, {report.count('uncovered')} uncovered")
    return TEMPLATES.get_template("review_article.html").render(
        title=f"{article.id} ({article.path.name})", counts=counts, cards=cards,
        pieces=pieces(article.text, article.spans), link=lambda record: f"#fact-{record}",
        left_out=[s for s in report.sentences if s.left_out])
