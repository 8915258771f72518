"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint, entity pages and a query page.

The stack: uvicorn (its h11 parser refuses malformed requests, e.g. a negative or non-numeric
Content-Length, with a 400; one event loop holds thousands of idle connections without a
thread each; a real listen backlog; keep-alive timeouts) and starlette for routing, CORS and
static files. The queries themselves never run in the server process: they go through a
first-come, first-served queue to worker processes (kg/serve/workers.py) that can be killed
when a query runs too long and that have a memory cap, so no query can take the server down.

Two pools: free-form SPARQL from anyone, at a lower CPU priority, and the project's own
queries (saved questions, entity pages), so a runaway free-form query never delays a page.
"""

import asyncio
import errno
import hmac
import os
import resource
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from pathlib import Path

import anyio
import click
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.errors import CuratorError
from kg.model.namespaces import PREFIXES
from kg.project import DEFAULT_STORE, STATIC, context_file
from kg.query.catalogue import Resolver, SavedQuery, Term, bind_params, catalogue, inline_terms
from kg.serve.cache import AnswerCache, Cached
from kg.serve.federation import check_services
from kg.serve.pages import ID_BASE, RDF_FORMS
from kg.serve.protocol import (
    GRAPH_FORMATS,
    ProtocolError,
    decode,
    graph_iris,
    negotiate,
    one,
    parse_params,
    preference,
)
from kg.serve.workers import Busy, Job, Pool, PoolSettings, Reply
from kg.store.release import RELEASES

MAX_BODY = 10 * 2**20  # bytes of query or update text
BODY_TIMEOUT = 30.0  # seconds a client may take to send its body
# The page loads only its own scripts and styles and talks only to this server; a
# `javascript:` link, should one slip through, is blocked by the browser.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
     b"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
     b"frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


@dataclass
class Settings:
    store: Path
    max_rows: int
    max_bytes: int
    write_token: str | None
    allowed_services: frozenset[str]
    sparql: PoolSettings
    pages: PoolSettings
    prefixes: tuple[tuple[str, str], ...] = ()
    cache_bytes: int = 64 * 2**20
    project: Path = Path(".")  # where the articles' texts are (the evidence view reads them)

    @property
    def review(self) -> Path:
        """Where `kg review` writes its pages: beside the store (build/store -> build/review)."""
        return self.store.parent / "review"


@dataclass
class Service:
    """What the routes share: the settings, the pools, the catalogue and the resolvers."""

    settings: Settings
    sparql_pool: Pool | None = None
    page_pool: Pool | None = None
    queries: dict[str, SavedQuery] = field(default_factory=dict)
    resolvers: dict[str, Resolver] = field(default_factory=dict)
    loop: asyncio.AbstractEventLoop | None = None
    cache: AnswerCache | None = None
    pending: dict[tuple, asyncio.Future] = field(default_factory=dict)

    def start(self) -> None:
        s = self.settings
        self.loop = asyncio.get_running_loop()
        self.cache = AnswerCache(s.store, s.cache_bytes)
        self.queries = catalogue()
        if s.write_token:  # a writable store can be open in one process only
            self.sparql_pool = self.page_pool = Pool("store", s.store, s.sparql, writable=True)
        else:
            self.sparql_pool = Pool("sparql", s.store, s.sparql)
            self.page_pool = Pool("pages", s.store, s.pages)

    def stop(self) -> None:
        for pool in {self.sparql_pool, self.page_pool} - {None}:
            pool.close()

    def job(self, kind: str, text: str, accept: str, **graphs: tuple[str, ...]) -> Job:
        s = self.settings
        return Job(kind, text, accept, s.max_rows, s.max_bytes, prefixes=s.prefixes,
                   project=str(s.project), **graphs)

    # ---- the project's own queries, run from a thread (the catalogue's code is synchronous)

    def run_blocking(self, job: Job) -> Reply:
        assert self.loop is not None and self.page_pool is not None
        return asyncio.run_coroutine_threadsafe(self.page_pool.run(job), self.loop).result()

    def select(self, query: str, bindings: dict[str, Term]) -> ox.QuerySolutions | bool:
        """kg.query.catalogue's Backend, for the resolver: the page pool, its time limit, and
        no cut in the rows (a name missing from a cut list would be "not found")."""
        job = self.job("query", inline_terms(query, bindings), "application/sparql-results+json")
        reply = self.run_blocking(replace(job, max_rows=None, max_bytes=None))
        if reply.status != 200:
            raise ProtocolError(reply.status, reply.body.decode())
        results = ox.parse_query_results(reply.body, ox.QueryResultsFormat.JSON)
        return bool(results) if isinstance(results, ox.QueryBoolean) else results

    def resolver(self) -> Resolver:
        """One resolver per published build: the names it looked up stay valid until the
        next `kg build` swaps the store."""
        release = os.path.realpath(self.settings.store)
        if release not in self.resolvers:
            self.resolvers = {release: Resolver(self)}
        return self.resolvers[release]

    def saved_answer(self, name: str, given: dict[str, str], media_type: str) -> Reply:
        """The answer to a saved question in `media_type` (a SPARQL results format), or, for
        SPARQL_TEXT, the query itself with the values written in (for the editor)."""
        if name not in self.queries:
            raise ProtocolError(HTTPStatus.NOT_FOUND, f"no saved query named {name!r}")
        query = self.queries[name]
        text = inline_terms(query.text, bind_params(query, given, self.resolver()))
        if media_type == SPARQL_TEXT:
            return Reply(200, SPARQL_TEXT + "; charset=utf-8", text.encode())
        return self.run_blocking(self.job("query", text, media_type))


# ---------------------------------------------------------------- routes

def service_of(request: Request) -> Service:
    return request.app.state.service


async def sparql(request: Request) -> Response:
    service = service_of(request)
    params = parse_params(decode(request.scope["query_string"], "query string"), "query string")
    if request.method in ("GET", "HEAD"):
        if "update" in params:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "updates must be POSTed")
        kind, text = "query", one(params, "query")
    else:
        kind, text, params = await _posted(request, params)
    check_services(text, service.settings.allowed_services)
    if kind == "update":
        _check_write_token(request, service.settings.write_token)
    job = service.job(kind, text, request.headers.get("accept", ""),
                      default_graphs=graph_iris(params, "default-graph-uri"),
                      named_graphs=graph_iris(params, "named-graph-uri"))
    assert service.sparql_pool is not None
    return _reply(await service.sparql_pool.run(job), service.settings)


async def _posted(request: Request, params: dict[str, list[str]]
                  ) -> tuple[str, str, dict[str, list[str]]]:
    media_type, _, parameters = request.headers.get("content-type", "").partition(";")
    media_type = media_type.strip().lower()
    charset = [value.strip().strip('"').lower() for name, _, value in
               (part.partition("=") for part in parameters.split(";"))
               if name.strip().lower() == "charset"]
    if charset and charset[0] not in ("utf-8", "utf8"):
        raise ProtocolError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            f"the body must be UTF-8, not {charset[0]}")
    body = decode(await read_body(request), "request body")
    if media_type == "application/x-www-form-urlencoded":
        form = parse_params(body, "form")
        merged = {**params, **form}
        if "update" in form:
            return "update", one(form, "update"), merged
        return "query", one(form, "query"), merged
    if media_type == "application/sparql-query":
        return "query", body, params
    if media_type == "application/sparql-update":
        return "update", body, params
    raise ProtocolError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                        "POST a form (query= or update=), application/sparql-query or "
                        "application/sparql-update")


async def read_body(request: Request) -> bytes:
    """The body, refused when its length is missing (411), too large (413) or too slow (408).

    A negative or non-numeric Content-Length never gets here: uvicorn's parser answers 400.
    """
    length = request.headers.get("content-length")
    chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
    if length is None and not chunked:
        raise ProtocolError(HTTPStatus.LENGTH_REQUIRED,
                            "send a Content-Length (or a chunked body) with the POST")
    if length is not None and int(length) > MAX_BODY:
        raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"the request body is over {MAX_BODY} bytes")
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                        f"the request body is over {MAX_BODY} bytes")
    except TimeoutError:
        raise ProtocolError(HTTPStatus.REQUEST_TIMEOUT,
                            f"the body did not arrive within {BODY_TIMEOUT:g} s") from None
    return bytes(body)


def _check_write_token(request: Request, token: str | None) -> None:
    if token is None:
        raise ProtocolError(HTTPStatus.FORBIDDEN,
                            "this endpoint is read-only: updates are refused "
                            "(kg serve --write-token TOKEN allows them with that token)")
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise ProtocolError(HTTPStatus.FORBIDDEN,
                            "updates need the write token: send 'Authorization: Bearer TOKEN'")


def _reply(reply: Reply, settings: Settings) -> Response:
    headers = {"Vary": "Accept"}
    if reply.truncated == "rows":
        headers["X-Result-Truncated"] = f"true; limit={settings.max_rows}"
    elif reply.truncated == "bytes":
        headers["X-Result-Truncated"] = f"true; bytes={settings.max_bytes}"
    if reply.status != 204:
        headers["Content-Type"] = reply.content_type
    return Response(reply.body, reply.status, headers)


async def entity(request: Request) -> Response:
    """A dereferenceable IRI: what the graph says about it, as HTML or RDF by Accept."""
    service = service_of(request)
    try:  # pyoxigraph checks the IRI and writes it escaped: no path text enters the query
        node = ox.NamedNode(ID_BASE + request.path_params["path"])
    except ValueError:
        raise ProtocolError(HTTPStatus.NOT_FOUND,
                            "not an entity IRI: /id/ is followed by the rest of an IRI "
                            f"under {ID_BASE}") from None
    accept = request.headers.get("accept", "")
    form = _query_param(request, "format")
    if form:  # the pages' rel="alternate" links: one RDF form, whatever Accept says
        if form not in RDF_FORMS:
            raise ProtocolError(HTTPStatus.BAD_REQUEST,
                                f"format={form}: give one of {', '.join(RDF_FORMS)}")
        accept = RDF_FORMS[form][0]
    if preference("text/html", accept) > max(preference(asked, accept)
                                             for asked, _, _ in GRAPH_FORMATS):
        variant = "text/html"
    else:
        variant = negotiate(accept, GRAPH_FORMATS)[0]
    return await _cached(service, ("entity", node.value, variant),
                         lambda: _entity_response(service, node.value, variant))


def _query_param(request: Request, name: str) -> str:
    """The last value of one parameter of the query string ("" when absent)."""
    params = parse_params(decode(request.scope["query_string"], "query string"), "query string")
    return (params.get(name) or [""])[-1]


def _fact_node(path: str) -> ox.NamedNode:
    try:  # pyoxigraph checks the IRI and writes it escaped: no path text enters the query
        return ox.NamedNode(ID_BASE + path)
    except ValueError:
        raise ProtocolError(HTTPStatus.NOT_FOUND,
                            "not an entity IRI: the path is the rest of an IRI "
                            f"under {ID_BASE}") from None


async def evidence(request: Request) -> Response:
    """A fact's evidence view: the article with the quoted words highlighted."""
    service = service_of(request)
    node = _fact_node(request.path_params["path"])
    source = _query_param(request, "source")
    return await _cached(service, ("evidence", node.value, source),
                         lambda: _page_response(service, "evidence", node.value, source))


