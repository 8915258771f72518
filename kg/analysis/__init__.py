"""Alignment analysis of the recorded votes: the vote matrix, agreement, blocs, pictures.

May import: kg.query, kg.store, kg.model, kg.errors, kg.project.
"""
