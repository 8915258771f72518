"""The published data validated by SHACL engines nobody here wrote, given only the Turtle export
and the shapes: no ontology merged, no inference (issue 17, item 5). The data carries the
standard and project types the shapes ask for by itself (kg/emit/entailment.py), so each engine
gives the project's verdict: no violation, and the warnings `kg build` lists, on the same nodes.

- pyshacl's own command line: `pyshacl -s SHAPES -w unkg.ttl` (-w: warnings do not fail);
- Apache Jena's `shacl validate` (Debian's libapache-jena-java, run as tests/servers.py runs it).

Both read one shapes file: the files of shapes/ joined, nothing added.
"""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.pipeline.build import BuildResult
from tests.servers import jena_command

pytestmark = pytest.mark.slow  # pyshacl runs the SPARQL constraints itself: about a minute

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/unkg/id/"
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")


@pytest.fixture(scope="module")
def shapes_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """shapes/*.ttl as one Turtle file, as both commands take one."""
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    out = tmp_path_factory.mktemp("shapes") / "shapes.ttl"
    shapes.serialize(out, format="turtle")
    return out


def project_verdict(result: BuildResult) -> Counter[tuple[str, str]]:
    """What `kg build` found: its warnings (a build with a violation stops), by severity and
    focus node."""
    return Counter(("Warning", ID + r.focus.removeprefix("id:")) for r in result.warnings)


def their_verdict(report: Graph) -> tuple[bool, Counter[tuple[str, str]]]:
    [conforms] = list(report.objects(None, SH.conforms))
    results = Counter((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                       str(report.value(r, SH.focusNode)))
                      for r in report.subjects(RDF.type, SH.ValidationResult))
    return conforms == Literal(True), results


def data_without_the_ontology(out: Path) -> Path:
    export = out / "unkg.ttl"
    data = Graph().parse(export, format="turtle")
    assert (None, RDF.type, OWL_CLASS) not in data  # no class of the ontology travels with it
    return export


def pyshacl(shapes: Path, data: Path) -> Graph:
    command = [str(Path(sys.executable).parent / "pyshacl"), "-s", str(shapes), "-w",
               "-f", "turtle", str(data)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr  # 0 conforms (-w: warnings allowed), 1 not
    return Graph().parse(data=done.stdout, format="turtle")


def jena_shacl(shapes: Path, data: Path, workdir: Path) -> Graph:
    command = [*jena_command("shacl.shacl", workdir), "validate", "--shapes", str(shapes),
               "--data", str(data)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return Graph().parse(data=done.stdout, format="turtle")


def test_pyshacl_alone_gives_the_projects_verdict(built: tuple[BuildResult, Path],
                                                 shapes_file: Path) -> None:
    result, out = built
    conforms, results = their_verdict(pyshacl(shapes_file, data_without_the_ontology(out)))
    expected = project_verdict(result)
    assert sum(expected.values()) > 100  # the build's warnings: a verdict with something in it
    assert results == expected
    assert conforms  # with -w, warnings alone conform


@pytest.mark.servers  # a Java tool, grouped with the servers as tests/test_jsonld.py does
def test_jena_alone_gives_the_projects_verdict(built: tuple[BuildResult, Path],
                                              shapes_file: Path, tmp_path: Path) -> None:
    result, out = built
    conforms, results = their_verdict(jena_shacl(shapes_file, data_without_the_ontology(out),
                                                 tmp_path))
    assert results == project_verdict(result)
    assert not conforms  # SHACL: any result, a warning too, means sh:conforms false


@pytest.mark.servers
def test_jena_alone_finds_a_violation(built: tuple[BuildResult, Path], shapes_file: Path,
                                      tmp_path: Path) -> None:
    """The same command on a spoiled copy: a count without its number is a violation."""
    _, out = built
    data = Graph().parse(out / "unkg.ttl", format="turtle")
    count = URIRef(ID + "vote-event/A-RES-ES-11-7/count/yes")
    assert (count, RDF.value, None) in data
    data.remove((count, RDF.value, None))
    spoiled = tmp_path / "spoiled.ttl"
    data.serialize(spoiled, format="turtle")
    _, results = their_verdict(jena_shacl(shapes_file, spoiled, tmp_path))
    assert ("Violation", str(count)) in results
