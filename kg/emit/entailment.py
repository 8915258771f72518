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
hold the graph; `Entailment.lines()` line by line, for a writer (kg.emit.sink.NTriplesWriter,
which `kg import-undl` streams through).
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
        held = set(graph)  # read once: reading the graph again each round cost half the time
        todo, count = held, 0
        while todo:
            added = {new for triple in todo for new in self.entailed(triple)} - held
            for triple in added:
                graph.add(triple)
            held |= added
            count += len(added)
            todo = added  # type: ignore[assignment]
        return count

    def ntriples(self, lines: Iterable[str]) -> Iterator[str]:
        """The entailed triples of a stream of N-Triples lines (one triple a line), as lines.

        The input's own lines are not repeated; a line the input holds twice gives its
        entailments twice (a store keeps one), so nothing but the code-list values is
        remembered and a stream of millions of ballots stays a stream.
        """
        entailer = self.lines()
        for line in lines:
            yield from entailer.entail(line)

    def lines(self) -> "LineEntailer":
        """An entailer of N-Triples lines one at a time, for writers that stream."""
        return LineEntailer(self)


class LineEntailer:
    """What the ontology adds to one N-Triples line, as lines: kg.emit.sink.NTriplesWriter
    calls it per line and builds its ballot templates with it. The terms are looked up by
    their N-Triples text, never parsed, so a line costs a split and two dictionary look-ups.
    It remembers which code-list values it has described, and describes each once."""

    def __init__(self, entailment: Entailment):
        self._entailment = entailment
        self._superclasses = {f"<{c}>": tuple(f"<{s}>" for s in sorted(supers))
                              for c, supers in entailment.superclasses.items()}
        self._superproperties = {f"<{p}>": tuple(f"<{s}>" for s in sorted(supers))
                                 for p, supers in entailment.superproperties.items()}
        self._values = {f"<{value}>": value for value in entailment.descriptions}
        self.described: set[str] = set()

    def entail(self, line: str) -> list[str]:
        """The lines one line entails, descriptions of what those name included."""
        parts = line.rstrip().removesuffix(".").rstrip().split(" ", 2)
        if len(parts) < 3 or not parts[1].startswith("<"):
            return []  # a blank or comment line
        return self.entail_triple(*parts)

    def entail_triple(self, subject: str, predicate: str, value: str) -> list[str]:
        """The lines one triple (its terms' N-Triples text) entails: `entail` without the
        parsing, for a writer that has the terms apart. Most triples entail nothing, which
        costs two look-ups."""
        if (predicate not in self._superproperties and value not in self._superclasses
                and value not in self._values):
            return []
        out: list[str] = []
        for superproperty in self._superproperties.get(predicate, ()):
            out.append(f"{subject} {superproperty} {value} .\n")
        if predicate == _TYPE:
            for superclass in self._superclasses.get(value, ()):
                out.append(f"{subject} {_TYPE} {superclass} .\n")
        else:
            out += self.describe(value)
        return out

    def describe(self, value: str) -> list[str]:
        """A code-list value's description (its N-Triples text, e.g. "<...#No>"), with what
        that entails in turn (a value's scheme is described too); nothing if it was
        described before or has no description."""
        if value not in self._values or value in self.described:
            return []
        self.described.add(value)
        description = Graph()
        for triple in self._entailment.descriptions[self._values[value]]:
            description.add(triple)
        lines = sorted(description.serialize(format="nt").splitlines(keepends=True))
        return lines + [new for line in lines for new in self.entail(line)]


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
