"""The official record -> triples: the one emitter of UN Digital Library voting data.

Whatever the reader (kg.ingest.undl: every CSV layout, or a MARCXML record) and whatever the
sink (an rdflib Graph for `kg build`, the N-Triples stream of `kg import-undl`), the same
ballots, vote events, tallies, resolutions, subjects, states and sources come out. The stream
writes each ballot from string templates (kg.emit.sink.NTriplesWriter.ballot_lines), its fast
path; tests/test_undl_layouts.py runs every fixture through both sinks and compares the graphs.

Evidence: one Web Annotation per resolution, on the row that states its totals (its first row);
the vote event names the rows of all its ballots (`unkg:curatedIn "FILE#row=FIRST-LAST"`, an
RFC 7111 range): a ballot's row is the one in that range with its voter's code, since a state
votes once per event (a second row is refused). `detail` (kg build's small shipped record)
also gives each ballot its label, its own row and a row annotation.

A resolution adopted without a vote (modality "Without Vote") is an adoption: the resolution,
`unkg:adoptedWithoutVote true`, its date and subjects, and no vote event, ballots or tally.
"""

import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.emit.evidence import emit_fragment_evidence
from kg.emit.sink import NTriplesWriter, TripleSink
from kg.ingest.former_states import FormerState
from kg.ingest.sources import Source
from kg.ingest.undl import CsvVotes, MarcVotes, Motion
from kg.model.iris import (
    GENERAL_ASSEMBLY,
    SECURITY_COUNCIL,
    concept_iri,
    count_iri,
    document_iri,
    evidence_iri,
    membership_iri,
    part_iri,
    scheme_iri,
    source_iri,
    state_iri,
    vote_event_iri,
    vote_iri,
)
from kg.model.namespaces import (
    DCTERMS,
    OA,
    OPENGOV,
    ORG,
    PROV,
    RDF,
    RDFS,
    RFC7111,
    SCHEMA,
    SKOS,
    UNKG,
    XSD,
)
from kg.model.vocabulary import BODIES, COUNT_CLASSES, OPTION_KEYS, OPTIONS, SHORTCUTS

GA, SC = GENERAL_ASSEMBLY, SECURITY_COUNCIL
BODY_IRIS = {"ga": GA, "sc": SC}
SMALL_WORDS = {"of", "and", "the", "for", "de", "da"}
KEPT_MESSAGES = 50  # tally mismatches listed in full; beyond that only counted
# The concept schemes of the UN Digital Library's headings: (scheme key, label, comment).
SCHEMES = {
    "undl-subjects": ("UN Digital Library subject headings",
                      "The subjects the UN Digital Library gives a resolution (the `subjects` "
                      "column of its voting data; UNBIS Thesaurus terms)."),
    "undl-agenda": ("UN agenda items",
                    "The agenda items under which a resolution was adopted (`agenda_title`, "
                    "Security Council `agenda`)."),
}


@dataclass
class EventTally:
    """What is known of one resolution while its rows are read."""

    motion: Motion
    symbol: str
    first_row: int
    last_row: int
    counted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPTION_KEYS.values(), 0))
    states: int = 0  # bitmask over the states' order of first appearance: who has voted
    event: object = None  # the vote event's IRI in the sink's own form (URIRef or N-Triples)
    vote_prefix: str = ""  # N-Triples sink: a ballot's IRI is this + the state code + ">"
    without_vote: bool = False  # the motion's, read once per row


@dataclass
class Emitted:
    """Counts of what one file gave, and the tally mismatches (kept: KEPT_MESSAGES)."""

    ballots: int = 0
    events: list[str] = field(default_factory=list)  # IRIs of the vote events with ballots
    without_vote: int = 0  # resolutions adopted without a vote
    without_vote_rows: int = 0
    states: int = 0
    mismatches: list[str] = field(default_factory=list)
    mismatch_count: int = 0


def state_label(un_name: str) -> str:
    """The UN's upper-case name in the UN's own casing: 'UNITED STATES' -> 'United States',
    "COTE D'IVOIRE" -> "Cote d'Ivoire", 'GUINEA-BISSAU' -> 'Guinea-Bissau', 'LAO PDR' ->
    'Lao PDR', 'MICRONESIA (FEDERATED STATES OF)' -> 'Micronesia (Federated States of)'."""
    def title(word: re.Match[str]) -> str:
        text = word.group()
        if word.start() and text in SMALL_WORDS:
            return text
        if re.fullmatch(r"[a-z]'\w+", text):  # an elision: d'Ivoire
            return text[:2] + text[2:3].upper() + text[3:]
        if not re.search(r"[aeiouy]", text):  # an abbreviation: PDR
            return text.upper()
        return text[:1].upper() + text[1:]

    return re.sub(r"[a-z]+(?:'[a-z]+)?", title, " ".join(un_name.lower().split()))


