"""The UN Digital Library's voting data: every published layout of its CSV files, and one
resolution's voting record exported as MARCXML, read into the same records.

Layouts (their data dictionaries, "UN General Assembly Voting Data: Description and Terms of
Use" and "UN Security Council Voting Data: Description and Terms of Use"):

- GA 2024-09-12 (version 1): plural and hyphenated names (`ms_codes`, `ms_votes`,
  `resolutions`, `agenda_titles`, `yes`, `non-voting`, `total-voting`), a `modality` column,
  `NV` for non-voting.
- GA 2025-07-23 (version 3): `ms_code`, `ms_vote`, `resolution`, `agenda_title`, `total_yes` ...
  `total_ms`; `X` for non-voting.
- SC 2025-07-21 (version 3): as GA 2025 plus `permanent_member` (True/False), `description`,
  `agenda`, `modality`.
- The February 2026 files (dictionaries of 2026-02-06, not found in this project's reference
  search): what issue 15 reports of them: totals as decimals (`120.0`), a byte-order mark,
  CRLF, `modality`, `draft` and `subjects` with several values joined by `|`.

Columns are found by name (case-insensitive, spaces as `_`), never by position. A header with a
name the reader does not know is refused, with the header and the names it expects.

One reader for both uses: `strict` (kg build's official record, `kg import-undl --strict`)
stops at the first bad row with a CuratorError naming file and row; lenient (the bulk import)
skips the row and reports it. A reader yields ballots as tuples (row, motion, state code, vote
code, name, permanent flag), the motion (one adopted resolution) shared by its rows, so the
emitter's hot loop does no parsing of its own.
"""

import codecs
import csv
import re
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn

import pycountry

from kg.errors import CuratorError
from kg.ingest.files import check_regular
from kg.model.iris import canonical_symbol
from kg.model.namespaces import RFC7111
from kg.model.vocabulary import OPTIONS

RFC3023 = "http://tools.ietf.org/rfc/rfc3023"  # XML media types: XPointer fragments

# The reader's name of each column (the 2025 dictionaries' names) and the other spellings seen.
GA_COLUMNS = ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution",
              "draft", "committee_report", "meeting", "title", "agenda_title", "subjects",
              "vote_note", "modality", "total_yes", "total_no", "total_abstentions",
              "total_non_voting", "total_ms", "undl_link")
SC_ONLY = ("permanent_member", "description", "agenda")
COLUMN_ALIASES = {
    # GA 2024-09-12 (version 1)
    "ms_codes": "ms_code", "ms_names": "ms_name", "ms_votes": "ms_vote",
    "resolutions": "resolution", "agenda_titles": "agenda_title", "yes": "total_yes",
    "no": "total_no", "abstentions": "total_abstentions", "non-voting": "total_non_voting",
    "total-voting": "total_ms",
    # spellings of third-party re-exports (tests/fixtures/undl/historical_alt_columns.csv)
    "record_id": "undl_id", "undl_record": "undl_id", "id": "undl_id",
    "country_code": "ms_code", "iso3": "ms_code", "ms_iso3": "ms_code", "code": "ms_code",
    "country": "ms_name", "country_name": "ms_name", "member_state": "ms_name",
    "vote": "ms_vote", "vote_code": "ms_vote", "vote_date": "date", "meeting_date": "date",
    "resolution_symbol": "resolution", "symbol": "resolution", "draft_symbol": "draft",
    "draft_resolution": "draft", "abstain": "total_abstentions",
    "total_abstain": "total_abstentions", "non_voting": "total_non_voting",
    "total_nonvoting": "total_non_voting", "total_members": "total_ms", "link": "undl_link",
    "permanent": "permanent_member",
}
KNOWN_COLUMNS = frozenset(GA_COLUMNS + SC_ONLY)
REQUIRED_COLUMNS = ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "resolution")
TOTAL_COLUMNS = {"yes": "total_yes", "no": "total_no", "abstain": "total_abstentions",
                 "non-voting": "total_non_voting"}
