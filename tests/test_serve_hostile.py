"""`kg serve` against a hostile client, over the wire (issue 16, "The endpoint").

Each probe of the issue is sent to a real `kg serve` subprocess and must be refused: no
outbound request, no traceback, no dropped connection without an answer, no unescaped path
in a query, no `javascript:` link, no starvation of pages by runaway queries.
"""

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.store.embedded import load_store
from tests.servers import ROOT, BuiltGraph, free_port, kg_executable, kg_serve, wait_until_ready

pytestmark = pytest.mark.servers

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# DISTINCT over a cross product keeps every row it has seen: memory grows until the cap.
MEMORY_HOG = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b ?c ?d ?e WHERE "
              "{ ?a ?x ?b . ?c ?y ?d . ?e ?z ?f } }")
SMALL = "SELECT ?o WHERE { <https://w3id.org/unkg/id/state/USA> ?p ?o } LIMIT 3"


# ---------------------------------------------------------------- helpers

class Listener:
    """A loopback TCP server that records every connection made to it (the SSRF witness)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    witness = Listener()
    try:
        yield witness
    finally:
        witness.close()


def raw_request(url: str, data: bytes, timeout: float = 15) -> bytes:
    """Send bytes as they are (no client library tidying them) and read the whole answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), f"no HTTP answer: {answer[:200]!r}"
    return int(answer.split(b" ", 2)[1])


def post_head(content_length: bytes | None, extra: bytes = b"") -> bytes:
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/sparql-query\r\n" + extra)
    if content_length is not None:
        head += b"Content-Length: " + content_length + b"\r\n"
    return head + b"\r\n"


def no_traceback(workdir: Path) -> None:
    log = (workdir / "server.log").read_text(errors="replace")
    assert "Traceback" not in log and "Exception" not in log, log[-3000:]


# ---------------------------------------------------------------- SSRF

@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }}",
    "PREFIX e: <{base}> SELECT * WHERE {{ service e:x {{ ?x ?y ?z }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?x ?y ?z }} }}",  # a codepoint escape
    "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?x ?y ?z }} }}",
    "ASK {{ FILTER(1<2)SERVICE<{url}>{{}} }}",
])
def test_service_is_refused_and_nothing_is_contacted(served: str, listener: Listener,
                                                     template: str) -> None:
    base = f"http://127.0.0.1:{listener.port}/"
    query = template.format(url=base + "x", base=base)
    response = requests.post(f"{served}/sparql", data={"query": query}, timeout=30)
    time.sleep(0.3)  # a request on its way would have arrived by now
    assert response.status_code == 403, response.text
    assert "is refused" in response.text and "--allow-service" in response.text
    assert listener.connections == 0


