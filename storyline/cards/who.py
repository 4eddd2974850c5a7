"""People, organisations and places across a story: mentions merged, kinds settled, ranked.

Mentions share an entity when their keys match (``entity_key`` already folds scripts and
Russian case endings: "Путина" and "Putin"), and a one-word name joins the one longer
name of the story that holds it ("Xi" -> "Xi Jinping", "Putin" -> "Vladimir Putin").
The kind is a vote in which a model's label outweighs a rule's guess. Salience counts
independent reports (copies of one wire text once) and how prominently each names the
entity: in the title, in the lead, more than once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..enrich.entities import Mention
from .analysis import ArticleAnalysis
from .inputs import CardArticle
from .model import Entity

_RULE_WEIGHT = 0.4
_LEAD_CHARS = 400
_BEST_ARTICLE_SCORE = 6.0  # the most one article can add: title, lead and repeated mentions


@dataclass
class _Gathered:
    kinds: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)  # (language, text) -> mentions
    roles: Counter = field(default_factory=Counter)
    per_article: dict[str, list[tuple[Mention, bool]]] = field(default_factory=lambda: defaultdict(list))


def story_entities(articles: Sequence[CardArticle], analyses: Mapping[str, ArticleAnalysis], *,
                   language: str | None = None) -> list[Entity]:
    """Every entity of the story, most salient first."""
    by_id = {a.article_id: a for a in articles}
    gathered: dict[str, _Gathered] = defaultdict(_Gathered)
    for article_id, analysis in analyses.items():
        if article_id not in by_id:
            continue
        for in_title, mentions in ((True, analysis.title_entities), (False, analysis.entities)):
            for mention in mentions:
                _gather(gathered[mention.key], mention, by_id[article_id], in_title)
    merged = _merge_short_forms(_merge_spelling_variants(gathered))
    groups = len({a.independence_key for a in articles}) or 1
    entities = [_entity(key, found, by_id, groups, language) for key, found in merged.items()]
    return sorted(entities, key=lambda e: (-e.salience, -e.mentions, e.name))


def _gather(found: _Gathered, mention: Mention, article: CardArticle, in_title: bool) -> None:
    found.kinds[mention.kind] += 1.0 if mention.model else _RULE_WEIGHT
    found.names[(article.language, mention.text)] += 1
    if mention.role:
        found.roles[mention.role] += 1
    found.per_article[article.article_id].append((mention, in_title))


def _merge_short_forms(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """Fold one-word keys into the most mentioned longer key that holds the word."""
    long_keys = [k for k in gathered if " " in k]
    merged = {k: v for k, v in gathered.items()}
    for key in [k for k in gathered if " " not in k]:
        kind = gathered[key].kinds.most_common(1)[0][0]
        holders = [k for k in long_keys if key in k.split()
                   and gathered[k].kinds.most_common(1)[0][0] == kind]
        if holders:
            target = max(holders, key=lambda k: (sum(gathered[k].names.values()), k))
            _absorb(merged[target], merged.pop(key))
    return merged


def _merge_spelling_variants(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """Fold one-word place and organisation keys that extend another by one or two letters
    into the most mentioned of them: inflections and exonyms the key leaves apart ("kreml"
    from German and Russian, "kremls", "kremlin")."""
    merged = dict(gathered)
    words = sorted((k for k in gathered if " " not in k and _kind(gathered[k]) != "person"),
                   key=lambda k: (-sum(gathered[k].names.values()), k))
    for key in words:
        if key not in merged:
            continue
        for other in [k for k in words if k != key and k in merged and _spelling_variant(key, k)]:
            _absorb(merged[key], merged.pop(other))
    return merged


def _spelling_variant(one: str, other: str) -> bool:
    short, long = sorted((one, other), key=len)
    return len(short) >= 5 and long.startswith(short) and len(long) - len(short) <= 2


def _kind(found: _Gathered) -> str:
    return found.kinds.most_common(1)[0][0]


def _absorb(into: _Gathered, other: _Gathered) -> None:
    into.kinds.update(other.kinds)
    into.names.update(other.names)
    into.roles.update(other.roles)
    for article_id, mentions in other.per_article.items():
        into.per_article[article_id].extend(mentions)


def _entity(key: str, found: _Gathered, by_id: Mapping[str, CardArticle], groups: int,
            language: str | None) -> Entity:
    best_per_group: dict[str, float] = {}
    for article_id, mentions in found.per_article.items():
        group = by_id[article_id].independence_key
        best_per_group[group] = max(best_per_group.get(group, 0.0), _article_score(mentions))
    salience = sum(best_per_group.values()) / (_BEST_ARTICLE_SCORE * groups)
    return Entity(
        key=key, name=_display_name(found, language), kind=found.kinds.most_common(1)[0][0],
        salience=round(min(salience, 1.0), 4),
        mentions=sum(found.names.values()), articles=len(found.per_article),
        variants=tuple(dict.fromkeys(text for (_, text), _ in found.names.most_common())),
        roles=_roles(found.roles),
        languages=tuple(dict.fromkeys(lang for (lang, _), _ in found.names.most_common() if lang)))


def _article_score(mentions: list[tuple[Mention, bool]]) -> float:
    in_title = any(title for _, title in mentions)
    body = [m for m, title in mentions if not title]
    in_lead = any(m.start < _LEAD_CHARS for m in body)
    return 1.0 + 0.5 * min(max(len(body) - 1, 0), 4) + 2.0 * in_title + 1.0 * in_lead


def _display_name(found: _Gathered, language: str | None) -> str:
    """The longest commonly used spelling, in the reader's language when there is one."""
    ranked = sorted(found.names.items(), key=lambda item: (
        item[0][0] != language if language else False, -len(item[0][1].split()), -item[1],
        not item[0][1].isascii(), item[0][1]))
    return ranked[0][0][1]


def _roles(roles: Counter) -> tuple[str, ...]:
    """The roles stated, most often first, each spelling once whatever its case."""
    seen: dict[str, str] = {}
    for role, _ in roles.most_common():
        seen.setdefault(role.casefold(), role)
    return tuple(seen.values())[:3]
