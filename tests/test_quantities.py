"""Quantities: values, magnitudes, units, qualifiers and kinds in four languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from storyline.enrich.quantities import extract_quantities, parse_numeral


def only(text, language):
    found = [q for q in extract_quantities(text, language) if q.kind not in ("year", "ordinal")]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text,language", [
    ("Trade reached 240 billion dollars in 2023.", "en"),
    ("El comercio alcanzó 240.000 millones de dólares en 2023.", "es"),
    ("Der Handel erreichte 240 Milliarden Dollar im Jahr 2023.", "de"),
    ("Товарооборот достиг 240 млрд долларов в 2023 году.", "ru"),
    ("Trade hit $240bn last year.", "en"),
])
def test_the_same_money_amount_in_four_languages(text, language):
    quantity = only(text, language)
    assert (quantity.value, quantity.unit, quantity.kind) == (240e9, "USD", "money")
    assert text[quantity.start:quantity.end] == quantity.text


@pytest.mark.parametrize("text,language,value,qualifier", [
    ("At least 12 people were killed.", "en", 12, "at_least"),
    ("Twelve people were killed.", "en", 12, "exact"),
    ("Hubo doce muertos.", "es", 12, "exact"),
    ("Mindestens zwölf Menschen kamen ums Leben.", "de", 12, "at_least"),
    ("Погибли 12 человек.", "ru", 12, "exact"),
    ("Twenty-three people were injured.", "en", 23, "exact"),
    ("23 Menschen wurden verletzt.", "de", 23, "exact"),
    ("Ещё двадцать три человека получили травмы.", "ru", 23, "exact"),
    ("Unos 3.200 estibadores.", "es", 3200, "approx"),
    ("About 3,200 members walked out.", "en", 3200, "approx"),
])
def test_casualty_and_people_counts(text, language, value, qualifier):
    quantity = only(text, language)
    assert (quantity.value, quantity.unit, quantity.qualifier) == (value, "people", qualifier)


@pytest.mark.parametrize("text,language,value,unit", [
    ("The key rate was cut to 4.25%.", "en", 4.25, "%"),
    ("auf 4,25 Prozent gesenkt", "de", 4.25, "%"),
    ("4,25% годовых", "ru", 4.25, "%"),
    ("a fee of €38m", "en", 38e6, "EUR"),
    ("a cambio de 38 millones de euros", "es", 38e6, "EUR"),
    ("für 42 Millionen Euro", "de", 42e6, "EUR"),
    ("the fire burned 2,300 ha", "en", 2300, "ha"),
    ("up to 2 million tonnes of grain", "en", 2e6, "t"),
])
def test_percentages_money_and_measures(text, language, value, unit):
    quantity = only(text, language)
    assert quantity.value == pytest.approx(value) and quantity.unit == unit


def test_dates_times_years_and_ordinals_are_not_amounts():
    text = ("On May 16-17, at 19:40, the second visit in just over six months marked the 75th "
            "anniversary of ties set up in 1949; el 18 de octubre; am 16. Mai; 16–17 мая.")
    kinds = {q.text: q.kind for q in extract_quantities(text, "en")}
    assert kinds == {"second": "ordinal", "over six months": "duration", "75th": "ordinal",
                     "1949": "year"}


@pytest.mark.parametrize("numeral,language,value", [
    ("3,200", "en", 3200), ("3.200", "es", 3200), ("3.200", "de", 3200), ("3.5", "en", 3.5),
    ("4,25", "de", 4.25), ("1 200", "ru", 1200), ("1,234,567", "en", 1234567),
    ("240.000", None, 240000), ("26.3", None, 26.3),
])
def test_parse_numeral_by_language(numeral, language, value):
    assert parse_numeral(numeral, language or "") == pytest.approx(value)


def test_a_converted_amount_gives_both_amounts():
    found = extract_quantities("Damage was estimated at $US1 million ($1.52 million).", "en")
    assert [(q.value, q.unit) for q in found] == [(1e6, "USD"), (1.52e6, "USD")]


def test_lone_one_is_not_a_quantity():
    assert extract_quantities("One of the officials said one thing.", "en") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 .,%$€-–mkbillonesdr")), max_size=80))
def test_any_text_gives_spans_that_point_at_the_text(text):
    for quantity in extract_quantities(text, "es"):
        assert text[quantity.start:quantity.end].strip() == quantity.text
        assert quantity.value == quantity.value  # never NaN


@pytest.mark.parametrize("text,language", [
    ("The five-year-old girl has died.", "en"), ("a 22-year-old man was hit", "en"),
    ("a child under age 13", "en"), ("Der 23-Jährige unterschrieb", "de"),
    ("23-летний нападающий", "ru"),
])
def test_an_age_is_not_a_count(text, language):
    (age,) = extract_quantities(text, language)
    assert age.kind == "age"


@pytest.mark.parametrize("text,language,value", [
    ("een deal van USD $23 miljard", "nl", 23e9), ("un contratto da 3 miliardi di euro", "it", 3e9),
])
def test_dutch_and_italian_magnitudes(text, language, value):
    assert [q.value for q in extract_quantities(text, language)] == [value]
