"""Former UN Member States (facts/former-states.yaml): each under the code and name the UN's voting
files give it, with the dates of its membership and its successors, as a cited page says.

Read as strictly as the other curated facts: every field known and of its type, the codes real
ones (ISO 3166-3 or the UN's own, as kg.ingest.undl checks a voting file's), every date written
in the quoted words (a date the source does not state is left out, never inferred), the
membership ending after it began, no state its own successor. Any slip is one CuratorError
naming the file and the record's line.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kg.errors import CuratorError
from kg.ingest.sources import WEB_IRI
from kg.ingest.undl import STATE_NAMES, name_matches
from kg.ingest.yamlio import LINE, read_yaml

FORMER_STATES = "former-states.yaml"  # in the project's facts/ folder
REQUIRED = ("code", "name", "successors", "source", "source_title", "quotes")
OPTIONAL = ("member_from", "member_until", "note")
CODE = re.compile(r"^[A-Z]{3}$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # English whatever the locale


@dataclass(frozen=True)
class FormerState:
    code: str  # as the UN's voting files write it (SUN, CSK, DDR, YUG)
    name: str  # the UN's upper-case name of the time, as the voting files write it
    member_from: date | None  # None: the quoted words do not state it
    member_until: date | None
    successors: tuple[str, ...]
    source: str  # the cited page's address
    source_title: str
    quotes: tuple[str, ...]  # the page's exact words that state the above
    line: int

    @property
    def record(self) -> str:
        """Where the record is curated, as unkg:curatedIn names it."""
        return f"facts/{FORMER_STATES}#{self.code}"


def spoken(day: date) -> str:
    """A date as the UN's pages write it: '24 October 1945'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def load_former_states(root: Path) -> list[FormerState]:
    """The project's former states, in the file's order (none if the file is absent)."""
    path = root / "facts" / FORMER_STATES
    if not path.is_file():
        return []
    display = f"facts/{FORMER_STATES}"
    data = read_yaml(path, display)
    if not isinstance(data, list):
        raise CuratorError("expected a list of former states (- code: SUN ...)", file=display)
    states: list[FormerState] = []
    for record in data:
        if not isinstance(record, dict):
            raise CuratorError(f"{record!r} is not a record; each entry is a mapping of fields "
                               "(code, name, ...)", file=display)
        states.append(_former_state(record, display))
    codes = [s.code for s in states]
    for state in states:
        if codes.count(state.code) > 1:
            raise CuratorError(f"{state.code} is given twice; keep one record per state",
                               file=display, record=f"line {state.line}")
    return states


def _former_state(record: dict[str, Any], display: str) -> FormerState:
    line = record[LINE]

    def refuse(message: str) -> None:
        raise CuratorError(message, file=display, record=f"line {line}")

    fields = set(record) - {LINE}
    unknown = sorted(fields - set(REQUIRED) - set(OPTIONAL))
    missing = [f for f in REQUIRED if f not in fields]
    if unknown:
        refuse(f"unknown field(s) {', '.join(unknown)}; the fields are "
               f"{', '.join(REQUIRED + OPTIONAL)}")
    if missing:
        refuse(f"missing field(s) {', '.join(missing)}")
    for key in ("code", "name", "source", "source_title"):
        if not isinstance(record[key], str) or not record[key].strip():
            refuse(f"{key} must be a text, not {record[key]!r}")
    code = record["code"]
    if not CODE.match(code) or code not in STATE_NAMES:
        refuse(f"code {code!r} is not a state code of the UN's voting files (ISO 3166-3, such "
               "as SUN, CSK, DDR, YUG, or ISO 3166-1 alpha-3)")
    if not name_matches(code, record["name"]):
        refuse(f"name {record['name']!r} shares no word with the names of {code} "
               f"({sorted(STATE_NAMES[code])[0]}); check the code and the name")
    successors = record["successors"]
    if not isinstance(successors, list) or not all(isinstance(s, str) for s in successors):
        refuse(f"successors must be a list of state codes ([CZE, SVK], or [] for none), not "
               f"{successors!r}")
    for successor in successors:
        if not CODE.match(successor) or successor not in STATE_NAMES:
            refuse(f"successor {successor!r} is not a state code (ISO 3166-1 alpha-3 such as "
                   "RUS, or a former state's code)")
        if successor == code:
            refuse(f"{code} is named its own successor")
    if len(set(successors)) != len(successors):
        refuse("a successor is named twice")
    if not WEB_IRI.match(record["source"]):
        refuse(f"source {record['source']!r} is not a web address (https://...)")
    quotes = record["quotes"]
    if (not isinstance(quotes, list) or not quotes
            or not all(isinstance(q, str) and q.strip() for q in quotes)):
        refuse("quotes must be a list of the source's exact words, one text each")
    words = " ".join(" ".join(q.split()) for q in quotes)
    dates: dict[str, date | None] = {}
    for key in ("member_from", "member_until"):
        value = record.get(key)
        if value is not None and not isinstance(value, date):
            refuse(f"{key} {value!r} is not a date; write YYYY-MM-DD, or leave it out when the "
                   "source does not state it")
        if value is not None and spoken(value) not in words:
            refuse(f"{key} {value.isoformat()} ('{spoken(value)}') is not in the quoted "
                   "words; quote the sentence that states it, or leave the date out")
        dates[key] = value
    start, end = dates["member_from"], dates["member_until"]
    if start is not None and end is not None and end <= start:
        refuse(f"member_until {end.isoformat()} is not after member_from {start.isoformat()}")
    if record.get("note") is not None and not isinstance(record["note"], str):
        refuse("note must be a text")
    return FormerState(code, " ".join(record["name"].split()), start, end, tuple(successors),
                       record["source"], record["source_title"].strip(),
                       tuple(" ".join(q.split()) for q in quotes), line)
