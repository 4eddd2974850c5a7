"""Word lists behind entity roles and the rules used where no NER model ships.

Role nouns say what a person is ("spokeswoman", "portavoz", "Sprecherin", "губернатор");
organisation and place words let a rule guess the kind of a name it found; the German
noun filter keeps capitalised common nouns ("Regierung", "Menschen") from passing as
names. Lower case throughout.
"""

from __future__ import annotations

from functools import lru_cache

ROLE_NOUNS = {
    "en": """president vice-president prime minister foreign minister minister spokesman
        spokeswoman spokesperson governor mayor secretary-general secretary general secretary
        leader chief head director chairman chairwoman chair ceo executive ambassador
        commissioner chancellor king queen prince general coach manager captain deputy envoy
        official premier senator judge prosecutor commander analyst economist professor
        founder owner striker midfielder defender goalkeeper player counterpart representative
        negotiator inspector officer chief minister""",
    "es": """presidente presidenta ministro ministra portavoz gobernador gobernadora alcalde
        alcaldesa secretario secretaria general líder jefe jefa director directora embajador
        embajadora canciller rey reina entrenador capitán delegado delegada vocero vocera
        consejero consejera fiscal juez jueza comandante delantero jugador portero dirigente
        representante responsable homólogo negociador""",
    "de": """präsident präsidentin bundeskanzler kanzler kanzlerin ministerpräsident
        ministerpräsidentin minister ministerin außenminister außenministerin sprecher
        sprecherin regierungssprecher gouverneur gouverneurin bürgermeister bürgermeisterin
        generalsekretär generalsekretärin chef chefin vorsitzende vorsitzender direktor
        direktorin botschafter botschafterin trainer kapitän stürmer spieler torwart
        gewerkschaftschef leiter leiterin vertreter vertreterin amtskollege""",
    "ru": """президент премьер-министр министр глава губернатор мэр представитель
        пресс-секретарь секретарь генсек председатель директор посол канцлер лидер
        руководитель тренер капитан нападающий спикер заместитель официальный""",
    "it": """presidente presidentessa ministro ministra portavoce governatore governatrice sindaco
        sindaca segretario segretaria leader capo direttore direttrice ambasciatore
        ambasciatrice cancelliere regina allenatore capitano attaccante giocatore portiere
        amministratore delegato rappresentante premier senatore giudice procuratore
        comandante analista economista professore fondatore proprietario dirigente""",
    "nl": """president premier minister woordvoerder woordvoerster gouverneur burgemeester
        secretaris-generaal secretaris leider chef hoofd directeur voorzitter topman topvrouw
        ambassadeur bondskanselier kanselier koning koningin trainer coach aanvoerder spits
        speler doelman vertegenwoordiger senator rechter officier aanklager commandant
        analist econoom hoogleraar professor oprichter eigenaar bestuurder""",
}
#: Several-word roles, matched before their single words ("prime minister").
ROLE_PHRASES = ("prime minister", "foreign minister", "secretary general", "chief executive",
                "secretario general", "secretaria general", "primer ministro",
                "primera ministra", "генеральный секретарь", "официальный представитель")

#: Lower-case words that qualify a role without being one ("former prime minister").
ROLE_MODIFIERS = frozenset("""former acting interim senior junior deputy vice then current new
    outgoing incoming chief top foreign home interior defence defense finance labour labor
    exteriores ex""".split())

#: Words that end a role phrase when read backwards from a name: determiners, pronouns,
#: verbs of saying and prepositions that start the clause, not the role.
ROLE_BOUNDARY = frozenset("""
    the a an his her their its this that another other said says told according to by with
    as and or but at on in from for of said, while when who which
    el la los las un una su sus otro otra dijo según y o con en por para a
    der die das den dem des ein eine einen einem einer sein seine ihr ihre sagte und oder mit
    nach laut von vom zum zur im am
    и или с в на по от для сказал заявил сообщил по словам его её их
    il lo gli le uno ha detto secondo e con per di da tra fra
    de het een zijn haar zei volgens en of met door van voor
    between about over after before during against among under into through via without
    within talks entre sobre tras contra durante zwischen über gegen unter während
    между о об после перед против
""".split())

#: Words in a name that make it an organisation.
ORGANISATION_WORDS = frozenset("""
    ministry ministerio ministerium министерство мид kremlin kreml кремль bank banco
    party partido partei партия union unión gewerkschaft союз council consejo rat совет
    agency agencia agentur агентство company compañía konzern компания university
    universidad universität университет police policía polizei полиция army ejército armee
    армия court tribunal gericht суд commission comisión kommission комиссия authority
    autoridad behörde fc cf ag gmbh inc ltd corp sa ооо оао пао fund fondo fonds фонд
    parliament parlamento parlament парламент дума bundestag government gobierno regierung
    правительство office oficina amt ведомство committee comité ausschuss комитет
    association asociación verband ассоциация group grupo gruppe группа
""".split())

