"""Story cards: headline, when/where/who, summary, coverage, timeline and claims.

A card is built from the story's articles, each first reduced to a ``CardArticle``. Work
that depends on one article only (sentences, entities, dates, claims) is done once per
article and cached, so that a card updates cheaply when an article joins or stories merge.
"""
