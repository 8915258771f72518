"""Saved SPARQL queries: the catalogue, parameters resolved to RDF terms (names as people write
them: names.py), where they run (embedded or remote), and how their results are written.

May import: kg.store, kg.model, kg.errors, kg.project.
"""
