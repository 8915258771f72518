"""`kg serve` as a real subprocess, queried with SPARQLWrapper and plain HTTP."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.error import HTTPError

import pyoxigraph as ox
import pytest
import requests
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kg.store.embedded import open_store
from tests.servers import ROOT, BuiltGraph, free_port, kg_executable, kg_serve

ID = "https://w3id.org/unkg/id/"
# A cross join of the whole graph with itself three times: far beyond any timeout.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# The official record, sources/official-record/ga_voting_2025-02-24.csv: the USA (ms_code USA)
# voted N on A/RES/ES-11/7.
US_VOTE = """
PREFIX schema: <http://schema.org/>
SELECT ?option WHERE { <https://w3id.org/unkg/id/vote/A-RES-ES-11-7/USA> schema:option ?option }
"""


def wrapper(served: str, query: str, return_format: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_select_answers_the_official_record(served: str) -> None:
    result = wrapper(served, US_VOTE).queryAndConvert()
    options = [row["option"]["value"] for row in result["results"]["bindings"]]
    assert options == ["https://w3id.org/unkg/ontology#No"]


def test_select_agrees_with_the_embedded_store(served: str, built_graph: BuiltGraph) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    remote = wrapper(served, query).queryAndConvert()["results"]["bindings"][0]["n"]["value"]
    local = next(iter(open_store(built_graph.store).query(query)))["n"].value
    assert remote == local and int(local) > 1000


def test_ask(served: str) -> None:
    yes = wrapper(served, f"ASK {{ <{ID}state/USA> a ?class }}").queryAndConvert()
    no = wrapper(served, f"ASK {{ <{ID}state/ATLANTIS> ?p ?o }}").queryAndConvert()
    assert yes["boolean"] is True and no["boolean"] is False


def test_construct_as_turtle(served: str) -> None:
    client = wrapper(served, f"CONSTRUCT WHERE {{ <{ID}vote/A-RES-ES-11-7/USA> ?p ?o }}", TURTLE)
    turtle = client.queryAndConvert()
    triples = [quad.triple for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(f"{ID}vote/A-RES-ES-11-7/USA"),
                     ox.NamedNode("http://schema.org/option"),
                     ox.NamedNode("https://w3id.org/unkg/ontology#No")) in triples


@pytest.mark.parametrize("accept, expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(served: str, accept: str, expected: str) -> None:
    response = requests.post(f"{served}/sparql", data=US_VOTE.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "ontology#No" in response.text


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_construct_formats_by_accept(served: str, accept: str, fmt: ox.RdfFormat) -> None:
    response = requests.get(f"{served}/sparql", timeout=30, headers={"Accept": accept},
                            params={"query": f"CONSTRUCT WHERE {{ <{ID}state/USA> ?p ?o }}"})
    assert response.headers["Content-Type"].split(";")[0] == accept
    assert len(list(ox.parse(response.content, format=fmt))) >= 2


def test_unacceptable_format_is_406(served: str) -> None:
    response = requests.get(f"{served}/sparql", params={"query": "ASK {}"}, timeout=30,
                            headers={"Accept": "image/png"})
    assert response.status_code == 406 and "application/sparql-results+json" in response.text


def test_update_is_refused(served: str) -> None:
    client = wrapper(served, f"INSERT DATA {{ <{ID}state/USA> <{ID}p> 1 }}")
    client.setMethod("POST")
    with pytest.raises(HTTPError) as refused:  # SPARQLWrapper passes a 403 on as it is
        client.query()
    assert refused.value.code == 403
    assert "read-only: updates are refused" in refused.value.read().decode()
    # and nothing was written
    assert wrapper(served, f"ASK {{ ?s <{ID}p> ?o }}").queryAndConvert()["boolean"] is False


def test_runaway_query_is_cut_off_and_the_server_goes_on(served: str) -> None:
    started = time.monotonic()
    with pytest.raises(HTTPError) as stopped:
        wrapper(served, RUNAWAY).query()
    elapsed = time.monotonic() - started
    assert stopped.value.code == 503
    assert "ran longer than 3 s and was stopped" in stopped.value.read().decode()
    assert elapsed < 10, f"the timeout is 3 s but the answer took {elapsed:.1f} s"
    # the server still answers, at once
    assert wrapper(served, US_VOTE).queryAndConvert()["results"]["bindings"]


def test_bad_query_is_a_400_naming_the_problem(served: str) -> None:
    response = requests.get(f"{served}/sparql", params={"query": "SELEC ?x"}, timeout=30)
    assert response.status_code == 400 and "not valid SPARQL" in response.text


def test_result_limit_cuts_and_says_so(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path, "--limit", "5") as url:
        response = requests.get(f"{url}/sparql", timeout=30,
                                params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                                headers={"Accept": "application/sparql-results+json"})
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["X-Result-Truncated"] == "true; limit=5"


def test_update_with_the_write_token(built_graph: BuiltGraph, tmp_path: Path) -> None:
    # A copy: the session's store stays as built.
    store = tmp_path / "store"
    subprocess.run(["cp", "-r", str(built_graph.store.resolve()), str(store)], check=True)
    with kg_serve(store, tmp_path, "--write-token", "let-me-write") as url:
        update = f"INSERT DATA {{ <{ID}state/USA> <{ID}p> 1 }}"
        wrong = requests.post(f"{url}/sparql", data={"update": update}, timeout=30,
                              headers={"Authorization": "Bearer guess"})
        right = requests.post(f"{url}/sparql", data={"update": update}, timeout=30,
                              headers={"Authorization": "Bearer let-me-write"})
        ask = requests.get(f"{url}/sparql", params={"query": f"ASK {{ ?s <{ID}p> 1 }}"},
                           timeout=30).json()
    assert wrong.status_code == 403 and right.status_code == 204 and ask["boolean"] is True


def test_entity_iris_dereference(served: str) -> None:
    page = requests.get(f"{served}/id/state/USA", timeout=30,
                        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    turtle = requests.get(f"{served}/id/state/USA", timeout=30,
                          headers={"Accept": "text/turtle"})
    jsonld = requests.get(f"{served}/id/state/USA", timeout=30,
                          headers={"Accept": "application/ld+json"})
    missing = requests.get(f"{served}/id/state/ATLANTIS", timeout=30)
    # the page names the state and its kind in words (the ontology's label of unkg:State)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<h1>United States</h1>" in page.text and "Member State" in page.text
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert ox.Triple(ox.NamedNode(f"{ID}state/USA"),
                     ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/unkg/ontology#State")) in [
        quad.triple for quad in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    assert list(ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD))
    assert missing.status_code == 404


def test_binds_to_loopback_by_default(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path) as url, open("/proc/net/tcp") as table:
        port = int(url.rsplit(":", 1)[1])
        listening = [line.split()[1] for line in table.readlines()[1:]
                     if line.split()[3] == "0A"]  # state LISTEN
    assert f"0100007F:{port:04X}" in listening  # 127.0.0.1, not 0.0.0.0


def test_kill_during_build_keeps_the_previous_store(tmp_path: Path,
                                                    built_graph: BuiltGraph) -> None:
    """A `kg build` SIGKILLed while it loads the store leaves the previous build answering."""
    out = tmp_path / "out"  # a copy of the session's build output, links and all
    subprocess.run(["cp", "-a", str(built_graph.store.parent), str(out)], check=True)
    before = {path.name for path in (out / "releases").iterdir()}
    build = subprocess.Popen([kg_executable(), "build", "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = time.monotonic() + 1200
        while time.monotonic() < deadline and build.poll() is None:
            loading = [path for path in (out / "releases").glob("*/store")
                       if path.parent.name not in before]
            if loading:
                break
            time.sleep(0.05)
        assert build.poll() is None, "the build ended before its store load could be caught"
        os.kill(build.pid, signal.SIGKILL)
    finally:
        build.kill()
        build.wait()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = next(iter(open_store(built_graph.store).query(count)))["n"].value
    assert next(iter(open_store(out / "store").query(count)))["n"].value == expected


def test_stats_counts_what_the_store_holds(built_graph: BuiltGraph) -> None:
    done = subprocess.run([kg_executable(), "stats", "--store", str(built_graph.store)],
                          capture_output=True, text=True, timeout=120)
    store = open_store(built_graph.store)
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    votes = next(iter(store.query(
        "SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?v a <https://w3id.org/unkg/ontology#Vote> }")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{triples} triples in the default graph")
    assert f"{votes['n'].value:>7}  unkg:Vote" in done.stdout


# ---------------------------------------------------------------- standards-only clients (issue 17)

@pytest.mark.parametrize("query, expected_type", [
    (US_VOTE, "application/sparql-results+json"),
    (f"ASK {{ <{ID}state/USA> ?p ?o }}", "application/sparql-results+json"),
    (f"CONSTRUCT WHERE {{ <{ID}state/USA> ?p ?o }}", "application/ld+json"),
    (f"DESCRIBE <{ID}state/USA>", "application/ld+json"),
])
def test_plain_json_is_accepted(served: str, query: str, expected_type: str) -> None:
    response = requests.get(f"{served}/sparql", params={"query": query}, timeout=30,
                            headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == expected_type
    if expected_type == "application/ld+json":
        triples = list(ox.parse(response.content, format=ox.RdfFormat.JSON_LD))
        assert ox.NamedNode(f"{ID}state/USA") in {quad.subject for quad in triples}
    else:
        assert "results" in response.json() or response.json()["boolean"] is True


def test_entity_page_as_plain_json_is_json_ld(served: str) -> None:
    response = requests.get(f"{served}/id/state/USA", headers={"Accept": "application/json"},
                            timeout=30)
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert ox.Triple(ox.NamedNode(f"{ID}state/USA"),
                     ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/unkg/ontology#State")) in [
        quad.triple for quad in ox.parse(response.content, format=ox.RdfFormat.JSON_LD)]


def test_rdflib_sparqlstore_construct_with_json(served: str) -> None:
    """rdflib's SPARQLStore asks a CONSTRUCT for application/sparql-results+json only."""
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(f"{served}/sparql", returnFormat="json"))
    result = graph.query(f"CONSTRUCT WHERE {{ <{ID}vote/A-RES-ES-11-7/USA> ?p ?o }}")
    assert (URIRef(f"{ID}vote/A-RES-ES-11-7/USA"), URIRef("http://schema.org/option"),
            URIRef("https://w3id.org/unkg/ontology#No")) in result.graph
    rows = list(graph.query(US_VOTE))
    assert [str(row[0]) for row in rows] == ["https://w3id.org/unkg/ontology#No"]


