"""Dates resolved against the publication date: ranges, weekdays by tense, four languages."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.enrich.temporal import resolve_dates

TUESDAY = date(2024, 5, 14)


def spans(text, language, published=TUESDAY):
    return [(m.text, m.first.isoformat(), m.last.isoformat())
            for m in resolve_dates(text, language, published)]


@pytest.mark.parametrize("language, text, expected", [
    ("en", "Putin will be in Beijing from Thursday to Friday, it added.",
     ("from Thursday to Friday", "2024-05-16", "2024-05-17")),
    ("en", "He will pay a state visit to China from May 16-17, the ministry said.",
     ("from May 16-17", "2024-05-16", "2024-05-17")),
    ("en", "Talks are set for 16 and 17 May.", ("16 and 17 May", "2024-05-16", "2024-05-17")),
    ("es", "Putin visitará China del 16 al 17 de mayo.",
     ("del 16 al 17 de mayo", "2024-05-16", "2024-05-17")),
    ("es", "El presidente viajará el jueves y el viernes.",
     ("el jueves y el viernes", "2024-05-16", "2024-05-17")),
    ("de", "Putin reist vom 16. bis 17. Mai nach China.",
     ("vom 16. bis 17. Mai", "2024-05-16", "2024-05-17")),
    ("de", "Er wird von Donnerstag bis Freitag in Peking sein.",
     ("von Donnerstag bis Freitag", "2024-05-16", "2024-05-17")),
    ("ru", "Путин посетит Китай 16-17 мая.", ("16-17 мая", "2024-05-16", "2024-05-17")),
    ("ru", "Визит пройдёт с 16 по 17 мая.", ("с 16 по 17 мая", "2024-05-16", "2024-05-17")),
    ("ru", "Путин будет в Пекине в четверг и пятницу.",
     ("четверг и пятницу", "2024-05-16", "2024-05-17")),
])
def test_the_seed_visit_in_four_languages(language, text, expected):
    assert expected in spans(text, language)


def test_weekday_direction_follows_the_tense():
    assert spans("The minister met his counterpart on Thursday.", "en") == [
        ("Thursday", "2024-05-09", "2024-05-09")]
    assert spans("The minister will meet his counterpart on Thursday.", "en") == [
        ("Thursday", "2024-05-16", "2024-05-16")]
    # the publication day itself, whatever the tense
    assert spans("The Kremlin announced Tuesday that he will travel.", "en") == [
        ("Tuesday", "2024-05-14", "2024-05-14")]
    assert spans("El ministro llegó el lunes.", "es") == [("lunes", "2024-05-13", "2024-05-13")]


def test_relative_days_months_and_years():
    found = spans("Gestern sagte er, dass die Exporte im März fielen.", "de")
    assert ("Gestern", "2024-05-13", "2024-05-13") in found
    assert ("im März", "2024-03-01", "2024-03-31") in found
    assert spans("Trade reached 240 billion dollars in 2023.", "en") == [
        ("in 2023", "2023-01-01", "2023-12-31")]
    assert spans("В феврале 2022 года началась война.", "ru") == [
        ("В феврале 2022 года", "2022-02-01", "2022-02-28")]


def test_a_missing_year_is_the_one_nearest_the_publication_date():
    assert spans("The talks ended on December 30.", "en", date(2025, 1, 2)) == [
        ("December 30", "2024-12-30", "2024-12-30")]
    assert spans("Cumbre el 3 de enero.", "es", date(2024, 12, 28)) == [
        ("3 de enero", "2025-01-03", "2025-01-03")]


def test_ranges_across_months_and_weekdays_with_numbers():
    assert spans("The fair runs May 30 to June 2, 2024.", "en") == [
        ("May 30 to June 2, 2024", "2024-05-30", "2024-06-02")]
    assert spans("They meet on Wednesday and Thursday, June 19 and 20.", "en", date(2024, 6, 17)) == [
        ("Wednesday and Thursday, June 19 and 20", "2024-06-19", "2024-06-20")]
    assert spans("Las conversaciones comenzaron el martes 18.", "es", date(2024, 6, 19)) == [
        ("martes 18", "2024-06-18", "2024-06-18")]


def test_words_that_only_look_like_dates_are_left_alone():
    assert spans("You may go, and the march may start at 1,000 people.", "en") == []
    assert spans("A 2-1 win; 12:30 kick-off; 3.5 per cent.", "en") == []


def test_without_a_publication_date_only_dates_with_a_year_resolve():
    assert spans("He came on Thursday, on May 16, and on 18 October 2023.", "en", None) == [
        ("18 October 2023", "2023-10-18", "2023-10-18")]


def test_offsets_point_at_the_text_and_bad_input_gives_nothing():
    text = "Am 16. Mai 2024 und am 12.05.2024."
    for mention in resolve_dates(text, "de", TUESDAY):
        assert text[mention.start:mention.end] == mention.text
    assert resolve_dates("", "en", TUESDAY) == []
    assert resolve_dates("\x00\ufffd" * 1000, None, TUESDAY) == []
    # an impossible day leaves only what is possible: the month
    assert spans("31 February 2024; 99 May", "en") == [("February 2024", "2024-02-01", "2024-02-29")]


@pytest.mark.parametrize("language, text, expected", [
    ("it", "Il presidente visiterà la Cina dal 16 al 17 maggio.",
     ("dal 16 al 17 maggio", "2024-05-16", "2024-05-17")),
    ("it", "Giovedì e venerdì sarà a Pechino.", ("Giovedì e venerdì", "2024-05-16", "2024-05-17")),
    ("it", "Ieri il ministro ha parlato.", ("Ieri", "2024-05-13", "2024-05-13")),
    ("nl", "De president bezoekt China van 16 tot 17 mei.",
     ("van 16 tot 17 mei", "2024-05-16", "2024-05-17")),
    ("nl", "Hij zal donderdag en vrijdag in Peking zijn.",
     ("donderdag en vrijdag", "2024-05-16", "2024-05-17")),
    ("nl", "De brug stortte maandagavond in.", ("maandagavond", "2024-05-13", "2024-05-13")),
    ("de", "Die Brücke war am Montagabend eingestürzt.", ("Montagabend", "2024-05-13", "2024-05-13")),
])
def test_italian_dutch_and_weekday_compounds(language, text, expected):
    assert expected in spans(text, language)
