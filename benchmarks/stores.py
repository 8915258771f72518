"""Benchmark: the same voting history in four stores, loaded and queried side by side.

    python benchmarks/stores.py [--data /tmp/unkg-history] [--scale 1.18] [--runs 5]
                                [--work /tmp/unkg-stores]

One run, in order: the synthetic history (benchmarks/make_history.py; scale 1.18 has as many
General Assembly rows as the real file, 947,434) is imported into the embedded Oxigraph store
as `kg import-undl` does, and that store's triples are written to one N-Triples file, which is
bulk-loaded into
  - the Oxigraph server (`oxigraph load`, then `oxigraph serve-read-only`; PyPI's `oxigraph`),
  - Virtuoso 7 (Debian's virtuoso-opensource; its bulk loader, ld_dir + rdf_loader_run, over
    isql, into one named graph: a query without a graph reads the union of all graphs),
  - Jena TDB2 (Debian's libapache-jena-java: tdb2.tdbloader, then tdb2.tdbquery).
Then every saved query of queries/history/ runs on each store with the parameters of
benchmarks/run.py: one first run whose answer is compared with the embedded store's (after
normalising number formats), then --runs timed runs. Servers are queried over the SPARQL
protocol (results JSON, read by kg's own client); tdb2.tdbquery starts a JVM per command, so
Jena has two figures: a cold one (a command per run, JVM start-up included) and a warm one (one
command running the query --runs times after two warm-up runs, `--repeat`, as Jena times it).

Wall time is measured by this script; CPU time is the process that does the work (the
embedded store's child process or this one, `oxigraph load`, the JVM, or the server process
read from /proc); peak memory is that process's peak resident set. The machine may be shared:
the load average is printed at start and end. Prints a Markdown report on stdout, progress on
stderr. Nothing is left running; --work is deleted unless --keep.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import QUERY_PARAMS, machine, measure  # noqa: E402
from kg.query.catalogue import (  # noqa: E402
    EmbeddedBackend,
    RemoteBackend,
    Resolver,
    bind_params,
    inline_terms,
    saved_query,
)
from tests.server_processes import (  # noqa: E402
    Endpoint,
    jena_available,
    jena_command,
    oxigraph_location,
    oxigraph_server,
    virtuoso_server,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte")}
BOOLEAN = {"true": True, "1": True, "false": False, "0": False}
GRAPH = "https://w3id.org/unkg/id/graph/history"  # Virtuoso's bulk loader needs a graph
VIRTUOSO_BUFFERS = 170_000  # 8 KB pages (1.3 GB): Virtuoso's guide for a machine with 2 GB free
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
JENA_WARMUP = 2


# ------------------------------------------------------------------ measuring processes

@dataclass
class Figures:
    """One measured piece of work: wall and CPU seconds, peak resident memory (MB)."""

    wall: float
    cpu: float | None = None
    peak_mb: float | None = None
    note: str = ""

    def text(self) -> str:
        parts = [f"{self.wall:.2f} s"]
        if self.cpu is not None:
            parts.append(f"({self.cpu:.2f} s CPU)")
        if self.peak_mb is not None:
            parts.append(f"{self.peak_mb:,.0f} MB peak")
        return " ".join(parts) + (f"; {self.note}" if self.note else "")


def run_measured(command: list[str], *, stdout: Path | None = None) -> tuple[Figures, str]:
    """Run a command to its end, with its CPU time and peak resident set from wait4; its stderr."""
    with (stdout.open("wb") if stdout else open(os.devnull, "wb")) as out, \
            tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:1] + command[-3:])} failed "
                           f"({process.returncode}): {text[-1500:]}")
    return Figures(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024), text


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def process_peak_mb(pid: int) -> float:
    """A running process's peak resident set (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# ------------------------------------------------------------------ answers

Row = tuple[object, ...]


