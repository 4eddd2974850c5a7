"""Paragraph spans over an extracted text, and the key that identifies a paragraph.

Cleaning never rewrites text: it decides which character spans of the extracted text to
keep, so that every removal can be shown to a user exactly where it was.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start:self.end]


def split_paragraphs(text: str) -> list[Span]:
    """One span per non-blank line, trimmed of surrounding white space.

    News exports put one paragraph on a line; crawled pages add blank lines between them.
    Treating every line as a paragraph handles both.
    """
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = offset + (len(line) - len(line.lstrip()))
            spans.append(Span(start, start + len(stripped)))
        offset += len(line) + 1
    return spans


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to compare paragraphs."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


@lru_cache(maxsize=8192)  # cleaning asks for the same paragraph's key several times
def paragraph_key(text: str) -> str:
    """Stable short key of a paragraph; equal for copies that differ only in spacing or case."""
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:16]
