"""Starting real SPARQL servers as subprocesses: one piece of code for the tests and benchmarks.

tests/servers.py (the pytest plugin) and benchmarks/stores.py both start the Oxigraph server,
Virtuoso and Jena's commands through these functions. Nothing here imports pytest: finding a
tool is the caller's business (the tests skip or fail, the benchmark says what is missing), so
each starter takes the executable it runs.
"""

import shutil
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Endpoint:
    """A running SPARQL server: where to query, where to update, where to PUT graphs."""

    name: str
    query: str
    update: str
    gsp: str
    user: str | None = None
    password: str | None = None
    pid: int | None = None  # the server's process, for its CPU time and memory

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


def oxigraph_location(workdir: Path) -> Path:
    """Where oxigraph_server keeps its store (`oxigraph load --location` may fill it first)."""
    return workdir / "oxigraph-data"


@contextmanager
def oxigraph_server(binary: str, workdir: Path, *, read_only: bool = False) -> Iterator[Endpoint]:
    """The Oxigraph server from the `oxigraph` PyPI package."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    location = oxigraph_location(workdir)
    if read_only and not location.exists():
        ox.Store(str(location)).flush()  # a read-only server needs an existing (empty) store
    location.mkdir(exist_ok=True)
    mode = "serve-read-only" if read_only else "serve"
    # Default settings, as the README starts it: queries read the default graph `kg load` fills.
    command = [binary, mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"{base}/query?query=ASK%7B%7D", workdir) as process:
        yield Endpoint("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store",
                       pid=process.pid)


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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
DirsAllowed = {dirs_allowed}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint and the SQL port isql connects to (dba/dba)."""

    endpoint: Endpoint
    sql_port: int


@contextmanager
def virtuoso_server(binary: str, workdir: Path, *, buffers: int = 10000,
                    load_from: Path | None = None) -> Iterator[Virtuoso]:
    """Virtuoso Open Source from Debian, with a fresh database (user dba, password dba).

    `buffers` is NumberOfBuffers (8 KB pages of cache: Virtuoso's guide gives 170,000 per
    2 GB of RAM for a big load); `load_from` is a folder the bulk loader (ld_dir) may read.
    """
    directory = workdir / "virtuoso"
    directory.mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    allowed = ", ".join([".", *([str(load_from)] if load_from else [])])
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty_buffers=buffers * 3 // 4,
                                       dirs_allowed=allowed))
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    with running(command, f"{base}/sparql?query=ASK%7B%7D", directory, cwd=directory) as process:
        yield Virtuoso(Endpoint("virtuoso", f"{base}/sparql", f"{base}/sparql-auth",
                                f"{base}/sparql-graph-crud-auth", user="dba", password="dba",
                                pid=process.pid), sql_port)


JENA_JARS = Path("/usr/share/java")
# Shaded xerces resources Debian's jena-core 4.5 keeps under the old package name while its
# classes look them up under `xerces.` (a packaging fault): without them ARQ stops at start-up.
XERCES_RESOURCES = "org/apache/jena/ext/xerces/"


def jena_available() -> bool:
    return (JENA_JARS / "jena-core.jar").exists() and shutil.which("java") is not None


def jena_command(tool: str, workdir: Path) -> list[str]:
    """`java -cp ... TOOL` for Debian's libapache-jena-java (e.g. arq.sparql, riotcmd.riot).

    The class path is every jar in /usr/share/java but the SLF4J bindings (several are
    installed; two of them together stop the JVM), plus the xerces resources moved where the
    classes look for them. The caller checks jena_available() first.
    """
    resources = workdir / "jena-resources"
    if not resources.exists():
        with zipfile.ZipFile(JENA_JARS / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(XERCES_RESOURCES) and name.endswith(".properties"):
                    target = resources / "xerces" / name[len(XERCES_RESOURCES):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = [str(jar) for jar in sorted(JENA_JARS.glob("*.jar"))
            if "slf4j" not in jar.name and "log4j12" not in jar.name]
    jars += [str(JENA_JARS / "slf4j-api.jar"), str(JENA_JARS / "slf4j-nop.jar")]
    return ["java", "-cp", ":".join([str(resources), *jars]), tool]