def written(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> object:
    """A term as the store wrote it (a plain string and an xsd:string are the same term)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return ("literal", term.value, term.language or ("" if datatype == XSD + "string"
                                                         else datatype))
    return (type(term).__name__, term.value)


def by_value(value: object) -> object:
    """A written term compared by value: 0.5 and 0.50, "0" and "false" as booleans."""
    if not (isinstance(value, tuple) and value[0] == "literal"):
        return value
    _, text, datatype = value
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(text).normalize())
        except InvalidOperation:
            return value
    if datatype == XSD + "boolean" and text in BOOLEAN:
        return ("boolean", BOOLEAN[text])
    return value


def rows_of(solutions: ox.QuerySolutions) -> tuple[list[str], list[Row]]:
    names = [v.value for v in solutions.variables]
    return names, [tuple(written(s[n]) for n in names) for s in solutions]


def compare(names: list[str], reference: list[Row], rows: list[Row]) -> str:
    """How an answer differs from the embedded store's, in words: first as written, then by
    value (numbers and booleans), then row by row."""
    if rows == reference:
        return "same"
    if len(rows) == len(reference):
        columns = {i for a, b in zip(reference, rows, strict=True) for i in range(len(a))
                   if a[i] != b[i]}
        if all(by_value(a[i]) == by_value(b[i]) for a, b in zip(reference, rows, strict=True)
               for i in columns):
            return f"same values, same order; written otherwise: {_example(names, reference, rows)}"
    values = [tuple(map(by_value, row)) for row in rows]
    expected = [tuple(map(by_value, row)) for row in reference]
    missing = Counter(expected) - Counter(values)
    extra = Counter(values) - Counter(expected)
    if not missing and not extra:
        return "same values, other order"
    if len(rows) == len(reference):  # the same rows but for some columns? say which
        ours = sorted(reference, key=lambda r: repr(tuple(map(by_value, r))))
        theirs = sorted(rows, key=lambda r: repr(tuple(map(by_value, r))))
        return f"DIFFERS in {sum(missing.values())} of {len(rows)} rows: " + _example(
            names, ours, theirs)
    example = next(iter(missing or extra))
    return (f"DIFFERS: {sum(missing.values())} rows missing, {sum(extra.values())} extra "
            f"(e.g. {'missing' if missing else 'extra'} {example})")


def _example(names: list[str], ours: list[Row], theirs: list[Row]) -> str:
    """The columns in which aligned rows differ, and the first such pair of values."""
    columns = sorted({i for a, b in zip(ours, theirs, strict=True) for i in range(len(a))
                      if a[i] != b[i]})
    first = next((a, b) for a, b in zip(ours, theirs, strict=True) if a != b)
    return "; ".join(f"?{names[i]} {_shown(first[1][i])} for {_shown(first[0][i])}"
                     for i in columns)


def _shown(value: object) -> str:
    if isinstance(value, tuple) and value[0] == "literal":
        return f'"{value[1]}"' + (f"^^{value[2].replace(XSD, 'xsd:')}" if value[2] else "")
    return str(value[1]) if isinstance(value, tuple) else str(value)


# ------------------------------------------------------------------ the stores

@dataclass
class QueryResult:
    first: Figures
    runs: list[Figures]
    rows: int
    verdict: str = ""
    warm: list[Figures] = field(default_factory=list)  # Jena: runs in one JVM

    def median(self, runs: list[Figures] | None = None) -> Figures:
        runs = self.runs if runs is None else runs
        cpus = [r.cpu for r in runs if r.cpu is not None]
        return Figures(statistics.median(r.wall for r in runs),
                       statistics.median(cpus) if len(cpus) == len(runs) else None)


@dataclass
class StoreResult:
    name: str
    load: Figures
    size_mb: float
    queries: dict[str, QueryResult] = field(default_factory=dict)
    serve_peak_mb: float | None = None
    notes: list[str] = field(default_factory=list)


def timed_http(endpoint: str, pid: int, text: str) -> tuple[Figures, list[str], list[Row]]:
    """One query over the SPARQL protocol, through kg's own client (kg query --endpoint)."""
    cpu = process_cpu(pid)
    start = time.perf_counter()
    solutions = RemoteBackend(endpoint, timeout=600).select(text, {})
    names, rows = rows_of(solutions)
    wall = time.perf_counter() - start
    return Figures(wall, process_cpu(pid) - cpu), names, rows


Answer = tuple[list[str], list[Row]]


def query_runs(run_once: Callable[[], tuple[Figures, list[str], list[Row]]], runs: int
               ) -> tuple[QueryResult, Answer]:
    first, names, rows = run_once()
    timed = [run_once()[0] for _ in range(runs)]
    return QueryResult(first, timed, len(rows)), (names, rows)


def embedded(store: Path, queries: dict[str, str], runs: int
             ) -> dict[str, tuple[QueryResult, Answer]]:
    """The saved queries on the embedded store, in this process (as `kg query` runs them)."""
    backend = EmbeddedBackend(store)

    def once(text: str) -> tuple[Figures, list[str], list[Row]]:
        start, cpu = time.perf_counter(), time.process_time()
        names, rows = rows_of(backend.store.query(text))
        return Figures(time.perf_counter() - start, time.process_time() - cpu), names, rows

    return {name: query_runs(lambda t=text: once(t), runs) for name, text in queries.items()}


@contextmanager
def oxigraph_loaded(binary: str, nt: Path, work: Path) -> Iterator[tuple[Figures, int]]:
    """`oxigraph load` of the file, then the read-only server on that store."""
    work.mkdir()
    load, _ = run_measured([binary, "load", "--location", str(oxigraph_location(work)),
                            "--file", str(nt)])
    with oxigraph_server(binary, work, read_only=True) as endpoint:
        yield load, endpoint


def virtuoso_load(sql_port: int, pid: int, nt: Path) -> Figures:
    """Virtuoso's bulk loader over isql, with a checkpoint, as its documentation says."""
    script = (f"ld_dir('{nt.parent}', '{nt.name}', '{GRAPH}');\nrdf_loader_run();\n"
              "checkpoint;\nSELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list;\n")
    cpu = process_cpu(pid)
    start = time.perf_counter()
    done = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba"], input=script,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"Virtuoso's bulk load failed: {(done.stdout + done.stderr)[-1500:]}")
    errors = [line for line in done.stdout.splitlines() if nt.name in line and "NULL" not in line]
    if errors:
        raise RuntimeError(f"Virtuoso's loader reports: {errors}")
    return Figures(wall, process_cpu(pid) - cpu, process_peak_mb(pid))


def count_triples(endpoint: str, pid: int, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    _, _, rows = timed_http(endpoint, pid, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(rows[0][0][1])


JENA_TIME = re.compile(r"^Time: ([0-9.]+) sec", re.MULTILINE)


def jena_queries(command: list[str], location: Path, work: Path, queries: dict[str, str],
                 runs: int) -> dict[str, tuple[QueryResult, Answer]]:
    """tdb2.tdbquery: each cold run a JVM of its own; the warm runs in one JVM (--repeat)."""
    found = {}
    for name, text in queries.items():
        query_file = work / f"{name}.rq"
        query_file.write_text(text, encoding="utf-8")
        base = [*command, "--loc", str(location), "--results=json", "--query", str(query_file)]
        answer = work / f"{name}.json"

        def once(answer: Path = answer, base: list[str] = base
                 ) -> tuple[Figures, list[str], list[Row]]:
            figures, _ = run_measured(base, stdout=answer)
            names, rows = rows_of(ox.parse_query_results(answer.read_bytes(),
                                                         ox.QueryResultsFormat.JSON))
            return figures, names, rows

        result, rows = query_runs(once, runs)
        repeated, err = run_measured([*base, "--time", f"--repeat={JENA_WARMUP},{runs}"],
                                     stdout=work / f"{name}-repeat.json")
        times = [float(t) for t in JENA_TIME.findall(err)]
        if len(times) != runs:
            raise RuntimeError(f"tdbquery --repeat printed {len(times)} times, not {runs}: {err}")
        result.warm = [Figures(t) for t in times]
        result.warm[0].note = f"the JVM's whole command: {repeated.text()}"
        found[name] = (result, rows)
    return found


# ------------------------------------------------------------------ the run

def resolved_queries(store: Path) -> dict[str, str]:
    """Each saved history query with its parameters written in, as `kg query` sends it."""
    backend = EmbeddedBackend(store)
    texts = {}
    for name, params in QUERY_PARAMS.items():
        query = saved_query(name)
        bindings = bind_params(query, params, Resolver(backend))
        texts[name] = inline_terms(query.text, bindings)
    return texts


def write_ntriples(store: Path, nt: Path) -> Figures:
    """The embedded store's triples, for the servers' bulk loaders (all in its default graph)."""
    opened = ox.Store.read_only(str(store))
    named = list(opened.named_graphs())
    if named:
        raise RuntimeError(f"the store has named graphs ({named[:3]}); expected none")
    start, cpu = time.perf_counter(), time.process_time()
    opened.dump(str(nt), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return Figures(time.perf_counter() - start, time.process_time() - cpu)


def say(text: str) -> None:
    click.echo(f"[{time.strftime('%H:%M:%S')}] {text}", err=True)


@click.command()
@click.option("--data", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/tmp/unkg-history"), show_default=True)
@click.option("--scale", type=float, default=1.18, show_default=True,
              help="1.18: as many General Assembly rows as the real file (947,434).")
@click.option("--runs", type=int, default=5, show_default=True,
              help="Timed runs per query and store (after one first run).")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/tmp/unkg-stores"), show_default=True)
@click.option("--keep", is_flag=True, help="Keep --work (the four stores) afterwards.")
def main(data: Path, scale: float, runs: int, work: Path, keep: bool) -> None:
    oxigraph = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable)
                                                                              .parent))
    virtuoso = shutil.which("virtuoso-t")
    missing = [what for what, found in (("oxigraph (pip install oxigraph)", oxigraph),
                                        ("virtuoso-t and isql-vt (apt-get install "
                                         "virtuoso-opensource)",
                                         virtuoso and shutil.which("isql-vt")),
                                        ("Jena (apt-get install libapache-jena-java)",
                                         jena_available())) if not found]
    if missing:
        raise click.ClickException(f"not found: {'; '.join(missing)}")
    header = machine()
    started = time.perf_counter()
    say(f"machine: {header}")
    folder = data / f"scale-{scale:g}"
    if not (folder / "ga_voting.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_history.py"),
                        str(folder), "--scale", str(scale)], check=True)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results: list[StoreResult] = []
    try:
        store = work / "embedded"
        say("embedded Oxigraph: import")
        imported = measure("oxigraph", "import", folder, store, 1800)
        if not imported.get("finished"):
            raise RuntimeError(f"the import did not finish: {imported}")
        embedded_result = StoreResult(
            "embedded Oxigraph (kg import-undl)",
            Figures(imported["work_seconds"], imported["work_cpu"], imported["peak_rss_mb"]),
            folder_mb(store))
        rows_in_csv = imported["rows"]
        queries = resolved_queries(store)
        say("embedded Oxigraph: queries")
        reference = embedded(store, queries, runs)
        for name, (result, _) in reference.items():
            result.verdict = "reference"
            embedded_result.queries[name] = result
        results.append(embedded_result)
        nt = work / "nt" / "history.nt"
        nt.parent.mkdir()
        say("N-Triples for the servers")
        dumped = write_ntriples(store, nt)
        triples = sum(1 for _ in nt.open("rb"))
        embedded_result.notes.append(f"{triples:,} triples written to N-Triples for the servers "
                                     f"({nt.stat().st_size / 2**20:,.0f} MB) in {dumped.text()}")

        def judged(result: StoreResult, answers: dict[str, tuple[QueryResult, Answer]]
                   ) -> None:
            for name, (outcome, (names, rows)) in answers.items():
                outcome.verdict = compare(names, reference[name][1][1], rows)
                result.queries[name] = outcome

        def served(name: str, load: Figures, size_mb: float, endpoint: Endpoint, note: str
                   ) -> StoreResult:
            """A server's result: its load, then every query over the protocol, judged."""
            server = StoreResult(name, load, size_mb)
            server.notes.append(note)
            judged(server, {query: query_runs(
                lambda t=text: timed_http(endpoint.query, endpoint.pid, t), runs)
                for query, text in queries.items()})
            server.serve_peak_mb = process_peak_mb(endpoint.pid)
            return server

        say("Oxigraph server: load and queries")
        with oxigraph_loaded(oxigraph, nt, work / "oxigraph") as (load, endpoint):
            results.append(served("Oxigraph server (`oxigraph load`, `serve-read-only`)", load,
                                  folder_mb(oxigraph_location(work / "oxigraph")), endpoint,
                                  f"{count_triples(endpoint.query, endpoint.pid):,} triples"))

        say("Virtuoso: bulk load and queries")
        (work / "virtuoso").mkdir()
        with virtuoso_server(virtuoso, work / "virtuoso", buffers=VIRTUOSO_BUFFERS,
                             load_from=nt.parent) as running_virtuoso:
            endpoint = running_virtuoso.endpoint
            load = virtuoso_load(running_virtuoso.sql_port, endpoint.pid, nt)
            results.append(served(
                "Virtuoso 7 (ld_dir + rdf_loader_run)", load,
                folder_mb(work / "virtuoso" / "virtuoso"), endpoint,
                f"{count_triples(endpoint.query, endpoint.pid, GRAPH):,} triples in <{GRAPH}>; "
                f"NumberOfBuffers {VIRTUOSO_BUFFERS:,}"))

        say("Jena TDB2: load and queries")
        jena_work = work / "jena"
        jena_work.mkdir()
        location = jena_work / "tdb2"
        load, log = run_measured([*jena_command("tdb2.tdbloader", jena_work), "--loc",
                                  str(location), str(nt)], stdout=jena_work / "load.log")
        server = StoreResult("Jena TDB2 (tdb2.tdbloader, tdb2.tdbquery)", load,
                             folder_mb(location))
        judged(server, jena_queries(jena_command("tdb2.tdbquery", jena_work), location,
                                    jena_work, queries, runs))
        results.append(server)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    end_load = os.getloadavg()
    total = time.perf_counter() - started
    click.echo(report(header, scale, rows_in_csv, runs, results, queries, end_load, total))


