"""A coarse phonetic key for names, so that spellings across languages can meet.

``consonant_skeleton`` reduces a name, already folded to plain Latin by ``to_latin``, to
its consonant classes: spelling conventions are rewritten to one sound (sch, sh, ch, zh,
tsch -> s; kh -> h; ph -> f; c -> k or s), voiced and voiceless pairs merge (b/p, d/t,
g/k, v/f/w, z/s), vowels vanish, and a leading vowel leaves the marker "a". So "Putin",
"Poutine" and "Путина" give ``ptn``; "Zelensky", "Selenskyj" and "Зеленский" give
``slnsk``; "Moscow" and "Москва" give ``mskf``.

Inflected Slavic forms add a consonant (Путиным -> ``ptnm``) and German drops one
(Moskau -> ``msk``), so ``phonetic_keys`` gives each long skeleton a second key without
its last consonant: two spellings then share at least one key.

Short skeletons meet by chance: "Boeing" and "Beijing" are both ``pnk``, "Apple" and the
Italian "appello" both ``apl``. Name overlap is one signal among several for that reason.
"""

from __future__ import annotations

import re

__all__ = ["consonant_skeleton", "phonetic_keys"]

# Order matters: longer spellings first, so that "tsch" is not read as "t" + "sch".
_SPELLINGS = (
    ("dzh", "j"), ("tsch", "s"), ("sch", "s"), ("ch(?=[rl])", "k"), ("ch", "s"), ("sh", "s"),
    ("zh", "s"), ("kh", "h"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("gh", "g"),
    ("ck", "k"), ("qu", "k"), ("c(?=[eiy])", "s"), ("c", "k"), ("q", "k"), ("x", "ks"),
    ("z", "s"), ("ts", "s"), ("w", "v"),
)
_SPELLING_PATTERN = re.compile("|".join(f"({pattern})" for pattern, _ in _SPELLINGS))
_VOWELS = "aeiouyj"  # j and y: a vowel or glide in most spellings (Jelzin, Yeltsin)
_VOWELS_AND_VOICING = str.maketrans({**{v: "" for v in _VOWELS},
                                     "b": "p", "d": "t", "g": "k", "v": "f"})
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTERS = re.compile(r"[^a-z]+")

#: A skeleton also gets a key without its last consonant when that key keeps this many
#: consonants: shorter keys meet by chance (the "arp" of both "European" and "Airbus").
_SHORTENED_KEEPS = 3


def _respell(match: re.Match) -> str:
    return _SPELLINGS[match.lastindex - 1][1]


def consonant_skeleton(word: str) -> str:
    """The consonant classes of one plain-Latin word (see the module docstring)."""
    word = _NOT_LETTERS.sub("", word.lower())
    if not word:
        return ""
    # one pass rewrites spellings; "ts" made from "tz" (German z) needs a second look
    sounds = _SPELLING_PATTERN.sub(_respell, word).replace("ts", "s")
    # h is heard at the start of a word (Hamas, Хамас -> khamas -> hamas); inside one it
    # is mostly spelling (Mohammed, Muhammad, Мухаммед), so it is dropped there
    sounds = sounds[0] + sounds[1:].replace("h", "")
    initial = "a" if sounds[0] in _VOWELS else ""
    return _REPEATS.sub(r"\1", initial + sounds.translate(_VOWELS_AND_VOICING))


def phonetic_keys(name: str) -> frozenset[str]:
    """Keys of a (possibly multi-word) plain-Latin name: one skeleton per word, plus the
    skeleton without its last consonant when three consonants remain."""
    keys = set()
    for word in name.split():
        skeleton = consonant_skeleton(word)
        if len(skeleton) < 2:
            continue
        keys.add(skeleton)
        shortened = skeleton[:-1]
        if len(shortened.removeprefix("a")) >= _SHORTENED_KEEPS:
            keys.add(shortened)
    return frozenset(keys)