GA_ONLY = ("committee_report", "agenda_title", "session")
CODE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
MODALITIES = {"vote": False, "recorded vote": False, "without vote": True, "": False}
PERMANENT = {"TRUE": True, "FALSE": False, "": None}
LINK_UNSAFE = re.compile(r'[\s<>"{}|\\^`]')
# State codes: ISO 3166-1 alpha-3 (current) and ISO 3166-3 (former: SUN, YUG, CSK, DDR, YMD ...),
# both from pycountry, plus codes the UN's voting files use outside ISO: YAR, the Yemen Arab
# Republic (1947-1990), which ISO coded YEM (as the project's history generator,
# benchmarks/make_history.py, writes it). A code refused here is reported with its row.
UN_CODES: dict[str, str] = {"YAR": "Yemen Arab Republic"}
STATE_NAMES: dict[str, set[str]] = {}
for _country in (*pycountry.countries, *pycountry.historic_countries):
    STATE_NAMES.setdefault(_country.alpha_3, set()).update(
        getattr(_country, field) for field in ("name", "official_name", "common_name")
        if getattr(_country, field, None))
for _code, _name in UN_CODES.items():
    STATE_NAMES.setdefault(_code, set()).add(_name)
NAME_NOISE = {"THE", "OF", "AND", "REPUBLIC", "DEMOCRATIC", "PEOPLE'S", "STATE", "STATES",
              "ISLAMIC",
              "FEDERAL", "UNITED", "KINGDOM", "SOCIALIST", "ISLANDS", "ST"}


def _words(name: str) -> set[str]:
    """The telling words of a state's name, in capitals without accents or punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return set(re.findall(r"[A-Z']{3,}", plain)) - NAME_NOISE


STATE_WORDS = {code: set().union(*(_words(n) for n in names))
               for code, names in STATE_NAMES.items()}


def name_matches(code: str, name: str) -> bool:
    """True if the name a file gives shares a telling word with a name of the code (or is
    blank): "VENEZUELA (BOLIVARIAN REPUBLIC OF)" matches VEN, "FRANCE" does not match AGO."""
    words = _words(name)
    return not words or not STATE_WORDS.get(code) or bool(words & STATE_WORDS[code])

Ballot = tuple[int, "Motion", str, str, str, str]  # row, motion, state, vote code, name, permanent
ProblemHandler = Callable[[int, str], None]


@dataclass(frozen=True)
class Layout:
    """What a file's header says: the reader's name of each column, the body, which version."""

    columns: tuple[str, ...]
    body: str  # "ga" or "sc"
    version: str

    def index(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None


@dataclass
class Motion:
    """One adopted resolution as its first good row states it (every row of it repeats this)."""

    key: str  # the canonical symbol, or "UNDL {undl_id}" when the row has no symbol
    undl_id: str
    first_row: int
    date: str | None
    title: str
    drafts: tuple[str, ...]
    subjects: tuple[str, ...]
    agenda: tuple[str, ...]
    totals: dict[str, int | None]
    total_ms: int | None
    link: str
    without_vote: bool


def read_layout(header: list[str], body: str | None, file: str) -> Layout:
    """The reader's names for a header, refusing unknown names and a `--body` it contradicts."""
    raw = [h.strip().lstrip("\ufeff").lower().replace(" ", "_") for h in header]
    columns = tuple(COLUMN_ALIASES.get(name, name) for name in raw)
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in KNOWN_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if unknown or missing or len(set(columns)) != len(columns):
        problem = (f"unknown column(s) {', '.join(unknown)}" if unknown else
                   f"missing column(s) {', '.join(missing)}" if missing else
                   "two columns name the same field")
        raise CuratorError(
            f"{problem}; is this a UN Digital Library voting file?\n  the header: "
            f"{','.join(header)}\n  names expected: {', '.join(GA_COLUMNS + SC_ONLY)}\n"
            f"  and the older spellings: {', '.join(sorted(COLUMN_ALIASES))}",
            file=file, record="row 1")
    sc = any(c in columns for c in SC_ONLY)
    ga = any(c in columns for c in GA_ONLY)
    if body == "sc" and ga or body == "ga" and sc:
        said = "General Assembly" if ga else "Security Council"
        raise CuratorError(f"--body {body} was given, but the header is a {said} file's "
                           f"({', '.join(c for c in columns if c in (GA_ONLY if ga else SC_ONLY))})"
                           f"; drop --body or give the right file", file=file, record="row 1")
    found = "sc" if sc else "ga" if ga else body or "ga"
    return Layout(columns, found, _version(raw, found))


def _version(raw: list[str], body: str) -> str:
    if "ms_votes" in raw:
        return "GA 2024-09-12"
    if body == "sc" and "permanent_member" in raw:
        return "SC 2025-07-21 or later"  # the 2026 file differs in its values, not its names
    if "ms_vote" in raw and "total_yes" in raw:
        # a modality column: the February 2026 file as issue 15 reports it
        return "GA 2026-02" if "modality" in raw else "GA 2025-07-23"
    return f"{body.upper()}, other column names"


