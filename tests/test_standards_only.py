"""A reader who knows only the standards reads the Turtle export alone: no unkg: term in the
query, no ontology, no inference.

Each answer is checked against what nobody here wrote: the UN Digital Library's voting file and
the articles' own characters. The closure checks make sure the build wrote every superclass
and superproperty the ontology declares (kg/emit/entailment.py), not just some.
"""

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.emit.entailment import Entailment
from kg.model.namespaces import UNKG
from kg.model.ontology import load_ontology
from kg.pipeline.build import BuildResult

ROOT = Path(__file__).resolve().parent.parent
GA_VOTES = ROOT / "sources" / "official-record" / "ga_voting_2025-02-24.csv"
PREFIXES = """
PREFIX opengov: <http://www.w3.org/ns/opengov#>
PREFIX schema: <http://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

STATE_VOTES = PREFIXES + """
SELECT ?code ?name ?notation ?option WHERE {
  ?motion a opengov:Motion ; dcterms:identifier "A/RES/ES-11/7" .
  ?event a opengov:VoteEvent ; opengov:motion ?motion .
  ?vote a opengov:Vote ; opengov:voteEvent ?event ; schema:agent ?state ; schema:option ?o .
  ?state a schema:Country ; dcterms:identifier ?code ; rdfs:label ?name .
  ?o skos:notation ?notation ; rdfs:label ?option .
}
"""

TALLY = PREFIXES + """
SELECT ?class ?n WHERE {
  ?motion a opengov:Motion ; dcterms:identifier "A/RES/ES-11/7" .
  ?event a opengov:VoteEvent ; opengov:motion ?motion ; opengov:count ?count .
  ?count a opengov:Count , ?class ; rdf:value ?n .
  FILTER (?class != opengov:Count)
}
"""

# Peskov's "balanced position" remark as The Moscow Times gives it: who said it, the words,
# and where in which article they stand.
STATEMENT_WORDS = PREFIXES + """
SELECT ?speaker ?text ?article ?exact ?start ?end WHERE {
  ?statement a schema:Quotation ; schema:creator ?person ; schema:text ?text .
  FILTER (CONTAINS(?text, "balanced position"))
  ?person a schema:Person ; rdfs:label ?speaker .
  ?annotation a oa:Annotation ; oa:hasBody ?statement ; oa:hasTarget ?target .
  ?target oa:hasSource ?article ; oa:hasSelector ?quote , ?position .
  ?article a schema:NewsArticle .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
}
"""


@pytest.fixture(scope="module")
def turtle_export(built: tuple[BuildResult, Path]) -> ox.Store:
    """The Turtle export, alone, in a fresh store: no ontology, no inference."""
    _, out = built
    store = ox.Store()
    store.load(path=str(out / "unkg.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    assert "unkg" not in query.lower(), "a standards-only query names no project term"
    result = store.query(query)
    names = [variable.value for variable in result.variables]
    return [{name: row[name].value for name in names} for row in result]


def official_votes() -> dict[str, str]:
    with GA_VOTES.open(newline="", encoding="utf-8") as rows:
        return {row["ms_code"]: row["ms_vote"] or "X" for row in csv.DictReader(rows)
                if row["resolution"] == "A/RES/ES-11/7"}


def test_each_states_vote_on_es_11_7(turtle_export: ox.Store) -> None:
    rows = select(turtle_export, STATE_VOTES)
    by_state = {row["code"]: row["notation"] for row in rows}
    assert len(rows) == len(by_state) == 193  # one ballot per Member State, no duplicates
    assert by_state == official_votes()
    usa = next(row for row in rows if row["code"] == "USA")
    assert (usa["name"], usa["option"]) == ("United States", "no")


def test_the_tally_of_es_11_7(turtle_export: ox.Store) -> None:
    tally = {row["class"].rsplit("#", 1)[1]: int(row["n"])
             for row in select(turtle_export, TALLY)}
    with GA_VOTES.open(newline="", encoding="utf-8") as rows:
        first = next(row for row in csv.DictReader(rows) if row["resolution"] == "A/RES/ES-11/7")
    assert tally == {"YesCount": int(first["total_yes"]), "NoCount": int(first["total_no"]),
                     "AbstainCount": int(first["total_abstentions"]),
                     "AbsentCount": int(first["total_non_voting"])}
    ballots = list(official_votes().values())
    assert tally["YesCount"] == ballots.count("Y") and tally["NoCount"] == ballots.count("N")


def test_the_words_and_offsets_behind_a_statement(turtle_export: ox.Store,
                                                  built: tuple[BuildResult, Path]) -> None:
    result, _ = built
    rows = select(turtle_export, STATEMENT_WORDS)
    assert rows, "no statement with its words found by standard terms alone"
    for row in rows:
        assert row["speaker"] == "Dmitry Peskov"
        # the article's own file, found through the project's record of it
        local = result.graph.value(URIRef(row["article"]), UNKG.localFile)
        text = (ROOT / str(local)).read_text(encoding="utf-8")
        assert text[int(row["start"]):int(row["end"])] == row["exact"]
    assert {row["article"].rsplit("/", 1)[1] for row in rows} >= {"moscow-times-2025-02-25"}


def test_the_export_holds_every_declared_superclass_and_superproperty(
        built: tuple[BuildResult, Path]) -> None:
    _, out = built
    data = Graph().parse(out / "unkg.nt", format="nt")
    entailment = Entailment.of(load_ontology())
    missing = [added for triple in data for added in entailment.entailed(triple)
               if added not in data]
    assert missing == []
    assert entailment.superclasses and entailment.superproperties  # the check checks something


def test_a_stream_gets_what_a_graph_gets() -> None:
    ontology = load_ontology()
    sample = """\