async def roll_call_chart(request: Request) -> Response:
    """A vote event's roll call by region, as SVG (the vote event's page shows it)."""
    service = service_of(request)
    node = _fact_node(request.path_params["path"])
    return await _cached(service, ("chart", node.value),
                         lambda: _page_response(service, "chart", node.value, ""))


async def _page_response(service: Service, kind: str, iri: str, accept: str) -> Cached:
    assert service.page_pool is not None
    reply = await service.page_pool.run(service.job(kind, iri, accept))
    if reply.status != 200:
        raise ProtocolError(reply.status, reply.body.decode())
    return Cached(200, {"Content-Type": reply.content_type}, reply.body)


async def _entity_response(service: Service, iri: str, variant: str) -> Cached:
    assert service.page_pool is not None
    reply = await service.page_pool.run(service.job("entity", iri, variant))
    if reply.status != 200:
        raise ProtocolError(reply.status, reply.body.decode())
    return Cached(200, {"Vary": "Accept", "Content-Type": reply.content_type}, reply.body)


async def catalogue_listing(request: Request) -> Response:
    listed = [{"name": q.name, "title": q.title, "question": q.question, "text": q.text,
               "params": [{"name": p.name, "type": p.type, "default": p.default,
                           "description": p.description} for p in q.params]}
              for q in service_of(request).queries.values()]
    return JSONResponse(listed)


