"""What the ontology entails, written into the data, so that a reader who knows only the standards
(Popolo/opengov, schema.org, PROV-O, ORG, Web Annotation, Dublin Core, SKOS) finds it without
a reasoner and without the ontology.

Two kinds of triple are added, nothing else:

- the superclasses and superproperties the ontology declares, closed under transitivity (RDFS
  entailment rules rdfs9 and rdfs7, with rdfs11 and rdfs5): a unkg:VoteEvent is also an
  opengov:VoteEvent and a schema:Event, a unkg:symbol is also a dcterms:identifier;
- the ontology's description of each code-list value the data names (vote options, outcomes,
  stances, seat kinds, ...): its types, labels, notation, definition, scheme, broader concept
  and its match in a standard (`unkg:Adopted skos:exactMatch opengov:Pass`), and its
  skos:prefLabel again as rdfs:label (SKOS declares skos:prefLabel a subproperty of
  rdfs:label), so `schema:option unkg:No` reads "no".

`Entailment.add_to(graph)` does it to an rdflib graph; `Entailment.ntriples(lines)` to a stream
of N-Triples lines (one triple per line, as the bulk loaders write), for importers that never
hold the graph.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

# What is copied from the ontology for a code-list value the data names.
DESCRIBING = (RDF.type, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, SKOS.definition,
              SKOS.inScheme, SKOS.broader, SKOS.exactMatch, SKOS.broadMatch)
_TYPE = f"<{RDF.type}>"

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Entailment:
    superclasses: dict[URIRef, frozenset[URIRef]]  # every class's strict superclasses
    superproperties: dict[URIRef, frozenset[URIRef]]  # likewise for properties
    descriptions: dict[URIRef, tuple[Triple, ...]]  # code-list value -> its description

    @classmethod
    def of(cls, ontology: Graph) -> "Entailment":
        descriptions = {}
        for value in set(ontology.subjects(SKOS.prefLabel, None)):
            if not isinstance(value, URIRef) or (value, RDF.type, OWL.Class) in ontology:
                continue
            triples = [(value, p, o) for p in DESCRIBING for o in ontology.objects(value, p)
                       if not (p == RDF.type and str(o).startswith(str(OWL)))]
            triples += [(value, RDFS.label, label)
                        for label in ontology.objects(value, SKOS.prefLabel)]
            descriptions[value] = tuple(sorted(triples))
        return cls(_closure(ontology, RDFS.subClassOf), _closure(ontology, RDFS.subPropertyOf),
                   descriptions)

    def entailed(self, triple: Triple) -> Iterator[Triple]:
        """The triples the ontology adds for one triple of the data."""
        subject, predicate, value = triple
        if predicate == RDF.type:
            for superclass in self.superclasses.get(value, ()):  # type: ignore[arg-type]
                yield subject, RDF.type, superclass
        else:
            yield from self.descriptions.get(value, ())  # type: ignore[arg-type]
        for superproperty in self.superproperties.get(predicate, ()):
            yield subject, superproperty, value

    def add_to(self, graph: Graph) -> int:
        """Add every entailed triple to `graph`, until nothing more follows (a description
        names its scheme, which has its own); the number of triples added."""
        before = len(graph)
        todo = set(graph)
        while todo:
            added = {new for triple in todo for new in self.entailed(triple)} - set(graph)
            for triple in added:
                graph.add(triple)
            todo = added  # type: ignore[assignment]
        return len(graph) - before

    def ntriples(self, lines: Iterable[str]) -> Iterator[str]:
        """The entailed triples of a stream of N-Triples lines (one triple a line), as lines.

        The input's own lines are not repeated; a line the input holds twice gives its
        entailments twice (a store keeps one), so nothing but the code-list values is
        remembered and a stream of millions of ballots stays a stream.
        """
        described: set[URIRef] = set()
        for line in lines:
            todo = [line]
            while todo:
                for out in self._line(todo.pop(), described):
                    yield out
                    if out.startswith("<https://w3id.org/unkg/ontology#"):
                        todo.append(out)  # a description: it may name a scheme in turn

    def _line(self, line: str, described: set[URIRef]) -> Iterator[str]:
        parts = line.rstrip().removesuffix(".").rstrip().split(" ", 2)
        if len(parts) < 3 or not parts[1].startswith("<"):
            return  # a blank or comment line
        subject, predicate, value = parts
        for superproperty in self.superproperties.get(URIRef(predicate[1:-1]), ()):
            yield f"{subject} <{superproperty}> {value} .\n"
        if not value.startswith("<"):
            return
        iri = URIRef(value[1:-1])
        if predicate == _TYPE:
            for superclass in self.superclasses.get(iri, ()):
                yield f"{subject} {_TYPE} <{superclass}> .\n"
        elif iri in self.descriptions and iri not in described:
            described.add(iri)
            description = Graph()
            for triple in self.descriptions[iri]:
                description.add(triple)
            yield from sorted(description.serialize(format="nt").splitlines(keepends=True))


def _closure(ontology: Graph, relation: URIRef) -> dict[URIRef, frozenset[URIRef]]:
    """Each term's strict ancestors along `relation` (a term is not its own ancestor here)."""
    parents: dict[URIRef, set[URIRef]] = {}
    for child, parent in ontology.subject_objects(relation):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and child != parent:
            parents.setdefault(child, set()).add(parent)
    closed: dict[URIRef, frozenset[URIRef]] = {}
    for term in parents:
        found: set[URIRef] = set()
        todo = list(parents[term])
        while todo:
            parent = todo.pop()
            if parent not in found and parent != term:
                found.add(parent)
                todo.extend(parents.get(parent, ()))
        closed[term] = frozenset(found)
    return closed
