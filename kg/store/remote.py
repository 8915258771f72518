"""Push the built graph to any SPARQL 1.1 server, replacing what the previous load put there.

Two steps, so that readers see the old data or the new, never a mix, where the server allows:

1. stage: the N-Triples go into a fresh named graph, `graph/incoming/{content hash}`, by one
   Graph Store HTTP Protocol PUT, or, where the server refuses it, one SPARQL 1.1 Update
   (`DROP SILENT GRAPH` + `INSERT DATA`);
2. switch: one SPARQL 1.1 Update moves the staged graph onto the target (`MOVE ... TO DEFAULT`,
   or `TO GRAPH <--graph>`), which replaces the target's old content, and drops the graphs that
   earlier loads of this project left (staged graphs, and the content-hash graphs earlier
   versions of `kg load` filled). Oxigraph runs one update request as one transaction.

Virtuoso has no default graph of its own (a query without FROM reads the union of all graphs,
and it refuses `MOVE ... TO DEFAULT`): there the data goes to the named graph `graph/data`,
which such a query reads; while it is staged there, readers may see both copies.
Credentials go in headers only and never appear in a message.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from kg.errors import CuratorError
from kg.project import DEFAULT_STORE
from kg.store.embedded import open_store
from kg.store.export import DATA_GRAPH

GRAPH_BASE = "https://w3id.org/unkg/graph/"
STAGING_BASE = f"{GRAPH_BASE}incoming/"
# What earlier loads of this project left: staged graphs and content-hash graphs (written as
# SPARQL string text: the backslash is escaped once for SPARQL).
EARLIER_LOADS = r"^https://w3id\\.org/unkg/graph/(incoming/)?[0-9a-f]{16}$"
DEFAULT = "default graph"
# Retried with backoff: only requests that may safely be repeated.
IDEMPOTENT = frozenset({"GET", "PUT", "HEAD"})
TRANSIENT_STATUSES = (502, 503, 504)


class RemoteError(CuratorError):
    """The server could not be reached, timed out or refused a request."""


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return "Credentials(***)"


@dataclass(frozen=True)
class LoadReport:
    graph: str  # DEFAULT or a graph IRI
    method: str  # how the data was staged: "graph-store-protocol" or "sparql-update"
    triples: int


def staging_graph_for(data: bytes) -> str:
    """Where a load stages its data: one graph per build content."""
    return f"{STAGING_BASE}{hashlib.sha256(data).hexdigest()[:16]}"


def store_as_ntriples(store_path: Path) -> bytes:
    """Everything the embedded store holds (graph and ontology), sorted so the bytes are stable.

    Pushing the store's contents, not just build/unkg.nt, makes a query answer the same on the
    server as on the embedded store. Named graphs, if any, are merged into the one graph.
    """
    store = open_store(store_path)
    lines = {f"{quad.triple} .\n" for quad in store.quads_for_pattern(None, None, None, None)}
    return "".join(sorted(lines)).encode()


def load_remote(
    data: bytes,
    endpoint: str,
    *,
    graph: str | None = None,
    gsp_endpoint: str | None = None,
    credentials: Credentials = Credentials(),
    timeout: float = 60.0,
) -> LoadReport:
    """Replace the target (`graph`, else the default graph) on the server with `data`."""
    staging = staging_graph_for(data)
    triples = data.count(b"\n")
    with _session(credentials) as session:
        method = _stage(session, data, staging, endpoint, gsp_endpoint, timeout)
        try:
            _update(session, endpoint, timeout, _switch(staging, graph))
            return LoadReport(graph or DEFAULT, method, triples)
        except _Refused as refused:
            if graph:
                raise RemoteError(refused.message) from None
            default_refusal = refused.message
        try:  # a server without a default graph of its own (Virtuoso)
            _update(session, endpoint, timeout, _switch(staging, str(DATA_GRAPH)))
        except _Refused as refused:
            raise RemoteError(f"{default_refusal}; then {refused.message}") from None
    return LoadReport(str(DATA_GRAPH), method, triples)


def _stage(session: requests.Session, data: bytes, staging: str, endpoint: str,
           gsp_endpoint: str | None, timeout: float) -> str:
    try:
        _send(session, "PUT", gsp_endpoint or endpoint, timeout, params={"graph": staging},
              data=data, headers={"Content-Type": "application/n-triples"})
        return "graph-store-protocol"
    except _Refused as refused:
        gsp_refusal = refused.message
    update = (f"DROP SILENT GRAPH <{staging}> ;\nINSERT DATA {{ GRAPH <{staging}> {{\n".encode()
              + data + b"\n} }\n")
    try:
        _update(session, endpoint, timeout, update)
    except _Refused as refused:
        raise RemoteError(f"{gsp_refusal}; fallback {refused.message}") from None
    return "sparql-update"


def _switch(staging: str, target: str | None) -> bytes:
    """One update: earlier loads' graphs dropped, the staged graph moved onto the target."""
    where = "DEFAULT" if target is None else f"GRAPH <{target}>"
    return (f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}\n"
            f"  FILTER (REGEX(STR(?g), \"{EARLIER_LOADS}\") && ?g != <{staging}>) }} ;\n"
            f"MOVE SILENT GRAPH <{staging}> TO {where}\n").encode()


