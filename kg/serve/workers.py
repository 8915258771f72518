"""Worker processes that run the queries, and the queue in front of them.

pyoxigraph cannot cancel a running query, so each query runs in a worker process that holds
the store open. A query that outlives its time gets its worker killed and replaced; a query
that outgrows the worker's memory cap (RLIMIT_AS) aborts its worker, which is replaced too.
Either way the client gets a clear 503 and the server goes on.

Admission is a first-come, first-served queue per pool: a query's time limit starts when a
worker takes it, never while it waits; the wait has its own limit and its own answer (503
with Retry-After), and a full queue answers that at once.
"""

import asyncio
import ctypes
import os
import resource
import signal
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from multiprocessing import get_context, resource_tracker
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.errors import CuratorError
from kg.memory import fewer_malloc_arenas
from kg.query import results
from kg.serve.pages import entity_page, evidence_page
from kg.serve.protocol import GRAPH_FORMATS, SOLUTION_FORMATS, ProtocolError, negotiate


@dataclass(frozen=True)
class Job:
    kind: str  # "query", "update", "entity" (text: the entity's IRI; accept: "text/html"
    # or a graph media type, already negotiated), "evidence" (text: the fact's IRI; accept: the
    # source's id or "") or "chart" (text: a vote event's IRI)
    text: str
    accept: str
    max_rows: int | None  # None: every row (the resolver's own lookups)
    max_bytes: int | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    project: str = "."  # the folder whose sources/ hold the articles' texts


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    truncated: str | None = None  # "rows" or "bytes": the limit that cut the answer short


# ---------------------------------------------------------------- inside a worker process

def _worker_main(conn: Connection, store_path: str, writable: bool, memory_mib: int,
                 niceness: int, parent: int) -> None:
    """Answer jobs one at a time; reopen the store when `kg build` has swapped the link."""
    _die_with(parent)
    # Ctrl-C is the server's to handle (it stops the workers): ignore it, then let it through
    # the mask it was blocked by since before this process existed (Worker.__init__).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if memory_mib:
        # under the address-space cap, glibc's arena reservations (64 MiB each as threads
        # start), not the data, could use it up, and a failed Rust allocation aborts the worker
        # (exit -6, seen on a two-page store): two arenas serve one job at a time
        fewer_malloc_arenas()
        cap = memory_mib * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    if niceness:
        os.nice(niceness)
    store, opened = None, ""
    while True:
        try:
            while not conn.poll(1.0):
                if os.getppid() != parent:  # the server is gone (even by kill -9): so are we
                    return
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        target = os.path.realpath(store_path)
        try:
            if target != opened:
                store = ox.Store(target) if writable else ox.Store.read_only(target)
                opened = target
            run = {"update": _update, "entity": _entity, "evidence": _evidence,
                   "chart": _chart}.get(job.kind, _query)
            reply = run(store, job)
        except ProtocolError as error:
            reply = Reply(error.status, "text/plain; charset=utf-8", error.message.encode())
        except CuratorError as error:  # e.g. an article's text is not in the project
            reply = Reply(500, "text/plain; charset=utf-8", str(error).encode())
        except SyntaxError as error:
            reply = Reply(400, "text/plain; charset=utf-8",
                          f"the {job.kind} is not valid SPARQL: {error}".encode())
        except (OSError, RuntimeError, ValueError, MemoryError) as error:
            reply = Reply(500, "text/plain; charset=utf-8",
                          f"the {job.kind} failed: {error}".encode())
        conn.send(reply)


