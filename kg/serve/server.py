"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and a query page over the embedded store.

Built on the standard library's threading HTTP server: the endpoint has a handful of
routes, pyoxigraph does all parsing and serialising, and so a web framework would add a
dependency without removing code.

pyoxigraph cannot cancel a running query, so every query runs in a worker process that
holds the store open; a query that outlives --timeout gets its worker killed and replaced,
and the client a clear 503. A runaway query therefore costs one worker, never the server.
"""

import hmac
import html
import json
import mimetypes
import multiprocessing
import os
import queue
import signal
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import click
import pyoxigraph as ox

from kg.errors import CuratorError
from kg.project import DEFAULT_STORE

STATIC = Path(__file__).resolve().parent / "static"
ID_BASE = "https://w3id.org/unkg/id/"
MAX_BODY = 10 * 2**20  # bytes of query or update text
WORKER_START_TIMEOUT = 60.0

SOLUTION_FORMATS = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML,
                    ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV]
GRAPH_FORMATS = [ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES,
                 ox.RdfFormat.RDF_XML]


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a one-line message."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------- inside a worker process

@dataclass(frozen=True)
class Job:
    kind: str  # "query" or "update"
    text: str
    accept: str
    limit: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


def _worker_main(conn: "multiprocessing.connection.Connection", store_path: str,
                 writable: bool) -> None:
    """Answer jobs one at a time; reopen the store when `kg build` has swapped the link."""
    store, opened = None, ""
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        target = os.path.realpath(store_path)
        try:
            if target != opened:
                store = ox.Store(target) if writable else ox.Store.read_only(target)
                opened = target
            reply = _update(store, job) if job.kind == "update" else _query(store, job)
        except ProtocolError as error:
            reply = Reply(error.status, "text/plain; charset=utf-8", error.message.encode())
        except SyntaxError as error:
            reply = Reply(400, "text/plain; charset=utf-8",
                          f"the {job.kind} is not valid SPARQL: {error}".encode())
        except (OSError, RuntimeError, ValueError) as error:
            reply = Reply(500, "text/plain; charset=utf-8",
                          f"the {job.kind} failed: {error}".encode())
        conn.send(reply)


def _query(store: ox.Store, job: Job) -> Reply:
    options = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.named_graphs]
    result = store.query(job.text, **options)
    if isinstance(result, ox.QueryBoolean):
        fmt = negotiate(job.accept, SOLUTION_FORMATS)
        return Reply(200, _content_type(fmt), result.serialize(format=fmt))
    if isinstance(result, ox.QuerySolutions):
        fmt = negotiate(job.accept, SOLUTION_FORMATS)
        variables = [variable.value for variable in result.variables]
        rows, truncated = _first(result, job.limit)
        # pyoxigraph serialises only its own result objects: rebuild one from the kept rows.
        kept = ox.parse_query_results(_results_json(variables, rows), ox.QueryResultsFormat.JSON)
        return Reply(200, _content_type(fmt), kept.serialize(format=fmt), truncated)
    fmt = negotiate(job.accept, GRAPH_FORMATS)
    triples, truncated = _first(result, job.limit)
    body = ox.serialize(triples, format=fmt, prefixes=dict(job.prefixes) or None)
    return Reply(200, _content_type(fmt), body, truncated)


def _update(store: ox.Store, job: Job) -> Reply:
    store.update(job.text)
    store.flush()
    return Reply(204, "text/plain; charset=utf-8", b"")


def _first(items: object, limit: int) -> tuple[list, bool]:
    kept = []
    for item in items:
        if len(kept) == limit:
            return kept, True
        kept.append(item)
    return kept, False


def _results_json(variables: list[str], rows: list[ox.QuerySolution]) -> bytes:
    bindings = [{name: _json_term(row[name]) for name in variables if row[name] is not None}
                for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode()


def _json_term(term: object) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    entry = {"type": "literal", "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    else:
        entry["datatype"] = term.datatype.value
    return entry


# ---------------------------------------------------------------- content negotiation

def negotiate(accept: str, offered: list) -> object:
    """The offered format the Accept header likes best; ties go to the order of `offered`."""
    if not accept.strip():
        return offered[0]
    best, best_q = None, 0.0
    for fmt in offered:
        q = _preference(_bare(fmt.media_type), accept)
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        wanted = ", ".join(_bare(fmt.media_type) for fmt in offered)
        raise ProtocolError(HTTPStatus.NOT_ACCEPTABLE,
                            f"cannot answer in {accept!r}; this result can be: {wanted}")
    return best


def _preference(media_type: str, accept: str) -> float:
    return max((_quality(media_type, media_range) for media_range in accept.split(",")),
               default=0.0)


def _quality(media_type: str, media_range: str) -> float:
    kind, *params = [part.strip() for part in media_range.split(";")]
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
    main, _, sub = media_type.partition("/")
    want_main, _, want_sub = kind.lower().partition("/")
    if kind == "*/*" or (want_main == main and want_sub in ("*", sub)):
        # A wildcard match counts a little less than naming the type, so a client's
        # explicit choice wins over the server's default.
        return q if kind.lower() == media_type else q * 0.99
    return 0.0


def _content_type(fmt: object) -> str:
    media_type = _bare(fmt.media_type)
    text = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if text else media_type


def _bare(media_type: str) -> str:
    return media_type.split(";")[0].strip()


# ---------------------------------------------------------------- the worker pool

class Worker:
    """One process holding the store open, fed one job at a time over a pipe."""

    def __init__(self, context: multiprocessing.context.BaseContext, store: Path,
                 writable: bool):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(store), writable),
                                       daemon=True)
        self.process.start()
        child.close()

    def run(self, job: Job, timeout: float) -> Reply | None:
        """The reply, or None when the job outlived the timeout (the worker is then dead)."""
        try:
            self.conn.send(job)
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError):  # the worker died (e.g. out of memory): say so, replace it
            raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR,
                                "the query's worker process died; try again") from None
        self.stop()
        return None

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    def __init__(self, store: Path, size: int, writable: bool):
        self.context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.store, self.writable = store, writable
        self.idle: queue.Queue[Worker] = queue.Queue()
        for _ in range(size):
            self.idle.put(Worker(self.context, store, writable))

    def run(self, job: Job, timeout: float) -> Reply:
        started = time.monotonic()
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"every worker stayed busy for {timeout:g} s; try again") from None
        reply = None
        try:
            reply = worker.run(job, max(timeout - (time.monotonic() - started), 0.1))
        finally:
            if reply is None:  # timed out (worker killed) or the pipe broke
                worker.stop()
                worker = Worker(self.context, self.store, self.writable)
            self.idle.put(worker)
        return reply

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


# ---------------------------------------------------------------- HTTP

@dataclass
class Settings:
    pool: WorkerPool
    timeout: float
    limit: int
    write_token: str | None
    prefixes: tuple[tuple[str, str], ...]


class Handler(BaseHTTPRequestHandler):
    server_version = "unkg"
    settings: Settings  # set on the subclass that `serve` makes

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self._respond_to(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._respond_to(self._post)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        # The request line only: never a header, where a token travels.
        click.echo(f"{self.address_string()} {format % args}", err=True)

    def _respond_to(self, route: object) -> None:
        try:
            route()
        except ProtocolError as error:
            self._send(error.status, "text/plain; charset=utf-8", error.message.encode())
        except CuratorError as error:
            self._send(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8", str(error).encode())
        except BrokenPipeError:
            pass

    # ---- routes

    def _get(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/sparql", "/query"):
            if "update" in params:
                raise ProtocolError(HTTPStatus.BAD_REQUEST, "updates must be POSTed")
            return self._sparql("query", _one(params, "query"), params)
        if url.path == "/health":
            return self._send(HTTPStatus.OK, "text/plain; charset=utf-8", b"ok\n")
        if url.path == "/api/queries":
            return self._catalogue()
        if url.path.startswith("/api/queries/"):
            return self._saved(url.path.removeprefix("/api/queries/"), params)
        if url.path.startswith("/id/"):
            return self._describe(ID_BASE + url.path.removeprefix("/id/"))
        if url.path in ("/", "/index.html"):
            return self._static("index.html")
        if url.path.startswith("/static/"):
            return self._static(url.path.removeprefix("/static/"))
        raise ProtocolError(HTTPStatus.NOT_FOUND, f"nothing at {url.path}; the endpoint is /sparql")

    def _post(self) -> None:
        url = urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/update"):
            raise ProtocolError(HTTPStatus.NOT_FOUND, f"cannot POST to {url.path}; use /sparql")
        params = parse_qs(url.query, keep_blank_values=True)
        body = self._body()
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            params = {**params, **form}
            if "update" in form:
                return self._sparql("update", _one(form, "update"), params)
            return self._sparql("query", _one(form, "query"), params)
        if content_type == "application/sparql-query":
            return self._sparql("query", body.decode("utf-8"), params)
        if content_type == "application/sparql-update":
            return self._sparql("update", body.decode("utf-8"), params)
        raise ProtocolError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            "POST a form (query= or update=), application/sparql-query or "
                            "application/sparql-update")

    # ---- SPARQL

    def _sparql(self, kind: str, text: str, params: dict[str, list[str]]) -> None:
        if kind == "update":
            self._check_write_token()
        job = Job(kind, text, self.headers.get("Accept", ""), self.settings.limit,
                  tuple(params.get("default-graph-uri", [])),
                  tuple(params.get("named-graph-uri", [])), self.settings.prefixes)
        reply = self.settings.pool.run(job, self.settings.timeout)
        if reply is None:
            raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"the {kind} ran longer than {self.settings.timeout:g} s and was "
                                "stopped (kg serve --timeout); narrow it down or add a LIMIT")
        headers = {"X-Result-Truncated": f"true; limit={self.settings.limit}"} \
            if reply.truncated else {}
        self._send(reply.status, reply.content_type, reply.body, headers)

    def _check_write_token(self) -> None:
        token = self.settings.write_token
        if token is None:
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                "this endpoint is read-only: updates are refused "
                                "(kg serve --write-token TOKEN allows them with that token)")
        given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ProtocolError(HTTPStatus.FORBIDDEN,
                                "updates need the write token: send 'Authorization: Bearer TOKEN'")

    def _describe(self, iri: str) -> None:
        """A dereferenceable IRI: what the graph says about it, as HTML or RDF by Accept."""
        text = (f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ {{ <{iri}> ?p ?o }} "
                f"UNION {{ ?s ?q <{iri}> }} }}")
        accept = self.headers.get("Accept", "")
        browser = _preference("text/html", accept) > max(
            _preference(_bare(fmt.media_type), accept) for fmt in GRAPH_FORMATS)
        job = Job("query", text, "application/n-triples", self.settings.limit)
        reply = self.settings.pool.run(job, self.settings.timeout)
        if reply is None or reply.status != 200:
            raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE, f"cannot describe <{iri}> now")
        triples = list(ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES))
        if not triples:
            raise ProtocolError(HTTPStatus.NOT_FOUND, f"the graph says nothing about <{iri}>")
        prefixes = dict(self.settings.prefixes)
        if browser:
            page = _describe_page(iri, triples, prefixes)
            return self._send(HTTPStatus.OK, "text/html; charset=utf-8", page.encode())
        fmt = negotiate(accept, GRAPH_FORMATS)
        self._send(HTTPStatus.OK, _content_type(fmt),
                   ox.serialize(triples, format=fmt, prefixes=prefixes))

    # ---- saved queries, for the page

    def _catalogue(self) -> None:
        from kg.query.catalogue import catalogue

        listed = [{"name": q.name, "title": q.title, "question": q.question, "text": q.text,
                   "params": [{"name": p.name, "type": p.type, "default": p.default,
                               "description": p.description} for p in q.params]}
                  for q in catalogue().values()]
        self._send(HTTPStatus.OK, "application/json", json.dumps(listed).encode())

    def _saved(self, name: str, params: dict[str, list[str]]) -> None:
        from kg.query.catalogue import run, saved_query

        query = saved_query(name)
        given = {key: values[-1] for key, values in params.items() if values and values[-1]}
        answer = run(query, given, PoolBackend(self.settings))
        if isinstance(answer, bool):
            body = json.dumps({"head": {}, "boolean": answer}).encode()
        else:
            body = answer.solutions_json
        self._send(HTTPStatus.OK, "application/sparql-results+json", body)

    # ---- plumbing

    def _static(self, name: str) -> None:
        path = (STATIC / name).resolve()
        if STATIC not in path.parents or not path.is_file():
            raise ProtocolError(HTTPStatus.NOT_FOUND, f"no file {name}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, kind, path.read_bytes(), {"Cache-Control": "max-age=3600"})

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                f"request body over {MAX_BODY} bytes")
        return self.rfile.read(length)

    def _send(self, status: int, content_type: str, body: bytes,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class PoolBackend:
    """kg.query.catalogue' Backend over the worker pool, so saved queries get the timeout too."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def select(self, query: str, bindings: dict) -> ox.QuerySolutions | bool:
        from kg.query.catalogue import inline_terms

        text = inline_terms(query, bindings)
        job = Job("query", text, "application/sparql-results+json", self.settings.limit)
        reply = self.settings.pool.run(job, self.settings.timeout)
        if reply is None:
            raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"the query ran longer than {self.settings.timeout:g} s and was "
                                "stopped")
        if reply.status != 200:
            raise ProtocolError(HTTPStatus(reply.status), reply.body.decode())
        results = ox.parse_query_results(reply.body, ox.QueryResultsFormat.JSON)
        return bool(results) if isinstance(results, ox.QueryBoolean) else results


