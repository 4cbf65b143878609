"""Rendering of results for people (rich panels and tables) and for machines (JSON)."""
