"""Reading the inputs: article metadata and text, curated YAML, quote matching, UN voting files.

Readers return records (plain Python values with their file and row or line); they emit no
triples. May import: kg.model, kg.errors, kg.project.
"""