def _one(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name, [])
    if len(values) != 1:
        raise ProtocolError(HTTPStatus.BAD_REQUEST,
                            f"give exactly one '{name}' parameter (got {len(values)})")
    return values[0]


def _describe_page(iri: str, triples: list[ox.Triple], prefixes: dict[str, str]) -> str:
    def show(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            name = _compact(term.value, prefixes)
            href = "/id/" + quote(term.value.removeprefix(ID_BASE), safe="/:-._~") \
                if term.value.startswith(ID_BASE) else term.value
            return f'<a href="{html.escape(href)}">{html.escape(name)}</a>'
        if isinstance(term, ox.Literal):
            lang = f' <span class="lang">@{term.language}</span>' if term.language else ""
            return f"{html.escape(term.value)}{lang}"
        return html.escape(str(term))

    subject = ox.NamedNode(iri)
    outgoing = sorted((t for t in triples if t.subject == subject), key=str)
    incoming = sorted((t for t in triples if t.subject != subject), key=str)
    rows = "".join(f"<tr><td>{show(t.predicate)}</td><td>{show(t.object)}</td></tr>"
                   for t in outgoing)
    back = "".join(f"<tr><td>{show(t.subject)}</td><td>{show(t.predicate)}</td></tr>"
                   for t in incoming)
    title = html.escape(_compact(iri, prefixes))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            '<link rel="stylesheet" href="/static/page.css"></head><body>'
            f'<header><a href="/">unkg query page</a></header><h1>{title}</h1>'
            f'<p class="iri">{html.escape(iri)}</p><table class="results"><thead><tr>'
            f'<th>property</th><th>value</th></tr></thead><tbody>{rows}</tbody></table>'
            + (f'<h2>Pointing here</h2><table class="results"><thead><tr><th>from</th>'
               f'<th>property</th></tr></thead><tbody>{back}</tbody></table>' if back else "")
            + "</body></html>")


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


