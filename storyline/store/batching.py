"""Helpers for statements over many ids: bounded ``IN (...)`` lists."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

from .base import IN_CHUNK


def chunks(values: Iterable[str], size: int = IN_CHUNK) -> Iterator[list[str]]:
    """``values`` in lists of at most ``size``, to keep ``IN (...)`` lists bounded."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def marks(values: Sequence[Any]) -> str:
    """``"?, ?, ?"``: one placeholder per value."""
    return ", ".join("?" * len(values))