class VotesFile:
    """What the two readers below share: how a place in their file is named, from the
    fragment each defines (a CSV's rows, a MARCXML file's records and 967 fields)."""

    file: str
    unit = "row"  # what a resolution's first place is, in words for a report

    def fragment(self, first: int, last: int | None = None) -> tuple[str, str]:
        raise NotImplementedError

    def ballot_fragment(self, row: int) -> tuple[str, str]:
        return self.fragment(row)

    def where(self, first: int, last: int | None = None) -> str:
        """The places of a fact, as 'FILE#fragment'."""
        return f"{self.file}#{self.fragment(first, last)[0]}"

    def ballot_where(self, row: int) -> str:
        return f"{self.file}#{self.ballot_fragment(row)[0]}"

    def place(self, first: int) -> str:
        return f"{self.unit} {first}"


class CsvVotes(VotesFile):
    """The ballots of one UNDL voting CSV (any published layout), checked row by row."""

    def __init__(self, path: Path, *, file: str, body: str | None = None, strict: bool = False,
                 strict_hint: str = "", on_problem: ProblemHandler | None = None):
        self.path, self.file, self.strict, self.strict_hint = path, file, strict, strict_hint
        self.on_problem = on_problem
        self.rows = 0
        self.named: set[str] = set()  # codes whose name was checked (one warning per code)
        check_regular(path, file)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), None)
        except UnicodeDecodeError:
            locate_bad_byte(path, file)
        except csv.Error as err:
            raise CuratorError(f"the header cannot be read as CSV ({err})", file=file,
                               record="row 1") from None
        if not header:
            raise CuratorError("the file is empty; expected a UN Digital Library voting CSV",
                               file=file)
        self.layout = read_layout(header, body, file)
        self.progress: Callable[[int], None] | None = None  # called with bytes read

    def problem(self, row: int, message: str) -> None:
        """A bad row: refused in strict mode, otherwise handed on to be skipped and reported."""
        if self.strict or self.on_problem is None:
            raise CuratorError(message + self.strict_hint, file=self.file, record=f"row {row}")
        self.on_problem(row, message)

    def check_name(self, row: int, code: str, name: str) -> None:
        """A name that is not the code's is worth a look, not a refusal (names change)."""
        if not name_matches(code, name):
            known = sorted(STATE_NAMES[code])[0]
            sys.stderr.write(f"warning: {self.file}: row {row}: the name {name!r} is not one "
                             f"of {code} ({known}); check the code\n")

    def fragment(self, first: int, last: int | None = None) -> tuple[str, str]:
        """Rows as a fragment selector's value (RFC 7111: 'row=N-M'; row 1 is the header) and
        the specification it conforms to."""
        return f"row={first if last is None or last == first else f'{first}-{last}'}", RFC7111

    def __iter__(self) -> Iterator[Ballot]:
        """Strict decoding: a byte that is not UTF-8 stops the file with its row and column."""
        try:
            yield from self._ballots()
        except UnicodeDecodeError:
            locate_bad_byte(self.path, self.file)
        except csv.Error as err:  # a field over csv's limit, a quote left open: not one row's
            raise CuratorError(f"cannot be read as CSV ({err}); check the quotes on this row",
                               file=self.file, record=f"row {self.rows + 2}") from None

    def _ballots(self) -> Iterator[Ballot]:
        at = self.layout.index
        width = len(self.layout.columns)
        i_vote, i_code, i_name = at("ms_vote"), at("ms_code"), at("ms_name")
        i_res, i_id, i_perm = at("resolution"), at("undl_id"), at("permanent_member")
        motions: dict[tuple[str, str], Motion] = {}
        codes: set[str] = set()
        problem, progress = self.problem, self.progress
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            row = 1
            any_data = False
            for fields in reader:
                row += 1
                self.rows = row - 1  # rows read so far: a csv.Error is in the next one
                if not row & 8191 and progress is not None:  # every 8192 rows: bytes read
                    progress(handle.buffer.tell())
                any_data = any_data or bool(fields)
                if len(fields) != width:
                    if fields:  # a blank line is no row of data
                        problem(row, f"{len(fields)} fields where the header has {width}; "
                                     "check commas and quotes")
                    continue
                raw = (fields[i_res], fields[i_id])
                motion = motions.get(raw)
                code = fields[i_vote].strip().upper()
                if code not in OPTIONS and not (motion is not None and motion.without_vote):
                    problem(row, f"unknown vote code {fields[i_vote]!r}; use Y, N, A, X or NV "
                                 "(blank: non-voting)")
                    continue
                iso3 = fields[i_code].strip().upper()
                if iso3 not in codes:
                    if not CODE.match(iso3) or iso3 not in STATE_NAMES:
                        problem(row, f"state code {fields[i_code]!r} is not an ISO 3166 "
                                     "alpha-3 code, current (USA, AGO) or former (SUN, YUG, "
                                     "CSK, DDR); check the code of "
                                     f"{fields[i_name]!r}")
                        continue
                    codes.add(iso3)
                if iso3 not in self.named:
                    self.named.add(iso3)
                    self.check_name(row, iso3, fields[i_name])
                if motion is None:
                    try:
                        motion = self._motion(row, fields)
                    except ValueError as err:
                        problem(row, str(err))
                        continue
                    motions[raw] = motion
                permanent = "" if i_perm is None else fields[i_perm].strip().upper()
                if permanent not in PERMANENT:
                    problem(row, f"permanent_member {fields[i_perm]!r} is not True or False")
                    continue
                yield row, motion, iso3, code, fields[i_name], permanent
            self.rows = row - 1
        if not any_data:
            raise CuratorError("the header is there but no row of votes follows it; give the "
                               "file with its rows", file=self.file, record="row 2")

    def _motion(self, row: int, fields: list[str]) -> Motion:
        """The resolution of a row, checked: ValueError says what is wrong."""
        record = dict(zip(self.layout.columns, fields, strict=True))
        return motion_from(record, row)


