# ruff: noqa: E501  (a table of cases reads best one case per line)
"""One bad graph per shape and SPARQL constraint: good.ttl changed by a SPARQL Update.

Each case names the results it must produce, as (shape or constraint, focus node) pairs, in the
short forms kg.validate.report prints. Shared by tests/test_shapes.py (pyshacl) and the second engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Graph

from kg.model.kinds import FACT_KINDS
from kg.validate.report import ValidationReport, validate

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
GOOD = FIXTURES / "good.ttl"
ID = "id:"  # the short form of a node IRI in the reports

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <http://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX opengov: <http://www.w3.org/ns/opengov#>
PREFIX unkg: <https://w3id.org/unkg/ontology#>
"""


def iri(local: str) -> str:
    return f"<https://w3id.org/unkg/id/{local}>"


def copy(old: str, new: str) -> str:
    """Update that copies a node's description under another IRI, evidence bodies included."""
    return f"""
        INSERT {{ {iri(new)} ?p ?o }} WHERE {{ {iri(old)} ?p ?o }} ;
        INSERT {{ ?e oa:hasBody {iri(new)} }} WHERE {{ {iri(old)} unkg:evidence ?e }}"""


def replace(node: str, prop: str, new: str) -> str:
    """Update that replaces every value of `prop` on `node` by `new`."""
    return f"""
        DELETE {{ {iri(node)} {prop} ?old }} INSERT {{ {iri(node)} {prop} {new} }}
        WHERE {{ {iri(node)} {prop} ?old }}"""


def add(node: str, prop: str, value: str) -> str:
    return f"INSERT DATA {{ {iri(node)} {prop} {value} }}"


def drop(node: str, prop: str) -> str:
    return f"DELETE WHERE {{ {iri(node)} {prop} ?any }}"


@dataclass(frozen=True)
class Case:
    name: str
    update: str
    expected: frozenset[tuple[str, str]]  # (shape, focus) of every result
    severity: str = "Violation"

    def graph(self) -> Graph:
        """good.ttl changed by the case's update: a fresh copy each time (a test may change it)."""
        return _copy(_updated(self.update))

    def shared(self) -> Graph:
        """The same graph, one for the whole session, for the engines that only read it (a copy
        costs more than pyshacl's run): never change it."""
        return _updated(self.update)

    def touched(self) -> set[str]:
        """The nodes the case names: in its update, or as a focus of its results."""
        return ({ID + local for local in re.findall(r"<https://w3id\.org/unkg/id/([^>]+)>",
                                                    self.update)}
                | {focus for _, focus in self.expected})


@dataclass(frozen=True)
class Group:
    """Cases that name no node in common, applied together to one copy of good.ttl: each is
    caught as if alone, and nothing else is (every case alone runs too, in the slow tests).
    One validation for a group costs what one case did: the fast loop checks every case so."""
    cases: tuple[Case, ...]

    @property
    def name(self) -> str:
        return f"{self.cases[0].name} and {len(self.cases) - 1} more"

    @property
    def expected(self) -> frozenset[tuple[str, str]]:
        return frozenset().union(*(c.expected for c in self.cases))

    def severity(self, shape: str, focus: str) -> str:
        return next(c.severity for c in self.cases if (shape, focus) in c.expected)

    def shared(self) -> Graph:
        """good.ttl changed by every case's update in turn, one graph for the session."""
        return _updated(*(c.update for c in self.cases))


def together(cases: list[Case]) -> list[Group]:
    """The cases in groups whose members name disjoint nodes, each case in the first group it
    fits (the same groups every run)."""
    groups: list[tuple[set[str], list[Case]]] = []
    for case in cases:
        nodes = case.touched()
        group = next((g for g in groups if not g[0] & nodes), None)
        if group is None:
            groups.append((set(), []))
            group = groups[-1]
        group[0].update(nodes)
        group[1].append(case)
    return [Group(tuple(members)) for _, members in groups]


@cache
def _good() -> Graph:
    return Graph().parse(GOOD, format="turtle")


@cache
def _updated(*updates: str) -> Graph:
    """good.ttl parsed once per session, and each case's update run once on a copy of it (a
    group's, one after another): the cases are validated by several engines, each with and
    without the ontology."""
    graph = _copy(_good())
    for update in updates:
        graph.update(PREFIXES + update)
    return graph


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy += graph
    return copy


@cache
def reference(case: Case) -> ValidationReport:
    """pyshacl's report on the case's graph, without the ontology: run once per session, read by
    tests/test_shapes.py (the shape's own verdict) and tests/test_shacl_compiled.py (the
    compiled engine's must be the same)."""
    return validate(case.shared())


