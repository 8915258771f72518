"""SHACL validation: the report, pyshacl (the reference engine), the shapes compiled to SPARQL
for a store in place, and the SHACL-SPARQL constraints.

May import: kg.store, kg.model, kg.errors, kg.project, kg.memory.
"""
