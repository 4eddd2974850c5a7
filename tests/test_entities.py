"""People, organisations and places with roles: spaCy models for en/es, rules for de/ru."""

from __future__ import annotations

from storyline.enrich.entities import entity_key, extract_entities


def by_text(text, language):
    return {m.text: m for m in extract_entities(text, language)}


def test_english_model_kinds_and_roles():
    found = by_text(
        '"Putin will visit," ministry spokeswoman Hua Chunying told reporters in Beijing. '
        "Another spokesman, Wang Wenbin, said the Kremlin and the Chinese Foreign Ministry "
        "agreed. Russian President Vladimir Putin's trip ends in Harbin.", "en")
    assert found["Hua Chunying"].kind == "person" and found["Hua Chunying"].role == "ministry spokeswoman"
    assert found["Wang Wenbin"].role == "spokesman"
    assert found["Vladimir Putin"].role == "Russian President"  # possessive dropped
    assert found["Kremlin"].kind == "organisation"  # leading article dropped
    assert found["Chinese Foreign Ministry"].kind == "organisation"
    assert found["Beijing"].kind == "place" and found["Harbin"].kind == "place"
    assert all(m.model for m in found.values())


def test_roles_in_appositions_after_the_name():
    found = by_text("Anton Dubrovin, a spokesman for the foreign ministry, said talks would start.", "en")
    assert found["Anton Dubrovin"].role == "spokesman for the foreign ministry"
    assert by_text("Officials told reporters Jane Smith would resign.", "en")["Jane Smith"].role is None


def test_spanish_model_with_roles():
    found = by_text("La secretaria general del sindicato, Inés Corbalán, advirtió en Valmora que "
                    "el presidente ruso Vladimir Putin visitará Pekín.", "es")
    assert found["Inés Corbalán"].role == "secretaria general del sindicato"
    assert found["Vladimir Putin"].role == "presidente ruso"
    assert found["Pekín"].kind == "place" and found["Valmora"].kind == "place"


def test_german_rules_skip_common_nouns():
    found = by_text("Bundeskanzler Olaf Scholz traf am Montag in Berlin den französischen "
                    "Präsidenten Emmanuel Macron. Die Regierung schwieg, Scholz sagte nichts.", "de")
    assert found["Olaf Scholz"].kind == "person" and found["Olaf Scholz"].role == "Bundeskanzler"
    assert found["Emmanuel Macron"].role == "französischen Präsidenten"
    assert found["Berlin"].kind == "place"
    assert found["Scholz"].kind == "person"  # the short form of a name in the text
    assert "Regierung" not in found and "Montag" not in found and "Die" not in found
    assert not any(m.model for m in found.values())


def test_russian_rules_cases_and_roles():
    found = by_text("Президент России Владимир Путин прибыл в Пекин. Официальный представитель "
                    "МИД КНР Хуа Чуньин заявила, что Путин встретится с Си Цзиньпином.", "ru")
    assert found["Владимир Путин"].role == "Президент России"
    assert found["Пекин"].kind == "place"
    assert found["МИД КНР"].kind == "organisation"
    assert found["Хуа Чуньин"].role == "Официальный представитель МИД КНР"
    assert found["Си Цзиньпином"].key == entity_key("Си Цзиньпин")


def test_keys_meet_across_scripts_and_cases():
    assert entity_key("Путина") == entity_key("Putin") == "putin"
    assert entity_key("Владимир Путин") == entity_key("Vladimir Putin's")
    assert entity_key("Пекине") == entity_key("Пекин")


def test_offsets_and_bad_input():
    text = "Olaf Scholz kam nach Berlin."
    for mention in extract_entities(text, "de") + extract_entities(text * 3, "en"):
        assert (text * 3)[mention.start:mention.end] == mention.text
    assert extract_entities("", "en") == [] and extract_entities("", "ru") == []
    assert extract_entities("\x00\x01 ÿþ" * 500, None) == []


def test_chinese_names_in_cyrillic_read_back_into_pinyin_by_palladius():
    from storyline.enrich.palladius import palladius, pinyin_reading

    # the table is generated from the rules: spot-check initials, finals and context cases
    assert [palladius(i, f) for i, f in (("j", "in"), ("x", "i"), ("zh", "ou"), ("z", "i"),
                                         ("h", "ui"), ("x", "uan"), ("", "ying"), ("", "wen"))] \
        == ["цзинь", "си", "чжоу", "цзы", "хуэй", "сюань", "ин", "вэнь"]
    pairs = {"Си Цзиньпин": "xi jinping", "Си Цзиньпином": "xi jinping", "Си": "xi",
             "Хуа Чуньин": "hua chunying", "Ван Вэньбиня": "wang wenbin",
             "Мао Цзэдуна": "mao zedong", "Чжоу Эньлая": "zhou enlai", "Ли Кэцян": "li keqiang"}
    for cyrillic, pinyin in pairs.items():
        assert entity_key(cyrillic) == pinyin == entity_key(pinyin.title()), cyrillic
    # Russian names that happen to cut into Palladius syllables stay Russian
    assert pinyin_reading(["путин"]) is None and entity_key("Путина") == "putin"
    assert entity_key("Ленин") == "lenin" and entity_key("Владимир Путин") == "vladimir putin"


