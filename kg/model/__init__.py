"""The model: vocabularies and prefixes, the one place that mints IRIs, the ontology, the kinds
of curated fact, and what is generated from them (the JSON-LD context, MODEL.md's tables).

May import: kg.errors, kg.project. Nothing else in kg.
"""
