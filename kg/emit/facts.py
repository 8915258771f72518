"""Curated facts (facts/*.yaml) to triples, every fact with the evidence of its quoted words.

Two passes: the first reads every record and registers what it defines, so a
record may refer to one defined later or in another file; the second emits.
Every problem is a CuratorError naming the file, the record and the fix.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.emit.evidence import emit_quote_evidence
from kg.emit.sink import TripleSink
from kg.errors import CuratorError
from kg.ingest.former_states import FORMER_STATES
from kg.ingest.numbers import appears_in
from kg.ingest.sources import Source
from kg.ingest.yamlio import LINE, read_yaml
from kg.model.iris import (
    claim_iri,
    count_iri,
    document_iri,
    entity_iri,
    state_iri,
    vote_event_iri,
    vote_iri,
)
from kg.model.kinds import (
    BOOLEAN,
    COMMON,
    COUNT,
    COUNT_FROM_1,
    DATE,
    EVIDENCE,
    FACT_KINDS,
    FIELD_TYPES,
    MAPPING,
    TEXTS,
    FactKind,
)
from kg.model.namespaces import DCTERMS, OPENGOV, ORG, RDF, RDFS, SCHEMA, SKOS, UNKG, XSD
from kg.model.vocabulary import BODIES, COUNT_CLASSES

LEFT_OUT = "left-out.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\-() ]*$")  # fits in an IRI once slugged
MOTIONS = ["doc", "draft", "amendment", "amendments"]
POSITIONS = {"support": UNKG.supported, "opposition": UNKG.opposed}
COUNT_FIELDS = {"yes": "yes", "no": "no", "abstain": "abstain"}
EVIDENCE_FIELDS = {"source", "quote", "occurrence"}
# Actor kinds: the field that links it, the property, the kinds of reference it may name.
ACTORS: dict[str, tuple[str, URIRef, list[str] | None]] = {
    "person": ("posts", ORG.holds, ["post"]),
    "organization": ("part_of", ORG.subOrganizationOf, None),
    "group": ("members", ORG.hasMember, None),
    "described-group": ("named_members", UNKG.namedMember, None),
    "post": ("post_in", ORG.postIn, None),
}


@dataclass
class Record:
    data: dict[str, Any]
    file: str

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def spec(self) -> FactKind:
        return FACT_KINDS[self.kind]

    @property
    def where(self) -> str:
        return f"record {self.id!r} (line {self.data.get(LINE, '?')})"

    def error(self, message: str) -> CuratorError:
        return CuratorError(message, file=self.file, record=self.where)

    def list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


class Facts:
    """The curated records of a project, checked and turned into triples."""

    def __init__(self, records: list[Record], sources: dict[str, Source], official: Graph,
                 ontology: Graph):
        """`records` as read_facts reads them; `official` holds the official record's states
        and resolutions, which the records name."""
        self.sources = sources
        self.ontology = ontology
        self.records = records
        self.refs: dict[str, URIRef] = {
            f"state:{iso3}": state_iri(str(iso3)) for iso3 in official.objects(None, UNKG.iso3)}
        for body in BODIES:
            self.refs[f"org:{body.rsplit('/', 1)[-1]}"] = body
        # Resolutions in the official record, by symbol; their adoption votes share the key.
        self.symbols = {str(s) for s in official.objects(None, UNKG.symbol)}
        self.vote_events: dict[str, URIRef] = {s: vote_event_iri(s) for s in self.symbols}
        self.refs.update({f"doc:{s}": document_iri(s) for s in self.symbols})
        self.claims: dict[tuple[Any, Any, Any], URIRef] = {}
        # Display names for labels: the record's name, or the official record's label.
        self.names: dict[URIRef, str] = {s: str(o) for s, o in official.subject_objects(RDFS.label)}
        self._register()

    # -- pass one: what each record defines -------------------------------------------------

    def _register(self) -> None:
        for record in self.records:
            prefix = record.spec.ref_prefix
            if record.kind == "resolution":
                symbol = str(record.data["symbol"])
                self.refs[f"doc:{symbol}"] = document_iri(symbol)
            elif record.kind == "amendment":
                self.refs[f"amendment:{record.id}"] = entity_iri("amendment", record.id)
                self.names[entity_iri("amendment", record.id)] = str(
                    record.data.get("name") or record.data.get("description"))
            elif record.kind == "vote-event":
                self.vote_events[record.id] = vote_event_iri(record.id)
            elif prefix is not None:
                self.refs[f"{prefix}:{record.id}"] = entity_iri(prefix, record.id)
                if record.data.get("name"):
                    self.names[entity_iri(prefix, record.id)] = str(record.data["name"])

    # -- references -----------------------------------------------------------------------

    def ref(self, record: Record, value: Any, kinds: list[str] | None = None) -> URIRef:
        text = str(value)
        if ":" not in text and kinds and len(kinds) == 1:
            text = f"{kinds[0]}:{text}"  # a field that takes one kind may omit the prefix
        if text not in self.refs:
            kind = text.split(":", 1)[0] if ":" in text else ""
            pool = [r for r in self.refs if r.startswith(f"{kind}:")] or list(self.refs)
            close = difflib.get_close_matches(text, pool, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                "; write kind:key, e.g. state:USA or person:dmitry-peskov")
            raise record.error(f"unknown reference {text!r}{hint}")
        if kinds is not None and text.split(":", 1)[0] not in kinds:
            raise record.error(f"{text!r} cannot be used here; expected a "
                               f"{' or '.join(kinds)} reference")
        return self.refs[text]

    def refs_of(self, record: Record, key: str, kinds: list[str] | None = None
                ) -> list[URIRef]:
        own = self.refs.get(f"{record.spec.ref_prefix or record.kind}:{record.id}")
        targets = [self.ref(record, value, kinds) for value in record.list(key)]
        if own is not None and own in targets:
            raise record.error(f"{key} names the record itself; name another record")
        return targets

    def vote_event(self, record: Record, key: Any) -> tuple[str, URIRef]:
        text = str(key)
        if text not in self.vote_events:
            close = difflib.get_close_matches(text, list(self.vote_events), n=3, cutoff=0.5)
            raise record.error(f"unknown vote event {text!r}; use a resolution symbol or an "
                               "amendment id" + (f" (did you mean {', '.join(close)}?)"
                                                  if close else ""))
        return text, self.vote_events[text]

    def concept(self, record: Record, scheme: str, value: Any) -> URIRef:
        """A code-list value ('praise', 'non-voting') as its SKOS concept in the ontology."""
        iri = UNKG["".join(part.capitalize() for part in str(value).split("-"))]
        members = sorted(str(c).rsplit("#", 1)[-1]
                         for c in self.ontology.subjects(SKOS.inScheme, UNKG[scheme]))
        if (iri, SKOS.inScheme, UNKG[scheme]) not in self.ontology:
            words = ", ".join(re.sub(r"(?<!^)([A-Z])", r"-\1", m).lower() for m in members)
            raise record.error(f"unknown value {value!r} for {scheme}; use one of {words}")
        return iri

    # -- pass two: triples -----------------------------------------------------------------

    def emit(self, graph: TripleSink) -> None:
        for record in self.records:
            emitter: Callable[[TripleSink, Record], list[URIRef]] = getattr(
                self, record.spec.emitter)
            nodes = emitter(graph, record)
            for node in nodes:
                graph.add((node, UNKG.curatedIn, Literal(f"{record.file}#{record.id}")))
                if record.data.get("note"):
                    graph.add((node, UNKG.curatorNote, Literal(str(record.data["note"]))))
                self._review(graph, record, node)
            self._evidence(graph, record, nodes)

    def _review(self, graph: TripleSink, record: Record, node: URIRef) -> None:
        """A second curator's verdict: `reviewed: {by: NAME, date: YYYY-MM-DD}`."""
        review = record.data.get("reviewed")
        if review is None:
            return
        if not isinstance(review, dict) or not review.get("by") or not review.get("date"):
            raise record.error("reviewed needs by (the reviewer's name) and date (YYYY-MM-DD): "
                               "reviewed: {by: A. Curator, date: 2025-03-01}")
        graph.add((node, UNKG.reviewedBy, Literal(str(review["by"]))))
        graph.add((node, SCHEMA.lastReviewed, _date(record, review["date"])))

    def _evidence(self, graph: TripleSink, record: Record, nodes: list[URIRef]) -> list[str]:
        words = []
        for n, item in enumerate(record.list("evidence"), start=1):
            if not isinstance(item, dict) or not {"source", "quote"} <= set(item):
                raise record.error(f"evidence item {n} needs a source and a quote")
            source = self.sources.get(str(item["source"]))
            if source is None:
                close = difflib.get_close_matches(str(item["source"]), list(self.sources), n=3)
                raise record.error(f"evidence item {n}: unknown source {item['source']!r}" +
                                   (f"; did you mean {', '.join(close)}?" if close else ""))
            words.append(emit_quote_evidence(
                graph, f"{record.id}/{n}", source, str(item["quote"]), nodes,
                occurrence=item.get("occurrence"), file=record.file, record=record.where))
        return words

    def _labelled(self, graph: TripleSink, iri: URIRef, kind: URIRef, record: Record,
                  name: str) -> URIRef:
        graph.add((iri, RDF.type, kind))
        graph.add((iri, RDFS.label, Literal(name)))
        graph.add((iri, SKOS.prefLabel, Literal(name, lang="en")))
        for alias in record.list("aliases"):
            graph.add((iri, SKOS.altLabel, Literal(str(alias), lang="en")))
        return iri

    def _actor(self, graph: TripleSink, record: Record) -> list[URIRef]:
        field, link, kinds = ACTORS[record.kind]
        iri = self._labelled(graph, entity_iri(str(record.spec.ref_prefix), record.id),
                             record.spec.cls, record,
                             record.data["name"])
        for target in self.refs_of(record, field, kinds):
            graph.add((iri, link, target))
        return [iri]

    def _described_group(self, graph: TripleSink, record: Record) -> list[URIRef]:
        [iri] = self._actor(graph, record)
        graph.add((iri, RDF.type, UNKG.Group))  # a group all the same, for shapes and queries
        return [iri]

    def _state_names(self, graph: TripleSink, record: Record) -> list[URIRef]:
        state = self.ref(record, record.data["state"], ["state"])
        for alias in record.list("aliases"):
            graph.add((state, SKOS.altLabel, Literal(str(alias), lang="en")))
        return [state]

    def _resolution(self, graph: TripleSink, record: Record) -> list[URIRef]:
        iri = self.ref(record, f"doc:{record.data['symbol']}")
        if str(record.data["symbol"]) not in self.symbols:
            graph.add((iri, RDF.type, UNKG.Resolution))
            graph.add((iri, UNKG.symbol, Literal(str(record.data["symbol"]))))
        for drafter in self.refs_of(record, "drafted_by"):
            graph.add((iri, UNKG.draftedBy, drafter))
        if record.data.get("title"):
            graph.add((iri, DCTERMS.title, Literal(str(record.data["title"]))))
        return [iri]

    def _draft(self, graph: TripleSink, record: Record) -> list[URIRef]:
        iri = self._labelled(graph, entity_iri("draft", record.id), UNKG.DraftText, record,
                             record.data["name"])
        graph.add((iri, UNKG.draftOf, self.ref(record, record.data["draft_of"], ["doc"])))
        for drafter in self.refs_of(record, "drafted_by"):
            graph.add((iri, UNKG.draftedBy, drafter))
        return [iri]

    def _amendment_set(self, graph: TripleSink, record: Record) -> list[URIRef]:
        iri = self._labelled(graph, entity_iri("amendments", record.id),
                             UNKG.DescribedAmendments, record, record.data["name"])
        graph.add((iri, UNKG.proposedFor,
                   self.ref(record, record.data["proposed_for"], ["doc", "draft"])))
        return [iri]

    def _provision(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        iri = entity_iri("provision", record.id)
        document = self.ref(record, data["document"], ["doc", "draft"])
        omits = data.get("omits", False)
        if not isinstance(omits, bool):
            raise record.error("omits must be true (the text leaves this out) or false")
        graph.add((iri, RDF.type, UNKG.ReportedProvision))
        graph.add((iri, UNKG.provisionOf, document))
        graph.add((iri, SCHEMA.text, Literal(str(data["text"]))))
        graph.add((iri, UNKG.omits, Literal(omits)))
        for target in self.refs_of(record, "about"):
            graph.add((iri, SCHEMA.about, target))
        name = self.names.get(document, str(data["document"]).split(":", 1)[-1])
        graph.add((iri, RDFS.label, Literal(
            f"{name} {'does not' if omits else 'does'}: {_shorten(str(data['text']))} "
            "(as reported)")))
        return [iri]

    def _assertion(self, graph: TripleSink, record: Record) -> list[URIRef]:
        iri = entity_iri("assertion", record.id)
        graph.add((iri, RDF.type, UNKG.Assertion))
        graph.add((iri, SCHEMA.text, Literal(str(record.data["text"]))))
        graph.add((iri, RDFS.label, Literal(_shorten(str(record.data["text"]), 80))))
        for target in self.refs_of(record, "about"):
            graph.add((iri, SCHEMA.about, target))
        return [iri]

    def _amendment(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        iri = entity_iri("amendment", record.id)
        graph.add((iri, RDF.type, UNKG.Amendment))
        graph.add((iri, RDFS.label, Literal(str(data.get("name") or f"Amendment {record.id}"))))
        for alias in record.list("aliases"):
            graph.add((iri, SKOS.altLabel, Literal(str(alias), lang="en")))
        graph.add((iri, RDFS.comment, Literal(str(data["description"]))))
        graph.add((iri, UNKG.amends, self.ref(record, data["amends"], ["doc"])))
        for actor in self.refs_of(record, "moved_by"):
            graph.add((iri, UNKG.movedBy, actor))
        for actor in self.refs_of(record, "on_behalf_of"):
            graph.add((iri, UNKG.movedOnBehalfOf, actor))
        for key, prop in (("original_wording", UNKG.originalWording),
                          ("proposed_wording", UNKG.proposedWording)):
            if data.get(key):
                graph.add((iri, prop, Literal(str(data[key]))))
        if data.get("outcome"):
            graph.add((iri, UNKG.outcome, self.concept(record, "Outcomes", data["outcome"])))
        return [iri]

    def _vote_event_record(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        key, iri = self.vote_event(record, record.id)
        graph.add((iri, RDF.type, UNKG.VoteEvent))
        graph.add((iri, RDFS.label, Literal(f"Vote on {key}")))
        graph.add((iri, OPENGOV.motion, self.ref(record, data["motion"], ["doc", "amendment"])))
        body = self.ref(record, data["body"], ["org"])
        graph.add((iri, UNKG.body, body))
        graph.add((iri, SCHEMA.organizer, body))  # Popolo's body of a vote event
        graph.add((iri, DCTERMS.date, _date(record, data["date"])))
        graph.add((iri, OPENGOV.result, self.concept(record, "Outcomes", data["result"])))
        for state in self.refs_of(record, "vetoed_by", ["state"]):
            graph.add((iri, UNKG.vetoedBy, state))
        nodes = [iri]
        for option, field_name in COUNT_FIELDS.items():
            if data.get(field_name) is None:
                continue
            count = count_iri(key, option)
            graph.add((iri, OPENGOV["count"], count))
            # Popolo names the option a count counts by its class (rdf:type)
            graph.add((count, RDF.type, COUNT_CLASSES[option][0]))
            graph.add((count, RDF.value, _count(record, field_name)))
            graph.add((count, RDFS.label, Literal(f"{option} votes on {key}")))
            nodes.append(count)
        return nodes

    def _voting_rule(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        iri = entity_iri("rule", record.id)
        graph.add((iri, RDF.type, UNKG.VotingRule))
        graph.add((iri, RDFS.label, Literal(f"Voting rule {record.id}")))
        graph.add((iri, RDFS.comment, Literal(str(data["description"]))))
        graph.add((iri, UNKG.body, self.ref(record, data["body"], ["org"])))
        graph.add((iri, UNKG.minimumYesVotes, _count(record, "minimum_yes_votes")))
        if not isinstance(data["permanent_member_veto"], bool):
            raise record.error("permanent_member_veto must be true or false")
        graph.add((iri, UNKG.permanentMemberVeto, Literal(data["permanent_member_veto"])))
        return [iri]

    # -- claims: what a source says about what the record settles ----------------------------

    def _claim(self, graph: TripleSink, record: Record, part: str | None, subject: URIRef,
               predicate: URIRef, obj: Any, label: str) -> URIRef:
        key = (subject, predicate, obj)
        if key in self.claims:
            return self.claims[key]  # sources that agree share one claim node
        iri = claim_iri(record.id, part)
        self.claims[key] = iri
        graph.add((iri, RDF.type, UNKG.Claim))
        graph.add((iri, RDF.subject, subject))
        graph.add((iri, RDF.predicate, predicate))
        graph.add((iri, RDF.object, obj))
        graph.add((iri, RDFS.label, Literal(label)))
        return iri

    def _vote_claims(self, graph: TripleSink, record: Record) -> list[URIRef]:
        option = self.concept(record, "VoteOptions", record.data["option"])
        events = record.list("event") + record.list("events")
        if not events:
            raise record.error("a vote claim needs an event (or events)")
        many = len(events) > 1
        nodes = []
        for event in events:
            key, _ = self.vote_event(record, event)
            for voter in record.list("voters"):
                state = self.ref(record, voter, ["state"])
                iso3 = state.rsplit("/", 1)[-1]
                part = f"{_slug(key)}/{iso3}" if many else iso3
                nodes.append(self._claim(
                    graph, record, part, vote_iri(key, iso3), SCHEMA.option, option,
                    f"{iso3} voted {record.data['option']} on {key} (as reported)"))
        return nodes

    def _tally_claims(self, graph: TripleSink, record: Record) -> list[URIRef]:
        key, _ = self.vote_event(record, record.data["event"])
        counts = {o: _count(record, f) for o, f in COUNT_FIELDS.items()
                  if record.data.get(f) is not None}
        if not counts:
            raise record.error("a tally needs at least one of yes, no, abstain")
        if record.data.get("total") is not None:
            total = int(_count(record, "total"))
            if len(counts) < 3 or sum(int(c) for c in counts.values()) != total:
                raise record.error(
                    f"the tally does not add up: {' + '.join(str(c) for c in counts.values())} "
                    f"is not the total {total}; check the numbers against the quoted words")
        return [self._claim(graph, record, option, count_iri(key, option), RDF.value, value,
                            f"{value} {option} votes on {key} (as reported)")
                for option, value in counts.items()]

    def _date_claims(self, graph: TripleSink, record: Record) -> list[URIRef]:
        when = _date(record, record.data["date"])
        nodes = []
        for event in record.list("events"):
            key, iri = self.vote_event(record, event)
            nodes.append(self._claim(graph, record, _slug(key), iri, DCTERMS.date, when,
                                     f"the vote on {key} took place on {when} (as reported)"))
        return nodes

    def _outcome_claim(self, graph: TripleSink, record: Record) -> list[URIRef]:
        motion = self.ref(record, record.data["motion"], MOTIONS)
        outcome = self.concept(record, "Outcomes", record.data["outcome"])
        name = self.names.get(motion, str(record.data["motion"]).split(":", 1)[-1])
        return [self._claim(graph, record, None, motion, UNKG.outcome, outcome,
                            f"{name.rstrip('.')}: {record.data['outcome']} (as reported)")]

    def _position_claim(self, graph: TripleSink, record: Record) -> list[URIRef]:
        """An actor's position on a text or amendments where the source gives no ballot."""
        position = str(record.data["position"])
        if position not in POSITIONS:
            raise record.error(f"position must be one of {', '.join(POSITIONS)}, not {position!r}")
        motion = self.ref(record, record.data["motion"], MOTIONS)
        actors = record.list("actors")
        nodes = []
        for actor in actors:
            iri = self.ref(record, actor, ["state", "group", "person", "org"])
            part = iri.rsplit("/", 1)[-1] if len(actors) > 1 else None
            verb = "supported" if position == "support" else "opposed"
            nodes.append(self._claim(
                graph, record, part, iri, POSITIONS[position], motion,
                f"{self.names.get(iri, str(actor))} {verb} "
                f"{self.names.get(motion, str(record.data['motion']))} (as reported)"))
        return nodes

    # -- statements and events: exist only as reported ----------------------------------------

    def _statement(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        iri = entity_iri("statement", record.id)
        speaker = self.ref(record, data["speaker"])
        graph.add((iri, RDF.type, UNKG.Statement))
        graph.add((iri, SCHEMA.creator, speaker))
        if not isinstance(data["direct"], bool):
            raise record.error("direct must be true (quoted words) or false (paraphrase)")
        graph.add((iri, UNKG.directQuote, Literal(data["direct"])))
        for post in self.refs_of(record, "role", ["post"]):
            graph.add((iri, UNKG.inRole, post))
        if data.get("date") is not None:
            graph.add((iri, DCTERMS.date, _date(record, data["date"])))
        if data.get("date_status"):
            graph.add((iri, UNKG.dateStatus, Literal(str(data["date_status"]))))
        for target in self.refs_of(record, "about"):
            graph.add((iri, SCHEMA.about, target))
        if data.get("stance"):
            graph.add((iri, UNKG.stance, self.concept(record, "Stances", data["stance"])))
        for target in self.refs_of(record, "towards"):
            graph.add((iri, UNKG.stanceTowards, target))
        for other in self.refs_of(record, "variant_of", ["statement"]):
            graph.add((iri, UNKG.variantOf, other))
            graph.add((other, UNKG.variantOf, iri))
        if data.get("reason"):
            graph.add((iri, UNKG.stanceReason, Literal(str(data["reason"]))))
        for event in self.refs_of(record, "said_at", ["event"]):
            graph.add((iri, UNKG.saidAt, event))
        for target in record.list("comments_on"):
            if str(target).startswith("event:"):
                graph.add((iri, UNKG.commentsOn, self.ref(record, target, ["event"])))
            else:
                graph.add((iri, UNKG.commentsOn, self.vote_event(record, target)[1]))
        # The words default to the first quote, verbatim as the source prints them.
        evidence = record.list("evidence")
        text = data.get("text") or (evidence[0].get("quote") if evidence else None)
        if not text:
            raise record.error("a statement needs text or a quote")
        name = self.names.get(speaker, str(data["speaker"]))
        graph.add((iri, RDFS.label, Literal(f"{name}: “{_shorten(str(text))}”")))
        if data.get("text"):
            graph.add((iri, SCHEMA.text, Literal(str(text))))
        else:
            self._text_from_quote(graph, record, iri)
        return [iri]

    def _text_from_quote(self, graph: TripleSink, record: Record, iri: URIRef) -> None:
        first = record.list("evidence")[0]
        source = self.sources.get(str(first.get("source")))
        if source is None:
            return  # reported by _evidence with the list of known sources
        spans = source.folded.find_all(str(first.get("quote")))
        index = (first.get("occurrence") or 1) - 1
        if 0 <= index < len(spans):
            graph.add((iri, SCHEMA.text, Literal(spans[index].exact)))

    def _event(self, graph: TripleSink, record: Record) -> list[URIRef]:
        data = record.data
        iri = entity_iri("event", record.id)
        graph.add((iri, RDF.type, UNKG.Event))
        graph.add((iri, RDFS.label, Literal(str(data.get("name") or data["description"]))))
        graph.add((iri, SCHEMA.description, Literal(str(data["description"]))))
        graph.add((iri, UNKG.eventKind, self.concept(record, "EventKinds", data["event_kind"])))
        for actor in self.refs_of(record, "participants"):
            graph.add((iri, UNKG.participant, actor))
        if data.get("date") is not None:
            graph.add((iri, DCTERMS.date, _date(record, data["date"])))
        if data.get("date_status"):
            graph.add((iri, UNKG.dateStatus, Literal(str(data["date_status"]))))
        return [iri]


def read_facts(root: Path) -> list[Record]:
    """Every record of the project's facts files, each checked by itself (its fields, their
    types, ids unique): what needs no other data, so that `kg build` reports a curator's typo
    before it reads the voting files. References are resolved when the records are emitted."""
    records = []
    for path in sorted((root / "facts").glob("*.yaml")):
        if path.name == LEFT_OUT:
            continue  # not facts: the sentences deliberately not encoded (kg coverage reads it)
        if path.name == FORMER_STATES:
            continue  # reference facts of their own layout (kg.ingest.former_states)
        display = path.relative_to(root).as_posix()
        data = read_yaml(path, display)
        if not data:  # an emptied file would silently drop every fact it held
            raise CuratorError("the file holds no records; a facts file is a list of records "
                               "(each starting with '- id:'); delete the file if it is meant "
                               "to go", file=display)
        if not isinstance(data, list):
            raise CuratorError("a facts file is a list of records (each starting with '- id:')",
                               file=display)
        records.extend(Record(item, display) for item in data)
    seen: dict[str, Record] = {}
    for record in records:
        _check_fields(record)
        if record.id in seen:
            raise record.error(f"id {record.id!r} is also used by {seen[record.id].file} "
                               f"{seen[record.id].where}; ids must be unique")
        seen[record.id] = record
    return records


def _check_fields(record: Record) -> None:
    if not isinstance(record.data, dict):
        raise CuratorError("each record must be a mapping of fields", file=record.file)
    if not record.id:
        raise record.error("missing field 'id'")
    if not ID_PATTERN.match(record.id) and record.kind != "vote-event":
        raise record.error("an id uses lower-case letters, digits and single hyphens")
    for value in (record.id, record.data.get("symbol")):
        if record.kind in ("vote-event", "resolution") and isinstance(value, str) and (
                not SYMBOL_PATTERN.match(value)):
            raise record.error(f"{value!r} is not a UN symbol or id (letters, digits and "
                               "/ . - ( ) and spaces, e.g. A/RES/ES-11/7)")
    if record.kind not in FACT_KINDS:
        raise record.error(f"unknown kind {record.kind!r}; use one of "
                           f"{', '.join(sorted(FACT_KINDS))}")
    required = set(record.spec.required)
    fields = set(record.data) - {LINE}
    # A misspelt field is reported as such first: it is also why a required one is missing.
    allowed = set(record.spec.fields) | set(COMMON)
    for name in sorted(fields - allowed):
        hint = difflib.get_close_matches(name, allowed, n=1)
        raise record.error(f"unknown field {name!r}" +
                           (f"; did you mean {hint[0]!r}?" if hint else ""))
    for name in sorted(required - fields):
        raise record.error(f"missing field {name!r} (a {record.kind} needs "
                           f"{', '.join(sorted(required))})")
    for name in sorted(fields):
        _check_type(record, name, record.data[name], required)
    if record.spec.needs_evidence and not record.list("evidence"):
        raise record.error("no evidence: add at least one {source, quote} from an article")
    _check_numbers(record)


def _check_numbers(record: Record) -> None:
    """A count must appear in the record's quoted words (digits or words): a tally of
    93,000,000 cannot stand on "93 votes in favor"."""
    quotes = [str(item.get("quote", "")) for item in record.list("evidence")
              if isinstance(item, dict)]
    if not quotes:
        return
    for name in sorted(n for n in record.data if FIELD_TYPES.get(n) in (COUNT, COUNT_FROM_1)):
        value = record.data[name]
        if value is None:
            continue
        if not any(appears_in(value, quote) for quote in quotes):
            raise record.error(
                f"{name}: {value} does not appear in the quoted words (as digits or "
                f"words); check the number against the quote, or quote the words that "
                f"give it")


def _check_type(record: Record, name: str, value: Any, required: set[str]) -> None:
    """Each field's type, so nothing is read as what it is not (a mapping as a name, 0 as 1)."""
    if value is None:
        if name in required or name in {"id", "kind"}:
            raise record.error(f"{name} is empty; give a value")
        return
    kind = FIELD_TYPES[name]
    if kind in (COUNT, COUNT_FROM_1):
        _count(record, name, minimum=1 if kind == COUNT_FROM_1 else 0)
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise record.error(f"{name} must be true or false, not {value!r}")
    elif kind == DATE:
        _date(record, value)
    elif kind == MAPPING:
        if not isinstance(value, dict):
            raise record.error(f"{name} must be a mapping, e.g. {{by: A. Curator, date: "
                               "2025-03-01}")
        for key in sorted(set(value) - {LINE}):
            if key == "date":
                _date(record, value[key])
            elif not isinstance(value[key], str):
                raise record.error(f"{name}.{key} must be text, not {_shown(value[key])}")
    elif kind == EVIDENCE:
        for n, item in enumerate(value if isinstance(value, list) else [value], start=1):
            _check_evidence(record, n, item)
    elif isinstance(value, list) and kind == TEXTS:
        for item in value:
            if not isinstance(item, str):
                raise record.error(f"{name} lists {_shown(item)}; each entry must be text "
                                   "(quote it if it is a number)")
    elif not isinstance(value, str):
        raise record.error(f"{name} must be text, not {_shown(value)}"
                           + ("; quote it" if isinstance(value, int | float | date) else ""))


def _check_evidence(record: Record, n: int, item: Any) -> None:
    if not isinstance(item, dict) or not {"source", "quote"} <= set(item):
        raise record.error(f"evidence item {n} needs a source and a quote")
    for key in sorted(set(item) - EVIDENCE_FIELDS - {LINE}):
        raise record.error(f"evidence item {n}: unknown field {key!r}; an item has source, "
                           "quote and, if needed, occurrence")
    for key in ("source", "quote"):
        if not isinstance(item[key], str) or not item[key].strip():
            raise record.error(f"evidence item {n}: {key} must be text, not "
                               f"{_shown(item[key])}")
    occurrence = item.get("occurrence")
    if occurrence is not None and (not isinstance(occurrence, int) or
                                   isinstance(occurrence, bool) or occurrence < 1):
        raise record.error(f"evidence item {n}: occurrence must be a whole number from 1 (the "
                           f"first time the quote appears), not {occurrence!r}")


def _shown(value: Any) -> str:
    """A value as the curator wrote it, without the loader's line markers."""
    if isinstance(value, dict):
        return "a mapping {" + ", ".join(f"{k}: ..." for k in value if k != LINE) + "}"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _date(record: Record, value: Any) -> Literal:
    if isinstance(value, datetime):
        raise record.error(f"{value!r} has a time of day, which is not kept; write YYYY-MM-DD")
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise record.error(f"{_shown(value)} is not a date; write YYYY-MM-DD")
    try:
        return Literal(date.fromisoformat(value.strip()).isoformat(), datatype=XSD.date)
    except ValueError:
        raise record.error(f"{value!r} is not a date; write YYYY-MM-DD") from None


def _count(record: Record, key: str, minimum: int = 0) -> Literal:
    value = record.data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise record.error(f"{key} must be a whole number of votes from {minimum}, not "
                           f"{_shown(value)}")
    return Literal(value)


def _slug(key: str) -> str:
    return vote_event_iri(key).rsplit("/", 1)[-1]


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