# `?format=` of a saved question: the SPARQL results formats, and the query with its values
# written in ("sparql", what "Open in the editor" loads). A download gets a file name.
SPARQL_TEXT = "application/sparql-query"
SAVED_FORMATS = {"json": "application/sparql-results+json", "csv": "text/csv",
                 "tsv": "text/tab-separated-values", "xml": "application/sparql-results+xml",
                 "sparql": SPARQL_TEXT}


async def prefixes(request: Request) -> Response:
    """The project's prefixes, which the page's editor declares and its tables use."""
    return JSONResponse({prefix: str(namespace) for prefix, namespace in PREFIXES.items()})


async def saved(request: Request) -> Response:
    service = service_of(request)
    params = parse_params(decode(request.scope["query_string"], "query string"), "query string")
    given = {key: values[-1] for key, values in params.items() if values and values[-1]}
    name = request.path_params["name"]
    output = given.pop("format", "json")
    if output not in SAVED_FORMATS:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, f"format={output}: give one of "
                            f"{', '.join(SAVED_FORMATS)}")
    key = ("saved", name, output, tuple(sorted(given.items())))
    return await _cached(service, key, lambda: _saved_response(service, name, given, output))


async def _saved_response(service: Service, name: str, given: dict[str, str],
                          output: str) -> Cached:
    reply = await anyio.to_thread.run_sync(service.saved_answer, name, given,
                                           SAVED_FORMATS[output])
    response = _reply(reply, service.settings)
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    if output in ("csv", "tsv") and reply.status == 200:
        headers["Content-Disposition"] = f'attachment; filename="{name}.{output}"'
    return Cached(reply.status, headers, reply.body)


