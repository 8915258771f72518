"""Derived results back into RDF: blocs, memberships with ideal points, the activity that made them.

Everything here is marked derived: its own classes (unkg:DerivedBloc,
unkg:DerivedMembership, unkg:AlignmentAnalysis) and prov:wasGeneratedBy the
analysis, which names the algorithm, its seed and the vote events it used.
IRIs hash the inputs, so the same analysis always gets the same IRIs.
"""

import hashlib
import math
from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef

from kg.analysis.alignment import (
    AGREEMENT_RULE,
    ALGORITHM,
    BLOC_WEIGHTS,
    RESOLUTION,
    SEED,
    bloc_name,
)
from kg.analysis.figures import MAX_LISTED, votes_phrase
from kg.analysis.votes import VoteMatrix
from kg.model import iris
from kg.model.iris import part_iri, state_iri
from kg.model.namespaces import DCTERMS, ORG, PROV, RDF, RDFS, UNKG, XSD
from kg.store.export import bind_prefixes


def analysis_iri(matrix: VoteMatrix, seed: int = SEED) -> URIRef:
    inputs = "\n".join([ALGORITHM, BLOC_WEIGHTS, str(seed), str(RESOLUTION),
                        *(e.iri for e in matrix.events)])
    return iris.analysis_iri(hashlib.sha256(inputs.encode()).hexdigest()[:12])


def derived_graph(matrix: VoteMatrix, blocs: Sequence[Sequence[str]],
                  points: Sequence[float], seed: int = SEED) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    activity = analysis_iri(matrix, seed)
    votes = (", ".join(e.label for e in matrix.events) if len(matrix.events) <= MAX_LISTED
             else votes_phrase(matrix.events))  # prov:used names every vote event
    graph.add((activity, RDF.type, UNKG.AlignmentAnalysis))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"Alignment analysis of {votes}")))
    graph.add((activity, UNKG.algorithm, Literal(ALGORITHM)))
    graph.add((activity, UNKG.randomSeed, Literal(seed)))
    graph.add((activity, UNKG.modularityResolution, Literal(RESOLUTION)))
    graph.add((activity, RDFS.comment, Literal(f"{AGREEMENT_RULE} Blocs: {BLOC_WEIGHTS}")))
    # The date the results hold for (the latest vote used), not the clock: reruns are identical.
    graph.add((activity, DCTERMS.date, Literal(max(e.date for e in matrix.events),
                                               datatype=XSD.date)))
    for event in matrix.events:
        graph.add((activity, PROV.used, URIRef(event.iri)))
    point_of = dict(zip(matrix.states, points, strict=True))
    names = dict(zip(matrix.states, matrix.names, strict=True))
    for number, members in enumerate(blocs, start=1):
        bloc = part_iri(activity, f"bloc/{number}")
        graph.add((bloc, RDF.type, UNKG.DerivedBloc))
        graph.add((bloc, RDFS.label, Literal(f"Voting bloc {number}: "
                                             f"{bloc_name(list(members), names)} "
                                             f"({len(members)} states) on {votes}")))
        graph.add((bloc, PROV.wasGeneratedBy, activity))
        for iso3 in members:
            state = state_iri(iso3)
            membership = part_iri(activity, f"membership/{iso3}")
            graph.add((bloc, ORG.hasMember, state))
            graph.add((membership, RDF.type, UNKG.DerivedMembership))
            graph.add((membership, RDFS.label, Literal(f"{iso3} in voting bloc {number}")))
            graph.add((membership, ORG.member, state))
            graph.add((membership, ORG.organization, bloc))
            graph.add((membership, PROV.wasGeneratedBy, activity))
            if not math.isnan(point_of[iso3]):
                graph.add((membership, UNKG.idealPoint,
                           Literal(f"{point_of[iso3]:.6f}", datatype=XSD.decimal)))
    return graph
