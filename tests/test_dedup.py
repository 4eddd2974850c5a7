"""The dedup stage: exact keys, MinHash signatures and band keys, the duplicate rules, groups.

Fixtures are invented here; the demo corpus ships with the package; the real evaluation
sets are read from ../shared/data at run time and their tests skip when it is absent.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storyline
from storyline.dedup import (DupCandidate, band_keys, candidate_probability, estimated_jaccard,
                             exact_key, fold, is_near_duplicate, shingle_jaccard, signature,
                             syndication_groups)
from storyline.dedup.text import tokens
from storyline.extract import extract_article
from storyline.sources import read_sources
from storyline.types import Article, RawDocument, Rejected

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEMO = Path(storyline.__file__).parent / "demo_corpus"

# An invented wire story and the ways outlets reprint it.
WIRE_LEAD = ("LORVIK, Norland (NPA) — Heavy rain overnight pushed the river Sella over its banks in "
             "the northern town of Lorvik, flooding about 300 homes and cutting the main road to the "
             "coast, the regional emergency service said on Tuesday.")
WIRE_BODY = [
    "Water reached the first floor of houses in the old quarter by dawn, and rescue crews in "
    "boats carried around 120 residents, many of them elderly, to a school on higher ground.",
    "“The level is still rising, and we expect the peak late this evening,” said Maren Holt, "
    "who leads the emergency service for the province of Vestre. She urged people living near "
    "the river to leave before dark.",
    "The regional weather office recorded 94 millimetres of rain in twelve hours, more than "
    "the town usually sees in a month, and warned that another storm front would arrive on "
    "Thursday.",
    "Train services between Lorvik and the port of Skarn were suspended after a landslide "
    "covered the track near the village of Eid, the rail operator said.",
    "Lorvik was last flooded in 2011, when the Sella rose almost two metres in a single day. "
    "A new flood wall along the eastern bank is due to be finished next year.",
]
WIRE = "\n\n".join([WIRE_LEAD, *WIRE_BODY])
DATELINE_REMOVED = "\n\n".join([WIRE_LEAD.split("— ", 1)[1].capitalize(), *WIRE_BODY])
LEAD_REWRITTEN = "\n\n".join([
    "About 300 homes were under water in Lorvik on Tuesday after the Sella burst its banks "
    "following a night of torrential rain, officials said.", *WIRE_BODY])
LAST_DROPPED = "\n\n".join([WIRE_LEAD, *WIRE_BODY[:-1]])
# Another outlet's own report on the same flood: it quotes the same official statement.
SAME_EVENT_OTHER_REPORT = "\n\n".join([
    "Residents of Lorvik's old quarter spent Tuesday moving furniture upstairs and watching the "
    "brown water creep along their streets, hours after the Sella flooded the town.",
    "“The level is still rising, and we expect the peak late this evening,” said Maren Holt, "
    "who leads the emergency service for the province of Vestre.",
    "Shopkeeper Ivar Lunde said the water had come faster than in 2011. “Last time we had a "
    "day to prepare. This time we had an hour,” he said, standing in a doorway with a bucket.",
    "Volunteers from neighbouring villages brought sandbags and hot food to the school where "
    "evacuated families are staying, and the town council opened its hall for the night.",
])

SPANISH_WIRE = (
    "La Guardia Civil detuvo el miércoles en Cádiz a cinco personas acusadas de introducir "
    "más de dos toneladas de hachís en lanchas rápidas, según informó la comandancia.\n\n"
    "La operación, que comenzó hace ocho meses, incluyó doce registros en viviendas de la "
    "provincia y la incautación de tres embarcaciones y cuatro vehículos de alta gama.\n\n"
    "Los detenidos pasarán a disposición judicial el viernes en el juzgado de guardia de "
    "Algeciras, que ha decretado el secreto de las actuaciones."
)
# The same story as an outlet stripped of accents and with its own first sentence.
SPANISH_REPRINT = (
    "Cinco detenidos en Cadiz por introducir dos toneladas de hachis.\n\n"
    "La operacion, que comenzo hace ocho meses, incluyo doce registros en viviendas de la "
    "provincia y la incautacion de tres embarcaciones y cuatro vehiculos de alta gama.\n\n"
    "Los detenidos pasaran a disposicion judicial el viernes en el juzgado de guardia de "
    "Algeciras, que ha decretado el secreto de las actuaciones."
)
SPANISH_OTHER = (
    "Vecinos de Algeciras denunciaron el miércoles la llegada nocturna de lanchas rápidas a "
    "la playa del Rinconcillo, donde aseguran que la vigilancia es escasa.\n\n"
    "El alcalde pidió más agentes y recordó que la Guardia Civil detuvo a cinco personas "
    "en Cádiz esta misma semana."
)
RUSSIAN_WIRE = (
    "В Новосибирске в среду открылся новый мост через Обь длиной 2,1 километра, сообщила "
    "пресс-служба мэрии.\n\n"
    "Строительство моста продолжалось четыре года и обошлось бюджету в 36 миллиардов "
    "рублей. По нему будет проходить до 60 тысяч автомобилей в сутки.\n\n"
    "Мэр города заявил, что мост разгрузит центральные улицы и сократит время в пути до "
    "аэропорта на двадцать минут."
)
RUSSIAN_REPRINT = RUSSIAN_WIRE.replace("«", "\"").replace("ё", "е").replace(
    "сообщила пресс-служба мэрии", "сообщили в мэрии").upper()
RUSSIAN_OTHER = (
    "Жители левого берега Новосибирска жалуются на пробки у въезда на новый мост через Обь, "
    "открытый в среду.\n\n"
    "По словам водителей, на дорогу до центра у них по-прежнему уходит больше часа."
)


def cand(article_id: str, text: str, title: str | None = None,
         published: str | None = None) -> DupCandidate:
    return DupCandidate(article_id, text, title, published, signature(text))


# --- exact key and tokens ---------------------------------------------------------------

def test_exact_key_ignores_case_accents_punctuation_and_spacing():
    folded_copy = WIRE.upper().replace("—", "-").replace("“", '"').replace("\n\n", "\n  ")
    assert exact_key(folded_copy) == exact_key(WIRE)
    assert exact_key("Peñarrubia, «Ferrándiz»") == exact_key("PENARRUBIA ferrandiz")
    assert exact_key(WIRE.replace("300 homes", "400 homes")) != exact_key(WIRE)
    assert exact_key(" ... ") == ""


def test_tokens_split_unspaced_scripts_into_characters_and_keep_word_marks():
    assert tokens("東京都に行く") == ["東", "京", "都", "に", "行", "く"]
    assert tokens("Straße İstanbul ёлка") == ["strasse", "istanbul", "елка"]
    assert tokens("नमस्ते दुनिया") == ["नमसते", "दुनिया"]  # vowel signs stay in their word


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)
    assert exact_key(fold(text)) == exact_key(text)


def test_empty_bodies_are_not_exact_copies():
    verdict = is_near_duplicate(cand("a", "—"), cand("b", "..."))
    assert not verdict.same


# --- near duplicates on the invented fixtures --------------------------------------------

@pytest.mark.parametrize("reprint", [DATELINE_REMOVED, LEAD_REWRITTEN, LAST_DROPPED],
                         ids=["dateline-removed", "lead-rewritten", "last-dropped"])
def test_edited_reprints_of_a_wire_story_are_near_duplicates(reprint):
    verdict = is_near_duplicate(cand("wire", WIRE, "Floods cut off Lorvik"),
                                cand("copy", reprint, "Hundreds of homes flooded in Norland"))
    assert verdict.same and verdict.kind == "near", verdict
    assert verdict.score == pytest.approx(shingle_jaccard(WIRE, reprint))


def test_verbatim_copy_is_exact():
    verdict = is_near_duplicate(cand("a", WIRE), cand("b", WIRE.replace("\n\n", "\n")))
    assert (verdict.same, verdict.kind, verdict.score) == (True, "exact", 1.0)


def test_another_report_that_quotes_the_same_statement_is_not_a_copy():
    verdict = is_near_duplicate(cand("wire", WIRE), cand("other", SAME_EVENT_OTHER_REPORT))
    assert not verdict.same and verdict.kind == "none"
    assert 0 < verdict.score < 0.2  # they do share the quote


@pytest.mark.parametrize("wire, reprint, other", [
    (SPANISH_WIRE, SPANISH_REPRINT, SPANISH_OTHER),
    (RUSSIAN_WIRE, RUSSIAN_REPRINT, RUSSIAN_OTHER),
], ids=["es", "ru"])
def test_copies_in_other_languages(wire, reprint, other):
    assert is_near_duplicate(cand("w", wire), cand("r", reprint)).same
    assert not is_near_duplicate(cand("w", wire), cand("o", other)).same
    assert not is_near_duplicate(cand("r", reprint), cand("o", other)).same


def test_cut_down_copy_counts_through_containment():
    brief = "\n\n".join([WIRE_LEAD, WIRE_BODY[0]])  # an outlet's brief of the wire
    verdict = is_near_duplicate(cand("full", WIRE), cand("brief", brief))
    assert verdict.same and verdict.kind == "near"
    assert verdict.score < 0.5 and "contained" in verdict.why


def test_title_rule_needs_same_title_close_dates_and_shared_text():
    title = "Floods cut off northern town of Lorvik after night of heavy rain"
    half = "\n\n".join([WIRE_LEAD, *WIRE_BODY[:2]])
    update = half + "\n\n" + SAME_EVENT_OTHER_REPORT  # an update: half the wire plus new text
    a = cand("a", WIRE, title, "2024-03-05T08:00:00+01:00")
    b = cand("b", update, title.upper() + "!", "2024-03-05T21:00:00Z")
    verdict = is_near_duplicate(a, b)
    assert verdict.same and verdict.kind == "title", verdict
    late = cand("b", update, title, "2024-03-09")
    assert not is_near_duplicate(a, late).same
    other_number = cand("b", update, title.replace("night", "2 nights"), "2024-03-05")
    assert not is_near_duplicate(a, other_number).same
    unrelated_body = cand("b", SAME_EVENT_OTHER_REPORT, title, "2024-03-05")
    assert not is_near_duplicate(a, unrelated_body).same


# --- signatures and band keys ------------------------------------------------------------

def test_signature_is_512_bytes_and_estimates_jaccard():
    sig = signature(WIRE)
    assert isinstance(sig, bytes) and len(sig) == 512
    for reprint in (DATELINE_REMOVED, LEAD_REWRITTEN, LAST_DROPPED, SAME_EVENT_OTHER_REPORT):
        exact = shingle_jaccard(WIRE, reprint)
        assert abs(estimated_jaccard(sig, signature(reprint)) - exact) < 0.15


def test_band_keys_are_stable_across_runs_and_versions():
    # Pinned: if this changes, every stored band key must be rebuilt (SIGNATURE_SCHEME).
    keys = band_keys(signature("The quick brown fox jumps over the lazy dog near the river bank."))
    assert len(keys) == 42 and len(set(keys)) == 42
    assert keys[0] == "00:9f7d3c2f1c02a0d6"
    assert keys[41] == "41:4ba14cb63e59d550"


def test_copies_share_a_band_key_and_the_other_report_does_not():
    wire_keys = set(band_keys(signature(WIRE)))
    for reprint in (DATELINE_REMOVED, LEAD_REWRITTEN, LAST_DROPPED):
        assert wire_keys & set(band_keys(signature(reprint)))
    assert not wire_keys & set(band_keys(signature(SAME_EVENT_OTHER_REPORT)))


def test_empty_text_has_no_band_keys_and_matches_nothing():
    empty = signature("— …")
    assert band_keys(empty) == []
    assert estimated_jaccard(empty, empty) == 0.0


def test_s_curve_reaches_the_confirmation_threshold():
    assert candidate_probability(0.5) > 0.99
    assert candidate_probability(0.05) < 0.01


# --- symmetry (Hypothesis) --------------------------------------------------------------

VOCAB = ["river", "flood", "town", "rain", "said", "the", "Lorvik", "300", "homes", "água", "мост"]
words = st.lists(st.sampled_from(VOCAB), max_size=70).map(" ".join)
dates = st.sampled_from([None, "2024-03-05", "2024-03-06T10:00:00+02:00", "2024-03-12", "junk"])


@st.composite
def pairs_of_candidates(draw):
    text = draw(words)
    # Half the time the second text is an edit of the first, so positive verdicts occur.
    other = draw(st.one_of(words, st.just(text + " " + draw(words))))
    title = draw(st.lists(st.sampled_from(VOCAB), max_size=8).map(" ".join))
    title_b = draw(st.one_of(st.just(title), st.lists(st.sampled_from(VOCAB), max_size=8).map(" ".join)))
    return (DupCandidate("a", text, title, draw(dates)), DupCandidate("b", other, title_b, draw(dates)))


@settings(max_examples=200, deadline=None)
@given(pairs_of_candidates())
def test_is_near_duplicate_is_symmetric(pair):
    a, b = pair
    assert is_near_duplicate(a, b) == is_near_duplicate(b, a)


# --- syndication groups ------------------------------------------------------------------

def test_groups_are_order_independent_and_first_published_first():
    links = [("c", "a"), ("b", "c"), ("x", "y"), ("d", "d"), ("e", "b")]
    published = {"a": "2024-06-15T12:40:00+01:00",  # 11:40 UTC: first, despite the string
                 "b": "2024-06-15T11:55:00Z", "c": None, "e": "2024-06-15", "x": "garbage"}
    expected = [("e", "a", "b", "c"), ("x", "y")]
    rng = random.Random(7)
    for _ in range(20):
        shuffled = [pair if rng.random() < 0.5 else pair[::-1] for pair in links]
        rng.shuffle(shuffled)
        assert syndication_groups(shuffled, published) == expected


def test_undated_copies_are_ordered_by_id():
    assert syndication_groups([("z", "m"), ("m", "k")], {}) == [("k", "m", "z")]


# --- the demo corpus wire story ----------------------------------------------------------

def _demo_articles() -> dict[str, Article]:
    """Extracted demo articles by their gold key (path, or path#record matched by URL)."""
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    by_url = {d["url"]: d["key"] for d in gold["documents"] if d["url"]}
    articles = {}
    for doc in read_sources([str(DEMO / "articles")]):
        article = extract_article(doc) if isinstance(doc, RawDocument) else doc
        assert not isinstance(article, Rejected), article
        key = by_url.get(article.url) or article.origin.split("articles/", 1)[1]
        articles[key] = article
    return articles


def test_demo_wire_story_is_one_group_with_the_first_copy_first():
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    wire = gold["wire_groups"][0]["members"]
    articles = _demo_articles()
    assert len(articles) == len(gold["documents"])
    candidates = {key: DupCandidate.from_article(a) for key, a in articles.items()}
    links = [(candidates[x].article_id, candidates[y].article_id)
             for x, y in itertools.combinations(sorted(candidates), 2)
             if is_near_duplicate(candidates[x], candidates[y]).same]
    # Gold dates: the plain-text copies carry none in the file.
    published = {articles[d["key"]].article_id: d["date"] for d in gold["documents"]}
    groups = syndication_groups(links, published)
    id_of = {key: a.article_id for key, a in articles.items()}
    assert len(groups) == 1
    assert set(groups[0]) == {id_of[key] for key in wire}
    # 12:40+01:00 is 11:40 UTC, before the aggregator's 11:55Z.
    assert groups[0][0] == id_of["txt/harbourgazette_sierra-calva-wildfire.txt"]


def test_demo_wire_copies_are_found_through_band_keys():
    gold = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))
    articles = _demo_articles()
    keys = {k: set(band_keys(signature(a.text))) for k, a in articles.items()}
    wire = sorted(gold["wire_groups"][0]["members"])
    for x, y in itertools.combinations(wire, 2):
        assert keys[x] & keys[y], (x, y)


