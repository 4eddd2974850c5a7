"""Results files that hold one section per benchmark script: each script replaces only its
own section (between ``<!-- name -->`` and ``<!-- /name -->``) and keeps the others."""

from __future__ import annotations

import re
from pathlib import Path

_RESULTS = Path(__file__).resolve().parents[1] / "results"
CARDS = _RESULTS / "cards.md"
SUMMARY_CLAIMS = _RESULTS / "summary_claims.md"
_TITLES = {CARDS: "# Story cards: benchmarks\n",
           SUMMARY_CLAIMS: "# Story card summary and claims benchmarks\n"}


def write_section(name: str, text: str, path: Path) -> Path:
    title = _TITLES.get(path, f"# {path.stem}\n")
    block = f"<!-- {name} -->\n{text.strip()}\n<!-- /{name} -->\n"
    current = path.read_text(encoding="utf-8") if path.is_file() else title
    pattern = re.compile(rf"<!-- {re.escape(name)} -->\n.*?<!-- /{re.escape(name)} -->\n", re.DOTALL)
    updated = pattern.sub(lambda _: block, current) if pattern.search(current) else current + "\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
    return path