def emit_bodies(graph: TripleSink) -> None:
    for body, label in BODIES.items():
        graph.add((body, RDF.type, UNKG.Body))
        graph.add((body, RDFS.label, Literal(label)))
        graph.add((body, SKOS.prefLabel, Literal(label, lang="en")))


def emit_official_record(graph: TripleSink, source: Source) -> Emitted:
    """kg build: one shipped voting file, strictly read (a bad row stops the build), in detail."""
    votes = CsvVotes(source.path, file=source.display, body=source.meta.get("layout"),
                     strict=True)
    return emit_votes(graph, source, votes, detail=True)


def emit_votes(sink: TripleSink, source: Source, votes: CsvVotes | MarcVotes, *,
               detail: bool = False) -> Emitted:
    """Every ballot the reader yields, with its resolution, event, state and tallies."""
    emitter = _Emitter(sink, source, votes, detail)
    emitter.run()
    return emitter.emitted


class _Emitter:
    def __init__(self, sink: TripleSink, source: Source, votes: CsvVotes | MarcVotes,
                 detail: bool):
        self.sink, self.source, self.votes, self.detail = sink, source, votes, detail
        self.body = BODY_IRIS[votes.layout.body]
        self.emitted = Emitted()
        self.fast = sink if isinstance(sink, NTriplesWriter) and not detail else None
        self.concepts: set[URIRef] = set()
        self.schemes: set[str] = set()

    def run(self) -> None:
        sink, votes, emitted, fast = self.sink, self.votes, self.emitted, self.fast
        tallies: dict[str, EventTally] = {}
        states: dict[str, tuple[int, object]] = {}  # code -> (bit, IRI in the sink's form)
        names: dict[str, set[str]] = {}
        templates = fast.ballot_lines() if fast is not None else {}
        for row, motion, iso3, code, name, permanent in votes:
            tally = tallies.get(motion.key)
            if tally is None:
                tally = tallies[motion.key] = self._open(motion)
            if tally.without_vote:
                emitted.without_vote_rows += 1
                continue
            state = states.get(iso3)
            if state is None:
                state = states[iso3] = self._state(iso3, name, permanent, len(states))
                names[iso3] = {name.strip()}
            bit, state_term = state
            if tally.states & bit:
                votes.problem(row, f"{iso3} votes twice on {tally.symbol}; the first vote is kept")
                continue
            tally.states |= bit
            tally.last_row = row
            name = name.strip()
            known = names[iso3]
            if name and name not in known:  # a historical name of the same code
                known.add(name)
                sink.add((state_iri(iso3), SKOS.hiddenLabel, Literal(name, lang="en")))
            if fast is not None:  # the hot path: one string per ballot
                option_key, lines, arguments, triples, option = templates[code]
                fast.stream.write(lines % arguments((f"{tally.vote_prefix}{iso3}>", tally.event,
                                                    state_term)))
                fast.count += triples
                if option:  # the first ballot naming this option: what the ontology says of it
                    fast.describe(option)
                    templates[code] = templates[code]._replace(option="")
            else:
                option_key = self._ballot(tally, iso3, code, row)
            tally.counted[option_key] += 1
            emitted.ballots += 1
        for tally in tallies.values():
            self._close(tally)
        emitted.states = len(states)

    def _open(self, motion: Motion) -> EventTally:
        """The resolution (and its vote event, unless adopted without one), from its first row."""
        symbol = motion.key
        self._resolution(motion)
        tally = EventTally(motion, symbol, motion.first_row, motion.first_row,
                           without_vote=motion.without_vote)
        if motion.without_vote:
            self.emitted.without_vote += 1
            return tally
        event = vote_event_iri(symbol)
        self.emitted.events.append(str(event))
        if self.fast is not None:
            tally.event = self.fast.term(event)
            tally.vote_prefix = self.fast.term(vote_iri(symbol, "X"))[:-2]
        else:
            tally.event = event
        return tally

    def _resolution(self, motion: Motion) -> None:
        graph, source, symbol, row = self.sink, self.source, motion.key, motion.first_row
        document = document_iri(symbol)
        date = Literal(motion.date, datatype=XSD.date) if motion.date else None
        graph.add((document, RDF.type, UNKG.Resolution))
        graph.add((document, UNKG.symbol, Literal(symbol)))
        graph.add((document, RDFS.label, Literal(symbol)))
        for draft in motion.drafts:
            graph.add((document, UNKG.draftSymbol, Literal(draft)))
        if motion.title:
            graph.add((document, DCTERMS.title, Literal(motion.title)))
        graph.add((document, UNKG.body, self.body))
        graph.add((document, SCHEMA.publisher, self.body))  # Popolo's body of a motion
        if date is not None:
            graph.add((document, DCTERMS.date, date))
        graph.add((document, UNKG.outcome, UNKG.Adopted))
        if motion.link:
            graph.add((document, RDFS.seeAlso, URIRef(motion.link)))
        graph.add((document, UNKG.curatedIn, Literal(self.votes.where(row))))
        for scheme, headings in (("undl-subjects", motion.subjects),
                                 ("undl-agenda", motion.agenda)):
            for heading in headings:
                graph.add((document, DCTERMS.subject, self._concept(scheme, heading)))
        bodies = [document]
        if motion.without_vote:
            graph.add((document, UNKG.adoptedWithoutVote, Literal(True)))
        else:
            event = vote_event_iri(symbol)
            graph.add((event, RDF.type, UNKG.VoteEvent))
            graph.add((event, RDFS.label, Literal(f"Recorded vote on {symbol}")))
            graph.add((event, OPENGOV.motion, document))
            graph.add((event, UNKG.body, self.body))
            graph.add((event, SCHEMA.organizer, self.body))  # Popolo's body of a vote event
            if date is not None:
                graph.add((event, DCTERMS.date, date))
            graph.add((event, OPENGOV.result, UNKG.Adopted))
            bodies.append(event)
            for option, official in motion.totals.items():
                if official is None:
                    continue
                count = count_iri(symbol, option)
                graph.add((event, OPENGOV["count"], count))
                # Popolo names the option a count counts by its class (rdf:type)
                graph.add((count, RDF.type, COUNT_CLASSES[option][0]))
                graph.add((count, RDF.value, Literal(official)))
                graph.add((count, RDFS.label, Literal(f"{option} votes on {symbol}")))
                bodies.append(count)
        value, conforms_to = self.votes.fragment(row)
        kind = "row" if conforms_to == RFC7111 else "record"
        emit_fragment_evidence(graph, f"{source.id}/{kind}-{row}/totals", source, value,
                               conforms_to, bodies)

    def _concept(self, scheme: str, heading: str) -> URIRef:
        """A heading as a SKOS concept of its scheme, described once per file."""
        concept = concept_iri(scheme, heading)
        if concept not in self.concepts:
            graph = self.sink
            if scheme not in self.schemes:
                label, comment = SCHEMES[scheme]
                graph.add((scheme_iri(scheme), RDF.type, SKOS.ConceptScheme))
                graph.add((scheme_iri(scheme), RDFS.label, Literal(label)))
                graph.add((scheme_iri(scheme), RDFS.comment, Literal(comment)))
                self.schemes.add(scheme)
            self.concepts.add(concept)
            graph.add((concept, RDF.type, SKOS.Concept))
            graph.add((concept, SKOS.prefLabel, Literal(heading, lang="en")))
            graph.add((concept, RDFS.label, Literal(heading)))
            graph.add((concept, SKOS.inScheme, scheme_iri(scheme)))
        return concept

    def _state(self, iso3: str, name: str, permanent: str, order: int) -> tuple[int, object]:
        emit_state(self.sink, iso3, name.strip() or iso3, self.body, permanent == "TRUE")
        term = self.fast.term(state_iri(iso3)) if self.fast is not None else state_iri(iso3)
        return 1 << order, term

    def _ballot(self, tally: EventTally, iso3: str, code: str, row: int) -> str:
        """One ballot as triples (the graph sink; and every sink in detail mode)."""
        graph, symbol = self.sink, tally.symbol
        option = OPTIONS[code]
        vote, event, state = vote_iri(symbol, iso3), vote_event_iri(symbol), state_iri(iso3)
        graph.add((vote, RDF.type, UNKG.Vote))
        graph.add((vote, OPENGOV.voteEvent, event))
        graph.add((vote, SCHEMA.agent, state))
        graph.add((vote, SCHEMA.option, option))
        graph.add((state, SHORTCUTS[option], event))
        if self.detail:
            graph.add((vote, RDFS.label, Literal(f"{iso3} on {symbol}: {_option_word(option)}")))
            graph.add((vote, UNKG.curatedIn, Literal(self.votes.ballot_where(row))))
            value, conforms_to = self.votes.ballot_fragment(row)
            emit_fragment_evidence(graph, f"{self.source.id}/row-{row}", self.source, value,
                                   conforms_to, [vote])
        return OPTION_KEYS[option]

    def _close(self, tally: EventTally) -> None:
        """Name the event's rows; compare the counted ballots with the official totals; a full
        roll call is marked so."""
        motion = tally.motion
        if motion.without_vote:
            return
        event = vote_event_iri(tally.symbol)
        self.sink.add((event, UNKG.curatedIn,
                       Literal(self.votes.where(tally.first_row, tally.last_row))))
        differences = [f"{option} {tally.counted[option]} counted, {official} official"
                       for option, official in motion.totals.items()
                       if official is not None and official != tally.counted[option]]
        rows = sum(tally.counted.values())
        if motion.total_ms is not None and rows != motion.total_ms:
            differences.append(f"{rows} ballots, {motion.total_ms} members")
        if differences:
            self.emitted.mismatch_count += 1
            if len(self.emitted.mismatches) < KEPT_MESSAGES:
                where = self.votes.place(tally.first_row)
                self.emitted.mismatches.append(f"{tally.symbol} ({where}): "
                                               + "; ".join(differences))
        else:
            self.sink.add((event, UNKG.rollCallComplete, Literal(True)))