def test_cors_lets_other_origins_read_but_not_update(served: str) -> None:
    origin = {"Origin": "https://elsewhere.example"}
    read = requests.get(f"{served}/sparql", params={"query": "ASK {}"}, headers=origin,
                        timeout=30)
    preflight = requests.options(f"{served}/sparql", timeout=30, headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    write_preflight = requests.options(f"{served}/sparql", timeout=30, headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert write_preflight.status_code == 400  # Authorization (the write token) not allowed


def test_head_and_options(served: str) -> None:
    get = requests.get(f"{served}/sparql", params={"query": US_VOTE}, timeout=30)
    head = requests.head(f"{served}/sparql", params={"query": US_VOTE}, timeout=30)
    head_entity = requests.head(f"{served}/id/state/USA", headers={"Accept": "text/turtle"},
                                timeout=30)
    options = requests.options(f"{served}/sparql", timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head_entity.status_code == 200 and head_entity.content == b""
    assert options.status_code == 204
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_json_ld_context_at_a_stable_path(served: str) -> None:
    from kg.project import context_file

    response = requests.get(f"{served}/context.jsonld", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert response.content == context_file().read_bytes()
    assert "@context" in response.json()


def test_the_review_pages_beside_the_store_are_served(built_graph: BuiltGraph,
                                                     tmp_path: Path) -> None:
    """`kg review` writes build/review beside build/store; `kg serve` serves it at /review/."""
    out = tmp_path / "build"
    shutil.copytree(built_graph.store.resolve(), out / "store")
    written = subprocess.run([kg_executable(), "review", "--graph",
                              str(built_graph.nt.parent / "unkg.ttl"), "--out",
                              str(out / "review")], capture_output=True, text=True, cwd=ROOT)
    assert written.returncode == 0, written.stderr
    with kg_serve(out / "store", tmp_path) as url:
        index = requests.get(f"{url}/review/", timeout=30)
        page = next(p.name for p in (out / "review").glob("*.html") if p.name != "index.html")
        article = requests.get(f"{url}/review/{page}", timeout=30)
    assert index.status_code == 200 and page in index.text
    assert article.status_code == 200 and "<mark" in article.text


def test_a_write_endpoint_never_writes_into_a_published_release(built_graph: BuiltGraph,
                                                               tmp_path: Path) -> None:
    refused = subprocess.run([kg_executable(), "serve", "--store", str(built_graph.store),
                              "--write-token", "t", "--port", str(free_port())],
                             capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert refused.returncode == 2, refused.stderr
    assert "a release is never changed" in refused.stderr and "Traceback" not in refused.stderr
