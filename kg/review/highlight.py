"""An article's text cut at the edges of its quoted spans, ready to be marked up.

One piece of code serves both pages that highlight quotes: `kg review`'s page per article and
`kg serve`'s evidence view. The template macro `highlight.html` writes the pieces as <mark>s.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rdflib import URIRef

from kg.review.corpus import Span


@dataclass(frozen=True)
class Piece:
    text: str
    records: tuple[str, ...] = ()  # the facts' records of the spans covering it; () plain text
    mention: bool = False  # covered only by spans that show a name, not a fact
    focus: bool = False  # covered by one of the spans the page is about


def pieces(text: str, spans: Sequence[Span],
           focus: Collection[URIRef] = ()) -> list[Piece]:
    """`text` cut at every span boundary; each piece carries the records of every span covering
    it (spans may overlap), and `focus` when one of them is evidence the page is about."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    cut: list[Piece] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= start and s.end >= end]
        if not covering:
            cut.append(Piece(text[start:end]))
            continue
        facts = [s for s in covering if not s.mention_only] or covering
        cut.append(Piece(text[start:end], tuple(sorted({s.record for s in facts})),
                         mention=all(s.mention_only for s in covering),
                         focus=any(s.evidence in focus for s in covering)))
    return cut