#: Institutions named by one word that German writes after an article ("der Kreml", "des
#: Kremls", "der Bundestag"): names, although a German determiner precedes them.
GERMAN_ARTICLE_NAMES = frozenset("""kreml bundestag bundesrat bundeswehr bundesbank
    élysée elysée pentagon vatikan weißen""".split())

#: Prepositions after which a capitalised word is usually a place ("in Berlin", "в Пекине").
_PLACE_PREPOSITIONS = {"en": "in near", "es": "en", "de": "in nach aus bei nahe",
                       "ru": "в во из на под около к до", "it": "a in da", "nl": "in naar uit bij"}
#: ... in a text of no known language: the prepositions no other language uses as a word
PLACE_PREPOSITIONS = frozenset("in nach aus bei nahe в во из на под около к до naar uit".split())


@lru_cache(maxsize=None)
def place_prepositions(language: str | None) -> frozenset[str]:
    if language in _PLACE_PREPOSITIONS:
        return frozenset(_PLACE_PREPOSITIONS[language].split())
    return PLACE_PREPOSITIONS
#: Endings of place names (German and Russian towns, countries).
PLACE_ENDINGS = ("stadt", "burg", "berg", "dorf", "hausen", "heim", "land", "ien", "reich",
                 "ск", "ске", "ска", "град", "граде", "бург", "ия", "ии", "ию")

#: Nouns that say the name beside them is a place: before it ("the city of Drevnogorsk",
#: "puerto de Valmora", "Stadt Drewnogorsk", "городе Харбин") or after it in English ("the
#: Vela river"). Russian forms are stems, matched with any ending.
PLACE_NOUNS_BEFORE = {
    "en": "city town village port region province capital river state county district island",
    "es": "ciudad pueblo puerto región provincia capital río localidad municipio estado isla",
    "de": "stadt gemeinde dorf hafen region provinz hauptstadt fluss bundesland landkreis insel",
    "ru": "город сел деревн област регион столиц рек порт провинци остров",
    "it": "città paese porto regione provincia capitale fiume comune isola",
    "nl": "stad dorp haven regio provincie hoofdstad rivier gemeente eiland",
}
PLACE_NOUNS_AFTER = frozenset("""river mountains mountain valley lake city province region
    county district stadium airport square street avenue island islands sea bay""".split())

#: German nouns and noun endings that are never a name on their own.
GERMAN_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "tion", "sion", "tät", "ismus", "ment",
                       "chen", "nis", "tum", "ei", "ge", "te", "um", "ik", "zeit", "ion")
#: Determiners and contractions after which a capitalised German word is a common noun.
GERMAN_DETERMINERS = frozenset("""der die das den dem des ein eine einen einem einer eines
    kein keine keinen keinem keiner zum zur im am vom beim ins ans aufs sein seine seinen
    seinem ihr ihre ihren ihrem unser unsere dieser diese dieses diesen jeder jede alle
    viele mehrere""".split())

#: Verbs of saying next to a name: then it is usually a person's ("Belousov told", "dijo
#: Amaru"; countries and ministries say things too, so this is evidence, not proof).
SPEECH_VERBS = frozenset("""said says told added stated warned explained
    dijo afirmó declaró señaló explicó aseguró añadió advirtió reconoció
    sagte erklärte betonte teilte warnte kündigte sagt
    сказал сказала заявил заявила сообщил сообщила отметил отметила подчеркнул подчеркнула
    dichiarato affermato spiegato aggiunto
    zei zegt verklaarde stelde""".split())


#: Russian case endings, longest first ("Путиным", "Путина", "Кремле" -> "Путин", "Кремл").
_RUSSIAN_ENDINGS = ("ами", "ями", "ым", "им", "ом", "ем", "ой", "ей", "ою", "а", "я", "у", "ю", "е",
                    "ы", "и", "ь", "й")


def word_stem(word: str) -> str:
    """A lower-case word without its Russian case ending or German genitive -s, so that
    inflected forms of one name compare equal ("Кремле", "Кремль"; "Kremls", "Kreml")."""
    word = word.lower()
    if "а" <= word[-1:] <= "я" or word[-1:] == "ё":
        for ending in _RUSSIAN_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[: -len(ending)]
        return word
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


@lru_cache(maxsize=1)
def _organisation_stems() -> frozenset[str]:
    return frozenset(map(word_stem, ORGANISATION_WORDS))


def is_organisation_word(word: str) -> bool:
    """Whether ``word`` (any case, any inflection) makes a name an organisation's."""
    folded = word.lower()
    return folded in ORGANISATION_WORDS or word_stem(folded) in _organisation_stems()


@lru_cache(maxsize=None)  # called for every name found: build each set once
def role_nouns(language: str | None) -> frozenset[str]:
    if language in ROLE_NOUNS:
        return frozenset(ROLE_NOUNS[language].split())
    return frozenset(word for words in ROLE_NOUNS.values() for word in words.split())
