"""The whole UN voting history: stream a UNDL voting file to N-Triples, then bulk-load Oxigraph.

The shipped build holds a few hundred rows in an rdflib Graph. The full datasets (about a
million General Assembly rows) do not fit that path, so here the same reader and emitter
(kg.ingest.undl, kg.emit.record) write each row as lines of N-Triples straight to a stream,
and Oxigraph's bulk loader reads it. What stays in memory is per vote event (tallies, which
states voted, as a bitmask) and per state, never per row. The stream carries what the ontology
entails, as the build's exports do (kg.emit.entailment), so a client that knows only the
standards reads the imported history too.

Evidence at this scale: one Web Annotation per resolution, and the event names the rows of
all its ballots (see kg.emit.record). Honest endings: a skipped row makes the command exit 1
(unless --allow-skipped-rows), every skipped row is written to a report file, and a file
that gives no ballot at all is an error.
"""

import hashlib
import re
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO, TextIO

import pyoxigraph as ox

from kg.emit.entailment import Entailment
from kg.emit.record import Emitted, emit_bodies, emit_votes
from kg.emit.sink import NTriplesWriter
from kg.errors import CuratorError
from kg.ingest.sources import Source, emit_source
from kg.ingest.undl import check_utf8, open_votes
from kg.ingest.yamlio import read_yaml
from kg.memory import release_freed_memory
from kg.model.ontology import load_ontology
from kg.model.vocabulary import COUNT_CLASSES
from kg.progress import Steps
from kg.project import DEFAULT_OUT, DEFAULT_PROJECT

# Characters of N-Triples per bulk_load call (about 100,000 triples): one call of the whole
# history peaked at 1.6 GB; in chunks the memory stays flat, and the load is no slower.
LOAD_CHUNK_CHARS = 12_000_000
# Chunks loaded at once. Each bulk_load call of one chunk works on one thread; two side by side
# keep both cores busy while the CSV is read (full history: 41 s -> 37 s, 50 MB more memory).
# Oxigraph's own loader ingests its batches' files from several threads, so this is its design.
LOAD_THREADS = 2
SHOWN_PROBLEMS = 20  # skipped rows printed on screen; the report file has them all
DEFAULT_REPORT = DEFAULT_OUT / "import-undl-skipped.txt"
STRICT_HINT = " (without --strict such rows are skipped and reported)"


@dataclass
class ImportReport:
    file: str
    body: str
    layout: str = ""
    rows: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)  # the first SHOWN_PROBLEMS
    emitted: Emitted = field(default_factory=Emitted)
    triples: int = 0
    skipped_log: TextIO | None = None  # every skipped row, one line each

    @property
    def imported(self) -> int:
        return self.emitted.ballots

    @property
    def events(self) -> int:
        return len(self.emitted.events)

    @property
    def states(self) -> int:
        return self.emitted.states

    @property
    def mismatch_count(self) -> int:
        return self.emitted.mismatch_count

    @property
    def mismatches(self) -> list[str]:
        return self.emitted.mismatches

    def problem(self, row: int, message: str) -> None:
        self.skipped += 1
        line = f"{self.file}: row {row}: {message}"
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(line)
        if self.skipped_log is not None:
            self.skipped_log.write(line + "\n")

    def summary(self) -> str:
        without = (f"; {self.emitted.without_vote} adopted without a vote "
                   f"({self.emitted.without_vote_rows} rows, no ballots)"
                   if self.emitted.without_vote else "")
        lines = [f"{self.file} ({self.body}, layout {self.layout}): {self.rows} rows, "
                 f"{self.imported} ballots imported, {self.skipped} rows skipped; "
                 f"{self.events} vote events{without}, {self.states} states, "
                 f"{self.triples} triples",
                 f"tallies: {self.events - self.mismatch_count} of {self.events} vote events "
                 f"match their official totals; {self.mismatch_count} do not"]
        lines += [f"  {line}" for line in self.mismatches]
        if self.mismatch_count > len(self.mismatches):
            lines.append(f"  ... and {self.mismatch_count - len(self.mismatches)} more")
        if self.skipped:
            lines.append(f"skipped rows ({self.skipped}); fix them in the file and import again:")
            lines += [f"  {line}" for line in self.problems]
            if self.skipped > len(self.problems):
                lines.append(f"  ... and {self.skipped - len(self.problems)} more")
        return "\n".join(lines)


