"""People, organisations and places across a story: mentions merged, kinds settled, ranked.

Mentions share an entity when their keys match (``entity_key`` already folds scripts and
Russian case endings: "Путина" and "Putin"; a gazetteer gives a known place its English
name: "Ginebra", "Genf", "Женеве" -> "geneva"). Across the story, names merge further:

- a one-word name joins the longer name of the story that holds it ("Xi" -> "Xi
  Jinping"), and a surname joins its person whatever a model called it;
- spellings that sound alike across languages, by their consonant skeleton ("Arkadi
  Belousow", "Arkady Belousov", "Аркадий Белоусов"; German "-ien" read as "-ia");
- inflections and exonyms one or two letters apart ("Kreml", "Kremls", "Kremlin").

The kind is a vote in which the words around a mention (``Mention.cue``: "city of", a
stated role) outweigh a model's label, which outweighs a rule's guess. What the card then
leaves out: a nationality adjective ("Velesian", whose country "Velesia" the story names:
that country is then a place), the story's own outlets named in their articles ("hazte
socio de El Faro de Valmora": coverage lists outlets), and a one-word "person" that no
full name, role or verb of saying supports (a capitalised word a model guessed at).
Salience counts independent reports (copies of one wire text once) and how prominently
each names the entity: in the title, in the lead, more than once.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Collection, Mapping, Sequence

from ..embed.phonetic import consonant_skeleton
from ..enrich.entities import Mention, entity_key, without_case_ending
from ..enrich.gazetteer import place_key
from .analysis import ArticleAnalysis
from .inputs import CardArticle
from .model import Entity

_RULE_WEIGHT, _CUE_WEIGHT = 0.4, 2.0
_MIN_SKELETON = 4  # consonants a one-word name needs to merge by sound: shorter meet by chance
_LEADING_ARTICLE = re.compile(r"^(?:the|el|la|los|las|der|die|das|le|les|il|lo|de|het)\s+")
_LEAD_CHARS = 400
_BEST_ARTICLE_SCORE = 6.0  # the most one article can add: title, lead and repeated mentions


@dataclass
class _Gathered:
    kinds: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)  # (language, text) -> mentions
    roles: Counter = field(default_factory=Counter)
    supported: bool = False  # a full name, a role or a cue says it is what it is
    per_article: dict[str, list[tuple[Mention, bool]]] = field(default_factory=lambda: defaultdict(list))


def story_entities(articles: Sequence[CardArticle], analyses: Mapping[str, ArticleAnalysis], *,
                   language: str | None = None, outlets: Collection[str] = ()) -> list[Entity]:
    """Every entity of the story, most salient first. ``outlets`` are outlet names known
    beyond the story's own (its articles' outlets are always known)."""
    by_id = {a.article_id: a for a in articles}
    gathered: dict[str, _Gathered] = defaultdict(_Gathered)
    for article_id, analysis in analyses.items():
        if article_id not in by_id:
            continue
        for in_title, mentions in ((True, analysis.title_entities), (False, analysis.entities)):
            for mention in mentions:
                _gather(gathered[mention.key], mention, by_id[article_id], in_title)
    merged = _without_demonyms(_merge_places(gathered))
    merged = _merge_short_forms(_merge_sound_alikes(_merge_spelling_variants(merged)))
    merged = _without_outlets(merged, [a.outlet for a in articles], outlets)
    merged = {k: v for k, v in merged.items() if _kind(v) != "person" or v.supported}
    groups = len({a.independence_key for a in articles}) or 1
    entities = [_entity(key, found, by_id, groups, language) for key, found in merged.items()]
    return sorted(entities, key=lambda e: (-e.salience, -e.mentions, e.name))


def _gather(found: _Gathered, mention: Mention, article: CardArticle, in_title: bool) -> None:
    found.kinds[mention.kind] += _CUE_WEIGHT if mention.cue else 1.0 if mention.model else _RULE_WEIGHT
    found.names[(article.language, mention.text)] += 1
    found.supported |= bool(mention.cue or mention.role) or " " in mention.text.strip()
    if mention.role:
        found.roles[mention.role] += 1
    found.per_article[article.article_id].append((mention, in_title))


def _merge_short_forms(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """Fold one-word keys into the most mentioned longer key that holds the word: one of
    the same kind, or a person whose surname it is (unless it is mostly called a place:
    "Washington" is not always George Washington)."""
    long_keys = [k for k in gathered if " " in k]
    merged = {k: v for k, v in gathered.items()}
    for key in [k for k in gathered if " " not in k]:
        kind, sound = _kind(gathered[key]), _sound(key)
        holders = [k for k in long_keys if key in k.split() and (
            _kind(gathered[k]) == kind
            or (_kind(gathered[k]) == "person" and k.split()[-1] == key and kind != "place"))]
        if not holders and sound and kind == "person":  # "Оберхаузер": "Margit Oberhauser"
            holders = [k for k in long_keys if _kind(gathered[k]) == "person"
                       and _sound(k.split()[-1]) == sound]
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


def _merge_places(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """File places under the gazetteer's key even where a mention was labelled otherwise
    (a model may call "Ginebra" a person once: the story calls it a place)."""
    merged: dict[str, _Gathered] = {}
    for key, found in gathered.items():
        canonical = key
        if _kind(found) == "place":
            canonical = next(filter(None, (place_key(text) for _, text in found.names)), key)
        if canonical in merged:
            _absorb(merged[canonical], found)
        else:
            merged[canonical] = found
    return merged


def _merge_sound_alikes(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """Fold keys of one kind that share a consonant skeleton into the most mentioned."""
    merged = dict(gathered)
    by_sound: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key in sorted(gathered, key=lambda k: (-sum(gathered[k].names.values()), k)):
        by_sound[(_kind(gathered[key]), _sound(key) or _stem(key))].append(key)
    for keys in by_sound.values():
        for other in keys[1:]:
            _absorb(merged[keys[0]], merged.pop(other))
    return merged


def _sound(key: str) -> str | None:
    """The key's consonant skeleton, word by word ("arkady belousov" -> "arkt plsf"), when
    it is long enough not to meet another name by chance."""
    skeleton = [consonant_skeleton(word) for word in _country_form(key).split()]
    if not all(skeleton) or sum(map(len, skeleton)) < _MIN_SKELETON:
        return None
    return " ".join(skeleton)


def _stem(key: str) -> str:
    """A short key as spelled, without a Russian case ending ("vela" and "vel" from "Велу")."""
    return "=" + " ".join(without_case_ending(word) for word in _country_form(key).split())


def _country_form(key: str) -> str:
    """German country names end in "-ien" where others end in "-ia" ("Velesien", "Velesia")."""
    return " ".join(word[:-3] + "ia" if word.endswith("ien") else word for word in key.split())


def _without_demonyms(gathered: dict[str, _Gathered]) -> dict[str, _Gathered]:
    """Drop "Velesian" where the story names "Velesia", which is then a place: a name ending
    in a vowel, and the same name with an "n" (Russia, Russian; Kenya, Kenyan)."""
    kept = dict(gathered)
    for key in [k for k in gathered if " " not in k and k.endswith(("an", "en", "in", "yn"))]:
        country = key[:-1]
        if country in gathered and len(country) >= 4 and _kind(gathered[country]) != "organisation":
            kept.pop(key)
            kept[country].kinds["place"] += _CUE_WEIGHT * sum(gathered[key].names.values())
            kept[country].supported = True
    return kept


def _without_outlets(gathered: dict[str, _Gathered], own: Sequence[str | None],
                     known: Collection[str]) -> dict[str, _Gathered]:
    """Drop the outlets the story's articles name (their own appeals and sign-ups)."""
    outlets = {_LEADING_ARTICLE.sub("", entity_key(name)) for name in (*own, *known) if name}
    return {k: v for k, v in gathered.items() if not _names_outlet(k, outlets)}


def _names_outlet(key: str, outlets: set[str]) -> bool:
    """"faro de valmora", or "informationen von morgenlicht" (what an outlet reports)."""
    bare = _LEADING_ARTICLE.sub("", key)
    return any(bare == outlet or bare.endswith(" " + outlet) for outlet in outlets)


def _spelling_variant(one: str, other: str) -> bool:
    short, long = sorted((one, other), key=len)
    return len(short) >= 5 and long.startswith(short) and len(long) - len(short) <= 2


def _kind(found: _Gathered) -> str:
    """The kind most mentions vote for; a one-word acronym is never a person ("MPA")."""
    ranked = [kind for kind, _ in found.kinds.most_common()]
    if ranked[0] == "person" and all(text.isupper() and " " not in text for _, text in found.names):
        return next((kind for kind in ranked[1:]), "organisation")
    return ranked[0]


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
        key=key, name=_display_name(found, language), kind=_kind(found),
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