def case(name: str, update: str, *pairs: tuple[str, str], severity: str = "Violation") -> Case:
    return Case(name, update, frozenset(("unkgsh:" + s, ID + f) for s, f in pairs), severity)


def property_cases(node: str, shape: str, *rows: tuple) -> list[Case]:
    """Cases that each break one property of `node`, caught by the property shape named after
    it (`SHAPE-localName`): rows of (name, add | replace | drop, property[, value])."""
    return [case(name, change(node, prop, *value), (f"{shape}-{prop.split(':')[-1]}", node))
            for name, change, prop, *value in rows]


PESKOV, KREMLIN, GROUP, POST = "person/dmitry-peskov", "org/kremlin", "group/european-allies", "post/kremlin-spokesperson"
ES7, ES8, S2774 = "document/A-RES-ES-11-7", "document/A-RES-ES-11-8", "document/S-RES-2774-2025"
AMENDMENT = "amendment/ga-es-11-8-full-scale-invasion"
GA_EVENT, SC_EVENT, VETOED = "vote-event/A-RES-ES-11-7", "vote-event/S-RES-2774-2025", "vote-event/sc-2774-amendment-vetoed"
US_VOTE, RULE = "vote/A-RES-ES-11-7/USA", "rule/security-council-voting"
CLAIM, STATEMENT, EVENT = "claim/us-against-es-11-7/USA", "statement/peskov-balanced-position", "event/trump-macron-talks"
MT, NOTES = "source/moscow-times-2025-02-25", "source/official-record-notes"
EV, QUOTE, POSITION = "evidence/european-allies/1", "evidence/european-allies/1/quote", "evidence/european-allies/1/position"
TARGET, ROW = "evidence/european-allies/1/target", "evidence/undl-ga-4076672/1/row"
SUN, UN_PAGE = "state/SUN", "source/www-un-org-en-about-us-member-states-russian-federation"
SUN_TARGET = "evidence/former-states-sun/1/target"


DESCRIBED, DRAFT = "group/european-leaders", "draft/us-original-ga-draft"
AMENDMENTS, PROVISION = "amendments/their-attempts", "provision/no-criticism"
# What a valid node of each kind reported only by the articles holds (besides its type).
DRAFT_DATA = f'rdfs:label "The US draft" ; unkg:draftOf {iri(ES8)} ; unkg:evidence {iri(EV)}'
AMENDMENTS_DATA = f'rdfs:label "Their attempts" ; unkg:proposedFor {iri(S2774)} ; unkg:evidence {iri(EV)}'
PROVISION_DATA = (f'unkg:provisionOf {iri(S2774)} ; schema:text "criticism of Russia" ; unkg:omits true ; '
                  f'unkg:evidence {iri(EV)} ; unkg:reviewedBy "A. Reviewer"')
ASSERTION_DATA = f'schema:text "a shift in US policy" ; unkg:evidence {iri(EV)} ; unkg:reviewedBy "A. Reviewer"'
def reported(node: str, data: str) -> str:
    """Update that adds a node of the kind its IRI names (draft/…, provision/…) holding `data`:
    the class of that kind of curated fact (kg/model/kinds.py)."""
    kind = next(k for k in FACT_KINDS.values() if k.ref_prefix == node.split("/")[0])
    return f"INSERT DATA {{ {iri(node)} a <{kind.cls}> ; {data} }}"


def council_vote(held: str | None, yes: int) -> str:
    """Update that moves the Council's adoption of S/RES/2774 to `held` (None: no date) with `yes`
    yes votes, its roll call no longer marked complete (so the ballots need not add up)."""
    date = replace(SC_EVENT, "dcterms:date", f'"{held}"^^xsd:date') if held else drop(SC_EVENT, "dcterms:date")
    return " ; ".join([date, replace(SC_EVENT + "/count/yes", "rdf:value", str(yes)),
                       drop(SC_EVENT, "unkg:rollCallComplete")])


