"""The build of the shipped data: evidence, official record, claims, exports, determinism."""

import csv
import filecmp
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.model.namespaces import DCTERMS, OA, OPENGOV, PROV, RDF, SCHEMA, UNKG
from kg.pipeline.build import BuildResult
from kg.store.export import EXPORTS

FACT_CLASSES = (UNKG.Resolution, UNKG.Amendment, UNKG.VoteEvent, UNKG.Vote, UNKG.Claim,
                UNKG.Statement, UNKG.Event, UNKG.VotingRule)
OFFICIAL = Path("sources/official-record")
# Popolo's count classes and the vote options they count (non-voting: opengov:AbsentCount).
POPOLO_COUNTS = {OPENGOV.YesCount: UNKG.Yes, OPENGOV.NoCount: UNKG.No,
                 OPENGOV.AbstainCount: UNKG.Abstain, OPENGOV.AbsentCount: UNKG.NonVoting}


def _text(root: Path, graph: Graph, source: URIRef) -> str:
    with (root / str(graph.value(source, UNKG.localFile))).open(encoding="utf-8",
                                                               newline="") as handle:
        return handle.read()


def test_every_quote_occurs_verbatim_at_its_offsets(built: tuple[BuildResult, Path],
                                                    root: Path) -> None:
    graph = built[0].graph
    checked = 0
    for target in graph.subjects(RDF.type, OA.SpecificResource):
        selectors = list(graph.objects(target, OA.hasSelector))
        quote = next((s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph), None)
        if quote is None:
            continue
        position = next((s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph),
                        None)
        if position is None:  # a cited web page's words: the page is not kept, no offsets
            assert (graph.value(target, OA.hasSource), RDF.type, UNKG.WebReference) in graph
            continue
        text = _text(root, graph, graph.value(target, OA.hasSource))
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        exact = str(graph.value(quote, OA.exact))
        assert text[start:end] == exact, target
        assert text[:start].endswith(str(graph.value(quote, OA.prefix)))
        assert text[end:].startswith(str(graph.value(quote, OA.suffix)))
        checked += 1
    assert checked > 100  # every curated record quotes at least once


