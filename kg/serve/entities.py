"""An entity's page (`/id/...` as HTML) in names, not identifiers.

Every page: the entity's name and kind, what the graph says about it (property names and
values in words, each value linked to its page) and what points at it. A state's page adds its
votes with the official record's row and what the sources say about it; a vote event's page its
tally, its roll call by region (the chart of `kg analyze`) and the claims the articles make
about it beside the record; a person's page their statements in full.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from kg.review.describe import record_verdict
from kg.serve.links import ID_BASE, entity_path, evidence_path, safe_href
from kg.serve.reading import (
    Source,
    label_pattern,
    names,
    neighbourhood,
    record_row,
    select,
    sources,
    words,
)

UNKG = "https://w3id.org/unkg/ontology#"
MOST_LISTED = 60  # lines of "pointing here" before they are counted instead
MOST_ROWS_READ = 60  # a state's votes whose official row is read from its file and shown
FACT_KINDS = ("Statement", "Claim", "Assertion", "ReportedProvision", "Event")
OPTION_ORDER = {"Yes": 0, "No": 1, "Abstain": 2, "NonVoting": 3}


@dataclass(frozen=True)
class Value:
    """A value as a reader sees it: its words, and its page when it has one."""

    text: str
    href: str = ""
    title: str = ""  # the IRI, shown on hover


@dataclass(frozen=True)
class Said:
    """A fact from the sources about the entity, in words, with its evidence view."""

    kind: str
    words: str
    speaker: str
    sources: tuple[Source, ...]
    evidence: str  # the evidence view's path
    page: str  # the fact's own page
    verdict: str = ""  # a claim: "supported", "contradicted" or "not in the record"
    recorded: str = ""  # what the record says, when it does


@dataclass
class EntityView:
    iri: str
    path: str
    name: str
    kinds: list[str]
    about: list[tuple[str, list[Value]]]  # property -> values
    pointing: list[tuple[str, list[Value]]]  # property -> subjects that point here
    more_pointing: int = 0
    evidence: str = ""  # the evidence view, for a fact with quoted evidence
    votes: list[dict] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)
    tally: list[tuple[str, str]] = field(default_factory=list)
    roll_call: list[tuple[str, list[Value]]] = field(default_factory=list)
    chart: str = ""
    claims: list[Said] = field(default_factory=list)
    statements: list[Said] = field(default_factory=list)


def value(iri_or_text: ox.NamedNode | ox.Literal | ox.BlankNode, known: dict[str, str]
          ) -> Value:
    if isinstance(iri_or_text, ox.NamedNode):
        iri = iri_or_text.value
        ours = iri.startswith((ID_BASE, UNKG))  # our names read well as words; others in full
        return Value(known.get(iri) or (words(iri) if ours else iri), safe_href(iri) or "", iri)
    if isinstance(iri_or_text, ox.Literal):
        lang = f" @{iri_or_text.language}" if iri_or_text.language else ""
        return Value(iri_or_text.value + lang)
    return Value(str(iri_or_text))


def entity_view(store: ox.Store, project: Path, iri: str,
                triples: list[ox.Triple]) -> EntityView:
    node = ox.NamedNode(iri)
    outgoing = [t for t in triples if t.subject == node]
    incoming = [t for t in triples if t.subject != node]
    mentioned = {t.predicate.value for t in triples} | {
        t.object.value for t in outgoing if isinstance(t.object, ox.NamedNode)}
    mentioned |= {t.subject.value for t in incoming[:MOST_LISTED * 4]
                  if isinstance(t.subject, ox.NamedNode)}
    known = names(store, mentioned | {iri})
    types = sorted(t.object.value for t in outgoing if t.predicate.value.endswith("#type"))
    view = EntityView(iri, entity_path(iri), known.get(iri) or words(iri),
                      sorted({known.get(t) or words(t) for t in types if t.startswith(UNKG)}
                             or {words(t) for t in types}),
                      _grouped([(t.predicate.value, value(t.object, known)) for t in outgoing
                                if not t.predicate.value.endswith("#type")], known),
                      _grouped([(t.predicate.value, value(t.subject, known))
                                for t in incoming[:MOST_LISTED]], known),
                      max(0, len(incoming) - MOST_LISTED))
    is_a = {t.removeprefix(UNKG) for t in types if t.startswith(UNKG)}
    if is_a & set(FACT_KINDS) or any(t.predicate.value == UNKG + "evidence" for t in outgoing):
        if not is_a & {"State", "Person", "Vote", "VoteEvent"}:
            view.evidence = evidence_path(iri)
    if "State" in is_a:
        view.votes = state_votes(store, project, iri)
        view.said = said_about(store, iri)
        view.pointing, view.more_pointing = [], 0  # the votes and words above say it in full
    if "VoteEvent" in is_a:
        view.tally = tally(store, iri)
        view.roll_call = roll_call(store, iri)
        if view.roll_call:
            view.chart = "/chart/roll-call/" + view.path.removeprefix("/id/") + ".svg"
        view.claims = said_about(store, iri, kinds=("Claim",))
        view.statements = said_about(store, iri, kinds=("Statement", "Assertion", "Event"))
        view.pointing, view.more_pointing = [], 0
    if "Person" in is_a:
        view.statements = said_about(store, iri, kinds=("Statement",), by=True)
    return view


def _grouped(pairs: list[tuple[str, Value]], known: dict[str, str]
             ) -> list[tuple[str, list[Value]]]:
    grouped: dict[str, list[Value]] = defaultdict(list)
    for predicate, shown in pairs:
        grouped[predicate].append(shown)
    return sorted(((known.get(p) or words(p), sorted(v, key=lambda x: x.text))
                   for p, v in grouped.items()), key=lambda item: item[0])


def state_votes(store: ox.Store, project: Path, state: str) -> list[dict]:
    """The state's ballots: the vote, its date, the option, and the official record's row."""
    node = str(ox.NamedNode(state))
    rows = select(store, f"""SELECT ?vote ?event ?eventName ?motionName ?date ?option ?optionName
        ?row ?eventRow WHERE {{
        ?vote schema:agent {node} ; opengov:voteEvent ?event ; schema:option ?option .
        OPTIONAL {{ ?event dcterms:date ?date }} OPTIONAL {{ ?vote unkg:curatedIn ?row }}
        OPTIONAL {{ ?event unkg:curatedIn ?eventRow }}
        OPTIONAL {{ ?event opengov:motion ?motion . {label_pattern('?motion', 'motionName')} }}
        {label_pattern('?event', 'eventName')} {label_pattern('?option', 'optionName')} }}
        ORDER BY ?date ?motionName ?event""")
    votes = []
    for i, r in enumerate(rows):
        reference = r["row"] or r["eventRow"]
        votes.append({
            "event": Value(r["motionName"] or r["eventName"] or words(r["event"]),
                           entity_path(r["event"]), r["event"]),
            "date": r["date"], "option": r["optionName"] or words(r["option"]),
            "option_key": r["option"].rsplit("#", 1)[-1],
            "ballot": entity_path(r["vote"]),
            "reference": reference.rsplit("/", 1)[-1],
            "row": record_row(project, r["row"]) if r["row"] and i < MOST_ROWS_READ else [],
            "evidence": evidence_path(r["vote"]) if r["row"] else ""})
    return votes


def said_about(store: ox.Store, iri: str, kinds: tuple[str, ...] = FACT_KINDS,
               by: bool = False) -> list[Said]:
    """The facts of the sources about `iri` (or, `by`, said by it), each with its evidence."""
    node = str(ox.NamedNode(iri))
    link = ("schema:creator" if by else
            "schema:about|unkg:stanceTowards|rdf:subject|rdf:object|unkg:commentsOn|"
            "unkg:participant|unkg:namedMember|schema:creator|"
            "rdf:subject/^opengov:count")  # a claim about a vote's count is about the vote
    allowed = ", ".join(f"unkg:{k}" for k in kinds)
    rows = select(store, f"""SELECT DISTINCT ?fact ?type ?text ?name ?date ?speakerName ?source
        WHERE {{ ?fact {link} {node} ; a ?type ; unkg:evidence ?e . FILTER (?type IN ({allowed}))
        OPTIONAL {{ ?fact schema:text ?text }} OPTIONAL {{ ?fact rdfs:label ?name }}
        OPTIONAL {{ ?fact dcterms:date ?date }}
        OPTIONAL {{ ?fact schema:creator ?speaker . {label_pattern('?speaker', 'speakerName')} }}
        OPTIONAL {{ ?fact prov:wasDerivedFrom ?source }} }}""")
    found = sources(store, {r["source"] for r in rows if r["source"]})
    grouped: dict[str, dict] = {}
    for r in rows:
        entry = grouped.setdefault(r["fact"], {**r, "sources": set()})
        if r["source"]:
            entry["sources"].add(found[r["source"]])
    said = []
    for fact, r in sorted(grouped.items(), key=lambda item: (item[1]["date"], item[0])):
        kind = words(r["type"])
        verdict = recorded = ""
        if r["type"] == UNKG + "Claim":
            verdict, recorded = record_verdict(neighbourhood(store, fact), URIRef(fact))
        said.append(Said(kind, r["text"] or r["name"], r["speakerName"],
                         tuple(sorted(r["sources"], key=lambda s: s.title)),
                         evidence_path(fact), entity_path(fact), verdict, recorded))
    return said


def tally(store: ox.Store, event: str) -> list[tuple[str, str]]:
    node = str(ox.NamedNode(event))
    rows = select(store, f"""SELECT ?type ?value ?resultName ?date ?bodyName ?motionName
        WHERE {{ {{ {node} opengov:count ?count . ?count a ?type ; rdf:value ?value
                    FILTER (?type != opengov:Count) }}
        UNION {{ {node} opengov:result ?result . {label_pattern('?result', 'resultName')} }}
        UNION {{ {node} dcterms:date ?date }}
        UNION {{ {node} unkg:body ?body . {label_pattern('?body', 'bodyName')} }}
        UNION {{ {node} opengov:motion ?motion . {label_pattern('?motion', 'motionName')} }} }}""")
    counts = {r["type"].rsplit("#", 1)[-1]: r["value"] for r in rows if r["type"]}
    facts = [("on", r["motionName"]) for r in rows if r["motionName"]]
    facts += [("by", r["bodyName"]) for r in rows if r["bodyName"]]
    facts += [("date", r["date"]) for r in rows if r["date"]]
    facts += [("result", r["resultName"]) for r in rows if r["resultName"]]
    for key, name in (("YesCount", "yes"), ("NoCount", "no"), ("AbstainCount", "abstentions"),
                      ("AbsentCount", "did not vote")):
        if key in counts:
            facts.append((name, counts[key]))
    return facts


def roll_call(store: ox.Store, event: str) -> list[tuple[str, list[Value]]]:
    """The ballots of a vote event, by option: each state's name, linked to its page."""
    node = str(ox.NamedNode(event))
    rows = select(store, f"""SELECT ?state ?stateName ?option ?optionName WHERE {{
        ?vote opengov:voteEvent {node} ; schema:agent ?state ; schema:option ?option .
        {label_pattern('?state', 'stateName')} {label_pattern('?option', 'optionName')} }}""")
    by_option: dict[tuple[int, str], list[Value]] = defaultdict(list)
    for r in rows:
        key = r["option"].rsplit("#", 1)[-1]
        by_option[(OPTION_ORDER.get(key, 9), r["optionName"] or words(key))].append(
            Value(r["stateName"] or words(r["state"]), entity_path(r["state"]), r["state"]))
    return [(name, sorted(states, key=lambda v: v.text))
            for (_, name), states in sorted(by_option.items())]
