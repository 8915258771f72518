"""Votes and statements read out of the store with SPARQL, as arrays and graphs for analysis."""

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches

import networkx as nx
import numpy as np
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.model.iris import GENERAL_ASSEMBLY, SECURITY_COUNCIL, vote_event_iri
from kg.model.namespaces import PREFIXES
from kg.model.vocabulary import SHORTCUTS
from kg.query.names import closest, part_of

# Codes of the vote matrix. Positive codes are the options of a state that took part.
NOT_A_MEMBER = -1  # no ballot: the state does not sit in the body that voted
NON_VOTING = 0
YES, NO, ABSTAIN = 1, 2, 3
OPTION_CODES = {"Yes": YES, "No": NO, "Abstain": ABSTAIN, "NonVoting": NON_VOTING}
CODE_WORDS = {NOT_A_MEMBER: "", NON_VOTING: "non-voting", YES: "yes", NO: "no",
              ABSTAIN: "abstain"}
BODIES = {"ga": GENERAL_ASSEMBLY, "sc": SECURITY_COUNCIL}
READ_THREADS = 2

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

_VOTE_EVENTS = _PROLOGUE + """
SELECT ?event ?body ?date ?label WHERE {
  ONE
  ?event a unkg:VoteEvent ; dcterms:date ?date .
  OPTIONAL { ?event unkg:body ?body }
  OPTIONAL { ?event opengov:motion/unkg:symbol ?symbol }
  BIND(COALESCE(?symbol, REPLACE(STR(?event), "^.*/vote-event/", "")) AS ?label)
  FILTER EXISTS { ?ballot opengov:voteEvent ?event }  # with `a unkg:Vote` first, Oxigraph
  # scanned every ballot for every vote event
}
"""

# One query per option over the derived shortcuts (state -> vote event), grouped by state:
# reading each ballot's event, voter and option instead took 50 s on the whole voting history
# (800,000 ballots), this about 2 s on a compacted store (kg.pipeline.history.import_files).
# What costs is spelling out each event's IRI (a string lookup per ballot), not the scan.
# The grouping leaves one row per state.
_EVENTS_BY_STATE = _PROLOGUE + """
SELECT ?state (GROUP_CONCAT(STR(?event); separator=" ") AS ?events) WHERE {{
  ?state <{shortcut}> ?event .
}} GROUP BY ?state
"""

# A few vote events' ballots (a roll call), through the shortcuts pointing at each event: one
# index look-up per event, where reading all ballots of the store took seconds on the whole
# history.
FEW_EVENTS = 20
_BALLOTS_ON = _PROLOGUE + """
SELECT ?state ?shortcut ?event WHERE {{
  VALUES ?event {{ {events} }}
  ?state ?shortcut ?event .
  FILTER (?shortcut IN ({shortcuts}))
}}
"""

_STATES = _PROLOGUE + """
SELECT ?state ?iso3 (MIN(?label) AS ?name) WHERE {
  ?state unkg:iso3 ?iso3 .
  OPTIONAL { ?state rdfs:label ?label }
} GROUP BY ?state ?iso3
"""

_STATEMENTS = _PROLOGUE + """
SELECT ?statement ?speaker ?target ?stance ?date
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources) WHERE {
  ?statement a unkg:Statement ; schema:creator ?speaker .
  { ?statement unkg:stanceTowards ?target . OPTIONAL { ?statement unkg:stance ?stance } }
  UNION
  { ?statement schema:about ?target . ?target a/rdfs:subClassOf* unkg:Actor .
    FILTER NOT EXISTS { ?statement unkg:stanceTowards ?target } }
  OPTIONAL { ?statement dcterms:date ?date }
  OPTIONAL { ?statement unkg:evidence/oa:hasTarget/oa:hasSource ?source }
}
GROUP BY ?statement ?speaker ?target ?stance ?date
"""

# Vote events on resolutions with one subject heading (a SKOS concept named by its label).
_SUBJECT_EVENTS = _PROLOGUE + """
SELECT DISTINCT ?event WHERE {{
  ?concept skos:prefLabel ?label .
  FILTER (LCASE(STR(?label)) = LCASE({subject}))
  ?event opengov:motion/dcterms:subject ?concept .
}}
"""
_SUBJECT_LABELS = _PROLOGUE + """
SELECT DISTINCT ?label WHERE { ?document dcterms:subject/skos:prefLabel ?label }
"""

