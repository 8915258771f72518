"""Where emitted triples go: an rdflib Graph, or the N-Triples stream of the bulk import.

Both are sinks of the same emitter (kg.emit.record): anything with `add(triple)`. The stream
also offers the emitter its fast path, a ballot's lines from a string template, for the
million ballots of the whole history (tests/test_undl_layouts.py checks both give one graph).

Given the ontology's Entailment, the stream also writes what the ontology entails (the standard
types and properties, kg.emit.entailment), as `kg build` adds to its graph: per line as it is
written, and for ballots once into the template, so that a ballot costs one string still.
"""

import re
from collections.abc import Callable
from operator import itemgetter
from typing import NamedTuple, Protocol, TextIO

from rdflib import BNode, URIRef
from rdflib.term import Node

from kg.emit.entailment import Entailment
from kg.model.namespaces import OPENGOV, RDF, SCHEMA, UNKG
from kg.model.terms import OxigraphTerms
from kg.model.vocabulary import OPTION_KEYS, OPTIONS, SHORTCUTS

Triple = tuple[Node, Node, Node]
TERM_CACHE = 50_000
# The ballot templates' places, filled per ballot by position (`%` with a tuple: a dict costs
# 8% more of the writing), in the order `arguments` picks them from (vote, event, state).
PLACE = re.compile(r"\{(vote|event|state)\}")
PLACES = {"vote": 0, "event": 1, "state": 2}


class BallotTemplate(NamedTuple):
    option_key: str  # the tally key of its option (kg.model.vocabulary.OPTION_KEYS)
    lines: str  # the ballot's lines, with `%s` places
    arguments: Callable[[tuple[str, str, str]], tuple[str, ...]]  # (vote, event, state) -> places
    triples: int
    option: str  # the option's N-Triples text, for NTriplesWriter.describe


class TripleSink(Protocol):
    """rdflib.Graph satisfies this; so does NTriplesWriter, for data too large for memory."""

    def add(self, triple: Triple, /) -> object: ...


class NTriplesWriter:
    """A TripleSink that writes each triple as one line of N-Triples (pyoxigraph escapes terms),
    and what the ontology entails from it when given `entailment`."""

    def __init__(self, stream: TextIO, entailment: Entailment | None = None):
        self.stream = stream
        self.count = 0
        self._terms = OxigraphTerms(TERM_CACHE)
        self._iri_text: dict[URIRef, str] = {}
        self._entailment = entailment
        self._entailer = entailment.lines() if entailment is not None else None

    def add(self, triple: Triple, /) -> None:
        s, p, o = self.term(triple[0]), self.term(triple[1]), self.term(triple[2])
        self.stream.write(f"{s} {p} {o} .\n")
        self.count += 1
        if self._entailer is not None:
            self.write_lines(self._entailer.entail_triple(s, p, o))

    def write_lines(self, lines: list[str]) -> None:
        if lines:
            self.stream.write("".join(lines))
            self.count += len(lines)

    def describe(self, value: str) -> None:
        """Write a code-list value's description (its N-Triples text), once: the ballot
        templates name their option, and this is what the ontology says of it."""
        if self._entailer is not None:
            self.write_lines(self._entailer.describe(value))

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

    def ballot_lines(self) -> dict[str, BallotTemplate]:
        """Per vote code (Y, N, ...), the template of one ballot: the triples of
        kg.emit.record._Emitter._ballot and what the ontology entails from them, to fill with
        `lines % arguments((vote, event, state))`. Keyed by the code's text: rdflib term keys
        cost 6% of the writing. The option's description is not in it: `describe(option)`
        writes it once, when a ballot first names the option."""
        templates = {}
        for code, option in OPTIONS.items():
            lines = [f"{{vote}} {self.term(RDF.type)} {self.term(UNKG.Vote)} .\n",
                     f"{{vote}} {self.term(OPENGOV.voteEvent)} {{event}} .\n",
                     f"{{vote}} {self.term(SCHEMA.agent)} {{state}} .\n",
                     f"{{vote}} {self.term(SCHEMA.option)} {self.term(option)} .\n",
                     f"{{state}} {self.term(SHORTCUTS[option])} {{event}} .\n"]
            if self._entailment is not None:  # the description (no placeholder) is not per ballot
                entailer = self._entailment.lines()
                lines += [new for line in list(lines) for new in entailer.entail(line)
                          if PLACE.search(new)]
            text = "".join(lines).replace("%", "%%")
            order = [PLACES[name] for name in PLACE.findall(text)]
            templates[code] = BallotTemplate(OPTION_KEYS[option], PLACE.sub("%s", text),
                                             itemgetter(*order), len(lines), self.term(option))
        return templates