def test_metadata_address_is_refused(served: str) -> None:
    query = ("SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/latest/meta-data/> "
             "{ ?x ?y ?z } }")
    response = requests.get(f"{served}/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 403


def test_the_word_service_elsewhere_is_no_service(served: str, listener: Listener) -> None:
    query = (f'SELECT ?service WHERE {{ BIND("SERVICE <http://127.0.0.1:{listener.port}/>" '
             'AS ?service) } # SERVICE <http://127.0.0.1:1/>')
    response = requests.post(f"{served}/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 200 and listener.connections == 0


def test_allowed_service_is_contacted(built_graph: BuiltGraph, tmp_path: Path,
                                      listener: Listener) -> None:
    """The witness can fail: an allowed SERVICE does reach the listener."""
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    with kg_serve(built_graph.store, tmp_path, "--allow-service", allowed) as url:
        response = requests.post(f"{url}/sparql", timeout=30, data={
            "query": f"SELECT * WHERE {{ SERVICE SILENT <{allowed}> {{ ?x ?y ?z }} }}"})
        other = requests.post(f"{url}/sparql", timeout=30, data={
            "query": f"SELECT * WHERE {{ SERVICE <{allowed}/other> {{ ?x ?y ?z }} }}"})
    assert response.status_code == 200 and listener.connections >= 1
    assert other.status_code == 403


# ---------------------------------------------------------------- lengths and encodings

@pytest.mark.parametrize("length, status", [
    (b"-1", 400), (b"abc", 400), (b"1e3", 400), (b"10485761", 413), (None, 411)])
def test_bad_content_length_is_refused(served: str, length: bytes | None, status: int) -> None:
    answer = raw_request(served, post_head(length) + b"ASK {}")
    assert status_of(answer) == status
    assert requests.get(f"{served}/health", timeout=10).status_code == 200


def test_chunked_body_over_the_cap_is_refused(served: str) -> None:
    chunk = b"#" * 2**20
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(11)) + b"0\r\n\r\n"
    try:
        answer = raw_request(served, post_head(None, b"Transfer-Encoding: chunked\r\n") + body)
    except ConnectionResetError:  # the server may close before reading it all: also refused
        return
    assert status_of(answer) == 413


@pytest.mark.parametrize("content_type, body", [
    (b"application/sparql-query", b'ASK { ?s ?p "\xff\xfe" }'),
    (b"application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%7D"),
    (b"application/sparql-query; charset=latin-1", b"ASK {}"),
])
def test_body_that_is_not_utf8_is_refused(served: str, tmp_path: Path, content_type: bytes,
                                          body: bytes) -> None:
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: " + content_type + b"\r\nContent-Length: %d\r\n\r\n" % len(body))
    answer = raw_request(served, head + body)
    assert status_of(answer) in (400, 415)
    assert b"UTF-8" in answer


def test_query_string_that_is_not_utf8_is_refused(served: str) -> None:
    answer = raw_request(served, b"GET /sparql?query=ASK%7B%FF%7D HTTP/1.1\r\nHost: x\r\n"
                                 b"Connection: close\r\n\r\n")
    assert status_of(answer) == 400 and b"not UTF-8" in answer


@pytest.mark.parametrize("graph", ["not an iri", "relative/path", "http://x/>{}"])
def test_invalid_default_graph_uri_is_400(served: str, graph: str) -> None:
    response = requests.get(f"{served}/sparql", timeout=30,
                            params={"query": "ASK {}", "default-graph-uri": graph})
    assert response.status_code == 400 and "not an absolute IRI" in response.text


def test_no_traceback_in_the_log(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path) as url:
        for length in (b"-1", b"abc", None):
            raw_request(url, post_head(length) + b"ASK {}")
        raw_request(url, post_head(b"5") + b"\xff\xfe\xfd\xfc\xfb")
        requests.get(f"{url}/sparql", params={"query": "ASK {}", "default-graph-uri": "x y"},
                     timeout=30)
        requests.get(f"{url}/id/x%3E", timeout=30)
    no_traceback(tmp_path)


# ---------------------------------------------------------------- paths

@pytest.mark.parametrize("path", [
    b"/id/x>", b"/id/x%3E", b"/id/x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo",
    b"/id/state/USA%3E%20%3Fp%20%3Fo%20.%20%3Fs%20%3Fq%20%3Fr%20%7D%23",
    b'/id/a"b', b"/id/a%0Ab", b"/id/%7B%7D"])
def test_entity_path_never_enters_a_query(served: str, path: bytes) -> None:
    answer = raw_request(served, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
                         b"Accept: application/n-triples\r\nConnection: close\r\n\r\n")
    assert status_of(answer) in (400, 404)
    assert b"<https://w3id.org/unkg/" not in answer.split(b"\r\n\r\n", 1)[-1]


# ---------------------------------------------------------------- links

EVIL = "javascript:alert(document.domain)"
SOURCE = "https://w3id.org/unkg/id/source/evil"


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose source carries a `javascript:` "URL", as a hostile source file could."""
    folder = tmp_path_factory.mktemp("evil")
    nt = folder / "evil.nt"
    nt.write_text(f"<{SOURCE}> <http://schema.org/url> <{EVIL}> .\n"
                  f"<{SOURCE}> <http://schema.org/sameAs> <data:text/html,x> .\n"
                  f"<{SOURCE}> <http://schema.org/isBasedOn> <https://example.org/a> .\n"
                  f'<{SOURCE}> <http://www.w3.org/2000/01/rdf-schema#label> "evil" .\n',
                  encoding="utf-8")
    load_store([nt], folder / "store")
    return folder / "store"


def test_entity_page_links_only_http_iris(evil_store: Path, tmp_path: Path) -> None:
    with kg_serve(evil_store, tmp_path) as url:
        page = requests.get(f"{url}/id/source/evil", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert EVIL in page.text  # shown, as text
    assert 'href="javascript:' not in page.text and 'href="data:' not in page.text
    assert 'href="https://example.org/a"' in page.text  # http(s) stays a link
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- starvation and memory

def test_runaway_queries_neither_starve_pages_nor_count_queue_time(
        built_graph: BuiltGraph, tmp_path: Path) -> None:
    """Two runaways on one free-form worker: the second waits in the queue and gets its own
    503 (with Retry-After), never "ran longer"; a page meanwhile answers at once."""
    with kg_serve(built_graph.store, tmp_path, "--workers", "1", "--page-workers", "1",
                  "--timeout", "4", "--queue-wait", "2") as url, ThreadPoolExecutor(2) as pool:
        runaways = [pool.submit(requests.post, f"{url}/sparql", data={"query": RUNAWAY},
                                timeout=60) for _ in range(2)]
        time.sleep(0.5)
        started = time.monotonic()
        page = requests.get(f"{url}/id/state/USA", headers={"Accept": "text/turtle"},
                            timeout=30)
        page_time = time.monotonic() - started
        answers = sorted((future.result() for future in runaways), key=lambda r: r.text)
        after = requests.post(f"{url}/sparql", data={"query": SMALL}, timeout=30)
    assert page.status_code == 200 and page_time < 2, f"the page took {page_time:.1f} s"
    assert [a.status_code for a in answers] == [503, 503]
    waited = [a for a in answers if "stayed busy" in a.text]
    ran = [a for a in answers if "ran longer than 4 s" in a.text]
    assert len(waited) == 1 and len(ran) == 1, [a.text for a in answers]
    assert int(waited[0].headers["Retry-After"]) >= 1
    assert after.status_code == 200  # the killed worker was replaced


def test_full_queue_is_refused_at_once(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path, "--workers", "1", "--timeout", "4",
                  "--queue-length", "1", "--queue-wait", "10") as url, \
            ThreadPoolExecutor(2) as pool:
        first = pool.submit(requests.post, f"{url}/sparql", data={"query": RUNAWAY}, timeout=60)
        time.sleep(0.5)
        second = pool.submit(requests.post, f"{url}/sparql", data={"query": RUNAWAY},
                             timeout=60)
        time.sleep(0.5)
        started = time.monotonic()
        third = requests.post(f"{url}/sparql", data={"query": SMALL}, timeout=60)
        refused_in = time.monotonic() - started
        first.result(), second.result()
    assert third.status_code == 503 and "waiting already" in third.text
    assert "Retry-After" in third.headers and refused_in < 1


def test_worker_memory_cap_stops_a_hog(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path, "--worker-memory", "700", "--timeout",
                  "120") as url:
        started = time.monotonic()
        hog = requests.post(f"{url}/sparql", data={"query": MEMORY_HOG}, timeout=180)
        elapsed = time.monotonic() - started
        after = requests.post(f"{url}/sparql", data={"query": SMALL}, timeout=30)
    assert hog.status_code == 503 and "more memory than a worker may use" in hog.text, hog.text
    assert elapsed < 120  # stopped by the cap, not by the timeout
    assert after.status_code == 200


def test_result_size_limit_in_bytes(built_graph: BuiltGraph, tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path, "--max-bytes", "5000") as url:
        select = requests.get(f"{url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        graph = requests.get(f"{url}/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                             headers={"Accept": "text/turtle"}, timeout=30)
    assert select.headers["X-Result-Truncated"] == "true; bytes=5000"
    assert len(select.content) <= 5000 and len(select.json()["results"]["bindings"]) > 5
    assert graph.headers["X-Result-Truncated"] == "true; bytes=5000"
    assert len(graph.content) <= 5000
    assert len(list(ox.parse(graph.content, format=ox.RdfFormat.TURTLE))) > 5


# ---------------------------------------------------------------- connections

def test_idle_connections_are_closed_and_do_not_block_others(built_graph: BuiltGraph,
                                                             tmp_path: Path) -> None:
    with kg_serve(built_graph.store, tmp_path, "--idle-timeout", "2") as url:
        port = int(url.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(300)]
        try:
            started = time.monotonic()
            assert requests.get(f"{url}/health", timeout=10).status_code == 200
            assert time.monotonic() - started < 2
            time.sleep(3)
            closed = sum(1 for sock in idle if sock.recv(1) == b"")  # EOF: the server hung up
        finally:
            for sock in idle:
                sock.close()
    assert closed == len(idle)


def test_listen_backlog_is_large(served: str) -> None:
    port = served.rsplit(":", 1)[1]
    listing = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True,
                             text=True, check=True).stdout.split()
    assert int(listing[2]) >= 1024, listing  # Send-Q of a listening socket: its backlog


# ---------------------------------------------------------------- the command itself

def test_busy_port_is_one_clear_message(built_graph: BuiltGraph) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run([kg_executable(), "serve", "--store", str(built_graph.store),
                               "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == f"error: port {port} is in use; try --port"
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_cleanly(built_graph: BuiltGraph, tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, workers included, as at a terminal."""
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([kg_executable(), "serve", "--store", str(built_graph.store),
                                   "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                  cwd=ROOT, start_new_session=True)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/health", server, log)
        assert requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": SMALL},
                            timeout=30).status_code == 200
        requests.get(f"http://127.0.0.1:{port}/id/state/USA", timeout=30)
        os.killpg(server.pid, signal.SIGINT)
        code = server.wait(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    text = log.read_text()
    assert code == 0, text
    assert "Traceback" not in text and "SpawnProcess" not in text and "KeyboardInterrupt" \
        not in text, text



def test_cached_answers_follow_the_published_build(built_graph: BuiltGraph, evil_store: Path,
                                                   tmp_path: Path) -> None:
    """Saved questions and pages are cached per release; a new release empties the cache."""
    link = tmp_path / "store"
    link.symlink_to(built_graph.store.resolve())
    with kg_serve(link, tmp_path) as url:
        first = requests.get(f"{url}/id/state/USA", headers={"Accept": "text/turtle"},
                             timeout=30)
        second = requests.get(f"{url}/id/state/USA", headers={"Accept": "text/turtle"},
                              timeout=30)
        saved = [requests.get(f"{url}/api/queries/votes-on-resolution", timeout=30)
                 for _ in range(2)]
        swapped = tmp_path / "store.new"
        swapped.symlink_to(evil_store.resolve())
        os.replace(swapped, link)  # as `kg build` publishes
        after = requests.get(f"{url}/id/state/USA", headers={"Accept": "text/turtle"},
                             timeout=30)
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert first.content == second.content
    assert [r.headers["X-Cache"] for r in saved] == ["miss", "hit"]
    assert saved[0].content == saved[1].content and saved[0].status_code == 200
    assert after.status_code == 404  # the new release says nothing about the USA


def live_processes_in_group(group: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":  # fields: state, ppid, pgrp
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_no_worker_outlives_the_server(built_graph: BuiltGraph, tmp_path: Path,
                                       stop: signal.Signals) -> None:
    """Not even one busy with a runaway query, not even when the server is killed -9."""
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([kg_executable(), "serve", "--store", str(built_graph.store),
                                   "--port", str(port), "--timeout", "60"], stdout=out,
                                  stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/health", server, log)
        with ThreadPoolExecutor(2) as pool:
            for _ in range(2):
                pool.submit(requests.post, f"http://127.0.0.1:{port}/sparql",
                            data={"query": RUNAWAY}, timeout=5)
            time.sleep(1.5)  # both runaways are running in their workers
            os.kill(server.pid, stop)  # the server alone, as a supervisor would
            server.wait(timeout=30)
        deadline = time.monotonic() + 15
        while live_processes_in_group(server.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = live_processes_in_group(server.pid)
    finally:
        for pid in live_processes_in_group(server.pid):
            os.kill(pid, signal.SIGKILL)
    assert left == [], f"processes left after the server stopped: {left}"


def test_a_request_head_sent_byte_by_byte_is_cut_off(built_graph: BuiltGraph,
                                                     tmp_path: Path) -> None:
    """A slow client (a header byte now and then) cannot hold a connection past the limit."""
    with kg_serve(built_graph.store, tmp_path, "--idle-timeout", "2") as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            started, closed = time.monotonic(), False
            while time.monotonic() - started < 8:
                try:
                    sock.sendall(b"X")
                except OSError:  # reset: the server has hung up
                    closed = True
                    break
                time.sleep(0.5)
            held = time.monotonic() - started
    assert closed and held < 5, f"the connection stayed open {held:.1f} s"
