"""The text an article is embedded from: its title and the lead of its body.

A sentence encoder sees the gist of a news story in its first sentences, and its cost grows
with length, so the encoder reads a window of the body rather than all of it.
"""

from __future__ import annotations

import re

__all__ = ["article_text_for_embedding"]

# A sentence ends at . ! ? … or a CJK full stop, optionally followed by closing quotes or
# brackets, then whitespace (or, for CJK, nothing). A paragraph break is a boundary too.
_SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'»”’)\]]*\s|[。！？]+|\n\s*\n)")
_WHITESPACE = re.compile(r"\s+")


def article_text_for_embedding(title: str | None, text: str, max_chars: int = 1000) -> str:
    """Return the title, a blank line and the body cut to at most ``max_chars`` characters.

    The body is cut at the last sentence end inside the window when that keeps at least
    half of it, else at the last word boundary, so that the encoder never sees half a word.
    A body that repeats the title as its first line does not count it twice.

    >>> article_text_for_embedding("Rain", "It rained. Then it stopped.", max_chars=15)
    'Rain\\n\\nIt rained.'
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    title = _WHITESPACE.sub(" ", title or "").strip()
    body = _drop_repeated_title(title, text.strip())
    lead = _cut_at_boundary(body, max_chars)
    lead = _WHITESPACE.sub(" ", lead).strip()
    return f"{title}\n\n{lead}" if title and lead else title or lead


def _drop_repeated_title(title: str, body: str) -> str:
    if not title:
        return body
    first_line, _, rest = body.partition("\n")
    if _WHITESPACE.sub(" ", first_line).strip() == title:
        return rest.lstrip()
    return body


def _cut_at_boundary(body: str, max_chars: int) -> str:
    if len(body) <= max_chars:
        return body
    window = body[: max_chars + 1]  # one more, to see whether a boundary follows the window
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= max_chars + 1]
    if sentence_ends and sentence_ends[-1] >= max_chars // 2:
        return window[: sentence_ends[-1]]
    spaces = [m.start() for m in _WHITESPACE.finditer(window)]
    if spaces and spaces[-1] > 0:
        return window[: spaces[-1]]
    return body[:max_chars]  # one long token (a URL, CJK without stops): hard cut
