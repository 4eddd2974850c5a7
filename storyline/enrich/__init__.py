"""Enrichment of clean articles: sentences, entities, temporal expressions, quantities.

Each function takes text (and its language, and where needed the publication date) and
returns plain records with character offsets into that text, so that callers can quote
and mark the exact span.
"""