<https://w3id.org/unkg/id/vote-event/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
<https://w3id.org/unkg/ontology#VoteEvent> .
<https://w3id.org/unkg/id/doc/x> <https://w3id.org/unkg/ontology#symbol> "A/RES/1" .
<https://w3id.org/unkg/id/vote/x> <http://schema.org/option> \
<https://w3id.org/unkg/ontology#No> .
<https://w3id.org/unkg/id/vote/y> <http://schema.org/option> \
<https://w3id.org/unkg/ontology#No> .
"""
    entailment = Entailment.of(ontology)
    graph = Graph().parse(data=sample, format="nt")
    added = entailment.add_to(graph)
    streamed = Graph().parse(data=sample, format="nt")
    lines = list(entailment.ntriples(sample.splitlines(keepends=True)))
    streamed.parse(data="".join(lines), format="nt")
    assert set(streamed) == set(graph) and len(lines) == added  # nothing twice, nothing missed
    event = URIRef("https://w3id.org/unkg/id/vote-event/x")
    for standard in ("http://www.w3.org/ns/opengov#VoteEvent", "http://schema.org/Event"):
        assert (event, RDF.type, URIRef(standard)) in graph
    assert (URIRef("https://w3id.org/unkg/id/doc/x"),
            URIRef("http://purl.org/dc/terms/identifier"), None) in graph
    assert {str(o) for o in graph.objects(UNKG.No, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label"))} == {"no"}


def test_the_readme_example_answers_as_the_un_file(turtle_export: ox.Store) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = readme.split("```sparql\n", 1)[1].split("```", 1)[0]
    ontology = load_ontology()
    label_of_code = {str(code): str(ontology.value(concept, SKOS.prefLabel))
                     for concept, code in ontology.subject_objects(SKOS.notation)
                     if (concept, SKOS.inScheme, UNKG.VoteOptions) in ontology}
    rows = select(turtle_export, query)
    assert len(rows) == 193
    assert {row["code"]: row["option"] for row in rows} == {
        code: label_of_code[vote] for code, vote in official_votes().items()}