CASES: list[Case] = [
    # actors.ttl
    case("state IRI in lower case", f'INSERT DATA {{ {iri("state/usa")} a unkg:State ; unkg:iso3 "USA" ; rdfs:label "x" }}',
         ("StateShape", "state/usa"), ("Iso3MatchesIri", "state/usa")),
    *property_cases("state/UKR", "State",
        ("state without ISO code", drop, "unkg:iso3"),
        ("state without name", drop, "rdfs:label"),
    ),
    *property_cases(PESKOV, "Actor",
        ("two preferred names", add, "skos:prefLabel", '"Peskov"'),
        ("alias that is not a text", add, "skos:altLabel", iri(KREMLIN)),
    ),
    case("person IRI with capitals", copy(PESKOV, "person/Dmitry_Peskov"), ("PersonShape", "person/Dmitry_Peskov")),
    case("person without label", drop(PESKOV, "rdfs:label"), ("Actor-label", PESKOV)),
    case("group without evidence", drop(GROUP, "unkg:evidence"), ("Actor-evidence", GROUP)),
    case("person holding an organisation", add(PESKOV, "org:holds", iri(KREMLIN)), ("Person-holds", PESKOV)),
    case("organisation without evidence", drop(KREMLIN, "unkg:evidence"), ("OrganizationShape", KREMLIN)),
    case("unknown UN body", f'INSERT DATA {{ {iri("org/un-human-rights-council")} a unkg:Organization, unkg:Body ; rdfs:label "HRC" }}',
         ("BodyShape", "org/un-human-rights-council")),
    case("group IRI with capitals", copy(GROUP, "group/European_Allies"), ("GroupShape", "group/European_Allies")),
    case("group member that is a document", add(GROUP, "org:hasMember", iri(ES7)), ("Group-hasMember", GROUP)),
    case("post IRI with capitals", copy(POST, "post/Kremlin"), ("PostShape", "post/Kremlin")),
    case("post in nothing", drop(POST, "org:postIn"), ("Post-postIn", POST)),
    case("Council seat IRI", copy("membership/un-security-council/USA", "membership/USA"), ("MembershipShape", "membership/USA")),
    case("Council seat with two members", add("membership/un-security-council/GBR", "org:member", iri("state/UKR")),
         ("Membership-member", "membership/un-security-council/GBR")),
    case("Council seat in two bodies", add("membership/un-security-council/SVN", "org:organization", iri("org/un-general-assembly")),
         ("Membership-organization", "membership/un-security-council/SVN")),
    case("Council seat role", replace("membership/un-security-council/FRA", "org:role", "unkg:Yes"),
         ("Membership-role", "membership/un-security-council/FRA")),
    # documents.ttl
    case("resolution IRI", copy(ES8, "document/a-res-es-11-8"), ("ResolutionShape", "document/a-res-es-11-8")),
    *property_cases(ES8, "Resolution",
        ("symbol without body prefix", replace, "unkg:symbol", '"RES/ES-11/8"'),
        ("draft symbol without body prefix", add, "unkg:draftSymbol", '"ES-11/L.12"'),
        ("two titles", add, "dcterms:title", '"Path to peace"'),
        ("resolution without body", drop, "unkg:body"),
        ("resolution without Popolo's publisher", drop, "schema:publisher"),
        ("drafted by a concept", add, "unkg:draftedBy", "unkg:Yes"),
        ("date as free text", replace, "dcterms:date", '"24 February 2025"'),
        ("Digital Library link as text", replace, "rdfs:seeAlso", '"4076673"'),
    ),
    case("amendment IRI", copy(AMENDMENT, "amendment/GA_full"), ("AmendmentShape", "amendment/GA_full")),
    *property_cases(AMENDMENT, "Amendment",
        ("amendment of nothing", drop, "unkg:amends"),
        ("moved by a document", add, "unkg:movedBy", iri(ES7)),
        ("on behalf of a concept", add, "unkg:movedOnBehalfOf", "unkg:Yes"),
        ("two original wordings", add, "unkg:originalWording", '"conflict"'),
        ("proposed wording with language tag", replace, "unkg:proposedWording", '"invasion"@en'),
        ("outcome not an outcome", replace, "unkg:outcome", "unkg:Yes"),
    ),
    # votes.ttl
    case("recorded vote said adopted without a vote", add(ES7, "unkg:adoptedWithoutVote", "true"),
         ("AdoptedWithoutVote-noVoteEvent", ES7)),
    case("adopted without a vote written false", add(ES8, "unkg:adoptedWithoutVote", "false"),
         ("AdoptedWithoutVote-value", ES8)),
    case("vote event IRI", copy(GA_EVENT, "vote-event/A-RES-ES-11-7/again"), ("VoteEventShape", "vote-event/A-RES-ES-11-7/again")),
    *property_cases(GA_EVENT, "VoteEvent",
        ("vote on a state", replace, "opengov:motion", iri("state/USA")),
        ("vote event organised by a state", replace, "schema:organizer", iri("state/USA")),
        ("organizer another body than the body", replace, "schema:organizer",
         iri("org/un-security-council")),
        ("vote event without Popolo's organizer", drop, "schema:organizer"),
        ("two dates", add, "dcterms:date", '"2025-02-25"^^xsd:date'),
        ("result not an outcome", replace, "opengov:result", "unkg:Yes"),
    ),
    # sh:equals: without its body, the organizer no longer names the same body either
    case("vote event without body", drop(GA_EVENT, "unkg:body"), ("VoteEvent-body", GA_EVENT),
         ("VoteEvent-organizer", GA_EVENT)),
    case("fifth count", f'INSERT DATA {{ {iri(GA_EVENT)} opengov:count {iri(GA_EVENT + "/count/present")} . '
         f'{iri(GA_EVENT + "/count/present")} a opengov:YesCount ; rdf:value 1 }}',
         ("VoteEvent-count", GA_EVENT), ("CountShape", GA_EVENT + "/count/present")),
    case("vetoed by an organisation", add(VETOED, "unkg:vetoedBy", iri(KREMLIN)),
         ("VoteEvent-vetoedBy", VETOED), ("VetoerIsPermanentMember", VETOED)),
    case("roll call flag as text", add(GA_EVENT, "unkg:rollCallComplete", '"true"'), ("VoteEvent-rollCallComplete", GA_EVENT)),
    case("count without type", drop(GA_EVENT + "/count/yes", "rdf:type"), ("CountShape", GA_EVENT + "/count/yes")),
    case("count of two options", add(GA_EVENT + "/count/no", "a", "opengov:AbstainCount"), ("CountCountsOneOption", GA_EVENT)),
    case("negative count", replace(GA_EVENT + "/count/yes", "rdf:value", "-1"), ("Count-value", GA_EVENT + "/count/yes")),
    case("vote IRI in lower case", copy(US_VOTE, "vote/A-RES-ES-11-7/usa"), ("VoteShape", "vote/A-RES-ES-11-7/usa"),
         ("OneBallotPerVoter", "vote/A-RES-ES-11-7/usa"), ("OneBallotPerVoter", US_VOTE)),
    *property_cases(US_VOTE, "Vote",
        ("vote in no event", drop, "opengov:voteEvent"),
        ("voter is a person", replace, "schema:agent", iri(PESKOV)),
        ("option as a code", replace, "schema:option", '"N"'),
    ),
    case("voting rule IRI", copy(RULE, "rule/SC"), ("VotingRuleShape", "rule/SC")),
    *property_cases(RULE, "VotingRule",
        ("rule without body", drop, "unkg:body"),
        ("minimum in words", replace, "unkg:minimumYesVotes", '"nine"'),
        ("veto flag as text", replace, "unkg:permanentMemberVeto", '"yes"'),
    ),
    # claims.ttl
    case("claim IRI", copy(CLAIM, "claim/US_against"), ("ClaimShape", "claim/US_against")),
    *property_cases(CLAIM, "Claim",
        ("claim about nothing", drop, "rdf:subject"),
        ("predicate as text", replace, "rdf:predicate", '"option"'),
        ("two values claimed", add, "rdf:object", "unkg:Yes"),
    ),
    case("curator note not text", f'INSERT DATA {{ {iri(CLAIM)} unkg:curatorNote 42 }}', ("Claim-curatorNote", CLAIM)),
    case("claim from the official record", add(CLAIM, "prov:wasDerivedFrom", iri(NOTES)), ("Claim-source", CLAIM)),
    # statements.ttl
    case("statement IRI", copy(STATEMENT, "statement/Peskov"), ("StatementShape", "statement/Peskov")),
    *property_cases(STATEMENT, "Statement",
        ("statement without speaker", drop, "schema:creator"),
        ("role that is not a post", replace, "unkg:inRole", iri(KREMLIN)),
        ("statement date as text", replace, "dcterms:date", '"2025-02-25"'),
        ("statement without text", drop, "schema:text"),
        ("direct quote as text", replace, "unkg:directQuote", '"yes"'),
        ("about a text", add, "schema:about", '"USA"'),
        ("stance not a stance", replace, "unkg:stance", "unkg:Yes"),
        ("stance towards a document", add, "unkg:stanceTowards", iri(ES7)),
        ("variant of an event", add, "unkg:variantOf", iri(EVENT)),
        ("comments on a state", add, "unkg:commentsOn", iri("state/USA")),
    ),
    case("date status as boolean", replace(EVENT, "unkg:dateStatus", "true"), ("Statement-dateStatus", EVENT)),
    case("event IRI", copy(EVENT, "event/Trump"), ("EventShape", "event/Trump")),
    *property_cases(EVENT, "Event",
        ("event without kind", drop, "unkg:eventKind"),
        ("two descriptions", add, "schema:description", '"Talks."'),
        ("participant as text", add, "unkg:participant", '"Trump"'),
        ("event date with time", replace, "dcterms:date", '"2025-02-24T10:00:00"^^xsd:dateTime'),
    ),
    # sources.ttl
    case("news article IRI", copy(MT, "source/Moscow_Times"), ("NewsArticleShape", "source/Moscow_Times")),
    case("official record IRI", copy(NOTES, "source/Notes"), ("OfficialRecordShape", "source/Notes")),
    *property_cases(MT, "Source",
        ("two titles of a source", add, "dcterms:title", '"Kremlin applauds"'),
        ("publisher as IRI", replace, "schema:publisher", "<https://www.themoscowtimes.com/>"),
        ("publication date as text", replace, "schema:datePublished", '"25 February 2025"'),
        ("two URLs", add, "schema:url", '"https://example.org/"'),
        ("source id with spaces", replace, "dcterms:identifier", '"Moscow Times"'),
        ("checksum in capitals", replace, "unkg:sha256", '"60CBC04EC8213245C0BEF0F3086895EB336EB0442B559E2CE0ADB80CE5BFF0D6"'),
    ),
    case("file outside the project", replace(MT, "unkg:localFile", '"/tmp/article.txt"'), ("NewsArticle-localFile", MT)),
    case("file path neither in the project nor absolute", replace(MT, "unkg:localFile", '"articles/x.txt"'),
         ("Source-localFile", MT), ("NewsArticle-localFile", MT)),
    case("unknown property as text", add(MT, "unkg:unknownProperty", '"date"'), ("Source-unknownProperty", MT)),
    case("primary source as text", replace(NOTES, "prov:hadPrimarySource", '"GA/12677"'), ("Source-hadPrimarySource", NOTES)),
    # evidence.ttl
    case("fact without evidence", drop(EVENT, "unkg:evidence"), ("Fact-evidence", EVENT)),
    # A ballot's evidence and source are its vote event's: one without them is reported there.
    case("ballot in a vote event without evidence", drop(US_VOTE, "unkg:evidence") + " ; "
         + copy(VETOED, "vote-event/bare") + " ; " + drop("vote-event/bare", "unkg:evidence") + " ; "
         + drop("vote-event/bare", "prov:wasDerivedFrom") + " ; "
         + replace(US_VOTE, "opengov:voteEvent", iri("vote-event/bare")) + " ; "
         + drop(US_VOTE, "prov:wasDerivedFrom"),
         ("Fact-evidence", "vote-event/bare"), ("Fact-wasDerivedFrom", "vote-event/bare")),
    case("ballot evidence that is not an annotation", replace(US_VOTE, "unkg:evidence", iri(GA_EVENT)),
         ("Ballot-evidence", US_VOTE), ("EvidenceNamesItsFact", US_VOTE)),
    *property_cases(US_VOTE, "Ballot",
        ("ballot derived from a state", replace, "prov:wasDerivedFrom", iri("state/USA")),
        ("ballot labelled with an IRI", replace, "rdfs:label", iri("state/USA")),
    ),
    # A ballot's rows may be its vote event's (kg import-undl): one without is reported there.
    case("ballot without its row in a vote event without its rows",
         drop(US_VOTE, "unkg:curatedIn") + " ; " + drop(GA_EVENT, "unkg:curatedIn"),
         ("Fact-curatedIn", GA_EVENT)),
    case("ballot row as an IRI", replace(US_VOTE, "unkg:curatedIn", iri("state/USA")),
         ("Ballot-curatedIn", US_VOTE)),
    case("fact without source", drop(RULE, "prov:wasDerivedFrom"), ("Fact-wasDerivedFrom", RULE)),
    case("fact without record", drop(CLAIM, "unkg:curatedIn"), ("Fact-curatedIn", CLAIM)),
    case("fact without label", drop(EVENT, "rdfs:label"), ("Fact-label", EVENT)),
    case("evidence not an annotation", f"DELETE DATA {{ {iri(EV)} a oa:Annotation }}", ("EvidenceShape", EV)),
    *property_cases(EV, "Evidence",
        ("other motivation", replace, "oa:motivatedBy", "oa:commenting"),
        ("body as text", replace, "oa:hasBody", '"the group"'),
        ("evidence without target", drop, "oa:hasTarget"),
    ),
    case("target IRI", f"INSERT DATA {{ {iri(EV + '/selection')} a oa:SpecificResource ; "
         f"oa:hasSource {iri('source/article-2025-02-26-unsc-pakistan')} ; oa:hasSelector {iri(QUOTE)}, {iri(POSITION)} }}",
         ("EvidenceTargetShape", EV + "/selection")),
    *property_cases(TARGET, "Target",
        ("target in a state", replace, "oa:hasSource", iri("state/USA")),
        ("selector that is a state", add, "oa:hasSelector", iri("state/USA")),
    ),
    case("quote selector with a label", add(QUOTE, "rdfs:label", '"quote"'), ("TextQuoteSelectorShape", QUOTE)),
    *property_cases(QUOTE, "Quote",
        ("quote with language tag", replace, "oa:exact", '"Europeans"@en'),
        ("prefix too long", add, "oa:prefix", '"' + "x" * 33 + '"'),
    ),
    case("two suffixes", f'INSERT DATA {{ {iri(QUOTE)} oa:suffix "a", "b" }}', ("Quote-suffix", QUOTE)),
    case("position selector with a quote", add(POSITION, "oa:exact", '"Europeans"'), ("TextPositionSelectorShape", POSITION)),
    *property_cases(POSITION, "Position",
        ("start as text", replace, "oa:start", '"1513"'),
        ("position without end", drop, "oa:end"),
    ),
    case("row selector with a quote", add(ROW, "oa:exact", '"AFG"'), ("FragmentSelectorShape", ROW)),
    *property_cases(ROW, "Fragment",
        ("row selector of RFC 4180", replace, "dcterms:conformsTo", "<http://tools.ietf.org/rfc/rfc4180>"),
        ("header row", replace, "rdf:value", '"row=1"'),
        ("row selector naming an XML element by a row", replace, "rdf:value", '"xpointer()"'),
    ),
    # rules.ttl
    case("tally differs from complete roll call", replace(SC_EVENT + "/count/yes", "rdf:value", "11"),
         ("TallyMatchesBallots", SC_EVENT)),
    case("Council adoption with 8 yes", replace(SC_EVENT + "/count/yes", "rdf:value", "8"),
         ("CouncilAdoptionNeedsNineYes", SC_EVENT), ("TallyMatchesBallots", SC_EVENT)),
    case("Council adoption with 6 yes in 1960", council_vote("1960-05-01", 6), ("CouncilAdoptionNeedsNineYes", SC_EVENT)),
    case("Council adoption with 8 yes in 2000", council_vote("2000-05-01", 8), ("CouncilAdoptionNeedsNineYes", SC_EVENT)),
    case("Council adoption with 8 yes on 31 August 1965", council_vote("1965-08-31", 8), ("CouncilAdoptionNeedsNineYes", SC_EVENT)),
    case("Council adoption with 8 yes and no date", council_vote(None, 8),
         ("CouncilAdoptionNeedsNineYes", SC_EVENT), ("VoteEvent-date", SC_EVENT)),
    # Not a violation: a procedural decision passes over a permanent member's no (Article 27(2)).
    case("Council adoption despite China's no", replace("vote/S-RES-2774-2025/CHN", "schema:option", "unkg:No")
         + " ; " + replace(SC_EVENT + "/count/yes", "rdf:value", "9") + " ; " + replace(SC_EVENT + "/count/no", "rdf:value", "1"),
         ("CouncilAdoptionWithoutPermanentNo", SC_EVENT), severity="Warning"),
    case("veto with result rejected", replace(VETOED, "opengov:result", "unkg:Rejected"), ("VetoMeansVetoedResult", VETOED)),
    case("veto by an elected member", add(VETOED, "unkg:vetoedBy", iri("state/SVN")), ("VetoerIsPermanentMember", VETOED)),
    case("vetoer voted yes", copy("vote/S-RES-2774-2025/RUS", "vote/sc-2774-amendment-vetoed/RUS")
         + " ; " + replace("vote/sc-2774-amendment-vetoed/RUS", "opengov:voteEvent", iri(VETOED)),
         ("VetoerVotedNo", VETOED)),
    case("Council ballot by a non-member", replace("vote/S-RES-2774-2025/PAN", "schema:agent", iri("state/UKR")),
         ("VoterIsCouncilMember", "vote/S-RES-2774-2025/PAN")),
    case("two ballots by one state", replace(US_VOTE, "schema:agent", iri("state/UKR")),
         ("OneBallotPerVoter", US_VOTE), ("OneBallotPerVoter", "vote/A-RES-ES-11-7/UKR")),
    case("offsets do not span the quote", replace(POSITION, "oa:end", '"1523"^^xsd:nonNegativeInteger'), ("PositionMatchesQuote", POSITION)),
    case("quote without position", f"DELETE DATA {{ {iri(TARGET)} oa:hasSelector {iri(POSITION)} }}",
         ("TargetSelectsWordsOrRow", TARGET)),
    case("evidence not naming its fact", f"DELETE DATA {{ {iri('evidence/trump-macron-talks/1')} oa:hasBody {iri(EVENT)} }}",
         ("EvidenceNamesItsFact", EVENT)),
    case("statement carried by one source", f"DELETE DATA {{ {iri(STATEMENT)} unkg:evidence {iri('evidence/peskov-balanced-position/2')} }}",
         ("CarriedBySingleSource", STATEMENT), severity="Warning"),
    case("statement dated before the vote", replace(STATEMENT, "dcterms:date", '"2025-02-23"^^xsd:date'),
         ("StatementNotBeforeVote", STATEMENT)),
    case("ISO code differs from IRI", replace("state/UKR", "unkg:iso3", '"UKA"'), ("Iso3MatchesIri", "state/UKR")),
    # issue 18: reasons for stances, reviews, described groups, drafts, amendments named together,
    # provisions and assertions
    *property_cases(STATEMENT, "Statement",
        ("stance reason as IRI", add, "unkg:stanceReason", iri(ES7)),
        ("said at a vote event", add, "unkg:saidAt", iri(GA_EVENT)),
    ),
    case("praise without a reason", drop(STATEMENT, "unkg:stanceReason"), ("StanceNeedsReason", STATEMENT), severity="Warning"),
    case("claim not reviewed", drop(CLAIM, "unkg:reviewedBy"), ("Review-reviewedBy", CLAIM), severity="Warning"),
    case("described group with fixed members", copy(GROUP, DESCRIBED) + f" ; INSERT DATA {{ {iri(DESCRIBED)} a unkg:DescribedGroup }}",
         ("DescribedGroup-hasMember", DESCRIBED)),
    case("named member that is a document", copy(GROUP, DESCRIBED) + " ; " + drop(DESCRIBED, "org:hasMember")
         + f" ; INSERT DATA {{ {iri(DESCRIBED)} a unkg:DescribedGroup ; unkg:namedMember {iri(ES7)} }}",
         ("DescribedGroup-namedMember", DESCRIBED)),
    case("draft IRI", reported("draft/US_draft", DRAFT_DATA), ("DraftTextShape", "draft/US_draft")),
    case("draft of nothing", reported(DRAFT, DRAFT_DATA) + " ; " + drop(DRAFT, "unkg:draftOf"), ("DraftText-draftOf", DRAFT)),
    case("draft without evidence", reported(DRAFT, DRAFT_DATA) + " ; " + drop(DRAFT, "unkg:evidence"), ("Reported-evidence", DRAFT)),
    case("amendments IRI", reported("amendments/Their_attempts", AMENDMENTS_DATA), ("DescribedAmendmentsShape", "amendments/Their_attempts")),
    case("amendments proposed for a state", reported(AMENDMENTS, AMENDMENTS_DATA) + " ; "
         + replace(AMENDMENTS, "unkg:proposedFor", iri("state/USA")), ("DescribedAmendments-proposedFor", AMENDMENTS)),
    case("provision IRI", reported("provision/No_criticism", PROVISION_DATA), ("ReportedProvisionShape", "provision/No_criticism")),
    case("provision of a state", reported(PROVISION, PROVISION_DATA) + " ; " + replace(PROVISION, "unkg:provisionOf", iri("state/RUS")),
         ("Provision-provisionOf", PROVISION)),
    case("omits as text", reported(PROVISION, PROVISION_DATA) + " ; " + replace(PROVISION, "unkg:omits", '"yes"'),
         ("Provision-omits", PROVISION)),
    case("provision without text", reported(PROVISION, PROVISION_DATA.replace('schema:text "criticism of Russia" ; ', "")),
         ("Reported-text", PROVISION)),
    case("assertion IRI", reported("assertion/Policy_shift", ASSERTION_DATA), ("AssertionShape", "assertion/Policy_shift")),
    # issue 15: former Members (former-states.ttl) and the page cited for them
    case("membership ending before it began", replace(SUN, "unkg:memberUntil", '"1940-01-01"^^xsd:date'), ("FormerState-memberFrom", SUN)),
    case("membership ending on the day it began", replace(SUN, "unkg:memberUntil", '"1945-10-24"^^xsd:date'), ("FormerState-memberFrom", SUN)),
    case("two days membership ended", add(SUN, "unkg:memberUntil", '"1992-01-01"^^xsd:date'), ("FormerState-memberUntil", SUN)),
    case("membership end as text", replace(SUN, "unkg:memberUntil", '"24 December 1991"'),
         ("FormerState-memberUntil", SUN), ("FormerState-memberFrom", SUN)),  # a date and a text do not compare
    case("successor that is a document", replace(SUN, "unkg:succeededBy", iri(ES7)), ("FormerState-succeededBy", SUN)),
    case("former state without evidence", drop(SUN, "unkg:evidence"), ("FormerState-evidence", SUN)),
    case("membership dates of a person", add(PESKOV, "unkg:memberFrom", '"1945-10-24"^^xsd:date'), ("FormerStateShape", PESKOV)),
    case("cited page IRI", copy(UN_PAGE, "source/UN_page"), ("WebReferenceShape", "source/UN_page")),
    case("cited page without address", drop(UN_PAGE, "schema:url"), ("WebReference-url", UN_PAGE)),
    case("cited page with two titles", add(UN_PAGE, "rdfs:label", '"Member States"'), ("WebReference-label", UN_PAGE)),
    case("page quote with a row selector", add(SUN_TARGET, "oa:hasSelector", iri(ROW)), ("TargetSelectsWordsOrRow", SUN_TARGET)),
]

