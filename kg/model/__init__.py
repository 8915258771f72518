"""The model: vocabularies and prefixes, the one place that mints IRIs, the ontology.

May import: kg.errors, kg.project. Nothing else in kg.
"""
