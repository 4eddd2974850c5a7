"""Numbers in a text, written one way whatever the language's separators.

"1,000" (English) and "1.000" (Spanish) both become "1000"; "4.25" and "4,25" both become
"4.25". A separator followed by exactly three digits is read as grouping thousands, so an
English "4.250" becomes "4250": the rare misreading costs one number, not the signal. Two reports of one event tend to repeat its figures (a death toll, a price, a
year), so shared numbers are a cheap extra signal.
"""

from __future__ import annotations

import re

__all__ = ["numbers"]

# Digits with inner separators: . , and the (narrow) no-break spaces French uses.
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f]\d+)*")
_SEPARATORS = re.compile(r"[.,\u00a0\u202f]")
#: Whole numbers below this are everywhere ("1 de marzo", "2 people") and say little.
_SMALLEST_WHOLE = 10


def numbers(text: str) -> frozenset[str]:
    """Normalised numbers of ``text``: "2008", "40000", "4.25" (whole numbers from 10)."""
    found = set()
    for match in _NUMBER.finditer(text):
        found.update(_normalise(match.group()))
    return frozenset(found)


def _normalise(token: str) -> list[str]:
    groups = _SEPARATORS.split(token)
    separators = _SEPARATORS.findall(token)
    if not separators:
        return _kept([(groups[0], "")])
    last = separators[-1]
    decimal_last = last not in "\u00a0\u202f" and (
        len(set(separators)) > 1 or (len(separators) == 1 and len(groups[-1]) != 3))
    whole_groups, fraction = (groups[:-1], groups[-1]) if decimal_last else (groups, "")
    if all(len(group) == 3 for group in whole_groups[1:]) and len(whole_groups[0]) <= 3:
        return _kept([("".join(whole_groups), fraction)])
    # not a grouped number (a date such as 01.03.2008, a version): each part on its own
    return _kept([(group, "") for group in groups])


def _kept(parts: list[tuple[str, str]]) -> list[str]:
    """Write each (whole, fraction) part canonically; drop small whole numbers."""
    kept = []
    for whole, fraction in parts:
        whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
        if fraction:
            kept.append(f"{whole}.{fraction}")
        elif int(whole) >= _SMALLEST_WHOLE:
            kept.append(whole)
    return kept