def file_source(path: Path, body: str) -> Source:
    """A voting file as a Source. A file with its metadata beside it (FILE.yaml, as the shipped
    official record has) is that declared source, so `kg build` and an import of the same file
    describe it alike; any other file gets an id from its name and its hash's first 8 digits.
    Its bytes are hashed and checked to be UTF-8 in one read."""
    digest = hashlib.sha256()
    shown = path.resolve()
    project = DEFAULT_PROJECT.resolve()
    # The project's own files are named from its root (the current folder), as in `kg build`;
    # a user's file, wherever it lies, by its absolute path.
    display = (shown.relative_to(project) if shown.is_relative_to(project / "sources")
               else shown).as_posix()

    def blocks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
                yield block
    check_utf8(path, display, blocks())
    meta_path = path.with_suffix(".yaml")
    if meta_path.is_file():
        meta = read_yaml(meta_path, meta_path.as_posix())
        if isinstance(meta, dict) and meta.get("sha256") == digest.hexdigest():
            return Source(str(meta["id"]), path, display, meta)
    record = "4055387" if body == "sc" else "4060887"
    organ = "Security Council" if body == "sc" else "General Assembly"
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    meta = {"id": f"undl-{slug}-{digest.hexdigest()[:8]}", "layout": body,
            "sha256": digest.hexdigest(),
            "title": f"UN Digital Library {organ} voting data ({path.name})",
            "publisher": "United Nations Dag Hammarskjöld Library (UN Digital Library)",
            "date": None, "url": f"https://digitallibrary.un.org/record/{record}"}
    return Source(meta["id"], path, display, meta)


@cache
def standard_entailment() -> Entailment:
    """What the ontology entails (standard types and properties), as `kg build` adds it."""
    return Entailment.of(load_ontology())


def write_ntriples(path: Path, out: TextIO, *, body: str | None = None, strict: bool = False,
                   progress: bool | Steps = False, skipped_log: TextIO | None = None
                   ) -> ImportReport:
    """Write the triples of one voting file (CSV of any published layout, or MARCXML) to `out`;
    malformed rows are skipped and reported (strict: the first one stops with a CuratorError).
    `progress`: a bar of the bytes read, drawn in the caller's Steps or its own."""
    votes = open_votes(path, file=path.as_posix(), body=body, strict=strict,
                       strict_hint=STRICT_HINT)
    layout = votes.layout
    source = file_source(path, layout.body)
    votes.file = source.display  # rows are named as kg build names them: from the project root
    report = ImportReport(path.as_posix(), layout.body, layout.version, skipped_log=skipped_log)
    votes.on_problem = report.problem
    sink = NTriplesWriter(out, standard_entailment())  # readable by a standards-only client
    emit_bodies(sink)
    emit_source(sink, source)  # type: ignore[arg-type]  # emit_source only calls .add
    size = path.stat().st_size
    with (nullcontext(progress) if isinstance(progress, Steps) else Steps(progress)) as steps, \
            steps.step(f"reading {path.name}", total=size) as done:
        votes.progress = done
        report.emitted = emit_votes(sink, source, votes)
    report.rows, report.triples = votes.rows, sink.count
    return report


class StoreLoader:
    """A text sink that hands N-Triples to Oxigraph's bulk loader in chunks, on threads of its
    own: the CSV is read while earlier chunks load (bulk_load releases the GIL).

    Chunks end at the end of a write() call, which the writers above always end with a line.
    At most LOAD_THREADS chunks are in the loader's hands, so memory stays flat. `lenient`:
    every term was already checked when it was written (pyoxigraph NamedNode/Literal), so the
    loader need not check it again.
    Use it in a `with` block: on an error, what was not yet handed over is dropped.
    `copy_to`: every chunk is also written there, in order: the N-Triples the store was loaded
    with, from which the full history is exported in seconds (kg.store.export) where reading
    millions of triples back out of RocksDB takes about 20 s.
    """

    def __init__(self, store: ox.Store, copy_to: BinaryIO | None = None):
        self.store = store
        self.copy_to = copy_to
        self._parts: list[str] = []
        self._size = 0
        self._pool = ThreadPoolExecutor(LOAD_THREADS, thread_name_prefix="bulk-load")
        self._pending: deque[Future[None]] = deque()

    def __enter__(self) -> "StoreLoader":
        return self

    def __exit__(self, *error: object) -> None:
        try:
            if error[0] is None:
                self.flush()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= LOAD_CHUNK_CHARS:
            self._send()
        return len(text)

    def flush(self) -> None:
        """Load what is left and wait until every chunk is in the store."""
        self._send()
        while self._pending:
            self._pending.popleft().result()  # re-raises the loader's error, if any

    def _send(self) -> None:
        if not self._parts:
            return
        while len(self._pending) >= LOAD_THREADS:
            self._pending.popleft().result()
        chunk = "".join(self._parts).encode("utf-8")
        self._parts, self._size = [], 0
        if self.copy_to is not None:
            self.copy_to.write(chunk)
        self._pending.append(self._pool.submit(self.store.bulk_load, chunk,
                                               format=ox.RdfFormat.N_TRIPLES, lenient=True))


