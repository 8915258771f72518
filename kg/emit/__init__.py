"""Records -> triples: sources, evidence, curated facts, the official record, into any sink.

A sink is anything with `add(triple)`: an rdflib Graph, or the N-Triples writer that streams to
Oxigraph's bulk loader. May import: kg.ingest, kg.model, kg.errors, kg.project.
"""
