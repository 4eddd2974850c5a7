"""``benchmarks/results/cards.md`` holds one section per card benchmark; each script
replaces only its own section (between ``<!-- name -->`` and ``<!-- /name -->``)."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results" / "cards.md"
_TITLE = "# Story cards: benchmarks\n"


def write_section(name: str, text: str, path: Path = RESULTS) -> None:
    block = f"<!-- {name} -->\n{text.strip()}\n<!-- /{name} -->\n"
    current = path.read_text(encoding="utf-8") if path.is_file() else _TITLE
    if not current.startswith(_TITLE):
        current = _TITLE  # an older single-table file: start again
    pattern = re.compile(rf"<!-- {re.escape(name)} -->\n.*?<!-- /{re.escape(name)} -->\n", re.DOTALL)
    updated = pattern.sub(lambda _: block, current) if pattern.search(current) else current + "\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