def report(header: str, scale: float, rows: int, runs: int, results: list[StoreResult],
           queries: dict[str, str], end_load: tuple[float, float, float], total: float) -> str:
    lines = [f"Machine: {header}; load average at the end {end_load[0]:.1f} / {end_load[1]:.1f} "
             f"/ {end_load[2]:.1f} (1/5/15 min). Whole run {total / 60:.1f} min.", "",
             f"Data: benchmarks/make_history.py at scale {scale:g}, {rows:,} CSV rows "
             "(General Assembly and Security Council).", "",
             "## Load", "",
             "| store | load: wall (CPU), peak memory | on disk | notes |", "|---|---|---|---|"]
    for result in results:
        lines.append(f"| {result.name} | {result.load.text()} | {result.size_mb:,.0f} MB | "
                     f"{'; '.join(result.notes)} |")
    lines += ["", "## Queries", "",
              f"Median of {runs} timed runs after a first run; wall time as the client sees "
              "it, CPU time of the process that ran the query. Answer: compared with the embedded "
              "store's, numbers by value.", "",
              "| query | store | rows | median: wall (CPU) | first run | answer |",
              "|---|---|---|---|---|---|"]
    for name in queries:
        for result in results:
            outcome = result.queries.get(name)
            if outcome is None:
                continue
            median = outcome.median()
            label = result.name.split(" (")[0]
            cold = " cold, a JVM per run" if outcome.warm else ""
            lines.append(f"| {name} | {label}{cold} | {outcome.rows:,} | {median.text()} | "
                         f"{outcome.first.wall:.2f} s | {outcome.verdict} |")
            if outcome.warm:
                warm = Figures(statistics.median(w.wall for w in outcome.warm))
                lines.append(f"| {name} | {label} warm, {runs} runs in one JVM after "
                             f"{JENA_WARMUP} | {outcome.rows:,} | {warm.text()} (Jena's own "
                             f"timer) | | {outcome.warm[0].note} |")
    peaks = [f"{r.name.split(' (')[0]} {r.serve_peak_mb:,.0f} MB" for r in results
             if r.serve_peak_mb is not None]
    if peaks:
        lines += ["", f"Servers' peak resident memory at the end of the queries: "
                  f"{', '.join(peaks)}."]
    lines += ["", "The queries as sent (parameters written in):", ""]
    for name, text in queries.items():
        lines.append(f"- {name}: {json.dumps(QUERY_PARAMS[name])} ({len(text):,} characters)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