def _option_word(option: URIRef) -> str:
    return next(word for word, (_, concept) in COUNT_CLASSES.items() if concept == option)


def emit_state(graph: TripleSink, iso3: str, un_name: str, body: URIRef,
               permanent: bool, *, preferred: bool = True) -> None:
    """A Member State (any code the file uses, historical ones such as SUN or YUG too).
    `preferred`: its name is also its one skos:prefLabel (a voting file's first row's name)."""
    state = state_iri(iso3)
    label = state_label(un_name)
    graph.add((state, RDF.type, UNKG.State))
    graph.add((state, UNKG.iso3, Literal(iso3)))
    graph.add((state, RDFS.label, Literal(label)))
    if preferred:
        graph.add((state, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((state, SKOS.hiddenLabel, Literal(un_name.strip(), lang="en")))
    if body != SC:
        return  # every Member State sits in the General Assembly: only Council seats are recorded
    membership = membership_iri(body, iso3)
    graph.add((membership, RDF.type, ORG.Membership))
    graph.add((membership, ORG.member, state))
    graph.add((membership, ORG.organization, body))
    graph.add((membership, RDFS.label, Literal(f"{label} in the Security Council")))
    role = UNKG.PermanentMember if permanent else UNKG.ElectedMember
    graph.add((membership, ORG.role, role))


def emit_former_states(graph: TripleSink, states: list[FormerState]) -> None:
    """Former Members (facts/former-states.yaml): each a state as a voting file would make it
    (emit_state), with its membership dates, its successors and the cited page's words as
    evidence. The page is not kept in the project, so the evidence quotes it without a position
    (a Web Annotation with a TextQuoteSelector only)."""
    pages: set[URIRef] = set()
    for former in states:
        state = state_iri(former.code)
        # no skos:prefLabel: a voting file that writes the name otherwise gives the one there is
        emit_state(graph, former.code, former.name, GA, False, preferred=False)
        for prop, day in ((UNKG.memberFrom, former.member_from),
                          (UNKG.memberUntil, former.member_until)):
            if day is not None:
                graph.add((state, prop, Literal(day.isoformat(), datatype=XSD.date)))
        for successor in former.successors:
            graph.add((state, UNKG.succeededBy, state_iri(successor)))
        graph.add((state, UNKG.curatedIn, Literal(former.record)))
        page = source_iri(_page_id(former.source))
        if page not in pages:
            pages.add(page)
            graph.add((page, RDF.type, UNKG.WebReference))
            graph.add((page, RDFS.label, Literal(former.source_title)))
            graph.add((page, SCHEMA.url, URIRef(former.source)))
        for number, quote in enumerate(former.quotes, start=1):
            evidence = evidence_iri(f"former-states-{former.code.lower()}/{number}")
            target, selector = part_iri(evidence, "target"), part_iri(evidence, "quote")
            graph.add((evidence, RDF.type, UNKG.Evidence))
            graph.add((evidence, RDF.type, OA.Annotation))
            graph.add((evidence, OA.motivatedBy, UNKG.evidencing))
            graph.add((evidence, OA.hasBody, state))
            graph.add((evidence, OA.hasTarget, target))
            graph.add((target, RDF.type, OA.SpecificResource))
            graph.add((target, OA.hasSource, page))
            graph.add((target, OA.hasSelector, selector))
            graph.add((selector, RDF.type, OA.TextQuoteSelector))
            graph.add((selector, OA.exact, Literal(quote)))
            graph.add((state, UNKG.evidence, evidence))
            graph.add((state, PROV.wasDerivedFrom, page))


def _page_id(url: str) -> str:
    """A cited page's source id, from its address: 'https://www.un.org/en/about-us/member-states/
    czechoslovakia' -> 'www-un-org-en-about-us-member-states-czechoslovakia'."""
    return re.sub(r"[^a-z0-9]+", "-", url.split("://", 1)[-1].lower()).strip("-")