def motion_from(record: dict[str, str], row: int) -> Motion:
    """One resolution's facts from a record of the reader's column names (CSV row or MARC)."""
    symbol = canonical_symbol(record.get("resolution", ""))
    undl_id = record.get("undl_id", "").strip()
    if not symbol and not undl_id:
        raise ValueError("neither a resolution symbol nor a undl_id; one is needed")
    if any(c in symbol for c in '<>"{}|\\^`'):
        raise ValueError(f"resolution symbol {symbol!r} cannot be part of an IRI")
    day = record.get("date", "").strip()
    when = None
    if day:
        try:
            when = date.fromisoformat(day[:10]).isoformat()
        except ValueError:
            raise ValueError(f"date {day!r} is not YYYY-MM-DD") from None
    totals = {option: whole(record, column) for option, column in TOTAL_COLUMNS.items()}
    modality = record.get("modality", "").strip().lower()
    if modality not in MODALITIES:
        raise ValueError(f"modality {record['modality']!r} is neither 'Vote' nor 'Without Vote'")
    link = record.get("undl_link", "").strip()
    if link and (not link.startswith("http") or LINK_UNSAFE.search(link)):
        link = ""  # a broken link is dropped, not fatal: the record id still names the record
    title = (record.get("title") or record.get("description") or "").split(" : ")[0].strip()
    return Motion(
        key=symbol or f"UNDL {undl_id}", undl_id=undl_id, first_row=row, date=when, title=title,
        drafts=tuple(canonical_symbol(d) for d in split(record.get("draft", ""))),
        subjects=split(record.get("subjects", "")),
        agenda=split(record.get("agenda_title", "") or record.get("agenda", "")),
        totals=totals, total_ms=whole(record, "total_ms"), link=link,
        without_vote=MODALITIES[modality])


def split(value: str) -> tuple[str, ...]:
    """A field holding several values joined by '|' (drafts, subjects), without blanks."""
    return tuple(part.strip() for part in value.split("|") if part.strip())


