"""Real servers for the tests: Oxigraph, Virtuoso and `kg serve`, each on a free loopback port.

A pytest plugin (tests/conftest.py has `pytest_plugins = ["tests.servers"]`). Every server runs
as a subprocess in a temporary directory, is waited for until it answers, and is stopped
afterwards, whatever the test did.
"""

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.model.iris import canonical_symbol, symbol_slug
from kg.store.embedded import load_store
from kg.store.release import new_release, publish
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
READY_TIMEOUT = 60.0
STORE = "store"


@dataclass(frozen=True)
class BuiltGraph:
    """What `kg build` leaves: the N-Triples file and the current embedded store (a link)."""

    nt: Path
    store: Path


@dataclass(frozen=True)
class Endpoint:
    """A running SPARQL server: where to query, where to update, where to PUT graphs."""

    name: str
    query: str
    update: str
    gsp: str
    user: str | None = None
    password: str | None = None

    def auth(self) -> requests.auth.HTTPDigestAuth | None:
        """For a test's own updates (Virtuoso takes Digest only)."""
        return requests.auth.HTTPDigestAuth(self.user, self.password or "") if self.user else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, log: Path,
                     timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout} s: {log.read_text()[-2000:]}")


@contextmanager
def running(command: list[str], ready_url: str, workdir: Path, **popen: object
            ) -> Iterator[subprocess.Popen]:
    """Run a server until the block ends; its output goes to workdir/server.log."""
    log = workdir / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        wait_until_ready(ready_url, process, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kg_executable() -> str:
    return executable("kg", "pip install -e . into the project's virtualenv")


def executable(name: str, install_hint: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(VENV_BIN))
    require(found is not None, f"{name} not found: {install_hint}")
    return found or name


@contextmanager
def oxigraph_server(workdir: Path, *, read_only: bool = False) -> Iterator[Endpoint]:
    """The Oxigraph server from the `oxigraph` PyPI package."""
    binary = executable("oxigraph", "pip install oxigraph")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    location = workdir / "oxigraph-data"
    if read_only and not location.exists():
        ox.Store(str(location)).flush()  # a read-only server needs an existing (empty) store
    location.mkdir(exist_ok=True)
    mode = "serve-read-only" if read_only else "serve"
    # Default settings, as the README starts it: queries read the default graph `kg load` fills.
    command = [binary, mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"{base}/query?query=ASK%7B%7D", workdir):
        yield Endpoint("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(workdir: Path) -> Iterator[Endpoint]:
    """Virtuoso Open Source from Debian, with a fresh database (user dba, password dba)."""
    binary = executable("virtuoso-t", "apt-get install -y virtuoso-opensource")
    directory = workdir / "virtuoso"
    directory.mkdir(exist_ok=True)
    http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=free_port(), http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    with running(command, f"{base}/sparql?query=ASK%7B%7D", directory, cwd=directory):
        yield Endpoint("virtuoso", f"{base}/sparql", f"{base}/sparql-auth",
                       f"{base}/sparql-graph-crud-auth", user="dba", password="dba")


JENA_JARS = Path("/usr/share/java")
# Shaded xerces resources Debian's jena-core 4.5 keeps under the old package name while its
# classes look them up under `xerces.` (a packaging fault): without them ARQ stops at start-up.
XERCES_RESOURCES = "org/apache/jena/ext/xerces/"


def jena_command(tool: str, workdir: Path) -> list[str]:
    """`java -cp ... TOOL` for Debian's libapache-jena-java (e.g. arq.sparql, riotcmd.riot).

    The class path is every jar in /usr/share/java but the SLF4J bindings (several are
    installed; two of them together stop the JVM), plus the xerces resources moved where the
    classes look for them.
    """
    core = JENA_JARS / "jena-core.jar"
    if not core.exists() or not shutil.which("java"):
        pytest.fail("Jena not found: apt-get install -y libapache-jena-java")
    resources = workdir / "jena-resources"
    if not resources.exists():
        with zipfile.ZipFile(core) as jar:
            for name in jar.namelist():
                if name.startswith(XERCES_RESOURCES) and name.endswith(".properties"):
                    target = resources / "xerces" / name[len(XERCES_RESOURCES):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = [str(jar) for jar in sorted(JENA_JARS.glob("*.jar"))
            if "slf4j" not in jar.name and "log4j12" not in jar.name]
    jars += [str(JENA_JARS / "slf4j-api.jar"), str(JENA_JARS / "slf4j-nop.jar")]
    return ["java", "-cp", ":".join([str(resources), *jars]), tool]


@contextmanager
def kg_serve(store: Path, workdir: Path, *extra: str) -> Iterator[str]:
    """`kg serve` as a real subprocess; yields its base URL."""
    port = free_port()
    command = [kg_executable(), "serve", "--store", str(store),
               "--port", str(port), *extra]
    with running(command, f"http://127.0.0.1:{port}/health", workdir, cwd=ROOT):
        yield f"http://127.0.0.1:{port}"


def official_record_triples() -> str:
    """A stand-in graph while `kg build` does not exist: the official record's votes.

    Follows docs/MODEL.md (vote events, votes, states) so the server tests have real data.
    """
    ox, rdf_type = "https://w3id.org/unkg/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    ident, xsd = "https://w3id.org/unkg/id/", "http://www.w3.org/2001/XMLSchema#"
    lines = []
    for name in ("ga_voting_2025-02-24.csv", "sc_voting_2025-02-24.csv"):
        with (ROOT / "sources/official-record" / name).open(newline="") as rows:
            for row in csv.DictReader(rows):
                slug = symbol_slug(canonical_symbol(row["resolution"]))
                event, state = f"{ident}vote-event/{slug}", f"{ident}state/{row['ms_code']}"
                document = f"{ident}document/{slug}"
                vote = f"{ident}vote/{slug}/{row['ms_code']}"
                option = {"Y": "Yes", "N": "No", "A": "Abstain"}.get(row["ms_vote"], "NonVoting")
                label = row["ms_name"].title().replace('"', "")
                lines += [
                    f"<{state}> <{rdf_type}> <{ox}State> .",
                    f'<{state}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en .',
                    f"<{state}> <{ox}iso3> \"{row['ms_code']}\" .",
                    f"<{event}> <{rdf_type}> <{ox}VoteEvent> .",
                    f"<{event}> <http://purl.org/dc/terms/date> \"{row['date']}\"^^<{xsd}date> .",
                    f"<{event}> <http://www.w3.org/ns/opengov#motion> <{document}> .",
                    f"<{document}> <{ox}symbol> \"{canonical_symbol(row['resolution'])}\" .",
                    f"<{vote}> <{rdf_type}> <{ox}Vote> .",
                    f"<{vote}> <http://www.w3.org/ns/opengov#voteEvent> <{event}> .",
                    f"<{vote}> <http://schema.org/agent> <{state}> .",
                    f"<{vote}> <http://schema.org/option> <{ox}{option}> .",
                ]
    return "".join(f"{line}\n" for line in sorted(set(lines)))


def standin_build(out_dir: Path) -> BuiltGraph:
    """Publish the stand-in graph the way `kg build` publishes a release."""
    release = new_release(out_dir)
    nt = release / "unkg.nt"
    nt.write_text(official_record_triples(), encoding="utf-8")
    load_store([nt], release / STORE)
    publish(out_dir, release, ["unkg.nt", STORE])
    return BuiltGraph(out_dir / "unkg.nt", out_dir / STORE)


@pytest.fixture(scope="session")
def built_graph(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> BuiltGraph:
    """The session's build of the shipped data (conftest's `built`).

    UNKG_TEST_STANDIN=1 swaps in the official-record stand-in, for fast runs while developing.
    """
    if os.environ.get("UNKG_TEST_STANDIN") == "1":
        return standin_build(tmp_path_factory.mktemp("standin"))
    _, out = request.getfixturevalue("built")
    return BuiltGraph(out / "unkg.nt", out / STORE)


@pytest.fixture(scope="session")
def served(built_graph: BuiltGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One read-only `kg serve` over the built store for the whole session, short timeout."""
    with kg_serve(built_graph.store, tmp_path_factory.mktemp("serve"), "--timeout", "3") as url:
        yield url


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def remote_endpoint(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """A fresh, empty, writable SPARQL server of each kind."""
    start = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}[request.param]
    with start(tmp_path_factory.mktemp(request.param)) as endpoint:
        yield endpoint