def import_files(paths: Sequence[Path], store_dir: Path, *, body: str | None = None,
                 strict: bool = False, progress: bool = False, work_dir: Path | None = None,
                 skipped_log: TextIO | None = None,
                 ntriples_copy: Path | None = None) -> list[ImportReport]:
    """Import voting files one after another into the store, then compact it.

    By default rows stream into the store as they are read: a malformed row is skipped and
    reported, so once the header is accepted nothing stops the import half-way. With --strict a
    row can refuse the file, so each file is first written in full to a temporary N-Triples
    file, and a refused file leaves the store as it was. A file that gives no ballot is refused
    (what was not yet handed to the loader is dropped). `ntriples_copy`: also append there the
    N-Triples the store is loaded with (StoreLoader's copy).
    """
    for path in paths:  # a file that is not a voting file is refused before any file loads
        open_votes(path, file=path.as_posix(), body=body)
    store_dir.mkdir(parents=True, exist_ok=True)  # a new store may be asked for anywhere
    store = ox.Store(str(store_dir))
    reports = []
    copy = ntriples_copy.open("ab") if ntriples_copy is not None else None
    try:
        with Steps(progress) as steps, StoreLoader(store, copy) as loader:
            for path in paths:
                if strict:
                    report = _write_checked_first(path, loader, body, steps, work_dir)
                else:
                    report = write_ntriples(path, loader, body=body,  # type: ignore[arg-type]
                                            progress=steps, skipped_log=skipped_log)
                if report.imported == 0:
                    raise CuratorError(
                        f"no ballot imported ({report.rows} rows, {report.skipped} skipped, "
                        f"{report.emitted.without_vote} resolutions adopted without a vote); "
                        "an import of no recorded vote is refused: is this the right file?"
                        + (f"\n{report.summary()}" if report.skipped else ""),
                        file=path.as_posix())
                reports.append(report)
                with steps.step(f"loading {path.name} into the store"):
                    loader.flush()  # this file is in the store before the next one is read
            # Bulk loading leaves files per chunk; compacted, the store answers the
            # whole-history reads about four times faster (vote matrix: 7.5 s -> 1.8 s, Turtle
            # export 91 s -> 45 s), for 6-9 s here. Even three chunks export a third faster so.
            with steps.step("compacting the store"):
                store.optimize()
                store.flush()
    finally:
        del store  # close RocksDB before readers open it
        if copy is not None:
            copy.close()
        release_freed_memory()  # the loader threads' chunks, before the validation's tables
    return reports


def _write_checked_first(path: Path, loader: StoreLoader, body: str | None, progress: Steps,
                         work_dir: Path | None) -> ImportReport:
    """--strict: the whole file as N-Triples in a temporary file, then to the loader."""
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="unkg-import-") as tmp:
        nt = Path(tmp) / "import.nt"
        with nt.open("w", encoding="utf-8", buffering=1 << 20) as out:
            report = write_ntriples(path, out, body=body, strict=True, progress=progress)
        if report.imported:
            with nt.open(encoding="utf-8") as lines:
                for line in lines:
                    loader.write(line)
    return report


# Popolo names the option a count counts by its class (rdf:type): the class -> option pairs.
COUNT_OPTIONS = " ".join(f"(<{cls}> <{option}>)" for cls, option in COUNT_CLASSES.values())
TALLY_CHECK = """
PREFIX opengov: <http://www.w3.org/ns/opengov#>
PREFIX schema: <http://schema.org/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?event ?option ?official ?counted WHERE {
  VALUES_CLAUSE
  VALUES (?class ?option) { COUNT_OPTIONS }
  ?event opengov:count ?count .
  ?count a ?class ; rdf:value ?official .
  { SELECT ?event ?option (COUNT(?vote) AS ?counted) WHERE {
      VALUES_CLAUSE
      ?vote opengov:voteEvent ?event ; schema:option ?option .
    } GROUP BY ?event ?option }
  FILTER (?official != ?counted)
}"""


def store_tally_mismatches(store: ox.Store, events: Sequence[str] | None = None) -> list[str]:
    """Vote events whose ballots in the store disagree with their official totals (SPARQL):
    the events given (an import's own), or every event in the store.

    An option with an official total but no ballot at all is not listed (0 is rarely reported
    apart from "no"); the streaming check of the emitter covers that case.
    """
    values = ("VALUES ?event { " + " ".join(f"<{e}>" for e in events) + " }"
              if events is not None else "")
    return [f"{row['event'].value}: {row['option'].value.rsplit('#', 1)[-1]} "
            f"{row['counted'].value} counted, {row['official'].value} official"
            for row in store.query(TALLY_CHECK.replace("VALUES_CLAUSE", values)
                                   .replace("COUNT_OPTIONS", COUNT_OPTIONS))]