def whole(record: dict[str, str], column: str, name: str = "") -> int | None:
    """A count as the files write it: '93', '93.0' (February 2026 files), '093' (MARC 996) or
    blank; `name` is the field as the file calls it (the column's by default)."""
    value = record.get(column, "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number < 0 or not number.is_integer():
        raise ValueError(f"{name or column} {value!r} is not a whole number")
    return int(number)


def check_utf8(path: Path, file: str, blocks: Iterator[bytes]) -> None:
    """Strict decoding: the first byte that is not UTF-8 is named by row, column and offset.

    Fed with the file's blocks as they are hashed (the bulk import checks the whole file before
    it loads any of it), so it costs no extra read."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes before the current block
    start = 0  # where the bytes the decoder is looking at begin (its pending ones first)
    try:
        for block in blocks:
            start = offset - len(decoder.getstate()[0])
            decoder.decode(block)
            if b"\x00" in block:  # valid UTF-8, but no CSV field holds one
                _bad_byte(path, file, offset + block.index(b"\x00"))
            offset += len(block)
        start = offset - len(decoder.getstate()[0])
        decoder.decode(b"", final=True)  # a sequence cut off by the end of the file
    except UnicodeDecodeError as err:
        _bad_byte(path, file, start + err.start)


def locate_bad_byte(path: Path, file: str) -> NoReturn:
    """Raise the CuratorError naming the file's first byte that is not UTF-8."""
    with path.open("rb") as handle:
        check_utf8(path, file, iter(lambda: handle.read(1 << 22), b""))
    raise CuratorError("the file could not be read as UTF-8", file=file)


def _bad_byte(path: Path, file: str, at: int) -> NoReturn:
    data = path.read_bytes()[:at + 1]
    line_start = data.rfind(b"\n", 0, at) + 1
    header = data[:data.find(b"\n")] if b"\n" in data else b""
    row = data.count(b"\n", 0, at) + 1  # a physical line; quoted line breaks are rare here
    names = header.decode("utf-8", "replace").lstrip("\ufeff").strip().split(",")
    column = data[line_start:at].count(b",")
    name = names[column] if column < len(names) else f"field {column + 1}"
    what = "a NUL byte, which no CSV field holds" if data[at] == 0 else (
        f"byte 0x{data[at]:02x} is not UTF-8")
    raise CuratorError(f"{what} (column {name}, byte {at}); save the file as UTF-8, as the UN "
                       "Digital Library publishes it", file=file, record=f"row {row}")


# MARCXML (MARC 21 slim): one resolution's voting record exported from the UN Digital Library.
MARC = "{http://www.loc.gov/MARC21/slim}"


# Datafield 996, the vote note of a voting record: the official tally, one count a subfield
# ($a is the summary note, not read). The Dag Hammarskjold Library's UNBIS Reference Manual,
# voting records, tag 996 (https://www.un.org/Depts/dhl/unbisref_manual/voting/v996.htm):
# "$b - yeas votes, $c - nays votes, $d - abstentions, $e - non-voting, $f - total members",
# written with leading zeros ("996 $b 14 $c 000 $d 000 $e 001 $f 15").
MARC_TALLY = {"b": "total_yes", "c": "total_no", "d": "total_abstentions",
              "e": "total_non_voting", "f": "total_ms"}


class MarcVotes(VotesFile):
    """The ballots of MARCXML voting records: 791 $a the symbol, 269 $a the date, 245 the title,
    650 $a the subjects, 967 one vote each ($c the state code, $d the vote, $e the name; no $d:
    non-voting), 996 $b-$f the official tally (MARC_TALLY), 001 the record's control number.
    Each 967 field is one 'row', numbered through the file (the file's first 967 is row 1; a
    report names it by record and field within it); a resolution's evidence is its whole
    record, named by an XPointer fragment (RFC 3023), and its `first_row` is the record's
    number."""

    unit = "record"

    def __init__(self, path: Path, *, file: str, body: str | None = None, strict: bool = True,
                 strict_hint: str = "", on_problem: ProblemHandler | None = None):
        self.path, self.file, self.strict, self.strict_hint = path, file, strict, strict_hint
        self.on_problem = on_problem
        self.rows = 0
        self.progress: Callable[[int], None] | None = None
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as err:
            raise CuratorError(f"not well-formed XML ({err}); export the record again as "
                               "MARCXML", file=file) from None
        self.records = [r for r in root.iter() if _local(r.tag) == "record"]
        if not self.records:
            raise CuratorError("no MARC <record> in this XML file; expected a UN Digital "
                               "Library voting record exported as MARCXML", file=file)
        symbols = [_subfield(r, "791", "a") for r in self.records]
        if not all(symbols):
            raise CuratorError("a record has no datafield 791 $a (the resolution symbol)",
                               file=file, record=f"record {symbols.index('') + 1}")
        bodies = {"sc" if s.upper().startswith("S/") else "ga" for s in symbols}
        if body and bodies != {body}:
            raise CuratorError(f"--body {body} was given, but the record's symbol is "
                               f"{symbols[0]}; drop --body", file=file)
        self.layout = Layout(("ms_code", "ms_vote", "ms_name"), bodies.pop() if len(bodies) == 1
                             else "ga", "MARCXML")
        self._record = 1  # the record being read, for problems
        self._places: list[tuple[int, int]] = []  # row - 1 -> (record, 967 field within it)

    def problem(self, row: int, message: str) -> None:
        """As CsvVotes.problem; the 'row' is the 967 field's number in the file, named by its
        record and its place there (0: the record being read itself, such as its 996 tally)."""
        where = (f"record {self._record}" if not row else
                 "record {}, 967 field {}".format(*self._places[row - 1]))
        if self.strict or self.on_problem is None:
            raise CuratorError(message + self.strict_hint, file=self.file, record=where)
        self.on_problem(row, f"({where}) {message}")

    def fragment(self, first: int, last: int | None = None) -> tuple[str, str]:
        """A resolution's record (`first`: its number in the file), as an XPointer fragment."""
        return f"xpointer(//*[local-name()='record'][{first}])", RFC3023

    def ballot_fragment(self, row: int) -> tuple[str, str]:
        """One 967 field of its record, as an XPointer fragment."""
        record, field = self._places[row - 1]
        return (f"xpointer(//*[local-name()='record'][{record}]/*[@tag='967'][{field}])",
                RFC3023)

    def __iter__(self) -> Iterator[Ballot]:
        for number, record in enumerate(self.records, start=1):
            self._record = number
            fields = {tag: _subfield(record, tag, code) for tag, code in
                      (("791", "a"), ("269", "a"), ("001", ""), ("245", "a"), ("993", "a"))}
            marc_date = fields["269"].replace("-", "")
            day = (f"{marc_date[:4]}-{marc_date[4:6]}-{marc_date[6:8]}"
                   if len(marc_date) >= 8 and marc_date[:8].isdigit() else fields["269"])
            subjects = "|".join(_all_subfields(record, "650", "a"))
            tally = {column: _subfield(record, "996", code) for code, column in MARC_TALLY.items()}
            try:
                for code, column in MARC_TALLY.items():
                    whole(tally, column, f"996 ${code}")
                motion = motion_from({"resolution": fields["791"], "undl_id": fields["001"],
                                      "date": day, "title": fields["245"], "subjects": subjects,
                                      "draft": fields["993"], **tally}, number)
            except ValueError as err:
                self.problem(0, str(err))
                continue
            for field, vote in enumerate(_datafields(record, "967"), start=1):
                self.rows += 1
                self._places.append((number, field))
                row = len(self._places)
                sub = {_local_code(s): (s.text or "").strip() for s in vote}
                code, iso3 = sub.get("d", "").upper(), sub.get("c", "").upper()
                if code not in OPTIONS:
                    self.problem(row, f"unknown vote code {sub.get('d')!r} in 967 $d; use Y, N, "
                                      "A, X or none for non-voting")
                    continue
                if not CODE.match(iso3) or iso3 not in STATE_NAMES:
                    self.problem(row, f"state code {sub.get('c')!r} in 967 $c is not an ISO "
                                      "3166 alpha-3 code, current (USA) or former (SUN, YUG)")
                    continue
                yield row, motion, iso3, code, sub.get("e", ""), ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _local_code(element: ET.Element) -> str:
    return element.get("code", "")


def _datafields(record: ET.Element, tag: str) -> list[ET.Element]:
    return [f for f in record if _local(f.tag) in ("datafield", "controlfield")
            and f.get("tag") == tag]


def _all_subfields(record: ET.Element, tag: str, code: str) -> list[str]:
    return [(s.text or "").strip() for f in _datafields(record, tag) for s in f
            if s.get("code") == code and (s.text or "").strip()]


def _subfield(record: ET.Element, tag: str, code: str) -> str:
    """The first value of TAG $CODE (a control field's text when code is '')."""
    for element in _datafields(record, tag):
        if not code:
            return (element.text or "").strip()
        for sub in element:
            if sub.get("code") == code and (sub.text or "").strip():
                return (sub.text or "").strip()
    return ""


def open_votes(path: Path, *, file: str, body: str | None = None, strict: bool = False,
               strict_hint: str = "", on_problem: ProblemHandler | None = None
               ) -> "CsvVotes | MarcVotes":
    """The reader for a voting file: MARCXML by its .xml suffix, otherwise CSV."""
    kind = MarcVotes if path.suffix.lower() == ".xml" else CsvVotes
    return kind(path, file=file, body=body, strict=strict, strict_hint=strict_hint,
                on_problem=on_problem)