_ACTOR_LABELS = _PROLOGUE + """
SELECT ?actor ?label WHERE { ?actor rdfs:label ?label }
"""


@dataclass(frozen=True)
class VoteEvent:
    iri: str
    label: str  # the motion's symbol, or the vote event's id for an amendment vote
    body: str
    date: str


@dataclass(frozen=True)
class VoteMatrix:
    """Ballots as codes: one row per state (sorted by ISO3), one column per vote event."""

    states: tuple[str, ...]  # ISO3 codes
    names: tuple[str, ...]
    events: tuple[VoteEvent, ...]  # sorted by date, then label
    codes: np.ndarray  # int8, shape (states, events), codes above

    @property
    def took_part(self) -> np.ndarray:
        return self.codes > NON_VOTING

    def column(self, token: str) -> int:
        iri = resolve_vote_event(token)
        for index, event in enumerate(self.events):
            if event.iri == iri:
                return index
        raise CuratorError(f"vote event {token!r} is not among the votes analysed "
                           f"({', '.join(e.label for e in self.events)})")


def resolve_vote_event(token: str, known: Sequence[VoteEvent] = ()) -> str:
    """'S/RES/2774 (2025)', 'S-RES-2774-2025', an amendment vote's id or a full IRI -> IRI.

    Among `known` events, a symbol's tail also names its vote ('ES-11/7'); a token that names
    none, or several, is answered with the closest symbols, not the whole list."""
    token = token.strip()
    iri = token if token.startswith(("http://", "https://")) else str(vote_event_iri(token))
    if not known or iri in {event.iri for event in known}:
        return iri
    tails = sorted({event.iri for event in known if part_of(token, event.label)})
    if len(tails) == 1:
        return tails[0]
    labels = sorted({event.label for event in known})
    close = [e.label for e in known if e.iri in tails] or closest(token, labels)
    raise CuratorError(f"--votes: no vote event with recorded ballots is called {token!r}"
                       + (f"; did you mean {', '.join(close[:8])}?" if close else "")
                       + f" ({len(labels)} vote events have ballots; give all, ga, sc or "
                       "their symbols, separated by commas)")


def _value(term: ox.NamedNode | ox.Literal | None) -> str:
    return "" if term is None else term.value


def vote_events(store: ox.Store, iri: str | None = None) -> list[VoteEvent]:
    """Every vote event with at least one recorded ballot, in date then label order; with
    `iri`, only that one (looked up directly, not found among them all)."""
    one = f"VALUES ?event {{ {ox.NamedNode(iri)} }}" if iri else ""
    events = [VoteEvent(_value(row["event"]), _value(row["label"]), _value(row["body"]),
                        _value(row["date"]))
              for row in store.query(_VOTE_EVENTS.replace("ONE", one, 1))]
    return sorted(events, key=lambda e: (e.date, e.label, e.iri))


