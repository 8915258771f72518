"""The official record: UN Digital Library voting data (General Assembly and Security Council).

Each row is one Member State's vote on one resolution. The loader emits the
states, the bodies and their memberships, the resolutions, their adoption vote
events with the official tallies, and one ballot per row, each with the row as
its evidence.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef

from kg.emit.evidence import emit_row_evidence
from kg.emit.sink import TripleSink
from kg.errors import CuratorError
from kg.ingest.sources import Source
from kg.model.iris import (
    GENERAL_ASSEMBLY,
    SECURITY_COUNCIL,
    canonical_symbol,
    count_iri,
    document_iri,
    membership_iri,
    state_iri,
    vote_event_iri,
    vote_iri,
)
from kg.model.namespaces import (
    DCTERMS,
    OPENGOV,
    ORG,
    RDF,
    RDFS,
    SKOS,
    UNKG,
    XSD,
)
from kg.model.vocabulary import BODIES, COUNT_CLASSES, OPTIONS, SHORTCUTS

GA, SC = GENERAL_ASSEMBLY, SECURITY_COUNCIL
TOTAL_COLUMNS = {"yes": "total_yes", "no": "total_no", "abstain": "total_abstentions",
                 "non-voting": "total_non_voting"}
REQUIRED_COLUMNS = ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution")
# Other spellings of the columns (older dataset versions, re-exports by third parties) and the
# name this loader uses for each. Headers are compared case-insensitively, spaces as "_".
COLUMN_ALIASES = {
    "record_id": "undl_id", "undl_record": "undl_id", "id": "undl_id",
    "country_code": "ms_code", "iso3": "ms_code", "ms_iso3": "ms_code", "code": "ms_code",
    "country": "ms_name", "country_name": "ms_name", "member_state": "ms_name",
    "vote": "ms_vote", "vote_code": "ms_vote",
    "vote_date": "date", "meeting_date": "date",
    "resolution_symbol": "resolution", "symbol": "resolution",
    "draft_symbol": "draft", "draft_resolution": "draft",
    "yes": "total_yes", "no": "total_no", "abstentions": "total_abstentions",
    "abstain": "total_abstentions", "total_abstain": "total_abstentions",
    "non_voting": "total_non_voting", "total_nonvoting": "total_non_voting",
    "total_members": "total_ms", "link": "undl_link", "permanent": "permanent_member",
}
SMALL_WORDS = {"of", "and", "the", "for", "de", "da"}


@dataclass(frozen=True)
class Ballot:
    row: int  # 1-based line in the file; the header is row 1
    record: dict[str, str]
    body: URIRef

    @property
    def state(self) -> str:
        return self.record["ms_code"].strip().upper()

    @property
    def symbol(self) -> str:
        return canonical_symbol(self.record["resolution"])


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


def canonical_columns(header: list[str]) -> list[str]:
    """The loader's names for a file's columns (see COLUMN_ALIASES)."""
    names = [h.strip().lower().replace(" ", "_").lstrip("\ufeff") for h in header]
    return [COLUMN_ALIASES.get(name, name) for name in names]


def body_of(layout: str | None, columns: list[str]) -> URIRef:
    """SC when the metadata says so or the file has the Council's permanent_member column."""
    if layout:
        return SC if layout.lower() == "sc" else GA
    return SC if "permanent_member" in columns else GA


def read_ballots(source: Source) -> Iterator[Ballot]:
    """The rows of a UNDL voting CSV, checked for the columns the loader needs."""
    columns = canonical_columns(_header(source))
    body = body_of(source.meta.get("layout"), columns)
    with source.path.open(encoding="utf-8", newline="") as handle:
        next(handle, None)
        reader = csv.DictReader(handle, fieldnames=columns)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise CuratorError(f"missing column(s) {', '.join(missing)}; is this a UN Digital "
                               "Library voting file?", file=source.display)
        for row_number, record in enumerate(reader, start=2):
            if None in record or any(v is None for v in record.values()):
                raise CuratorError("wrong number of fields; check commas and quotes",
                                   file=source.display, record=f"row {row_number}")
            if record["ms_vote"].strip().upper() not in OPTIONS:
                raise CuratorError(f"unknown vote code {record['ms_vote']!r}; use Y, N, A or X",
                                   file=source.display, record=f"row {row_number}")
            yield Ballot(row_number, record, body)


def _header(source: Source) -> list[str]:
    with source.path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def emit_bodies(graph: TripleSink) -> None:
    for body, label in BODIES.items():
        graph.add((body, RDF.type, UNKG.Body))
        graph.add((body, RDFS.label, Literal(label)))
        graph.add((body, SKOS.prefLabel, Literal(label, lang="en")))


def emit_official_record(graph: TripleSink, source: Source) -> dict[str, set[str]]:
    """Emit one voting file; returns the states seen per vote event key (for reconciliation)."""
    seen: dict[str, set[str]] = {}
    for ballot in read_ballots(source):
        record, iso3, symbol = ballot.record, ballot.state, ballot.symbol
        if iso3 in seen.setdefault(symbol, set()):
            raise CuratorError(f"{iso3} votes twice on {symbol}", file=source.display,
                               record=f"row {ballot.row}")
        first_row = not seen[symbol]
        seen[symbol].add(iso3)
        _emit_state(graph, iso3, record["ms_name"], ballot.body, record)
        if first_row:
            _emit_resolution(graph, source, ballot)
        option = OPTIONS[record["ms_vote"].strip().upper()]
        vote = vote_iri(symbol, iso3)
        graph.add((vote, RDF.type, UNKG.Vote))
        graph.add((vote, OPENGOV.voteEvent, vote_event_iri(symbol)))
        graph.add((vote, URIRef("http://schema.org/agent"), state_iri(iso3)))
        graph.add((vote, URIRef("http://schema.org/option"), option))
        graph.add((state_iri(iso3), SHORTCUTS[option], vote_event_iri(symbol)))
        graph.add((vote, RDFS.label, Literal(f"{iso3} on {symbol}: {_option_word(option)}")))
        graph.add((vote, UNKG.curatedIn, record_rows(source.display, ballot.row)))
        emit_row_evidence(graph, f"{source.id}/row-{ballot.row}", source, ballot.row, [vote])
    return seen


