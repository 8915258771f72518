"""`kg serve`: the read-only SPARQL 1.1 endpoint, the entity pages and the query page.

May import: kg.query, kg.store, kg.review (the highlighting and plain words of the evidence
view), kg.analysis (the roll-call chart), kg.model, kg.errors, kg.project, kg.memory.
"""