# ---------------------------------------------------------------- the command

def make_server(store: Path, host: str, port: int, *, timeout: float, limit: int,
                write_token: str | None, workers: int) -> ThreadingHTTPServer:
    from kg.model.namespaces import PREFIXES

    if not store.exists():
        raise CuratorError(f"no store at {store}: run `kg build` first")
    # A writable store can be open in one process only: one worker then does everything.
    pool = WorkerPool(store, 1 if write_token else workers, writable=write_token is not None)
    settings = Settings(pool, timeout, limit, write_token,
                        tuple(sorted((name, str(ns)) for name, ns in PREFIXES.items())))
    handler = type("UnkgHandler", (Handler,), {"settings": settings})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


@click.command("serve")
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="The embedded store `kg build` filled.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is reachable from this machine only).")
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds a query may run before it is stopped.")
@click.option("--limit", type=int, default=10000, show_default=True,
              help="Most result rows (or triples) sent back; more are cut off.")
@click.option("--write-token", envvar="UNKG_WRITE_TOKEN",
              help="Accept SPARQL updates carrying 'Authorization: Bearer TOKEN' "
                   "[env UNKG_WRITE_TOKEN]; without it every update is refused.")
@click.option("--workers", type=int, default=2, show_default=True,
              help="Queries run at the same time, each in its own process.")
def serve_command(store: Path, host: str, port: int, timeout: float, limit: int,
                  write_token: str | None, workers: int) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/)."""
    server = make_server(store, host, port, timeout=timeout, limit=limit,
                         write_token=write_token, workers=workers)
    click.echo(f"SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/ "
               f"(store {store}, timeout {timeout:g} s, limit {limit})", err=True)
    # `kill PID` (SIGTERM) stops the server as Ctrl-C does: workers are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.RequestHandlerClass.settings.pool.close()
