"""The voting history imported by `kg import-undl` read by a client that knows only the standards:
no unkg: term in the query, no ontology in the store, no inference. The import's stream carries
the standard types and properties the ontology entails (kg.emit.entailment), as the build's
exports do; every ballot is checked against the generated voting files themselves.
"""

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.test_standards_only import PREFIXES

BALLOTS = PREFIXES + """
SELECT ?symbol ?code ?notation ?organizer WHERE {
  ?vote a opengov:Vote ; opengov:voteEvent ?event ; schema:agent ?state ; schema:option ?option .
  ?event a opengov:VoteEvent , schema:Event ; opengov:motion ?motion ; schema:organizer ?body .
  ?motion a opengov:Motion ; rdfs:label ?symbol ; schema:publisher ?body .
  ?body rdfs:label ?organizer .
  ?state a schema:Country ; dcterms:identifier ?code .
  ?option skos:notation ?notation ; rdfs:label ?word .
}
"""
ORGANS = {"ga_voting.csv": "United Nations General Assembly",
          "sc_voting.csv": "United Nations Security Council"}


@pytest.fixture(scope="module")
def history(generated_history: tuple[Path, ox.Store]) -> tuple[Path, ox.Store]:
    """A generated history (benchmarks/make_history.py), imported as `kg import-undl` does."""
    return generated_history


def symbol(resolution: str) -> str:
    """The UN's spelling of a symbol, as the graph holds it: the Council's files write
    "S/RES/1(1946)", the UN "S/RES/1 (1946)"."""
    return re.sub(r"(?<=\S)\((\d{4})\)$", r" (\1)", resolution)


def recorded_ballots(folder: Path) -> list[tuple[str, str, str, str]]:
    """Every ballot of the files: (resolution, state code, vote code, organ)."""
    ballots = []
    for name, organ in ORGANS.items():
        with (folder / name).open(encoding="utf-8-sig", newline="") as rows:
            ballots += [(symbol(row["resolution"]), row["ms_code"], row["ms_vote"], organ)
                        for row in csv.DictReader(rows) if row["modality"] != "Without Vote"]
    return ballots


def test_a_standards_only_query_finds_every_imported_ballot(
        history: tuple[Path, ox.Store]) -> None:
    folder, store = history
    assert "unkg" not in BALLOTS.lower()
    found = sorted((row["symbol"].value, row["code"].value, row["notation"].value,
                    row["organizer"].value) for row in store.query(BALLOTS))
    expected = sorted(recorded_ballots(folder))
    assert len(expected) > 1000 and {vote for _, _, vote, _ in expected} == {"Y", "N", "A", "X"}
    assert found == expected  # each ballot once: one identifier, label and notation each


def test_the_tally_reads_by_popolos_count_classes(history: tuple[Path, ox.Store]) -> None:
    """A count's option is its class (Popolo); an opengov:Count of each event, with its value."""
    folder, store = history
    rows = store.query("""
        PREFIX opengov: <http://www.w3.org/ns/opengov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?symbol ?class ?n WHERE {
          ?event a opengov:VoteEvent ; opengov:motion/rdfs:label ?symbol ; opengov:count ?count .
          ?count a opengov:Count , ?class ; rdf:value ?n .
          FILTER (?class != opengov:Count)
        }""")
    tallies = {(row["symbol"].value, row["class"].value.rsplit("#", 1)[1]): int(row["n"].value)
               for row in rows}
    columns = {"YesCount": "total_yes", "NoCount": "total_no", "AbstainCount": "total_abstentions",
               "AbsentCount": "total_non_voting"}
    expected = {}
    for name in ORGANS:
        with (folder / name).open(encoding="utf-8-sig", newline="") as lines:
            for row in csv.DictReader(lines):
                for cls, column in columns.items():
                    if row["modality"] != "Without Vote" and row[column]:
                        expected[(symbol(row["resolution"]), cls)] = int(float(row[column]))
    assert expected and tallies == expected
