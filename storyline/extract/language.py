"""Language of an article and of each of its paragraphs (offline, pycld2).

pycld2 is fast enough to run on every paragraph. Short paragraphs are unreliable on
their own, so a paragraph the detector is unsure of takes the language of the article.
"""

from __future__ import annotations

import re

import pycld2

_UNKNOWN = "un"
# Characters pycld2 rejects ("input contains invalid UTF-8") in otherwise valid text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def detect(text: str) -> tuple[str | None, bool]:
    """(ISO 639-1 code or None, whether the detector is confident)."""
    clean = _CONTROL.sub(" ", text)
    try:
        reliable, _, details = pycld2.detect(clean, bestEffort=True)
    except pycld2.error:
        return None, False
    code = details[0][1] if details else _UNKNOWN
    if code in (_UNKNOWN, "xxx"):
        return None, False
    return code.split("-")[0], bool(reliable)


def article_languages(paragraphs: list[str], hint: str | None = None) -> tuple[str | None, tuple[str, ...]]:
    """The body's language and one language code per paragraph.

    A confident detection over the whole body beats the container's hint (exports often
    label everything with one default language); the hint decides when detection cannot.
    """
    body = "\n".join(paragraphs)
    code, reliable = detect(body) if body else (None, False)
    language = code if (code and (reliable or not hint)) else (hint or code)
    per_paragraph = []
    for paragraph in paragraphs:
        own, sure = detect(paragraph) if len(paragraph) >= 40 else (None, False)
        per_paragraph.append(own if (own and sure) else (language or _UNKNOWN))
    return language, tuple(per_paragraph)
