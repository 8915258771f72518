"""Push the built graph to any SPARQL 1.1 server, replacing the previous copy in one request.

The Graph Store HTTP Protocol comes first: one PUT of the whole graph into a named
graph replaces the old version in a single request, so readers see the old graph or
the new one, never a mix. A server that refuses the PUT gets one SPARQL 1.1 Update
instead (`DROP SILENT GRAPH` + `INSERT DATA` in the same request). Credentials go in
headers only and never appear in a message.
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

GRAPH_BASE = "https://w3id.org/unkg/graph/"
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
    graph: str
    method: str  # "graph-store-protocol" or "sparql-update"
    triples: int


def graph_iri_for(data: bytes) -> str:
    """The default named graph: one per build content, so a reload of the same build is a no-op."""
    return f"{GRAPH_BASE}{hashlib.sha256(data).hexdigest()[:16]}"


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
    """Replace `graph` on the server with the N-Triples `data`."""
    graph = graph or graph_iri_for(data)
    triples = data.count(b"\n")
    with _session(credentials) as session:
        try:
            _send(session, "PUT", gsp_endpoint or endpoint, timeout,
                  params={"graph": graph}, data=data,
                  headers={"Content-Type": "application/n-triples"})
            return LoadReport(graph, "graph-store-protocol", triples)
        except _Refused as refused:
            gsp_refusal = refused.message
        update = (f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n".encode()
                  + data + b"\n} }\n")
        try:
            _send(session, "POST", endpoint, timeout, data=update,
                  headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        except _Refused as refused:
            raise RemoteError(f"{gsp_refusal}; fallback {refused.message}") from None
    return LoadReport(graph, "sparql-update", triples)


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
@click.option("--graph", help=f"Named graph to replace [default: {GRAPH_BASE}{{content hash}}].")
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
    """Push the built graph to a SPARQL server, replacing the previous copy."""
    if token and user:
        raise click.UsageError("give --user/--password or --token, not both")
    data = store_as_ntriples(store)
    report = load_remote(data, endpoint, graph=graph, gsp_endpoint=gsp_endpoint,
                         credentials=Credentials(user, password, token), timeout=timeout)
    click.echo(f"{report.triples} triples loaded into <{report.graph}> ({report.method})")