# --- real articles (../shared/data) ------------------------------------------------------

def _real_docs(name: str, wanted: set[str]) -> dict[str, DupCandidate]:
    path = SHARED_DATA / name / "docs.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent: the real evaluation sets live in ../shared/data")
    found = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc["doc_id"] in wanted and doc["doc_id"] not in found:
                hints = {"title": doc.get("title") or ""}
                article = extract_article(RawDocument(doc["doc_id"], doc["text"] or "", hints=hints))
                assert not isinstance(article, Rejected), article
                # Same date for all: ecbplus has none, and the title rule needs one.
                found[doc["doc_id"]] = DupCandidate(doc["doc_id"], article.text, article.title,
                                                    doc.get("date") or "2013-01-01")
    if len(found) < len(wanted):
        pytest.skip(f"{name}: documents {sorted(wanted - set(found))} not found")
    return found


@pytest.mark.parametrize("name, a, b, same", [
    ("gva", "aee9ec90f7c0e2669a9910336ed1e278", "d90dc6060fbd3a01da83b60c830b1f9f", True),  # one AP story, 0.515
    ("gva", "2d6666d70b1288d4b10ff96447b6d7dc", "6f6e072cf77d53bb51808f1628ec0a71", False),  # shared background, 0.405
    ("ecbplus", "31_3ecb.xml", "31_6ecb.xml", True),  # AP brief inside the full story
    ("ecbplus", "2_10ecbplus.xml", "2_4ecbplus.xml", False),  # same title, same quotes, own reports
])
def test_calibration_pairs_from_real_articles(name, a, b, same):
    docs = _real_docs(name, {a, b})
    verdict = is_near_duplicate(docs[a], docs[b])
    assert verdict.same is same, verdict


@pytest.mark.parametrize("text", ["", "!!!", "one", "two words", "three words here",
                                  "Ünïcode ß Straße und die Straße, straße!",
                                  "The council voted on Tuesday to close the old bridge. " * 5,
                                  "北京市政府周二宣布新的交通规则", "Путин и Зеленский встретились"])
def test_signature_equals_datasketch_minhash(text):
    """``signature`` computes datasketch's values without it: the pinned scheme."""
    from datasketch import MinHash
    from datasketch.hashfunc import sha1_hash32

    from storyline.dedup import minhash
    from storyline.dedup.text import shingles

    reference = MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, scheme="affine32",
                        hashfunc=sha1_hash32)
    reference.update_batch([s.encode("utf-8") for s in shingles(text)])
    assert minhash.signature(text) == reference.hashvalues.astype("<u4").tobytes()
