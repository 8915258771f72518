"""Alignment analysis of the recorded votes."""
