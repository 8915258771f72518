"""The kinds of curated fact have one spec (kg/model/kinds.py): the loader's field checks, the
emitters and docs/MODEL.md's table read it. These tests hold the spec to the rest: an emitter
for each kind, a class of the ontology and a shape for what it becomes, a type for each field."""

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.emit.facts import Facts
from kg.errors import CuratorError
from kg.model.kinds import COMMON, FACT_KINDS, FIELD_TYPES
from kg.model.ontology import load_ontology
from kg.pipeline.build import build_graph
from kg.project import shape_files
from tests.conftest import Edit, copy_project

KINDS = sorted(FACT_KINDS)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for resource in shape_files():
        graph.parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    return graph


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_has_its_emitter_class_and_shape(name: str, shapes: Graph) -> None:
    kind = FACT_KINDS[name]
    assert callable(getattr(Facts, kind.emitter, None)), f"{name}: no Facts.{kind.emitter}"
    ontology = load_ontology()
    assert (kind.cls, RDF.type, OWL.Class) in ontology, f"{name}: {kind.cls} is not a class"
    # a shape targets the class or one of its superclasses in the ontology
    classes = set(ontology.transitive_objects(kind.cls, RDFS.subClassOf))
    assert classes & set(shapes.objects(None, SH.targetClass)), f"{name}: no shape for it"
    assert not set(kind.required) & set(kind.optional)


def test_every_field_has_one_type_and_every_type_a_field() -> None:
    used = {field for kind in FACT_KINDS.values() for field in kind.fields} | set(COMMON)
    assert sorted(used - set(FIELD_TYPES)) == []
    assert sorted(set(FIELD_TYPES) - used) == []


def test_the_shipped_facts_use_every_kind_but_organisations_within_organisations() -> None:
    # every kind is exercised by the shipped data, so the spec holds no dead kind
    texts = " ".join(p.read_text(encoding="utf-8")
                     for p in (Path(__file__).parent.parent / "facts").glob("*.yaml"))
    assert [k for k in KINDS if f"kind: {k}\n" not in texts] == []


@pytest.mark.parametrize("field, value, words", [
    ("direct", '"yes"', "direct must be true or false"),          # a boolean
    ("date", "2025-02-24T10:00:00", "has a time of day"),         # a date
    ("speaker", "[person:dmitry-peskov, state:USA]", "speaker must be text, not a list"),
])
def test_the_loader_checks_each_field_by_its_type_in_the_spec(
        field: str, value: str, words: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    line = {"direct": "  direct: true\n", "date": "  date: 2025-02-25\n",
            "speaker": "  speaker: person:dmitry-peskov\n"}[field]
    Edit("facts/statements.yaml", line, f"  {field}: {value}\n")(project)
    with pytest.raises(CuratorError) as refused:
        build_graph(project)
    assert "facts/statements.yaml" in str(refused.value) and words in str(refused.value)
