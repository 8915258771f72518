"""Real servers for the tests: Oxigraph, Virtuoso and `kg serve`, each on a free loopback port.

A pytest plugin (tests/conftest.py has `pytest_plugins = ["tests.servers"]`). Every server runs
as a subprocess in a temporary directory, is waited for until it answers, and is stopped
afterwards, whatever the test did. How each server is started is tests/server_processes.py,
which benchmarks/stores.py shares.
"""

import csv
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.model.iris import canonical_symbol, symbol_slug
from kg.store.embedded import load_store
from kg.store.release import new_release, publish
from tests import server_processes
from tests.conftest import require
from tests.server_processes import Endpoint, free_port, running, wait_until_ready

__all__ = ["BuiltGraph", "Endpoint", "free_port", "jena_command", "kg_executable", "kg_serve",
           "oxigraph_server", "running", "virtuoso_server", "wait_until_ready"]

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
STORE = "store"


@dataclass(frozen=True)
class BuiltGraph:
    """What `kg build` leaves: the N-Triples file and the current embedded store (a link)."""

    nt: Path
    store: Path


def kg_executable() -> str:
    return executable("kg", "pip install -e . into the project's virtualenv")


def executable(name: str, install_hint: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(VENV_BIN))
    require(found is not None, f"{name} not found: {install_hint}")
    return found or name


@contextmanager
def oxigraph_server(workdir: Path, *, read_only: bool = False) -> Iterator[Endpoint]:
    """The Oxigraph server from the `oxigraph` PyPI package (tests/server_processes.py)."""
    binary = executable("oxigraph", "pip install oxigraph")
    with server_processes.oxigraph_server(binary, workdir, read_only=read_only) as endpoint:
        yield endpoint


@contextmanager
def virtuoso_server(workdir: Path) -> Iterator[Endpoint]:
    """Virtuoso Open Source from Debian, with a fresh database (user dba, password dba)."""
    binary = executable("virtuoso-t", "apt-get install -y virtuoso-opensource")
    with server_processes.virtuoso_server(binary, workdir) as virtuoso:
        yield virtuoso.endpoint


def jena_command(tool: str, workdir: Path) -> list[str]:
    """`java -cp ... TOOL` for Debian's libapache-jena-java (tests/server_processes.py)."""
    if not server_processes.jena_available():
        pytest.fail("Jena not found: apt-get install -y libapache-jena-java")
    return server_processes.jena_command(tool, workdir)


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
