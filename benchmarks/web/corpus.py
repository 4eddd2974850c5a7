"""A generated news archive for the web load run: invented events, outlets and languages.

Each event has its own place, people and vocabulary; its articles come from several outlets
over a few days, in one of four languages (the words are English-like pseudo-words: the
languages are labels, set as the articles' metadata). Ids follow from the content, so the
same seed gives the same archive.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Iterator

from storyline import RawDocument

LANGUAGES = ("en", "en", "en", "es", "de", "ru")
_SYLLABLES = ("ka", "lo", "mer", "vin", "ta", "dor", "sel", "ru", "bra", "ne", "ost", "li",
              "gan", "tev", "mo", "ris", "ul", "fen", "pa", "zor")
_COMMON = ("the officials said on that after a police workers city council minister residents "
           "reported morning evening statement according hospital strike bridge harbour fire "
           "court investigation government announced week people local regional").split()


def _word(rng: random.Random, parts: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts))


def _sentence(rng: random.Random, vocabulary: list[str], words: int = 18) -> str:
    picked = [rng.choice(vocabulary if rng.random() < 0.45 else _COMMON) for _ in range(words)]
    return picked[0].capitalize() + " " + " ".join(picked[1:]) + "."


def generate(articles: int, *, per_event: int = 8, outlets: int = 60,
             seed: int = 7) -> Iterator[tuple[int, RawDocument]]:
    """``(event number, document)`` for ``articles`` articles, about ``per_event`` per event."""
    rng = random.Random(seed)
    names = [f"{_word(rng, 2).capitalize()} {_word(rng).capitalize()}" for _ in range(outlets)]
    start = date(2024, 1, 1)
    made, event = 0, 0
    while made < articles:
        place, person = _word(rng).capitalize(), f"{_word(rng, 2).capitalize()} {_word(rng).capitalize()}"
        vocabulary = [_word(rng) for _ in range(12)] + [place, person]
        day = start + timedelta(days=rng.randrange(600))
        for n in range(min(max(1, int(rng.expovariate(1 / per_event))), articles - made)):
            title = f"{place}: {_sentence(rng, vocabulary, 7)[:-1]}"
            body = "\n\n".join(_sentence(rng, vocabulary) for _ in range(rng.randint(4, 9)))
            published = day + timedelta(days=rng.randrange(4), hours=rng.randrange(24))
            yield event, RawDocument(
                origin=f"generated:{event}:{n}", body=f"{body}\n\n{person} said more later.",
                hints={"title": title, "date": published.isoformat(), "lang": rng.choice(LANGUAGES),
                       "outlet": rng.choice(names)})
            made += 1
        event += 1
