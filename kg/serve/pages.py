"""The HTML page of an entity (`/id/...`): what the graph says about it, and what points at it.

Every link written into the page is an http(s) IRI (or a path on this server); anything
else (a `javascript:` or `data:` "URL" a source may carry) is shown as plain text.
"""

import html
import re
from urllib.parse import quote

import pyoxigraph as ox

ID_BASE = "https://w3id.org/unkg/id/"
_WEB_IRI = re.compile(r"^https?://", re.IGNORECASE)


def entity_path(iri: str) -> str:
    """Where this server serves an entity IRI."""
    return "/id/" + quote(iri.removeprefix(ID_BASE), safe="/:-._~")


def safe_href(iri: str) -> str | None:
    """The link target for an IRI, or None when it must not be a link."""
    if iri.startswith(ID_BASE):
        return entity_path(iri)
    return iri if _WEB_IRI.match(iri) else None


def entity_page(iri: str, triples: list[ox.Triple], prefixes: dict[str, str]) -> str:
    def show(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            name = html.escape(compact(term.value, prefixes))
            href = safe_href(term.value)
            return f'<a href="{html.escape(href)}">{name}</a>' if href else name
        if isinstance(term, ox.Literal):
            lang = f' <span class="lang">@{html.escape(term.language)}</span>' \
                if term.language else ""
            return f"{html.escape(term.value)}{lang}"
        return html.escape(str(term))

    subject = ox.NamedNode(iri)
    outgoing = sorted((t for t in triples if t.subject == subject), key=str)
    incoming = sorted((t for t in triples if t.subject != subject), key=str)
    rows = "".join(f"<tr><td>{show(t.predicate)}</td><td>{show(t.object)}</td></tr>"
                   for t in outgoing)
    back = "".join(f"<tr><td>{show(t.subject)}</td><td>{show(t.predicate)}</td></tr>"
                   for t in incoming)
    title = html.escape(compact(iri, prefixes))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="stylesheet" href="/static/page.css"></head><body>'
            f'<header><a href="/">unkg query page</a></header><h1>{title}</h1>'
            f'<p class="iri">{html.escape(iri)}</p><table class="results"><thead><tr>'
            f'<th>property</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>'
            + (f'<h2>Pointing here</h2><table class="results"><thead><tr><th>from</th>'
               f'<th>property</th></tr></thead><tbody>{back}</tbody></table>' if back else "")
            + "</body></html>")


def compact(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