async def _cached(service: Service, key: tuple,
                  compute: Callable[[], Awaitable[Cached]]) -> Response:
    """The answer from the cache, or computed (and kept when it is a 200)."""
    assert service.cache is not None
    answer = service.cache.get(key)
    state = "hit"  # from the cache; "shared": waited for the same answer in progress
    if answer is None:
        state = "shared"
        # Requests for the same answer that arrive while it is being computed wait for that
        # one computation (a crowd asking the same saved question costs one query).
        pending = service.pending.get(key)
        if pending is None:
            pending = service.pending[key] = asyncio.ensure_future(compute())
            pending.add_done_callback(lambda _: service.pending.pop(key, None))
            state = "miss"
        answer = await asyncio.shield(pending)
        if answer.status == 200:
            service.cache.put(key, answer)
    return Response(answer.body, answer.status, {**answer.headers, "X-Cache": state})


async def health(request: Request) -> Response:
    return PlainTextResponse("ok\n")


async def context(request: Request) -> Response:
    """The JSON-LD context of the exports, at a stable address."""
    return Response(context_file().read_bytes(), 200,
                    {"Cache-Control": "max-age=3600"}, "application/ld+json")


async def index(request: Request) -> Response:
    return Response((STATIC / "index.html").read_bytes(), 200, {}, "text/html; charset=utf-8")


