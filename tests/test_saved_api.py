"""The JSON API of saved questions on a real `kg serve`: answers in every SPARQL results format
(the same writer as `kg query`), as downloads, and the query with its values written in."""

import subprocess

import requests

from tests.servers import BuiltGraph, kg_executable


def test_csv_of_a_saved_question_is_what_kg_query_writes(served: str, built_graph: BuiltGraph):
    response = requests.get(f"{served}/api/queries/state-votes",
                            params={"state": "Hungary", "format": "csv"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="state-votes.csv"'
    written = subprocess.run([kg_executable(), "query", "state-votes", "--param", "state=Hungary",
                              "--format", "csv", "--store", str(built_graph.store)],
                             capture_output=True, check=True)
    assert response.content == written.stdout


def test_json_stays_the_default_and_other_formats_are_refused(served: str):
    plain = requests.get(f"{served}/api/queries/state-votes", timeout=30)
    assert plain.headers["Content-Type"].startswith("application/sparql-results+json")
    assert "Content-Disposition" not in plain.headers
    asked = requests.get(f"{served}/api/queries/state-votes", params={"format": "json"},
                         timeout=30)
    assert asked.json() == plain.json()
    refused = requests.get(f"{served}/api/queries/state-votes", params={"format": "pdf"},
                           timeout=30)
    assert refused.status_code == 400 and "csv" in refused.text


def test_the_query_with_its_values_written_in(served: str):
    response = requests.get(f"{served}/api/queries/votes-on-resolution",
                            params={"option": "against", "format": "sparql"}, timeout=30)
    assert response.status_code == 200
    text = response.text
    assert "<https://w3id.org/unkg/ontology#No>" in text
    assert "<https://w3id.org/unkg/id/vote-event/A-RES-ES-11-7>" in text  # the default
    answer = requests.post(f"{served}/sparql", data={"query": text}, timeout=30,
                           headers={"Accept": "application/sparql-results+json"})
    assert len(answer.json()["results"]["bindings"]) == 18  # the 18 against, as the record
    unknown = requests.get(f"{served}/api/queries/votes-on-resolution",
                           params={"state": "x", "format": "sparql"}, timeout=30)
    assert unknown.status_code == 400


def test_the_projects_prefixes(served: str):
    declared = requests.get(f"{served}/api/prefixes", timeout=30).json()
    assert declared["unkg"] == "https://w3id.org/unkg/ontology#"
    assert declared["id"] == "https://w3id.org/unkg/id/"