def test_every_fact_node_links_to_evidence_of_its_source(built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    for cls in FACT_CLASSES:
        nodes = set(graph.subjects(RDF.type, cls))
        assert nodes, cls
        for node in nodes:
            evidence = list(graph.objects(node, UNKG.evidence))
            assert evidence, f"{node} has no evidence"
            for item in evidence:
                assert (item, OA.hasBody, node) in graph
                source = graph.value(graph.value(item, OA.hasTarget), OA.hasSource)
                assert (node, PROV.wasDerivedFrom, source) in graph


def test_all_official_ballots_are_in_the_graph_with_their_row(built: tuple[BuildResult, Path],
                                                               root: Path) -> None:
    graph = built[0].graph
    for name in ("ga_voting_2025-02-24.csv", "sc_voting_2025-02-24.csv"):
        with (root / OFFICIAL / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row_number, row in enumerate(rows, start=2):
            slug = row["resolution"].replace("(", " ").replace(")", "").replace("/", "-")
            vote = URIRef(f"https://w3id.org/unkg/id/vote/{'-'.join(slug.split())}/"
                          f"{row['ms_code']}")
            option = graph.value(vote, SCHEMA.option)
            assert option is not None, vote
            assert str(option).endswith({"Y": "#Yes", "N": "#No", "A": "#Abstain",
                                         "X": "#NonVoting"}[row["ms_vote"]])
            assert (vote, UNKG.curatedIn, Literal(f"{OFFICIAL.as_posix()}/{name}"
                                                   f"#row={row_number}")) in graph
    per_event = Counter(graph.value(v, OPENGOV.voteEvent)
                        for v in graph.subjects(RDF.type, UNKG.Vote))
    assert sorted(per_event.values()) == [15, 193, 193]


def test_official_tallies_equal_the_counted_ballots(built: tuple[BuildResult, Path]) -> None:
    graph = built[0].graph
    checked = 0
    for event in graph.subjects(UNKG.rollCallComplete, Literal(True)):
        ballots = Counter(graph.value(v, SCHEMA.option)
                          for v in graph.subjects(OPENGOV.voteEvent, event))
        for count in graph.objects(event, OPENGOV["count"]):
            # Popolo names the option a count counts by its class
            [option] = [o for c, o in POPOLO_COUNTS.items() if (count, RDF.type, c) in graph]
            assert int(graph.value(count, RDF.value)) == ballots[option], count
            checked += 1
    assert checked == 12  # three resolutions, four options each


def test_claims_are_reported_not_asserted(built: tuple[BuildResult, Path]) -> None:
    """Article 001 puts the votes on Tuesday: the claim is kept, the record's date unchanged."""
    graph = built[0].graph
    claims = list(graph.subjects(RDF.type, UNKG.Claim))
    assert claims
    tuesday = [c for c in claims if graph.value(c, RDF.predicate) == DCTERMS.date
               and str(graph.value(c, RDF.object)) == "2025-02-25"]
    assert tuesday, "the 'on Tuesday' claim of article 001 is missing"
    for claim in tuesday:
        subject = graph.value(claim, RDF.subject)
        assert [str(d) for d in graph.objects(subject, DCTERMS.date)] == ["2025-02-24"]


def test_no_blank_nodes(built: tuple[BuildResult, Path]) -> None:
    assert not any(isinstance(term, BNode) for triple in built[0].graph for term in triple)


def _oxigraph_triples(path: Path) -> set[str]:
    return {str(quad.triple) for quad in ox.parse(path=str(path))}


@pytest.mark.parametrize("name", ["unkg.ttl", "unkg.jsonld"])
def test_exports_parse_with_a_second_parser_to_the_same_graph(
        built: tuple[BuildResult, Path], name: str) -> None:
    """rdflib wrote them; pyoxigraph reads them back to exactly the N-Triples export's triples."""
    out = built[1]
    assert _oxigraph_triples(out / name) == _oxigraph_triples(out / "unkg.nt")
    assert len(_oxigraph_triples(out / "unkg.nt")) == len(built[0].graph)


def test_trig_and_nquads_carry_data_and_ontology_graphs(built: tuple[BuildResult, Path]) -> None:
    out = built[1]
    trig = {(str(q.triple), str(q.graph_name)) for q in ox.parse(path=str(out / "unkg.trig"))}
    nquads = {(str(q.triple), str(q.graph_name)) for q in ox.parse(path=str(out / "unkg.nq"))}
    assert trig == nquads
    assert {g for _, g in trig} == {"<https://w3id.org/unkg/graph/data>",
                                    "<https://w3id.org/unkg/graph/ontology>"}


def test_the_store_holds_data_and_ontology(built: tuple[BuildResult, Path]) -> None:
    result, out = built
    store = ox.Store.read_only(str((out / "store").resolve()))
    [row] = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    # a union: the data repeats the ontology's description of the code-list values it names
    assert int(row["n"].value) == len(result.graph + result.ontology)


def test_two_builds_are_byte_identical(built, root: Path, tmp_path: Path) -> None:
    """The session's build and one in a process of its own with another hash seed (this
    process's is random), so no ordering can leak from hashing."""
    assert sys.flags.hash_randomization and os.environ.get("PYTHONHASHSEED") in (None, "random")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "kg", "build", "--project", str(root), "--out",
                    str(out)], check=True, env={**os.environ, "PYTHONHASHSEED": "1"},
                   capture_output=True)
    outs = [built[1], out]
    match, mismatch, errors = filecmp.cmpfiles(outs[0], outs[1], EXPORTS, shallow=False)
    assert sorted(match) == sorted(EXPORTS), (mismatch, errors)