def _die_with(parent: int) -> None:
    """Be killed by the kernel when the server dies, even by kill -9 in the middle of a
    runaway query (Linux's PR_SET_PDEATHSIG; elsewhere the parent check between jobs only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the server died before the request took effect
        os._exit(0)


def _query(store: ox.Store, job: Job) -> Reply:
    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    result = store.query(job.text, **options)
    if isinstance(result, ox.QueryBoolean):
        media_type, fmt = negotiate(job.accept, SOLUTION_FORMATS)
        return Reply(200, content_type(media_type), results.boolean(bool(result), fmt))
    if isinstance(result, ox.QuerySolutions):
        media_type, fmt = negotiate(job.accept, SOLUTION_FORMATS)
        variables = [variable.value for variable in result.variables]
        rows = ({name: solution[name] for name in variables} for solution in result)
        written = results.solutions(variables, rows, fmt, max_rows=job.max_rows,
                                    max_bytes=job.max_bytes)
        return Reply(200, content_type(media_type), written.body, written.truncated)
    media_type, fmt = negotiate(job.accept, GRAPH_FORMATS)
    triples, truncated = [], None
    for triple in result:
        if len(triples) == job.max_rows:
            truncated = "rows"
            break
        triples.append(triple)
    body, cut = serialize_graph(triples, fmt, dict(job.prefixes), job.max_bytes)
    return Reply(200, content_type(media_type), body, "bytes" if cut else truncated)


def serialize_graph(triples: list, fmt: ox.RdfFormat, prefixes: dict[str, str],
                    max_bytes: int | None) -> tuple[bytes, bool]:
    """The triples in `fmt`, keeping as many of the first ones as fit in max_bytes."""
    body = ox.serialize(triples, format=fmt, prefixes=prefixes or None)
    cut = False
    while max_bytes is not None and len(body) > max_bytes and triples:
        cut = True
        triples = triples[: int(len(triples) * max_bytes / len(body) * 0.9)]
        body = ox.serialize(triples, format=fmt, prefixes=prefixes or None)
    return body, cut


def _entity(store: ox.Store, job: Job) -> Reply:
    """What the graph says about one IRI and what points at it, as a page or as RDF: written
    here, so the server's event loop only passes bytes on."""
    node = ox.NamedNode(job.text)  # pyoxigraph checks the IRI and writes it escaped
    text = (f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ {{ {node} ?p ?o }} "
            f"UNION {{ ?s ?q {node} }} }}")
    triples = list(store.query(text))
    if not triples:
        return Reply(404, "text/plain; charset=utf-8",
                     f"the graph says nothing about {node}".encode())
    prefixes = dict(job.prefixes)
    if job.accept == "text/html":
        page = entity_page(store, Path(job.project), node.value, triples)
        return Reply(200, "text/html; charset=utf-8", page.encode())
    media_type, fmt = negotiate(job.accept, GRAPH_FORMATS)
    body, cut = serialize_graph(triples[: job.max_rows], fmt, prefixes, job.max_bytes)
    return Reply(200, content_type(media_type), body, "bytes" if cut else None)


def _evidence(store: ox.Store, job: Job) -> Reply:
    """The evidence view of a fact (kg/serve/evidence.py)."""
    page = evidence_page(store, Path(job.project), ox.NamedNode(job.text).value, job.accept)
    return Reply(200, "text/html; charset=utf-8", page.encode())


def _chart(store: ox.Store, job: Job) -> Reply:
    """The roll call of a vote event by region, as SVG: `kg analyze`'s own chart."""
    from kg.analysis.figures import VoteRecord, draw_roll_call, vote_records  # slow to import
    from kg.analysis.votes import vote_events, vote_matrix

    events = vote_events(store, ox.NamedNode(job.text).value)
    if not events:
        raise ProtocolError(HTTPStatus.NOT_FOUND, f"no ballots are recorded for {job.text}")
    record = vote_records(store, events).get(events[0].iri, VoteRecord("", ""))
    with tempfile.TemporaryDirectory() as folder:
        written = draw_roll_call(vote_matrix(store, events), events[0], Path(folder), record)
        svg = next(path for path in written if path.suffix == ".svg").read_bytes()
    return Reply(200, "image/svg+xml", svg)


def _update(store: ox.Store, job: Job) -> Reply:
    store.update(job.text)
    store.flush()
    return Reply(204, "text/plain; charset=utf-8", b"")


def content_type(media_type: str) -> str:
    text = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if text else media_type


# ---------------------------------------------------------------- one worker