async def not_found(request: Request, error: Exception) -> Response:
    return PlainTextResponse(f"nothing at {request.url.path}; the endpoint is /sparql", 404)


async def protocol_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ProtocolError)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Busy) else {}
    return PlainTextResponse(error.message + "\n", int(error.status), headers)


async def curator_error(request: Request, error: Exception) -> Response:
    return PlainTextResponse(f"{error}\n", 400)


class Guard:
    """Answers a plain OPTIONS with the methods allowed (CORS preflights are answered by the
    CORS middleware before this), and adds the security headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "OPTIONS":
            response = Response(b"", 204, {"Allow": ALLOWED_METHODS})
            return await response(scope, receive, self._secured(send))
        await self.app(scope, receive, self._secured(send))

    @staticmethod
    def _secured(send: Send) -> Callable[[Message], Awaitable[None]]:
        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)
        return secured


def make_app(settings: Settings) -> Starlette:
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    routes = [
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", sparql, methods=["GET", "POST"]),
        Route("/update", sparql, methods=["POST"]),
        Route("/health", health),
        Route("/context.jsonld", context),
        Route("/api/queries", catalogue_listing),
        Route("/api/prefixes", prefixes),
        Route("/api/queries/{name}", saved),
        Route("/id/{path:path}", entity),
        Route("/evidence/{path:path}", evidence),
        Route("/chart/roll-call/{path:path}.svg", roll_call_chart),
        Route("/", index),
        Route("/index.html", index),
        Mount("/static", StaticFiles(directory=str(STATIC))),
        # The review pages `kg review` writes beside the store (build/review), if any.
        Mount("/review", StaticFiles(directory=str(settings.review), html=True,
                                     check_dir=False)),
    ]
    middleware = [
        # Cross-origin reads for any page; no credentials, no Authorization header: a page
        # elsewhere can query, never update.
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "POST"],
                   allow_headers=["Accept", "Content-Type"],
                   expose_headers=["X-Result-Truncated", "Retry-After"], max_age=3600),
        Middleware(Guard),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: not_found, ProtocolError: protocol_error,
                                        CuratorError: curator_error})
    app.state.service = service
    return app


# ---------------------------------------------------------------- connections

class GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, plus a limit on how long a connection may sit without a
    complete request head: from when it opens, and from each response's end (uvicorn itself
    starts its keep-alive timer only after a first response, so a silent socket would stay)."""

    head_timeout = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_overdue)

    def _head_overdue(self) -> None:
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """The listening socket, or one clear message when the address cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise CuratorError(f"port {port} is in use; try --port") from None
        raise CuratorError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _raise_open_files_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


# ---------------------------------------------------------------- the command

# The numeric limits of `kg serve`: option, type, default (shown in --help), what it limits.
LIMITS: tuple[tuple[str, type, float, str], ...] = (
    ("--timeout", float, 10.0, "Seconds a query may run, counted from when a worker starts it."),
    ("--queue-wait", float, 10.0, "Seconds a query may wait for a worker; then 503 with "
     "Retry-After."),
    ("--queue-length", int, 500, "Queries that may wait at once (per pool); more get 503 at "
     "once."),
    ("--limit", int, 10000, "Most result rows (or triples) sent back; more are cut off."),
    ("--max-bytes", int, 16 * 2**20, "Most bytes of one result; rows past it are cut off."),
    ("--workers", int, 3, "Free-form SPARQL queries run at the same time, each in its own "
     "process."),
    ("--page-workers", int, 2, "Processes for the saved questions and entity pages."),
    ("--worker-memory", int, 1024, "MiB of address space each worker may use (0: no cap)."),
    ("--idle-timeout", float, 10.0, "Seconds a connection may stay open without sending a "
     "request."),
    ("--max-connections", int, 4096, "Open connections at once; more get 503."),
    ("--backlog", int, 2048, "Connections the kernel queues before the server accepts them."),
    ("--cache-mib", int, 64, "MiB of answers to saved questions and entity pages kept per "
     "build (0: none); free-form SPARQL is never cached."),
)


def limit_options(command: Callable) -> Callable:
    """The LIMITS as click options, in their order in --help."""
    for name, kind, default, text in reversed(LIMITS):
        command = click.option(name, type=kind, default=default, show_default=True,
                               help=text)(command)
    return command


@click.command("serve")
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="The embedded store `kg build` filled.")
@click.option("--project", type=click.Path(path_type=Path, file_okay=False), default=".",
              show_default=True,
              help="The project whose sources/ hold the articles' texts (the evidence view).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is reachable from this machine only).")
@click.option("--port", type=int, default=7878, show_default=True)
@limit_options
@click.option("--allow-service", "allow_service", multiple=True, metavar="URL",
              help="Allow SERVICE <URL> in queries (repeatable); every other SERVICE is "
                   "refused, so the endpoint makes no outbound request by default.")
@click.option("--access-log", is_flag=True, help="Print a line for every request.")
@click.option("--write-token", envvar="UNKG_WRITE_TOKEN",
              help="Accept SPARQL updates carrying 'Authorization: Bearer TOKEN' "
                   "[env UNKG_WRITE_TOKEN]; without it every update is refused.")
def serve_command(store: Path, project: Path, host: str, port: int, timeout: float,
                  queue_wait: float, queue_length: int, limit: int, max_bytes: int, workers: int,
                  page_workers: int, worker_memory: int, allow_service: tuple[str, ...],
                  idle_timeout: float, max_connections: int, backlog: int, cache_mib: int,
                  access_log: bool, write_token: str | None) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (/sparql) with a query page (/)."""
    from kg.model.namespaces import PREFIXES

    if not store.exists():
        raise CuratorError(f"no store at {store}: run `kg build` first")
    if write_token and RELEASES in store.resolve().parts:
        raise CuratorError(f"{store} is a published release's store, and a release is never "
                           "changed: give a write endpoint a store of its own (--store, e.g. a "
                           "copy), or load a SPARQL server of your own with `kg load`")
    for name, value in (("--workers", workers), ("--page-workers", page_workers),
                        ("--queue-length", queue_length), ("--limit", limit),
                        ("--max-bytes", max_bytes)):
        if value < 1:
            raise CuratorError(f"{name} must be at least 1 (got {value})")
    try:
        allowed = frozenset(ox.NamedNode(url).value for url in allow_service)
    except ValueError as error:
        raise CuratorError(f"--allow-service needs an absolute IRI: {error}") from None
    sparql_pool = PoolSettings(1 if write_token else workers, timeout, queue_wait, queue_length,
                               worker_memory, niceness=0 if write_token else 10)
    page_pool = PoolSettings(page_workers, timeout, queue_wait, queue_length, worker_memory)
    settings = Settings(store, limit, max_bytes, write_token, allowed, sparql_pool, page_pool,
                        tuple(sorted((name, str(ns)) for name, ns in PREFIXES.items())),
                        cache_bytes=0 if write_token else cache_mib * 2**20,
                        project=project.resolve())
    sock = listen(host, port, backlog)
    _raise_open_files_limit(max_connections + 256)
    protocol = type("Protocol", (GuardedH11,), {"head_timeout": idle_timeout})
    config = uvicorn.Config(
        make_app(settings), http=protocol, lifespan="on", backlog=backlog,
        timeout_keep_alive=max(1, round(idle_timeout)), limit_concurrency=max_connections,
        timeout_graceful_shutdown=5, log_level="info" if access_log else "warning",
        access_log=access_log, server_header=False)
    services = f"SERVICE only to {', '.join(sorted(allowed))}" if allowed else "no SERVICE"
    click.echo(f"SPARQL endpoint http://{host}:{port}/sparql, query page http://{host}:{port}/ "
               f"(store {store}, timeout {timeout:g} s, limit {limit}, {services})", err=True)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its clean shutdown
        pass
    finally:
        sock.close()
