"""The address of a fact's evidence view on `kg serve` (/evidence/...): one rule for the page
(kg/serve) and for `kg query`, which prints it under its table."""

import textwrap
from urllib.parse import quote

from kg.model.iris import id_relative

# The kinds of fact an article's quoted words support (the first segment of their IRI path).
FACT_KINDS = ("statement", "claim", "assertion", "provision", "event")
SERVE_URL = "http://127.0.0.1:7878"  # where `kg serve` listens by default
MOST_PRINTED = 20


def evidence_path(iri: str, source: str = "") -> str | None:
    """/evidence/{path}, on one of the fact's sources (its id) or its first; None for an IRI
    outside id:."""
    path = id_relative(iri)
    if path is None:
        return None
    return "/evidence/" + quote(path, safe="/:-._~") + (
        f"?source={quote(source, safe='-._~')}" if source else "")


def evidence_urls(iris: list[str], base: str = SERVE_URL) -> list[str]:
    """The evidence views of the facts among `iris` (statements, claims, ...), in order, once."""
    urls = []
    for iri in iris:
        path = id_relative(iri)
        if path is not None and path.split("/", 1)[0] in FACT_KINDS:
            url = base + (evidence_path(iri) or "")
            if url not in urls:
                urls.append(url)
    return urls


def evidence_listing(urls: list[str], width: int, base: str = SERVE_URL) -> str:
    """The evidence views under `kg query`'s table, no line wider than the terminal: a URL
    that does not fit is given as its path on the server named above it."""
    lines = textwrap.wrap("The quoted words behind these rows, in their articles (with "
                          f"`kg serve` running, at {base}):", width)
    for url in urls[:MOST_PRINTED]:
        shown = url if len(url) + 2 <= width else url.removeprefix(base)
        lines += ["  " + shown[i:i + width - 2] for i in range(0, len(shown), width - 2)]
    if len(urls) > MOST_PRINTED:
        lines.append(f"  and {len(urls) - MOST_PRINTED} more")
    return "\n".join(lines)
