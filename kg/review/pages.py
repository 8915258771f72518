"""`kg review`: one static HTML page per article, every quoted span highlighted and linked to
the fact it supports, shown in plain words beside the text; for a second curator's reading.

Plain standard-library HTML (html.escape): the pages are simple and carry no script.
"""

import html
from pathlib import Path

from rdflib import Graph, URIRef

from kg.model.namespaces import RDF, UNKG
from kg.review.corpus import Article, articles
from kg.review.coverage import ArticleCoverage, coverage
from kg.review.describe import describe
from kg.review.rules import Finding, review_findings

# The classes `kg validate` expects a second curator's review of (shapes/rules.ttl ReviewShape).
REVIEWED = {UNKG.Claim, UNKG.Statement, UNKG.Event, UNKG.ReportedProvision, UNKG.Assertion}
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: .6em 1.2em; background: #1d3557; color: #fff; }
header a { color: #cde; }
main { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 1.5em;
       padding: 1em 1.2em; }
.article { white-space: pre-wrap; font-family: Georgia, serif; font-size: 16px; }
mark { background: #ffe08a; border-bottom: 2px solid #e0a800; cursor: pointer; }
mark.mention { background: #e4ecf7; border-bottom-color: #8aa4cc; }
mark a { color: inherit; text-decoration: none; }
.fact { border: 1px solid #ccd; border-radius: 6px; padding: .4em .8em; margin: 0 0 .8em; }
.fact:target { outline: 3px solid #e0a800; }
.fact h3 { font-size: 14px; margin: .2em 0; font-family: monospace; }
.fact dl { display: grid; grid-template-columns: 9em 1fr; margin: 0; }
.fact dt { color: #667; } .fact dd { margin: 0; }
.warning { color: #a33; } .left-out { color: #667; font-size: 13px; }
.contradicted { color: #a33; font-weight: bold; } .supported { color: #2a7; }
"""


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
    items = "".join(f'<li><a href="{p.name}">{html.escape(p.stem)}</a></li>' for p in written)
    index.write_text(_page("Review pages", f"<main><ul>{items}</ul></main>"), encoding="utf-8")
    return [index, *written]


def article_page(graph: Graph, article: Article, report: ArticleCoverage,
                 findings: list[Finding]) -> str:
    records: dict[str, set[URIRef]] = {}
    for span in article.spans:
        records.setdefault(span.record, set()).update(span.bodies)
    cards = []
    for record in sorted(records, key=lambda r: min(s.start for s in article.spans
                                                      if s.record == r)):
        quotes = [article.text[s.start:s.end] for s in article.spans if s.record == record]
        rows = []
        for node in sorted(records[record]):
            for name, words in describe(graph, node):
                css = f' class="{words.split(" ")[0]}"' if name == "official record" else ""
                rows.append(f"<dt>{html.escape(name)}</dt><dd{css}>{html.escape(words)}</dd>")
        for quote in quotes:
            rows.append(f"<dt>quoted</dt><dd>“{html.escape(quote)}”</dd>")
        for finding in findings:
            if finding.record.endswith(f"#{record}"):
                rows.append(f'<dt class="warning">warning</dt><dd class="warning">'
                            f"{html.escape(finding.message)}</dd>")
        reviewable = [n for n in records[record] if set(graph.objects(n, RDF.type)) & REVIEWED]
        if reviewable and not any(graph.value(n, UNKG.reviewedBy) for n in reviewable):
            rows.append("<dt>review</dt><dd>not reviewed yet</dd>")
        cards.append(f'<section class="fact" id="fact-{html.escape(record)}">'
                     f"<h3>{html.escape(record)}</h3><dl>{''.join(rows)}</dl></section>")
    left_out = "".join(
        f'<p class="left-out">sentence {s.index} left out: {html.escape(s.left_out)}</p>'
        for s in report.sentences if s.left_out)
    body = (f'<main><div class="article" id="text">{highlighted(article)}</div>'
            f"<div><h2>Facts read from this article</h2>{''.join(cards)}{left_out}</div></main>")
    counts = (f"{len(report.sentences)} sentences, {report.count('covered')} covered, "
              f"{report.count('left out')} left out, {report.count('uncovered')} uncovered")
    title = f"{article.id} ({article.path.name})"
    return _page(title, f'<header><a href="index.html">all articles</a> · '
                        f"<strong>{html.escape(title)}</strong> · {counts}</header>{body}")


def highlighted(article: Article) -> str:
    """The article's text with each quoted span in a <mark> linking to its fact's card.

    Spans may overlap: the text is cut at every span boundary and each piece is marked with
    the records of every span covering it (the link goes to the first)."""
    cuts = sorted({0, len(article.text), *(s.start for s in article.spans),
                   *(s.end for s in article.spans)})
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = html.escape(article.text[start:end])
        covering = [s for s in article.spans if s.start <= start and s.end >= end]
        if not covering:
            parts.append(piece)
            continue
        facts = [s for s in covering if not s.mention_only] or covering
        records = sorted({s.record for s in facts})
        css = "" if any(not s.mention_only for s in covering) else ' class="mention"'
        parts.append(f'<mark{css} data-facts="{" ".join(records)}" title="{", ".join(records)}">'
                     f'<a href="#fact-{records[0]}">{piece}</a></mark>')
    return "".join(parts)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)} · unkg review</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>\n")