class Worker:
    """One process holding the store open, fed one job at a time over a pipe."""

    def __init__(self, store: Path, writable: bool, memory_mib: int, niceness: int):
        context = get_context("spawn")  # no fork of a threaded server
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_worker_main,
            args=(child, str(store), writable, memory_mib, niceness, os.getpid()),
            daemon=True)
        # Started with SIGINT blocked (the mask is inherited through exec), so a Ctrl-C that
        # reaches the process group while the worker is still starting up is never a
        # KeyboardInterrupt traceback in it; multiprocessing's resource tracker does the same.
        # (The tracker unblocks SIGINT when it starts itself: start it first.)
        resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()

    def run(self, job: Job, timeout: float) -> Reply | None:
        """The reply; None when the job outlived the timeout (the worker is then killed).

        A worker that died under the job (its memory cap) raises a 503 that says so.
        """
        try:
            self.conn.send(job)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            raise ProtocolError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the {job.kind} needed more memory than a worker may use and was stopped "
                f"(kg serve --worker-memory); narrow it down or add a LIMIT "
                f"(worker exit code {self.process.exitcode})") from None
        return None

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        """SIGKILL now (from any thread); the pipe closes when the worker is collected."""
        self.process.kill()

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


# ---------------------------------------------------------------- the pool and its queue

class Busy(ProtocolError):
    """Every worker stayed busy: 503 with Retry-After."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(HTTPStatus.SERVICE_UNAVAILABLE, message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class PoolSettings:
    size: int
    timeout: float  # seconds a job may run, from when a worker takes it
    queue_wait: float  # seconds a job may wait for a worker
    queue_length: int  # jobs that may wait at once; more are refused at once
    memory_mib: int  # address-space cap of each worker (0: none)
    niceness: int = 0  # added to each worker's CPU niceness


class Pool:
    """Workers of one kind behind one first-come, first-served queue."""

    def __init__(self, name: str, store: Path, settings: PoolSettings, writable: bool = False):
        self.name, self.store, self.settings, self.writable = name, store, settings, writable
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.waiting = 0
        self.workers: set[Worker] = set()
        self.closed = False
        # One thread per worker waits on its pipe, so the event loop never blocks.
        self.threads = ThreadPoolExecutor(settings.size, thread_name_prefix=f"{name}-pipe")
        for _ in range(settings.size):
            self._add(self._start())

    def _start(self) -> Worker:
        s = self.settings
        return Worker(self.store, self.writable, s.memory_mib, s.niceness)

    def _add(self, worker: Worker) -> None:
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    async def run(self, job: Job) -> Reply:
        worker = await self._admit(job)
        loop = asyncio.get_running_loop()
        reply: Reply | None = None
        try:
            reply = await loop.run_in_executor(self.threads, worker.run, job,
                                               self.settings.timeout)
        finally:
            if reply is None or not worker.alive():  # timed out, died, or cancelled
                # Killed here and now, not in a thread that may never run (at shutdown);
                # the replacement starts at once too (a fork and exec: milliseconds).
                self.workers.discard(worker)
                worker.kill()
                if not self.closed:
                    self._add(self._start())
            else:
                self.idle.put_nowait(worker)
        if reply is None:
            raise ProtocolError(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"the {job.kind} ran longer than {self.settings.timeout:g} s and was stopped "
                "(kg serve --timeout); narrow it down or add a LIMIT")
        return reply

    async def _admit(self, job: Job) -> Worker:
        s = self.settings
        if self.waiting >= s.queue_length:
            raise Busy(f"{self.waiting} {job.kind}s are waiting already; try again shortly",
                       retry_after=max(1, round(s.queue_wait)))
        self.waiting += 1
        try:
            async with asyncio.timeout(s.queue_wait):
                return await self.idle.get()
        except TimeoutError:
            raise Busy(f"every worker stayed busy for {s.queue_wait:g} s (kg serve "
                       "--queue-wait); try again shortly",
                       retry_after=max(1, round(s.timeout))) from None
        finally:
            self.waiting -= 1

    def close(self) -> None:
        self.closed = True
        for worker in list(self.workers):
            worker.stop()
        self.threads.shutdown(wait=False, cancel_futures=True)