def select_vote_events(store: ox.Store, selection: str = "all", *,
                       start: str | None = None, end: str | None = None,
                       subject: str | None = None) -> list[VoteEvent]:
    """Choose votes: 'all', a body ('ga', 'sc') or symbols/IRIs separated by commas,
    optionally within a date range (ISO dates, both ends included) and on resolutions with one
    subject heading (its label, any case: 'human rights')."""
    for option, value in (("--from", start), ("--to", end)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise CuratorError(f"{option} {value!r} is not a date; write YYYY-MM-DD, "
                                   "e.g. 2025-02-24") from None
    events = vote_events(store)
    choice = selection.strip()
    if choice.lower() == "all":
        chosen = events
    elif choice.lower() in BODIES:
        chosen = [e for e in events if e.body == str(BODIES[choice.lower()])]
    else:
        by_iri = {e.iri: e for e in events}
        chosen = []
        for token in (t.strip() for t in choice.split(",") if t.strip()):
            chosen.append(by_iri[resolve_vote_event(token, events)])
        chosen = sorted(set(chosen), key=lambda e: (e.date, e.label, e.iri))
    chosen = [e for e in chosen if (start is None or e.date >= start)
              and (end is None or e.date <= end)]
    if subject is not None:
        on_subject = subject_events(store, subject)
        chosen = [e for e in chosen if e.iri in on_subject]
    if not chosen:
        raise CuratorError(f"--votes {selection!r}: no vote event with recorded ballots "
                           "matches (check the body, symbols and date range)")
    return chosen


def subject_events(store: ox.Store, subject: str) -> set[str]:
    """The vote events on resolutions with this subject heading; an unknown heading is an error
    that names the closest ones."""
    query = _SUBJECT_EVENTS.format(subject=str(ox.Literal(subject.strip())))
    events = {row["event"].value for row in store.query(query)}
    if not events:
        labels = sorted({row["label"].value for row in store.query(_SUBJECT_LABELS)})
        close = get_close_matches(subject.upper(), labels, n=5, cutoff=0.5)
        hint = f"; the closest: {', '.join(close)}" if close else (
            "" if labels else "; the store holds no subject headings (kg import-undl adds them)")
        raise CuratorError(f"--subject {subject!r}: no vote event is on a resolution with this "
                           f"subject heading{hint}")
    return events


def vote_matrix(store: ox.Store, events: Sequence[VoteEvent]) -> VoteMatrix:
    """The ballots on the chosen vote events; states with no ballot on any of them are left out."""
    column = {event.iri: index for index, event in enumerate(events)}
    codes_of = {_value(row["state"]): (_value(row["iso3"]), _value(row["name"]))
                for row in store.query(_STATES)}
    ballots: dict[str, dict[int, int]] = {}  # state IRI -> column -> code
    for state, code, event in _ballots(store, events):
        if state not in codes_of:  # a voter without a state code is not a Member State
            continue
        cast = ballots.setdefault(state, {})
        index = column.get(event)
        if index is not None:
            cast[index] = code
    voters = sorted(((codes_of[state], cast) for state, cast in ballots.items() if cast),
                    key=lambda voter: voter[0])  # by ISO3, then name
    codes = np.full((len(voters), len(events)), NOT_A_MEMBER, dtype=np.int8)
    for i, (_, cast) in enumerate(voters):
        for j, code in cast.items():
            codes[i, j] = code
    return VoteMatrix(tuple(iso3 for (iso3, _), _ in voters),
                      tuple(name or iso3 for (iso3, name), _ in voters), tuple(events), codes)


def _ballots(store: ox.Store, events: Sequence[VoteEvent]) -> Iterator[tuple[str, int, str]]:
    """(state IRI, option code, vote event IRI) of the ballots, on the chosen events at least."""
    codes = {str(shortcut): OPTION_CODES[option.rsplit("#", 1)[-1]]
             for option, shortcut in SHORTCUTS.items()}
    if len(events) <= FEW_EVENTS:
        query = _BALLOTS_ON.format(events=" ".join(str(ox.NamedNode(e.iri)) for e in events),
                                   shortcuts=", ".join(f"<{s}>" for s in codes))
        for row in store.query(query):
            yield row["state"].value, codes[row["shortcut"].value], row["event"].value
        return
    # Many events: all ballots, the four options' queries side by side (Oxigraph releases the
    # GIL while it evaluates: on the whole history 1.5 s instead of 2.7 s on two cores).
    with ThreadPoolExecutor(READ_THREADS) as pool:
        read = list(pool.map(lambda shortcut: _events_by_state(store, shortcut), codes))
    for code, rows in zip(codes.values(), read, strict=True):
        for state, event_iris in rows:
            for event in event_iris.split(" "):
                yield state, code, event


def _events_by_state(store: ox.Store, shortcut: str) -> list[tuple[str, str]]:
    """(state IRI, its vote events' IRIs separated by spaces) for one option's shortcut."""
    return [(row["state"].value, row["events"].value)
            for row in store.query(_EVENTS_BY_STATE.format(shortcut=shortcut))]


def statement_graph(store: ox.Store) -> nx.MultiDiGraph:
    """Speakers -> the actors they spoke about: one edge per statement and actor, keyed by the
    statement IRI, with its stance (towards that actor; empty when the statement is only
    about the actor), date and sources (space-separated IRIs)."""
    labels = {_value(r["actor"]): _value(r["label"]) for r in store.query(_ACTOR_LABELS)}
    graph = nx.MultiDiGraph()
    rows = sorted((_value(r["speaker"]), _value(r["target"]), _value(r["statement"]),
                   _value(r["stance"]), _value(r["date"]),
                   " ".join(sorted(_value(r["sources"]).split())))
                  for r in store.query(_STATEMENTS))
    for speaker, target, statement, stance, when, sources in rows:
        for node in (speaker, target):
            if node not in graph:
                graph.add_node(node, label=labels.get(node, node.rsplit("/", 1)[-1]))
        graph.add_edge(speaker, target, key=statement, statement=statement,
                       stance=stance.rsplit("#", 1)[-1], date=when, source=sources)
    return graph
