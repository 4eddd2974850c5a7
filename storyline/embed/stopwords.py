"""Small stopword lists for the languages Storyline expects most often.

Short on purpose: only function words (articles, pronouns, prepositions, conjunctions,
auxiliaries) whose frequency would otherwise dominate a TF-IDF vector. The lists are used
per language when the article's language is known, because a function word in one
language is often a content word in another (German "war", Dutch "door", Italian "come").
"""

from __future__ import annotations

from .latin import to_latin

__all__ = ["STOPWORDS", "stopwords_for"]

_LISTS = {
    "en": """a about after against all also an and any are as at be been before being but
        by can could did do does had has have he her hers him his how i if in into is it its
        just me more most my no nor not now of on once only or other our out over own said
        says she should so some such than that the their them then there these they this
        those through to too under until up very was we were what when where which while who
        whom why will with would you your""",
    "es": """a al algo algunos ante antes como con contra cual cuando de del desde donde
        dos e el ella ellas ellos en entre era es esa ese eso esta estaba estado este esto
        fue fueron ha habia han hasta hay la las le les lo los mas me mi muy no nos o otra
        otro para pero por porque que quien se ser si sin sobre son su sus tambien te tiene
        todo todos tras un una uno unos y ya""",
    "de": """aber als am an auch auf aus bei bis das dass dem den der des die dies diese
        dieser doch durch ein eine einem einen einer er es fur hat hatte hier ich ihr ihre im
        in ist ja jedoch kann kein man mit nach nicht noch nur oder sein seine sich sie sind
        so uber um und uns vom von vor war waren was weil wenn werden wie wir wird wurde
        wurden zu zum zur""",
    "ru": """а без бы был была были было быть в вам вас весь во вот все всех вы где да даже
        для до его ее если есть еще же за и из или им их к как когда кто ли либо мне может
        мы на над не него нее нет ни них но ну о об однако он она они оно от по под после при
        с со так также такой там те то того тоже той только том ты у уже чем что чтобы эта
        эти это этого этой этот я""",
    "it": """a ad al alla alle allo anche che chi ci come con contro da dal dalla dalle degli
        dei del della delle dello di dopo e ed era gli ha hanno ho i il in io la le lei lo
        loro lui ma mi nei nel nella nelle non o per perche piu quale quando quella quello
        questa questo se si sia sono su sua sue sui sul sulla suo suoi tra tutti tutto un
        una uno""",
    "nl": """aan al als bij dan dat de deze die dit door een en er haar heb heeft hem het hij
        hoe hun ik in is je kan maar me met na naar niet nog of om ons ook op over te tegen
        tot uit van veel voor want was wat we werd wij worden wordt zal ze zich zij zijn zo""",
    "fr": """a au aux avec avait ce ces cette comme dans de des du elle elles en est et etait
        etre eu il ils je la le les leur leurs lui mais me meme ne nous on ont ou par pas
        pour qu que qui sa se ses son sont sur ta te tout tous un une vous y""",
    "pt": """a ao aos as com como da das de dela dele do dos e ela ele eles em entre era esta
        este foi foram ha isso mais mas na nas no nos o os ou para pela pelo por que se sem
        ser seu seus sua suas tambem tem um uma umas uns""",
}

#: Stopwords per ISO 639-1 code, folded to plain Latin as the tokenizer folds its tokens.
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(to_latin(word) for word in words.split()) for lang, words in _LISTS.items()
}

_ALL = frozenset().union(*STOPWORDS.values())


def stopwords_for(language: str | None) -> frozenset[str]:
    """The stopwords of ``language``, or of every listed language when it is unknown."""
    if language and language in STOPWORDS:
        return STOPWORDS[language]
    return _ALL