def test_the_kremlin_in_german_spanish_and_russian():
    german = by_text("Der Kreml teilte mit, ein Sprecher des Kremls sagte nichts.", "de")
    assert german["Kreml"].kind == german["Kremls"].kind == "organisation"
    spanish = by_text("Según el Kremlin, la visita será larga.", "es")
    assert set(spanish) == {"Kremlin"} and spanish["Kremlin"].key == "kremlin"
    russian = by_text("Кремль сообщил о визите. В Кремле подтвердили.", "ru")
    assert russian["Кремль"].key == russian["Кремле"].key == "kreml"
    assert by_text("The Kremlin said so.", "en")["Kremlin"].key == "kremlin"


def test_the_words_around_a_name_settle_its_kind():
    found = by_text("The bridge in the Marovian city of Belzograd fell into the Tusa river. "
                    "Belzograd, a city of 90,000, mourned. Marovia's Transport Ministry said "
                    "striker Teodor Vank had left. \"We are shocked,\" said Ilse Darrow.", "en")
    assert found["Belzograd"].kind == "place" and found["Belzograd"].cue
    assert found["Tusa"].kind == "place"
    assert found["Marovia"].kind == "place"  # the owner of a ministry
    assert found["Teodor Vank"].kind == "person" and found["Teodor Vank"].role == "striker"
    assert found["Ilse Darrow"].kind == "person"


def test_roles_keep_only_words_that_qualify_them():
    found = by_text("He runs behind, which suits coach Pavel Orn. Officials said on Monday that "
                    "talks between Foreign Minister Ana Lusk and others start.", "en")
    assert found["Pavel Orn"].role == "coach"
    assert found["Ana Lusk"].role == "Foreign Minister"
    spokesman = by_text("Smoke reached Korvel, agency spokeswoman Dita Raan told reporters.", "en")
    assert spokesman["Korvel"].role is None and spokesman["Dita Raan"].role == "agency spokeswoman"


def test_spans_split_at_lower_case_words_and_persons_at_of():
    # a small model's spans on unseen names ("Adlerhof lands Quiroga" as one organisation)
    from storyline.enrich.entities import _name_parts, _tidy_span

    def parts(text):
        return [text[s:e] for s, e in _name_parts(text, 0, len(text))]

    assert parts("Adlerhof lands Quiroga") == ["Adlerhof", "Quiroga"]
    assert parts("FC Adlerhof for €") == ["FC Adlerhof"]
    assert parts("mar de Orvenza") == ["Orvenza"]
    assert parts("Port Authority of Belzano") == ["Port Authority of Belzano"]
    assert parts("Ostravia y Marovia") == ["Ostravia", "Marovia"]
    text = "Tomas Quiroga of Ostravia met them."
    assert text[slice(*_tidy_span(text, 0, 25, "person"))] == "Tomas Quiroga"
    assert text[slice(*_tidy_span(text, 0, 25, "organisation"))] == "Tomas Quiroga of Ostravia"


def test_german_rules_leave_nouns_quantities_and_heads_out():
    found = by_text("In der marowischen Stadt Belzgrad sind nach Angaben von Gouverneur Pavel "
                    "Orlow 12 Menschen gestorben. Der Einsturz war um 19.40 Uhr Ortszeit, die "
                    "Ablöse liegt bei 42 Millionen Euro. Bereits 2022 hatten Gutachter "
                    "Korrosion festgestellt. Was Sparer wissen müssen.", "de")
    assert found["Belzgrad"].kind == "place"
    assert found["Pavel Orlow"].role == "Gouverneur"
    for junk in ("Stadt Belzgrad", "Angaben", "Uhr Ortszeit", "Millionen Euro", "Gutachter Korrosion",
                 "Was Sparer", "Angaben von Gouverneur Pavel Orlow"):
        assert junk not in found, junk


def test_italian_and_dutch_rules():
    italian = by_text("Il portavoce Marco Vesti ha detto che a Belzano il sindaco Lia Corra "
                      "incontrerà il ministro.", "it")
    assert italian["Marco Vesti"].role == "portavoce" and italian["Belzano"].kind == "place"
    dutch = by_text("Woordvoerder Jan Kuyt zei dat de minister naar Velden reist.", "nl")
    assert dutch["Jan Kuyt"].role == "Woordvoerder" and dutch["Velden"].kind == "place"


def test_places_keyed_by_their_english_name_across_languages():
    from storyline.enrich.gazetteer import place_key

    assert {place_key(n) for n in ("Geneva", "Ginebra", "Genf", "Женева", "Женеве", "Genève")} == {"geneva"}
    assert {place_key(n) for n in ("United States", "Estados Unidos", "Vereinigte Staaten",
                                   "Stati Uniti", "Verenigde Staten")} == {"united states"}
    assert place_key("Германии") == place_key("Deutschland") == "germany"
    assert place_key("Belzograd") is None and place_key("Geneva talks") is None
    spanish = by_text("Los ministros se reunieron en Ginebra con Estados Unidos.", "es")
    assert spanish["Ginebra"].key == "geneva" and spanish["Estados Unidos"].key == "united states"
