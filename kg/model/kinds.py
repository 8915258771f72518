"""The kinds of curated fact (`kind:` in facts/*.yaml): one spec each, read by the loader's field
checks (kg/emit/facts.py), its emitter dispatch, and docs/MODEL.md's generated table.

A new kind of fact is one FactKind here (fields, class, emitter), its emitter method on
kg.emit.facts.Facts, its shape in shapes/, and a failing case in tests/shape_cases.py.
"""

from dataclasses import dataclass

from rdflib import URIRef

from kg.model.namespaces import UNKG

# A field's type, by its name (the same name means the same type in every kind):
TEXT = "text"                # one text
TEXTS = "texts"              # a text or a list of texts (references, names)
COUNT = "count"              # a whole number from 0, that must appear in the quoted words
COUNT_FROM_1 = "count from 1"
BOOLEAN = "boolean"          # true or false (YAML 1.2)
DATE = "date"                # YYYY-MM-DD, a real day
MAPPING = "mapping"          # `reviewed: {by: NAME, date: YYYY-MM-DD}`
EVIDENCE = "evidence"        # a list of {source, quote, occurrence}
MEANINGS = {TEXT: "one text (quote a number meant as text)",
            TEXTS: "a text or a list of texts: references (`state:USA`) or names",
            COUNT: "a whole number from 0 that the quoted words give, as digits or words",
            COUNT_FROM_1: "a whole number from 1 that the quoted words give",
            BOOLEAN: "`true` or `false`", DATE: "a real day, `YYYY-MM-DD`",
            MAPPING: "`{by: NAME, date: YYYY-MM-DD}`",
            EVIDENCE: "a list of `{source, quote}`, with `occurrence: N` for a repeated quote"}

FIELD_TYPES: dict[str, str] = {
    "id": TEXT, "kind": TEXT, "note": TEXT, "evidence": EVIDENCE, "reviewed": MAPPING,
    "name": TEXT, "symbol": TEXT, "title": TEXT, "text": TEXT, "description": TEXT,
    "state": TEXT, "post_in": TEXT, "document": TEXT, "draft_of": TEXT, "proposed_for": TEXT,
    "amends": TEXT, "original_wording": TEXT, "proposed_wording": TEXT, "outcome": TEXT,
    "motion": TEXT, "body": TEXT, "result": TEXT, "option": TEXT, "event": TEXT,
    "position": TEXT, "speaker": TEXT, "stance": TEXT, "reason": TEXT, "date_status": TEXT,
    "event_kind": TEXT,
    "aliases": TEXTS, "posts": TEXTS, "part_of": TEXTS, "members": TEXTS,
    "named_members": TEXTS, "drafted_by": TEXTS, "about": TEXTS, "moved_by": TEXTS,
    "on_behalf_of": TEXTS, "vetoed_by": TEXTS, "voters": TEXTS, "events": TEXTS,
    "actors": TEXTS, "role": TEXTS, "towards": TEXTS, "comments_on": TEXTS,
    "variant_of": TEXTS, "said_at": TEXTS, "participants": TEXTS,
    "yes": COUNT, "no": COUNT, "abstain": COUNT, "total": COUNT,
    "minimum_yes_votes": COUNT_FROM_1,
    "omits": BOOLEAN, "direct": BOOLEAN, "permanent_member_veto": BOOLEAN,
    "date": DATE,
}
COMMON = ("id", "kind", "evidence", "note", "reviewed")  # fields every record may have


@dataclass(frozen=True)
class FactKind:
    name: str                     # `kind:` in a record
    file: str                     # the facts file that holds such records, by convention
    required: tuple[str, ...]     # fields besides COMMON a record must have
    optional: tuple[str, ...]     # fields besides COMMON it may have
    cls: URIRef                   # the class of the node the record describes
    emitter: str                  # the kg.emit.facts.Facts method that writes its triples
    ref_prefix: str | None        # how other records name it (`doc:`, `group:`), if they can
    needs_evidence: bool = True   # descriptions of actors may stand without a quote

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional


def _kinds(*kinds: FactKind) -> dict[str, FactKind]:
    return {kind.name: kind for kind in kinds}


FACT_KINDS = _kinds(
    FactKind("person", "actors.yaml", ("name",), ("aliases", "posts"), UNKG.Person, "_actor",
             "person", needs_evidence=False),
    FactKind("organization", "actors.yaml", ("name",), ("aliases", "part_of"),
             UNKG.Organization, "_actor", "org", needs_evidence=False),
    FactKind("group", "actors.yaml", ("name", "members"), ("aliases",), UNKG.Group, "_actor",
             "group", needs_evidence=False),
    FactKind("described-group", "actors.yaml", ("name",), ("aliases", "named_members"),
             UNKG.DescribedGroup, "_described_group", "group"),
    FactKind("post", "actors.yaml", ("name", "post_in"), (), UNKG.Post, "_actor", "post",
             needs_evidence=False),
    FactKind("state-names", "actors.yaml", ("state", "aliases"), (), UNKG.State,
             "_state_names", None, needs_evidence=False),
    FactKind("resolution", "documents.yaml", ("symbol",), ("drafted_by", "title"),
             UNKG.Resolution, "_resolution", "doc"),
    FactKind("amendment", "documents.yaml", ("amends", "description"),
             ("name", "aliases", "moved_by", "on_behalf_of", "original_wording",
              "proposed_wording", "outcome"), UNKG.Amendment, "_amendment", "amendment"),
    FactKind("draft", "documents.yaml", ("name", "draft_of"), ("drafted_by", "aliases"),
             UNKG.DraftText, "_draft", "draft"),
    FactKind("amendment-set", "documents.yaml", ("name", "proposed_for"), ("aliases",),
             UNKG.DescribedAmendments, "_amendment_set", "amendments"),
    FactKind("vote-event", "votes.yaml", ("motion", "body", "date", "result"),
             ("yes", "no", "abstain", "vetoed_by"), UNKG.VoteEvent, "_vote_event_record",
             None),  # named by its id in `event:` fields, as the official record's are
    FactKind("voting-rule", "votes.yaml",
             ("body", "minimum_yes_votes", "permanent_member_veto", "description"), (),
             UNKG.VotingRule, "_voting_rule", None),
    FactKind("vote", "claims.yaml", ("voters", "option"), ("event", "events"), UNKG.Claim,
             "_vote_claims", None),
    FactKind("tally", "claims.yaml", ("event",), ("yes", "no", "abstain", "total"),
             UNKG.Claim, "_tally_claims", None),
    FactKind("date", "claims.yaml", ("events", "date"), (), UNKG.Claim, "_date_claims", None),
    FactKind("outcome", "claims.yaml", ("motion", "outcome"), (), UNKG.Claim,
             "_outcome_claim", None),
    FactKind("position", "claims.yaml", ("actors", "position", "motion"), (), UNKG.Claim,
             "_position_claim", None),
    FactKind("statement", "statements.yaml", ("speaker", "direct"),
             ("role", "date", "date_status", "text", "about", "stance", "towards",
              "comments_on", "variant_of", "reason", "said_at"), UNKG.Statement, "_statement",
             "statement"),
    FactKind("provision", "provisions.yaml", ("document", "text"), ("omits", "about"),
             UNKG.ReportedProvision, "_provision", "provision"),
    FactKind("assertion", "assertions.yaml", ("text",), ("about",), UNKG.Assertion,
             "_assertion", "assertion"),
    FactKind("event", "events.yaml", ("event_kind", "description"),
             ("name", "participants", "date", "date_status"), UNKG.Event, "_event", "event"),
)
