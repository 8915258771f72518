"""`kg export`: a release's whole content, the curated graph and the declared voting history,
in Turtle, N-Triples and N-Quads, written from the N-Triples the history was loaded with."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.export import DATA_GRAPH, FULL_WRITERS, HISTORY_NTRIPLES
from kg.store.release import current_release
from tests.conftest import copy_project, generate
from tests.test_declared import kg

pytestmark = pytest.mark.slow
FORMATS = {"unkg-full.ttl": ox.RdfFormat.TURTLE, "unkg-full.nt": ox.RdfFormat.N_TRIPLES,
           "unkg-full.nq": ox.RdfFormat.N_QUADS}


def store_triples(store: Path) -> set[ox.Triple]:
    return {q.triple for q in ox.Store.read_only(str(store.resolve()))}


def file_triples(path: Path, format: ox.RdfFormat | None = None) -> set[ox.Triple]:
    parsed = ox.parse(path=str(path), format=format or FORMATS[path.name])
    return {q if isinstance(q, ox.Triple) else q.triple for q in parsed}


def as_stored(triples: set[ox.Triple]) -> set[ox.Triple]:
    """The triples as Oxigraph's store keeps them (it writes xsd:nonNegativeInteger as
    xsd:integer, for one)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {q.triple for q in store}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("export") / "project")
    history = generate(tmp_path_factory.mktemp("history"))
    kg(project, "import-undl", history / "ga_voting.csv", history / "sc_voting.csv")
    return project


def test_every_syntax_holds_exactly_the_release(project: Path, tmp_path: Path) -> None:
    kg(project, "export", "--to", tmp_path)
    release = current_release(project / "build")
    assert release is not None
    curated = file_triples(release / "unkg.nt", ox.RdfFormat.N_TRIPLES)
    history = file_triples(release / HISTORY_NTRIPLES, ox.RdfFormat.N_TRIPLES)
    assert len(history) > 2 * len(curated)
    data = curated | history
    quads = list(ox.parse(path=str(tmp_path / "unkg-full.nq"), format=ox.RdfFormat.N_QUADS))
    in_data_graph = {q.triple for q in quads if q.graph_name == ox.NamedNode(str(DATA_GRAPH))}
    ontology = {q.triple for q in quads if q.graph_name != ox.NamedNode(str(DATA_GRAPH))}
    assert in_data_graph == data and ontology
    for name in FULL_WRITERS:
        assert file_triples(tmp_path / name) == (data | ontology if name.endswith(".nq")
                                                 else data), name
    # ... and that is what the release's store holds: the import loaded these very triples.
    assert as_stored(data | ontology) == store_triples(project / "build" / "store")


def test_exports_are_byte_identical_and_replace_nothing_published(project: Path,
                                                                   tmp_path: Path) -> None:
    release = current_release(project / "build")
    assert release is not None
    before = {p.name: p.read_bytes() for p in release.iterdir() if p.is_file()}
    kg(project, "export", "--to", tmp_path / "a")
    kg(project, "export", "--to", tmp_path / "b", "--format", "nquads", "--format", "turtle")
    for name in ("unkg-full.ttl", "unkg-full.nq"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert not (tmp_path / "b" / "unkg-full.nt").exists()
    assert {p.name: p.read_bytes() for p in release.iterdir() if p.is_file()} == before
    assert not list((tmp_path / "a").glob(".*partial*"))


def test_without_a_release_it_says_what_to_do(tmp_path: Path) -> None:
    done = kg(tmp_path, "export", check=False)
    assert done.returncode == 2
    assert "no published release; run `kg build` first" in done.stderr
    assert "Traceback" not in done.stderr