# Graphs that must conform: good.ttl changed in ways the shapes have to accept.
VARIANT = "statement/peskov-balanced-position-other-words"
KEPT_EVIDENCE, MOVED_EVIDENCE = "evidence/peskov-balanced-position/1", "evidence/peskov-balanced-position/2"
CONFORMING: list[Case] = [
    # Until the amendment of Article 27 came into force on 31 August 1965, 7 of 11 sufficed.
    case("Council adoption with 7 yes in 1960", council_vote("1960-05-01", 7)),
    case("Council adoption with 7 yes on 30 August 1965", council_vote("1965-08-30", 7)),
    case("Council adoption with 9 yes in 2000", council_vote("2000-05-01", 9)),
    # issue 18: each kind reported only by the articles, as the loader writes it
    case("a draft text", reported(DRAFT, DRAFT_DATA)),
    case("amendments named together", reported(AMENDMENTS, AMENDMENTS_DATA)),
    case("a provision the text omits", reported(PROVISION, PROVISION_DATA)),
    case("an assertion", reported("assertion/policy-shift", ASSERTION_DATA)),
    # a remark one article quotes in these words and another in other words has two sources
    case("a statement whose other wording another source carries",
         copy(STATEMENT, VARIANT) + f""" ; DELETE DATA {{
             {iri(STATEMENT)} unkg:evidence {iri(MOVED_EVIDENCE)} ; prov:wasDerivedFrom {iri("source/article-2025-02-26-unsc-pakistan")} .
             {iri(MOVED_EVIDENCE)} oa:hasBody {iri(STATEMENT)} .
             {iri(VARIANT)} unkg:evidence {iri(KEPT_EVIDENCE)} ; prov:wasDerivedFrom {iri("source/moscow-times-2025-02-25")} .
             {iri(KEPT_EVIDENCE)} oa:hasBody {iri(VARIANT)} }} ;
         INSERT DATA {{ {iri(STATEMENT)} unkg:variantOf {iri(VARIANT)} . {iri(VARIANT)} unkg:variantOf {iri(STATEMENT)} }}"""),
    case("a described group with named members", copy(GROUP, DESCRIBED) + " ; " + drop(DESCRIBED, "org:hasMember")
         + f" ; INSERT DATA {{ {iri(DESCRIBED)} a unkg:DescribedGroup ; unkg:namedMember {iri('state/FRA')} }}"),
]