def _option_word(option: URIRef) -> str:
    return next(word for word, (_, concept) in COUNT_CLASSES.items() if concept == option)


def record_rows(file: str, first: int, last: int | None = None) -> Literal:
    """Where a fact was read in a record file, for unkg:curatedIn: its row, or the rows from
    `first` to `last`, as an RFC 7111 fragment ('FILE#row=N', 'FILE#row=N-M'; row 1 is the
    header)."""
    rows = str(first) if last is None or last == first else f"{first}-{last}"
    return Literal(f"{file}#row={rows}")


def _emit_state(graph: TripleSink, iso3: str, un_name: str, body: URIRef,
                record: dict[str, str]) -> None:
    emit_state(graph, iso3, un_name, body, record)


def emit_state(graph: TripleSink, iso3: str, un_name: str, body: URIRef,
               record: dict[str, str]) -> None:
    """A Member State (any code the file uses, historical ones such as SUN or YUG too)."""
    state = state_iri(iso3)
    label = state_label(un_name)
    graph.add((state, RDF.type, UNKG.State))
    graph.add((state, UNKG.iso3, Literal(iso3)))
    graph.add((state, RDFS.label, Literal(label)))
    graph.add((state, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((state, SKOS.hiddenLabel, Literal(un_name.strip(), lang="en")))
    if body != SC:
        return  # every Member State sits in the General Assembly: only Council seats are recorded
    membership = membership_iri(body, iso3)
    graph.add((membership, RDF.type, ORG.Membership))
    graph.add((membership, ORG.member, state))
    graph.add((membership, ORG.organization, body))
    graph.add((membership, RDFS.label, Literal(f"{label} in the Security Council")))
    permanent = record.get("permanent_member", "").strip().upper() == "TRUE"
    role = UNKG.PermanentMember if permanent else UNKG.ElectedMember
    graph.add((membership, ORG.role, role))


def _emit_resolution(graph: TripleSink, source: Source, ballot: Ballot) -> None:
    emit_resolution(graph, source, ballot.record, ballot.symbol, ballot.body, ballot.row)


def emit_resolution(graph: TripleSink, source: Source, record: dict[str, str], symbol: str,
                    body: URIRef, row: int, *, streamed: bool = False) -> None:
    """The resolution, its adoption vote event and its official tallies, evidenced by one row.

    `streamed` (kg import-undl): the event's completeness and the rows of its ballots are
    known only at its last row, so the bulk writer adds them then (kg.pipeline.history._close).
    """
    document, event = document_iri(symbol), vote_event_iri(symbol)
    date = Literal(record["date"].strip(), datatype=XSD.date) if record["date"].strip() else None
    title = (record.get("title") or record.get("description") or "").split(" : ")[0].strip()
    graph.add((document, RDF.type, UNKG.Resolution))
    graph.add((document, UNKG.symbol, Literal(symbol)))
    graph.add((document, RDFS.label, Literal(symbol)))
    if record.get("draft", "").strip():
        graph.add((document, UNKG.draftSymbol, Literal(canonical_symbol(record["draft"]))))
    if title:
        graph.add((document, DCTERMS.title, Literal(title)))
    graph.add((document, UNKG.body, body))
    if date is not None:
        graph.add((document, DCTERMS.date, date))
    graph.add((document, UNKG.outcome, UNKG.Adopted))
    if record.get("undl_link", "").strip():
        graph.add((document, RDFS.seeAlso, URIRef(record["undl_link"].strip())))
    graph.add((document, UNKG.curatedIn, record_rows(source.display, row)))

    graph.add((event, RDF.type, UNKG.VoteEvent))
    graph.add((event, RDFS.label, Literal(f"Recorded vote on {symbol}")))
    graph.add((event, OPENGOV.motion, document))
    graph.add((event, UNKG.body, body))
    if date is not None:
        graph.add((event, DCTERMS.date, date))
    graph.add((event, OPENGOV.result, UNKG.Adopted))
    if not streamed:
        graph.add((event, UNKG.rollCallComplete, Literal(True)))
        graph.add((event, UNKG.curatedIn, record_rows(source.display, row)))
    bodies = [document, event]
    for option, column in TOTAL_COLUMNS.items():
        value = record.get(column, "").strip()
        if not value:
            continue
        count = count_iri(symbol, option)
        count_class, option_concept = COUNT_CLASSES[option]
        graph.add((event, OPENGOV["count"], count))
        graph.add((count, RDF.type, count_class))
        graph.add((count, OPENGOV.option, option_concept))
        graph.add((count, RDF.value, Literal(int(value))))
        graph.add((count, RDFS.label, Literal(f"{option} votes on {symbol}")))
        bodies.append(count)
    emit_row_evidence(graph, f"{source.id}/row-{row}/totals", source, row, bodies)
