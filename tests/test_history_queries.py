"""Saved queries and look-ups rewritten for a release holding the whole voting history give the
answers of their plain forms, on a small generated history (benchmarks/make_history.py).

The plain forms are kept here as they were before the rewrite: what each question means, read
straight; the saved queries are the forms that stay fast at the real size (benchmarks/query_cli.py).
"""

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.analysis.votes import vote_events, vote_matrix
from kg.query.catalogue import EmbeddedBackend, Resolver, bind_params, saved_query
from kg.query.names import Names

# council-permanent-members before: each permanent member's ballot read from the ballot itself.
COUNCIL_PLAIN = """
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX unkg: <https://w3id.org/unkg/ontology#>
PREFIX opengov: <http://www.w3.org/ns/opengov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?vote_event ?vote_eventLabel ?result ?iso3 ?state ?stateLabel ?option ?vetoed WHERE {
  ?vote_event a unkg:VoteEvent ;
              unkg:body <https://w3id.org/unkg/id/org/un-security-council> .
  ?seat org:organization <https://w3id.org/unkg/id/org/un-security-council> ;
        org:role unkg:PermanentMember ;
        org:member ?state .
  ?state unkg:iso3 ?iso3 .
  OPTIONAL { ?vote opengov:voteEvent ?vote_event ; schema:agent ?state ; schema:option ?option }
  OPTIONAL { ?vote_event opengov:result ?result }
  BIND (xsd:boolean(EXISTS { ?vote_event unkg:vetoedBy ?state }) AS ?vetoed)
  OPTIONAL { ?vote_event rdfs:label ?vote_eventLabel }
  OPTIONAL { ?state rdfs:label ?stateLabel }
}
ORDER BY ?vote_event ?iso3
"""


@pytest.fixture(scope="module")
def backend(generated_history: tuple[Path, ox.Store]) -> EmbeddedBackend:
    return EmbeddedBackend(generated_history[0] / "store")


def rows(result: ox.QuerySolutions) -> list[tuple[str, ...]]:
    variables = [v.value for v in result.variables]
    return [tuple("" if row[v] is None else str(row[v]) for v in variables) for row in result]


def test_council_permanent_members_answers_as_its_plain_form(backend: EmbeddedBackend) -> None:
    saved = saved_query("council-permanent-members")
    plain = rows(backend.select(COUNCIL_PLAIN, {}))  # type: ignore[arg-type]
    fast = rows(backend.select(saved.text, {}))  # type: ignore[arg-type]
    options = {row[6] for row in plain}
    assert len(plain) > 300 and {"", f"<{'https://w3id.org/unkg/ontology#'}Yes>"} <= options
    assert fast == plain  # the same rows, in the same order
    one = plain[0][0]
    given = {"vote_event": ox.NamedNode(one[1:-1])}
    assert rows(backend.select(saved.text, given)) == rows(  # type: ignore[arg-type]
        backend.select(COUNCIL_PLAIN, given))


def test_a_vote_event_named_as_the_graph_writes_it_needs_no_index(
        backend: EmbeddedBackend) -> None:
    """A symbol, prefixed name or IRI is found by one look-up, as the index finds it."""
    events = vote_events(backend.store)
    for event in (events[0], events[len(events) // 2], events[-1]):
        for typed in (event.label, event.iri, f"doc:{event.label}"):
            direct = Names(backend)
            match = direct.resolve("vote-event", typed, "vote_event")
            assert match.node == ox.NamedNode(event.iri)
            assert not direct._indexes  # no index was built
            indexed = Names(backend)
            assert indexed._exact(indexed._index("vote-event"), typed) == {match.node}


def test_a_name_written_otherwise_still_falls_back_to_the_index(
        backend: EmbeddedBackend) -> None:
    names = Names(backend)
    assert str(names.resolve("state", "united states", "state").node).endswith("/state/USA>")
    assert "state" in names._indexes
    resolver = Resolver(backend)
    bindings = bind_params(saved_query("votes-on-resolution"), {}, resolver)
    assert not resolver.names._indexes and set(bindings) == {"vote_event"}


def test_one_vote_event_and_its_roll_call_by_direct_look_up(backend: EmbeddedBackend) -> None:
    """kg serve's roll-call chart: the one event and its ballots, the same as found among all."""
    store = backend.store
    events = vote_events(store)
    whole = vote_matrix(store, events)
    for event in (events[0], events[-1]):
        assert vote_events(store, event.iri) == [event]
        one = vote_matrix(store, [event])
        column = whole.events.index(event)
        voters = [i for i, _ in enumerate(whole.states) if whole.codes[i, column] != -1]
        assert one.states == tuple(whole.states[i] for i in voters)
        assert one.codes[:, 0].tolist() == [int(whole.codes[i, column]) for i in voters]
    assert vote_events(store, "https://w3id.org/unkg/id/vote-event/none") == []
