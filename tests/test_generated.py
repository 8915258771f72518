"""What is generated from the ontology stays generated: the shipped JSON-LD context and
docs/MODEL.md's term tables equal a fresh generation (`python -m kg.model.generate`), so a
term added to the ontology cannot be missing from the export's context or the documentation."""

import json
import subprocess
import sys

from rdflib.namespace import OWL, RDF

from kg.model.context import render_context, standard_terms
from kg.model.namespaces import UNKG, curie
from kg.model.ontology import load_ontology
from kg.model.tables import BEGIN, END, model_tables, with_tables
from kg.project import MODEL_PAGE, context_file


def test_the_shipped_context_is_the_generated_one() -> None:
    assert context_file().read_text(encoding="utf-8") == render_context(), (
        "ontology/context.jsonld is stale: run python -m kg.model.generate")


def test_model_md_tables_are_the_generated_ones() -> None:
    page = MODEL_PAGE.read_text(encoding="utf-8")
    assert page.count(BEGIN) == 1 and page.count(END) == 1
    assert page == with_tables(page), "docs/MODEL.md is stale: run python -m kg.model.generate"


def test_every_ontology_term_has_a_context_term_and_a_table_row() -> None:
    ontology = load_ontology()
    context = json.loads(render_context())["@context"]
    tables = model_tables()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind)
             if s.startswith(str(UNKG))}
    assert len(terms) > 70
    for term in terms:
        name = str(term).removeprefix(str(UNKG))
        definition = context[name]
        assert (definition if isinstance(definition, str) else definition["@id"]) == f"unkg:{name}"
        assert f"| `{curie(str(term))}` |" in tables, term


def test_standard_terms_never_shadow_an_ontology_term() -> None:
    # a standard term named like a unkg term would make the generator refuse (two entries)
    local = {str(s).removeprefix(str(UNKG)) for s in load_ontology().subjects()
             if str(s).startswith(str(UNKG))}
    terms = {term for entries in standard_terms().values() for term, _ in entries}
    assert len(terms) > 50
    assert sorted(terms & local) == []


def test_the_generator_checks_without_writing() -> None:
    done = subprocess.run([sys.executable, "-m", "kg.model.generate", "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
