"""Sentence splitting: offsets, paragraphs, abbreviations, quotations, four languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from storyline.enrich.sentences import MAX_SENTENCE_CHARS, Sentence, split_sentences

DEMO = Path(__file__).resolve().parents[1] / "storyline" / "demo_corpus" / "articles" / "txt"


def texts(text, language):
    return [s.text for s in split_sentences(text, language)]


def test_offsets_point_at_the_text_and_paragraphs_count_blocks():
    text = "Title without a stop\n\nFirst sentence here. Second one!\n\n\nThird, alone?"
    sentences = split_sentences(text, "en")
    assert [s.text for s in sentences] == [
        "Title without a stop", "First sentence here.", "Second one!", "Third, alone?"]
    assert [s.paragraph for s in sentences] == [0, 1, 1, 2]
    for s in sentences:
        assert isinstance(s, Sentence) and text[s.start:s.end] == s.text


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\n"])
def test_blank_text_has_no_sentences(text):
    assert split_sentences(text, None) == []


def test_english_titles_initials_acronyms_and_times():
    text = ("Mr. Smith met Dr. J. R. Jones of the U.S. State Department at 5 p.m. The talks "
            "ended. In the U.S. The mood was calm. Prices rose 3.5 percent.")
    assert texts(text, "en") == [
        "Mr. Smith met Dr. J. R. Jones of the U.S. State Department at 5 p.m.",
        "The talks ended.", "In the U.S.", "The mood was calm.", "Prices rose 3.5 percent."]


def test_quotation_with_several_sentences_stays_whole():
    text = '"We won. They lost," he said. He cited "progress." Then he left.'
    assert texts(text, "en") == [
        '"We won. They lost," he said.', 'He cited "progress."', "Then he left."]


def test_unbalanced_quote_does_not_swallow_the_paragraph():
    text = 'He said "we are ready. Nobody answered. The end.'
    assert len(split_sentences(text, "en")) == 3


def test_spanish_inverted_marks_dialogue_dashes_and_abbreviations():
    text = ("¿Qué pasará ahora? Nadie lo sabe. ¡Basta ya! —gritó la Sra. Pérez. "
            "El gasto fue de 240.000 millones de dólares. EE.UU. no respondió.")
    assert texts(text, "es") == [
        "¿Qué pasará ahora?", "Nadie lo sabe.", "¡Basta ya! —gritó la Sra. Pérez.",
        "El gasto fue de 240.000 millones de dólares.", "EE.UU. no respondió."]


def test_german_ordinals_abbreviations_and_low_high_quotes():
    text = ("Putin reist am 16. Mai nach China. Das sagte Dr. Müller, z.B. am Montag. "
            "„Wir sind bereit. Das ist klar“, sagte er. Es starben 12. Die Polizei ermittelt.")
    assert texts(text, "de") == [
        "Putin reist am 16. Mai nach China.", "Das sagte Dr. Müller, z.B. am Montag.",
        "„Wir sind bereit. Das ist klar“, sagte er.", "Es starben 12.",
        "Die Polizei ermittelt."]


def test_russian_initials_guillemets_and_year_abbreviation():
    text = ("Путин посетит Китай 16–17 мая. Об этом сообщил В. В. Песков. "
            "«Мы готовы. Это ясно», — сказал он. Товарооборот вырос в 2023 г. Это рекорд.")
    assert texts(text, "ru") == [
        "Путин посетит Китай 16–17 мая.", "Об этом сообщил В. В. Песков.",
        "«Мы готовы. Это ясно», — сказал он.", "Товарооборот вырос в 2023 г.", "Это рекорд."]


def test_headline_lines_split_but_hard_wrapped_prose_does_not():
    headed = "BEIJING\nA short headline\nThe body starts here and runs on for longer than both."
    assert texts(headed, "en") == [
        "BEIJING", "A short headline", "The body starts here and runs on for longer than both."]
    wrapped = ("This is hard wrapped text that runs on and on for quite a long\n"
               "While Capitalised words appear at the start of wrapped lines\n"
               "sometimes and should not split the sentence at all here.")
    assert len(split_sentences(wrapped, "en")) == 1


def test_a_huge_run_without_stops_is_cut_into_bounded_pieces():
    text = ", ".join(f"item {i}" for i in range(2000))
    sentences = split_sentences(text, "en")
    assert len(sentences) > 1
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_demo_article_splits_into_plausible_sentences():
    text = (DEMO / "northernledger_drevnogorsk-bridge.txt").read_text(encoding="utf-8")
    sentences = split_sentences(text, "en")
    assert len(sentences) >= 8
    assert any(s.text.startswith("At least 14 people were killed") for s in sentences)
    assert all(text[s.start:s.end] == s.text for s in sentences)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab AB.!?\"«»„“¿¡\n,:1")), max_size=300))
def test_any_text_gives_ordered_non_overlapping_exact_spans(text):
    sentences = split_sentences(text, "es")
    previous_end = 0
    for s in sentences:
        assert text[s.start:s.end] == s.text and s.text == s.text.strip() and s.text
        assert s.start >= previous_end
        previous_end = s.end
    # Nothing but whitespace is lost between sentences.
    covered = "".join(s.text for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())
