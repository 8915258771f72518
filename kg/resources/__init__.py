"""The packaged resources: the ontology and JSON-LD context, the SHACL shapes, the saved queries.

In the source tree these are links to the top-level `ontology/`, `shapes/` and `queries/`
folders (where curators edit them); a wheel carries copies. Read them through kg.project,
never by a path relative to a module.
"""