def _update(session: requests.Session, endpoint: str, timeout: float, update: bytes) -> None:
    _send(session, "POST", endpoint, timeout, data=update,
          headers={"Content-Type": "application/sparql-update; charset=utf-8"})


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _session(credentials: Credentials) -> requests.Session:
    session = requests.Session()
    retry = Retry(total=3, connect=3, read=2, backoff_factor=0.5,
                  status_forcelist=TRANSIENT_STATUSES, allowed_methods=IDEMPOTENT,
                  raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    if credentials.token:
        session.headers["Authorization"] = f"Bearer {credentials.token}"
    elif credentials.user:
        session.auth = (credentials.user, credentials.password or "")
    return session


def _send(session: requests.Session, method: str, url: str, timeout: float,
          **kwargs: object) -> requests.Response:
    """One request; connection trouble raises RemoteError, an HTTP refusal raises _Refused."""
    shown = _without_userinfo(url)
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
        if response.status_code == 401 and isinstance(session.auth, tuple):
            # Some servers (Virtuoso) take only Digest, and refuse Basic without saying so.
            session.auth = requests.auth.HTTPDigestAuth(*session.auth)
            response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.exceptions.Timeout:
        raise RemoteError(f"{shown}: no answer within {timeout:g} s (timeout)") from None
    except requests.exceptions.ConnectionError as error:
        # After the retries, a read timeout arrives wrapped as a connection error.
        if isinstance(getattr(error.args[0] if error.args else None, "reason", None),
                      ReadTimeoutError):
            raise RemoteError(f"{shown}: no answer within {timeout:g} s (timeout)") from None
        raise RemoteError(f"{shown}: cannot connect (is the server running and the URL "
                          "right?)") from None
    except requests.exceptions.RequestException as error:
        raise RemoteError(f"{shown}: {type(error).__name__}") from None
    if response.status_code >= 400:
        raise _Refused(f"{method} {shown} refused: HTTP {response.status_code} "
                       f"{response.reason}{_reason(response)}")
    return response


def _reason(response: requests.Response) -> str:
    """The server's own explanation, on one line and short."""
    text = " ".join(response.text.split())[:200]
    return f": {text}" if text else ""


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


@click.command("load")
@click.option("--endpoint", required=True,
              help="SPARQL 1.1 endpoint that accepts updates (used if the Graph Store PUT is "
                   "refused).")
@click.option("--gsp-endpoint", help="Graph Store HTTP Protocol endpoint [default: --endpoint].")
@click.option("--graph", metavar="IRI", help="Named graph to replace [default: the default "
              "graph; on Virtuoso, which has none, <https://w3id.org/unkg/graph/data>].")
@click.option("--store", type=click.Path(path_type=Path), default=DEFAULT_STORE,
              show_default=True, help="The embedded store `kg build` filled.")
@click.option("--user", envvar="UNKG_ENDPOINT_USER", help="[env UNKG_ENDPOINT_USER]")
@click.option("--password", envvar="UNKG_ENDPOINT_PASSWORD",
              help="[env UNKG_ENDPOINT_PASSWORD]")
@click.option("--token", envvar="UNKG_ENDPOINT_TOKEN",
              help="Bearer token [env UNKG_ENDPOINT_TOKEN]")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for each answer.")
def load_command(endpoint: str, gsp_endpoint: str | None, graph: str | None, store: Path,
                 user: str | None, password: str | None, token: str | None,
                 timeout: float) -> None:
    """Push the built graph to a SPARQL server, replacing what the previous load put there."""
    if token and user:
        raise click.UsageError("give --user/--password or --token, not both")
    data = store_as_ntriples(store)
    report = load_remote(data, endpoint, graph=graph, gsp_endpoint=gsp_endpoint,
                         credentials=Credentials(user, password, token), timeout=timeout)
    target = f"the {DEFAULT}" if report.graph == DEFAULT else f"<{report.graph}>"
    click.echo(f"{report.triples} triples loaded into {target} ({report.method})")
