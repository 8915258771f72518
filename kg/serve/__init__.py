"""`kg serve`: the read-only SPARQL 1.1 endpoint, the entity pages and the query page.

May import: kg.query, kg.store, kg.model, kg.errors, kg.project.
"""
