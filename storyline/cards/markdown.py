"""A card as Markdown: for ``storyline card ID --md``, the terminal and the export."""

from __future__ import annotations

from typing import Any

from .model import Entity, EventDate, OutletCoverage, StoryCard


def card_markdown(card: StoryCard) -> str:
    lines = [f"# {card.headline}", "", f"Story `{card.story_id}` · {_coverage_line(card)}", ""]
    lines += _section("When", [_date_line(d, i) for i, d in enumerate(card.dates)])
    lines += _section("Where", [_entity_line(e) for e in card.places])
    lines += _section("Who", [_entity_line(e) for e in card.people])
    lines += _section("Organisations", [_entity_line(e) for e in card.organisations])
    lines += _section("Summary", [_summary_line(s) for s in card.summary])
    lines += _claims(card.claims)
    lines += _section("Coverage", [_outlet_line(o) for o in card.coverage.outlets])
    lines += _section(_timeline_title(card), _timeline_lines(card))
    return "\n".join(lines).rstrip() + "\n"


def _outlet_line(outlet: OutletCoverage) -> str:
    name = outlet.outlet or "*outlet not given*"
    seen = f"first seen {outlet.first_seen}" if outlet.first_seen else "no publication date"
    return f"- {name}: {outlet.articles} article(s), {seen} ({', '.join(outlet.languages)})"


def _timeline_title(card: StoryCard) -> str:
    return "Timeline (per hour, UTC)" if card.coverage.bucket == "hour" else "Timeline (per day)"


def _timeline_lines(card: StoryCard) -> list[str]:
    lines = []
    for bucket in card.coverage.timeline:
        unnamed = [f"{bucket.unknown_outlet} of outlet not given"] if bucket.unknown_outlet else []
        lines.append(f"- {bucket.start}: {bucket.articles} ({', '.join([*bucket.outlets, *unnamed])})")
    if card.coverage.undated:
        lines.append(f"- no publication date: {card.coverage.undated} article(s)")
    return lines


def _coverage_line(card: StoryCard) -> str:
    c = card.coverage
    span = (f", published {c.first_published} to {c.last_published}"
            if c.first_published and c.first_published != c.last_published
            else f", published {c.first_published}" if c.first_published else "")
    languages = ", ".join(f"{k} {v}" for k, v in c.languages.items())
    return (f"{c.articles} articles, {c.independent_reports} independent reports, "
            f"{len(c.outlets)} outlets ({languages}){span}")


def _section(title: str, rows: list[str]) -> list[str]:
    return [f"## {title}", "", *rows, ""] if rows else []


def _date_line(event: EventDate, index: int) -> str:
    span = event.first if event.first == event.last else f"{event.first} to {event.last}"
    sources = ", ".join(event.outlets) or f"{len(event.article_ids)} article(s) of outlet not given"
    lead = "- " if index == 0 else "- also given: "
    return (f"{lead}**{span}** ({event.independent} independent report(s): {sources}; "
            f"as written: {'; '.join(event.texts[:3])})")


def _entity_line(entity: Entity) -> str:
    role = f", {'; '.join(entity.roles)}" if entity.roles else ""
    variants = [v for v in entity.variants if v != entity.name][:3]
    also = f" (also {', '.join(variants)})" if variants else ""
    return f"- **{entity.name}**{role}{also} · {entity.articles} article(s)"


def _summary_line(sentence: dict[str, Any]) -> str:
    sources = sentence.get("sources") or [sentence.get("article_id")]
    return f"- {sentence.get('text', '')} [{len(sources)} source(s)]"


def _claims(claims: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for title, key in (("Claims backed by several sources", "claims"),
                       ("Claims from one source", "single_source"),
                       ("Disagreements", "disagreements")):
        rows = [f"- {_claim_text(item)}" for item in claims.get(key, [])]
        lines += _section(title, rows)
    return lines


def _claim_text(item: dict[str, Any]) -> str:
    for field in ("text", "statement", "why"):
        if item.get(field):
            return str(item[field])
    return str(item)
