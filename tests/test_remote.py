"""`kg load` against real SPARQL servers (Oxigraph from PyPI, Virtuoso from Debian)."""

import os
import socket
import subprocess
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.errors import CuratorError
from kg.pipeline.build import STORE, build
from kg.query.catalogue import Backend, EmbeddedBackend, RemoteBackend, SavedQuery, catalogue, run
from kg.store.remote import GRAPH_BASE, store_as_ntriples
from tests.conftest import copy_project
from tests.servers import BuiltGraph, Endpoint, free_port, kg_executable, oxigraph_server

SECRET = "s3cret-token-never-printed"
# Where a server departs from SPARQL 1.1 so that a saved query answers differently (strict: a
# fix makes the test fail). Saved queries are phrased to avoid every departure known
# (tests/test_engines.py shows each one, the README's table lists them), so none is left.
KNOWN_DEVIATIONS: dict[str, set[str]] = {}


def kg_load(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([kg_executable(), "load", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def load_into(endpoint: Endpoint, built: BuiltGraph, *extra: str, gsp: bool = True) -> str:
    args = ["--store", str(built.store), "--endpoint", endpoint.update, *extra]
    if gsp:
        args += ["--gsp-endpoint", endpoint.gsp]
    env = {"UNKG_ENDPOINT_USER": endpoint.user,
           "UNKG_ENDPOINT_PASSWORD": endpoint.password} if endpoint.user else None
    done = kg_load(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def count(endpoint: Endpoint, pattern: str, **params: str) -> int:
    response = requests.post(endpoint.query, timeout=60,
                             data={"query": f"SELECT (COUNT(*) AS ?n) {{ {pattern} }}", **params},
                             headers={"Accept": "application/sparql-results+json"})
    response.raise_for_status()
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# The project's triples, wherever the server keeps them (Virtuoso's default dataset also holds
# its own system graphs).
OURS = 'FILTER (STRSTARTS(STR(?s), "https://w3id.org/unkg/"))'
IN_DEFAULT = f"?s ?p ?o {OURS}"
IN_NAMED = f"GRAPH ?g {{ ?s ?p ?o {OURS} }}"


def project_triples(built: BuiltGraph) -> int:
    return sum(1 for line in store_as_ntriples(built.store).splitlines()
               if line.startswith(b"<https://w3id.org/unkg/"))


# The curated fact build B changes: article 001 (and the others) said the USA voted "no" on
# A/RES/ES-11/7; in B the claim says "yes", so it contradicts the record.
CLAIM = "- id: usa-against-es-11-7\n  kind: vote\n  event: A/RES/ES-11/7\n  voters: [state:USA]\n"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> BuiltGraph:
    """Build B: a scratch copy of the project with one curated fact changed, built."""
    project = copy_project(tmp_path_factory.mktemp("project-b"))
    claims = project / "facts" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert CLAIM + '  option: "no"\n' in text
    claims.write_text(text.replace(CLAIM + '  option: "no"\n', CLAIM + '  option: "yes"\n'),
                      encoding="utf-8")
    out = tmp_path_factory.mktemp("build-b")
    build(project, out)
    return BuiltGraph(out / "unkg.nt", out / STORE)


def answers(backend: Backend) -> dict[str, object]:
    """Every saved query that runs with its defaults, answered."""
    runnable = {name: query for name, query in catalogue().items()
                if all(not param.required for param in query.params)}
    assert runnable, "no saved query runs with its defaults"
    return {name: answer(query, backend) for name, query in runnable.items()}


XSD = "http://www.w3.org/2001/XMLSchema#"


def comparable(answer: object) -> object:
    """Rows as sorted term strings. A few forms stand for the same term: a blank node's label
    (its own in each store), an xsd:boolean's lexical form ("1" and "true" are one value, XML
    Schema 3.3.2; Virtuoso writes 1/0) and an xsd:decimal's ("1" and "1.0"; Jena writes the
    XML Schema 1.0 canonical form). Nothing else is normalised: an xsd:integer 1 in place of
    true, or a GROUP_CONCAT in another order, is a difference."""
    if isinstance(answer, bool):
        return answer
    rows = []
    for row in answer.rows:
        cells = []
        for term in row.values():
            text = "_:" if isinstance(term, ox.BlankNode) else str(term)
            if isinstance(term, ox.Literal) and term.datatype.value == XSD + "boolean":
                text = f"{term.value in ('1', 'true')}^^boolean"
            elif isinstance(term, ox.Literal) and term.datatype.value == XSD + "decimal":
                text = f"{Decimal(term.value).normalize():f}^^decimal"
            cells.append(text)
        rows.append(tuple(cells))
    return sorted(rows)


def answer(query: SavedQuery, backend: Backend) -> object:
    """The comparable answer, or the error message (which must then be the same too)."""
    try:
        return comparable(run(query, {}, backend))
    except CuratorError as error:
        return str(error)


def test_reload_after_a_rebuild_answers_like_the_embedded_store(
        remote_endpoint: Endpoint, built_graph: BuiltGraph, rebuilt: BuiltGraph) -> None:
    # A graph an earlier version of `kg load` left, named by its content hash.
    earlier = f"{GRAPH_BASE}0123456789abcdef"
    requests.post(remote_endpoint.update, timeout=60, auth=remote_endpoint.auth(),
                  data=f"INSERT DATA {{ GRAPH <{earlier}> {{ <{earlier}> a <urn:x> }} }}",
                  headers={"Content-Type": "application/sparql-update"}).raise_for_status()
    assert "graph-store-protocol" in load_into(remote_endpoint, built_graph)  # build A
    assert "graph-store-protocol" in load_into(remote_endpoint, rebuilt)  # build B
    embedded_a, embedded_b = EmbeddedBackend(built_graph.store), EmbeddedBackend(rebuilt.store)
    here, there = answers(embedded_b), answers(RemoteBackend(remote_endpoint.query))
    assert answers(embedded_a) != here, "builds A and B answer alike: the test proves nothing"
    assert any(value and not isinstance(value, str) for value in here.values())
    differing = {name for name in here if there[name] != here[name]}
    assert differing == KNOWN_DEVIATIONS.get(remote_endpoint.name, set()), (
        f"saved queries answering differently on {remote_endpoint.name}: {sorted(differing)}")
    # One copy of B and nothing else of ours: no staged graph, no earlier load's graph.
    assert count(remote_endpoint, IN_DEFAULT) == project_triples(rebuilt)
    if remote_endpoint.name == "oxigraph":  # Virtuoso keeps it in <graph/data>, read by default
        assert count(remote_endpoint, IN_NAMED) == 0


def test_loading_twice_leaves_one_copy(remote_endpoint: Endpoint,
                                       built_graph: BuiltGraph) -> None:
    load_into(remote_endpoint, built_graph)
    load_into(remote_endpoint, built_graph)
    assert count(remote_endpoint, IN_DEFAULT) == project_triples(built_graph)


def test_a_named_graph_is_loaded_and_read_with_graph(remote_endpoint: Endpoint,
                                                     built_graph: BuiltGraph,
                                                     tmp_path: Path) -> None:
    graph = f"{GRAPH_BASE}test-named"
    try:
        assert f"into <{graph}>" in load_into(remote_endpoint, built_graph, "--graph", graph)
        assert count(remote_endpoint, IN_NAMED.replace("?g", f"<{graph}>")) == \
            project_triples(built_graph)
        done = subprocess.run([kg_executable(), "query", "votes-on-resolution", "--format",
                               "csv", "--endpoint", remote_endpoint.query, "--graph", graph],
                              capture_output=True, text=True, timeout=120)
    finally:  # the server is shared by the session's tests: leave only what kg load put
        requests.post(remote_endpoint.update, data=f"DROP SILENT GRAPH <{graph}>",
                      auth=remote_endpoint.auth(), timeout=60,
                      headers={"Content-Type": "application/sparql-update"}).raise_for_status()
    assert done.returncode == 0, done.stderr
    embedded = subprocess.run([kg_executable(), "query", "votes-on-resolution", "--format",
                               "csv", "--store", str(built_graph.store)],
                              capture_output=True, text=True, timeout=120)
    assert sorted(done.stdout.splitlines()) == sorted(embedded.stdout.splitlines())
    assert len(done.stdout.splitlines()) > 100  # a header and a row for every Member State


def test_update_fallback_where_the_graph_store_is_refused(tmp_path: Path,
                                                          built_graph: BuiltGraph) -> None:
    # Oxigraph answers a PUT on /update with 404, so kg load falls back to SPARQL Update.
    with oxigraph_server(tmp_path) as endpoint:
        for _ in range(2):
            assert "sparql-update" in load_into(endpoint, built_graph, gsp=False)
        assert count(endpoint, IN_DEFAULT) == project_triples(built_graph)
        assert count(endpoint, IN_NAMED) == 0  # the staged graph moved, not copied


def assert_one_clear_line(done: subprocess.CompletedProcess, *expected: str) -> None:
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert SECRET not in done.stdout + done.stderr


def test_wrong_port_is_one_clear_error(built_graph: BuiltGraph) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    done = kg_load("--store", str(built_graph.store), "--endpoint", url,
                   env={"UNKG_ENDPOINT_TOKEN": SECRET})
    assert_one_clear_line(done, url, "cannot connect")


def test_read_only_server_refusal_is_one_clear_error(tmp_path: Path,
                                                     built_graph: BuiltGraph) -> None:
    with oxigraph_server(tmp_path, read_only=True) as endpoint:
        done = kg_load("--store", str(built_graph.store), "--endpoint", endpoint.update,
                       "--gsp-endpoint", endpoint.gsp, "--token", SECRET)
    assert_one_clear_line(done, f"PUT {endpoint.gsp}", f"POST {endpoint.update}", "refused: HTTP")


def test_wrong_path_refusal_names_the_status(tmp_path: Path, built_graph: BuiltGraph) -> None:
    with oxigraph_server(tmp_path) as endpoint:
        wrong = endpoint.update.replace("/update", "/no-such-path")
        done = kg_load("--store", str(built_graph.store), "--endpoint", wrong,
                       env={"UNKG_ENDPOINT_USER": "someone", "UNKG_ENDPOINT_PASSWORD": SECRET})
    assert_one_clear_line(done, "HTTP 404")


def test_silent_server_times_out_with_a_clear_error(built_graph: BuiltGraph) -> None:
    # A socket that accepts connections and never answers: the request must time out.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/store"
        done = kg_load("--store", str(built_graph.store), "--endpoint", url, "--timeout", "1")
    assert_one_clear_line(done, url, "no answer within 1 s")


def test_missing_store_is_one_clear_error(tmp_path: Path) -> None:
    done = kg_load("--store", str(tmp_path / "store"), "--endpoint", "http://127.0.0.1:9/x")
    assert_one_clear_line(done, "run `kg build` first")
