"""A fact of the graph in plain words, as a second curator reads it beside the article."""

from rdflib import Graph, Literal, URIRef

from kg.model.namespaces import DCTERMS, RDF, RDFS, SCHEMA, SKOS, UNKG

KINDS = {UNKG.Statement: "statement", UNKG.Claim: "claim", UNKG.Event: "event",
         UNKG.ReportedProvision: "provision", UNKG.Assertion: "assertion",
         UNKG.Resolution: "resolution", UNKG.DraftText: "draft text",
         UNKG.DescribedAmendments: "amendments named together", UNKG.Amendment: "amendment",
         UNKG.VoteEvent: "vote event", UNKG.Vote: "ballot", UNKG.VotingRule: "voting rule",
         UNKG.DescribedGroup: "group named by description", UNKG.Group: "group",
         UNKG.Person: "person", UNKG.Organization: "organisation", UNKG.Post: "post",
         UNKG.State: "state (its names)"}


def label(graph: Graph, node: object) -> str:
    if isinstance(node, Literal):
        return str(node)
    for prop in (SKOS.prefLabel, RDFS.label):
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    if isinstance(node, URIRef) and "#" in node:
        return node.rsplit("#", 1)[-1].lower()
    return str(node).rsplit("/", 1)[-1]


def kind(graph: Graph, node: URIRef) -> str:
    types = set(graph.objects(node, RDF.type))
    return next((name for cls, name in KINDS.items() if cls in types), "fact")


def record_verdict(graph: Graph, claim: URIRef) -> tuple[str, str]:
    """How the record rates a claim: ('contradicted' | 'supported' | 'not in the record', what
    the record says)."""
    subject = graph.value(claim, RDF.subject)
    predicate = graph.value(claim, RDF.predicate)
    claimed = graph.value(claim, RDF.object)
    recorded = list(graph.objects(subject, predicate))
    if not recorded:
        return "not in the record", ""
    said = ", ".join(sorted(label(graph, r) for r in recorded))
    if any(r == claimed or (isinstance(r, Literal) and isinstance(claimed, Literal)
                            and r.toPython() == claimed.toPython()) for r in recorded):
        return "supported", said
    return "contradicted", said


def describe(graph: Graph, node: URIRef) -> list[tuple[str, str]]:
    """The fact's fields a reviewer checks, as (field, plain words) pairs."""
    rows: list[tuple[str, str]] = [("what", f"{kind(graph, node)}: {label(graph, node)}")]

    def names(prop: URIRef) -> str:
        return ", ".join(sorted(label(graph, o) for o in graph.objects(node, prop)))

    fields = [("speaker", SCHEMA.creator), ("role", UNKG.inRole), ("date", DCTERMS.date),
              ("words", SCHEMA.text), ("stance", UNKG.stance), ("towards", UNKG.stanceTowards),
              ("why this stance", UNKG.stanceReason), ("about", SCHEMA.about),
              ("comments on", UNKG.commentsOn), ("said at", UNKG.saidAt),
              ("participants", UNKG.participant), ("of the text", UNKG.provisionOf),
              ("named members", UNKG.namedMember), ("draft of", UNKG.draftOf),
              ("proposed for", UNKG.proposedFor), ("curator's note", UNKG.curatorNote),
              ("reviewed by", UNKG.reviewedBy)]
    for name, prop in fields:
        words = names(prop)
        if words:
            rows.append((name, words))
    direct = graph.value(node, UNKG.directQuote)
    if direct is not None:
        rows.append(("form", "quoted words" if direct.toPython() else "paraphrase"))
    if graph.value(node, UNKG.omits) is not None:
        rows.append(("the text", "leaves this out" if graph.value(node, UNKG.omits).toPython()
                     else "says this"))
    if (node, RDF.type, UNKG.Claim) in graph:
        verdict, said = record_verdict(graph, node)
        rows.append(("official record", f"{verdict}" + (f" (the record: {said})" if said else "")))
    return rows
