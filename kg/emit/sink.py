"""Where emitted triples go: an rdflib Graph, or the N-Triples stream of the bulk import.

Both are sinks of the same emitter (kg.emit.record): anything with `add(triple)`. The stream
also offers the emitter its fast path, a ballot's five lines from a string template, for the
million ballots of the whole history (tests/test_undl_layouts.py checks both give one graph).
"""

from typing import Protocol, TextIO

from rdflib import BNode, URIRef
from rdflib.term import Node

from kg.model.namespaces import OPENGOV, RDF, SCHEMA, UNKG
from kg.model.terms import OxigraphTerms
from kg.model.vocabulary import OPTION_KEYS, OPTIONS, SHORTCUTS

Triple = tuple[Node, Node, Node]
TERM_CACHE = 50_000


class TripleSink(Protocol):
    """rdflib.Graph satisfies this; so does NTriplesWriter, for data too large for memory."""

    def add(self, triple: Triple, /) -> object: ...


class NTriplesWriter:
    """A TripleSink that writes each triple as one line of N-Triples (pyoxigraph escapes terms)."""

    BALLOT_TRIPLES = 5  # the lines of ballot_lines()

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.count = 0
        self._terms = OxigraphTerms(TERM_CACHE)
        self._iri_text: dict[URIRef, str] = {}

    def add(self, triple: Triple, /) -> None:
        s, p, o = triple
        self.stream.write(f"{self.term(s)} {self.term(p)} {self.term(o)} .\n")
        self.count += 1

    def term(self, term: object) -> str:
        """A term as N-Triples, written by pyoxigraph (which checks and escapes it)."""
        if isinstance(term, URIRef):  # IRIs recur (states, events): their text is kept, bounded
            text = self._iri_text.get(term)
            if text is None:
                if len(self._iri_text) > TERM_CACHE:
                    self._iri_text.clear()
                text = self._iri_text[term] = str(self._terms(term))
            return text
        if isinstance(term, BNode):
            raise ValueError("blank nodes are not written by the bulk importer")
        return str(self._terms(term))  # type: ignore[arg-type]

    def ballot_lines(self) -> dict[str, tuple[str, str]]:
        """Per vote code (Y, N, ...), its tally key and the five lines of one ballot, to fill
        with `%` (vote x2, event, vote, state, vote, state, event): the triples of
        kg.emit.record._Emitter._ballot. Keyed by the code's text: rdflib term keys cost 6%
        of the writing."""
        lines = ("%s " + self.term(RDF.type) + " " + self.term(UNKG.Vote) + " .\n"
                 "%s " + self.term(OPENGOV.voteEvent) + " %s .\n"
                 "%s " + self.term(SCHEMA.agent) + " %s .\n"
                 "%s " + self.term(SCHEMA.option) + " OPTION .\n"
                 "%s SHORTCUT %s .\n")
        return {code: (OPTION_KEYS[option], lines.replace("OPTION", self.term(option))
                       .replace("SHORTCUT", self.term(SHORTCUTS[option])))
                for code, option in OPTIONS.items()}
