"""Where the graph is kept: the embedded Oxigraph store, releases (atomic publication), the
exports to standard syntaxes, remote SPARQL 1.1 stores.

May import: kg.model, kg.errors, kg.project.
"""
