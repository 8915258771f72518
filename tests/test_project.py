"""Where things are (kg/project.py): packaged resources, a project's own shapes and queries, and
an error, never a silent pass, when a resource is missing."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import project
from kg.errors import CuratorError
from kg.query.catalogue import catalogue
from kg.validate.report import shapes_graph, validate

BAD = """@prefix unkg: <https://w3id.org/unkg/ontology#> .
<https://w3id.org/unkg/id/state/XXX> a unkg:State ."""


@pytest.fixture
def no_resources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(project, "RESOURCES", tmp_path / "resources")
    shapes_graph.cache_clear()
    yield tmp_path
    shapes_graph.cache_clear()


def test_missing_shapes_are_an_error_not_a_pass(no_resources: Path) -> None:
    with pytest.raises(CuratorError, match="no SHACL shapes"):
        validate(Graph().parse(data=BAD, format="turtle"))


def test_missing_ontology_and_queries_are_errors(no_resources: Path) -> None:
    with pytest.raises(CuratorError, match="the ontology is missing"):
        project.ontology_file()
    with pytest.raises(CuratorError, match="no saved queries"):
        project.query_files()


def test_the_command_says_so_and_exits_2(no_resources: Path) -> None:
    from kg.cli import cli

    bad = no_resources / "bad.ttl"
    bad.write_text(BAD)
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2, result.output
    assert "reinstall unkg" in result.output and "conforms" not in result.output.lower()


def test_a_project_adds_its_own_shapes_and_queries(tmp_path: Path) -> None:
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "zz-local.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix unkg: <https://w3id.org/unkg/ontology#> .\n"
        "<urn:local:NoState> a sh:NodeShape ; sh:targetClass unkg:State ;\n"
        "  sh:property [ sh:path unkg:localNote ; sh:minCount 1 ;"
        " sh:message \"local rule: every state needs a note\" ] .\n")
    (tmp_path / "queries" / "local").mkdir(parents=True)
    (tmp_path / "queries" / "local" / "my-question.rq").write_text(
        "# title: mine\n# question: a project's own saved query\nSELECT * WHERE { ?s ?p ?o }\n")
    packaged = len(project.shape_files())
    assert len(project.shape_files(tmp_path)) == packaged + 1
    assert "my-question" in catalogue(tmp_path) and "my-question" not in catalogue()
    report = validate(Graph().parse(data=BAD, format="turtle"), project=tmp_path)
    assert any("local rule" in r.message for r in report.results)


def test_a_project_file_replaces_the_packaged_one_of_the_same_name(tmp_path: Path) -> None:
    name = project.shape_files()[0].name
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / name).write_text("# emptied on purpose\n")
    assert len(project.shape_files(tmp_path)) == len(project.shape_files())
    assert Path(str(project.shape_files(tmp_path)[0])).parent == (tmp_path / "shapes").resolve()