# The three curator mistakes, as graphs merged onto good.ttl, with what the report must say.
MISTAKES: dict[str, tuple[frozenset[tuple[str, str]], str]] = {
    "mistake-council-8-0-7-adopted.ttl": (
        frozenset({("unkgsh:CouncilAdoptionNeedsNineYes", "id:vote-event/sc-2774-miscounted")}),
        "adopted only with at least 9 yes votes, but this vote event is marked adopted with 8",
    ),
    "mistake-non-member-ballot.ttl": (
        frozenset({
            ("unkgsh:VoterIsCouncilMember", "id:vote/S-RES-2774-2025/UKR"),
            ("unkgsh:TallyMatchesBallots", "id:vote-event/S-RES-2774-2025"),
        }),
        "state/UKR cast a ballot in the Security Council but has no Council seat",
    ),
    "mistake-event-without-evidence.ttl": (
        frozenset({("unkgsh:Fact-evidence", "id:event/trump-macron-press-conference")}),
        "Every fact needs at least one piece of evidence",
    ),
}


def mistake_graph(name: str) -> Graph:
    graph = _copy(_good())
    return graph.parse(FIXTURES / name, format="turtle")


# Not a mistake: a ballot as `kg import-undl` writes it names only its row; its evidence and
# source are its vote event's.
BULK_BALLOT = case("ballot imported in bulk", drop(US_VOTE, "unkg:evidence") + " ; "
                   + drop(US_VOTE, "prov:wasDerivedFrom") + " ; " + drop(US_VOTE, "rdfs:label")
                   + " ; " + drop(US_VOTE, "unkg:curatedIn"))
