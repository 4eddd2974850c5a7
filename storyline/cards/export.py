"""Writing cards out: one JSON line per card, and one Markdown file per story."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from .markdown import card_markdown
from .model import StoryCard


def export_cards(cards: Iterable[StoryCard], out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``cards.jsonl`` and ``markdown/<story_id>.md`` under ``out_dir``.

    Each file is written beside its final name and renamed into place, so an interrupted
    export never leaves a half-written file where a finished one was.
    """
    folder = Path(out_dir)
    markdown = folder / "markdown"
    markdown.mkdir(parents=True, exist_ok=True)
    jsonl = folder / "cards.jsonl"
    partial = jsonl.with_suffix(".jsonl.partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for card in cards:
            out.write(json.dumps(card.as_dict(), ensure_ascii=False) + "\n")
            _write(markdown / f"{card.story_id}.md", card_markdown(card))
            count += 1
    partial.replace(jsonl)
    return {"cards": count, "jsonl": str(jsonl), "markdown": str(markdown)}


def _write(path: Path, text: str) -> None:
    partial = path.with_suffix(".md.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
