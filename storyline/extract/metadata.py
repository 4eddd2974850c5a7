"""Publication date, outlet and header fields, from wherever the input states them.

Sources are tried from the most to the least trustworthy: a header the exporter wrote,
the container's fields (JSON, feed, WARC), the page's own metadata, the URL, and finally
the text itself (the outlet named in its own appeal or copyright line).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from urllib.parse import urlsplit

from .paragraphs import Span

# "date 2024-05-14 Body..." or "Date: 2024-05-14" at the very start of a text export.
_HEADER_KEYS = {
    "date": "date", "published": "date", "fecha": "date", "datum": "date", "дата": "date",
    "title": "title", "titulo": "title", "título": "title", "titel": "title",
    "заголовок": "title", "source": "outlet", "outlet": "outlet", "fuente": "outlet",
    "quelle": "outlet", "источник": "outlet", "url": "url", "link": "url",
    "lang": "lang", "language": "lang",
}
_HEADER = re.compile(r"^\s*(" + "|".join(map(re.escape, _HEADER_KEYS)) + r")\s*[:=]?\s+", re.I)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
                       r"\s*(Z|[+-]\d{2}:?\d{2})?)?")
_MONTHS = {
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                   "august", "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                   "agosto", "septiembre", "octubre", "noviembre", "diciembre"], 1)},
    **{m: i for i, m in enumerate(["januar", "februar", "märz", "april", "mai", "juni", "juli",
                                   "august", "september", "oktober", "november", "dezember"], 1)},
    **{m: i for i, m in enumerate(["января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                   "августа", "сентября", "октября", "ноября", "декабря"], 1)},
    **{m: i for i, m in enumerate(["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
                                   "luglio", "agosto", "settembre", "ottobre", "novembre",
                                   "dicembre"], 1)},
    **{m: i for i, m in enumerate(["januari", "februari", "maart", "april", "mei", "juni", "juli",
                                   "augustus", "september", "oktober", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                                   "août", "septembre", "octobre", "novembre", "décembre"], 1)},
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TEXT_DATES = [
    # May 14, 2024 / Jan. 12, 2014 / December 15th, 2008
    (re.compile(rf"\b({_MONTH_ALT}|[a-z]{{3}})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b", re.I), (3, 1, 2)),
    # 14 May 2024 / 14 de mayo del 2024 / 14. Mai 2024 / 14 мая 2024 / 22 JUL 2013
    (re.compile(rf"\b(\d{{1,2}})\.?(?: de)? ({_MONTH_ALT}|[a-z]{{3}})\.?(?: de| del)? (\d{{4}})\b", re.I),
     (3, 2, 1)),
    # 14.05.2024
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), (3, 2, 1)),
    # 14-May-24: a two-digit year, read as this century's unless that is in the future
    (re.compile(r"\b(\d{1,2})-([a-z]{3})-(\d{2})\b", re.I), (3, 2, 1)),
]
_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](\d{1,2}|[a-z]{3,9})[/-](\d{1,2})(?:/|$|[-_])"
                       r"|[-_/=](20\d{6})(?:\D|$)", re.I)
_ARCHIVE = re.compile(r"^https?://web\.archive\.org/web/\d+[a-z_]*/(.+)$", re.I)


def take_header(text: str, spans: list[Span]) -> tuple[dict[str, str], list[Span], list[Span]]:
    """Leading ``key value`` metadata lines: (fields, removed spans, remaining spans).

    The header may be glued to the first sentence ("date 2024-05-14 President ..."), so
    only the key and its value are cut, never the sentence after it. A line that is only
    a web address is the page's own URL, as saved pages and crawl dumps put it on top.
    """
    fields: dict[str, str] = {}
    removed: list[Span] = []
    out = list(spans)
    while out:
        span = out[0]
        line = span.of(text)
        if "url" not in fields and _BARE_URL.fullmatch(url := tidy_url(line)):
            fields["url"] = url
            removed.append(span)
            out = out[1:]
            continue
        match = _HEADER.match(line)
        if not match:
            break
        key = _HEADER_KEYS[match.group(1).lower()]
        rest = line[match.end():]
        value_end = _header_value_end(key, rest)
        if value_end is None:
            break
        fields.setdefault(key, rest[:value_end].strip())
        cut = span.start + match.end() + value_end
        while cut < span.end and text[cut] == " ":
            cut += 1
        removed.append(Span(span.start, cut))
        out = out[1:] if cut >= span.end else [Span(cut, span.end)] + out[1:]
    return fields, removed, out


def _header_value_end(key: str, rest: str) -> int | None:
    if key == "date":
        match = _ISO_DATE.match(rest) or next(
            (m for m in (p.match(rest) for p, _ in _TEXT_DATES) if m), None)
        return match.end() if match else None
    return len(rest) if rest and len(rest) < 300 else None


_BARE_URL = re.compile(r"https?://[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]\S*)?", re.I)
_SPACED_URL = re.compile(r"https?\s?:\s?/\s?/\s?\w", re.I)


def tidy_url(value: str) -> str:
    """A URL as given, or without the spaces a word tokenizer put around its punctuation
    ("http: / / www. example. com / 2013 / may / 03 / fire - at - plant"): a URL holds no
    spaces, and two words side by side ("a b") mean the value was never one."""
    value = value.strip()
    if _SPACED_URL.match(value) and not re.search(r"[^\W_]\s+[^\W_]", value):
        return re.sub(r"\s+", "", value)
    return value


# What a time stamp line is made of besides numbers: "Posted: Tue, March 3, 2009 8:41 p.m.
# EST", "21 July 2013 Last updated at 11:11 GMT", "Publicado el 3 de marzo de 2009".
_STAMP_WORDS = frozenset("""
    posted updated published last modified article on at by am pm a p m h uhr um de del el las
    le à mis jour publié publicado actualizado aktualisiert veröffentlicht stand
    pubblicato aggiornato il alle опубликовано обновлено в г года
    gmt utc est edt cst cdt mst mdt pst pdt et ct pt ist cet cest bst msk aest aedt jst
""".split())
_WEEKDAYS = frozenset("""
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun lunes martes miércoles jueves viernes sábado domingo montag dienstag mittwoch
    donnerstag freitag samstag sonntag понедельник вторник среда четверг пятница суббота
    воскресенье
""".split())
_STAMP_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)?|[^\W\d_]+")
_CLOCK_OR_DATE = re.compile(r"\d{1,2}\s?[:.]\s?\d{2}|\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?\d{2,4}")


def is_date_stamp(line: str | None) -> bool:
    """A short line that only says when ("December 15th, 2008, 7:35 am", "APR 28",
    "Updated: November 11, 2011 20:09 IST"): a time stamp, never a headline."""
    if not line or len(line) > 80:
        return False
    tokens = _STAMP_TOKEN.findall(line.lower())
    if not any(t[0].isdigit() for t in tokens):
        return False
    # every word that is not a stamp word or a weekday must be a month ("May", "JUL")
    months = [t for t in tokens if t[0].isalpha() and t not in _STAMP_WORDS and t not in _WEEKDAYS]
    if not all(_month_number(t) for t in months):
        return False
    return bool(months) or bool(_CLOCK_OR_DATE.search(line))  # "8:24am", "11/28/05"


def normalise_date(value: str | None) -> str | None:
    """An ISO date (``YYYY-MM-DD``, or date-time when a time is known) from common forms."""
    if not value:
        return None
    value = value.strip()
    iso = _ISO_DATE.search(value)
    if iso:
        y, m, d, hh, mm, ss, zone = iso.groups()
        if not _valid(int(y), int(m), int(d)):
            return None
        if hh:  # keep the publisher's UTC offset: "published at 9:00" means local time
            offset = "" if not zone else "+00:00" if zone == "Z" else zone[:3] + ":" + zone[-2:]
            return f"{y}-{m}-{d}T{hh}:{mm}:{ss or '00'}{offset}"
        return f"{y}-{m}-{d}"
    try:  # RFC 822 dates from feeds and HTTP headers keep their time of day
        from email.utils import parsedate_to_datetime
        parsed = parsedate_to_datetime(value)
        return parsed.isoformat() if parsed.tzinfo else parsed.strftime("%Y-%m-%dT%H:%M:%S")
    except (TypeError, ValueError, IndexError):
        return date_in_text(value)


def date_in_text(text: str) -> str | None:
    """The first date written out in ``text`` (English, Spanish, German, Russian forms)."""
    for pattern, (yi, mi, di) in _TEXT_DATES:
        match = pattern.search(text)
        if not match:
            continue
        groups = match.groups()
        month = _month_number(groups[mi - 1])
        year, day = int(groups[yi - 1]), int(groups[di - 1])
        if year < 100:
            year += 2000 if 2000 + year <= datetime.now().year else 1900
        if month and _valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _month_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    token = token.lower().rstrip(".")
    if token in _MONTHS:
        return _MONTHS[token]
    prefix = [n for m, n in _MONTHS.items() if len(token) >= 3 and m.startswith(token)]
    return prefix[0] if prefix else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 < year <= datetime.now().year + 1


def date_from_url(url: str | None) -> str | None:
    if not url:
        return None
    match = _URL_DATE.search(original_url(url))
    if not match:
        return None
    if match.group(4):
        compact = match.group(4)
        y, m, d = int(compact[:4]), int(compact[4:6]), int(compact[6:])
    else:  # /2024/05/14/ or /2013/may/03/
        year, month, day = match.groups()[:3]
        y, m, d = int(year), _month_number(month) or 0, int(day)
    return f"{y:04d}-{m:02d}-{d:02d}" if _valid(y, m, d) else None


def original_url(url: str) -> str:
    """The page's own URL when it was fetched through a web archive."""
    match = _ARCHIVE.match(url.strip())
    inner = match.group(1) if match else url.strip()
    return inner if "://" in inner else "http://" + inner


def outlet_from_url(url: str | None) -> str | None:
    """The outlet's domain without ``www.`` and port, e.g. ``chicagotribune.com``."""
    if not url:
        return None
    try:
        host = urlsplit(original_url(url)).hostname or ""
    except ValueError:  # not a URL at all ("http://[", a bad port): no outlet from it
        return None
    host = re.sub(r"^(?:www\d?|m|mobile|amp)\.", "", host.lower())
    return host or None


def outlet_words(outlet: str | None, url: str | None) -> frozenset[str]:
    """The words an outlet goes by, lower case: those of its name and of its web address
    without the top-level domain ("WMC Action News 5" and wmcactionnews5.com: wmc, action,
    news, 5, wmcactionnews5). A page prints them in its chrome (a station's call sign, its
    copyright line), so they say which site a page is on, never which story it tells."""
    host = outlet_from_url(url) or (outlet if outlet and _DOMAIN.fullmatch(outlet) else "")
    words = set(host.split(".")[:-1])
    if outlet and outlet != host:
        words.update(_WORD.findall(outlet.lower()))
    return frozenset(w for w in words if w)


_WORD = re.compile(r"[^\W_]+")
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
# A separator between a headline and what a site appends to it: " - ", " | ", " :: ", " « ".
_TITLE_PARTS = re.compile(r"(\s+[-|–—:«»]{1,2}\s+)")
_WEB_ADDRESS = re.compile(r"\w\.(?:com|net|org|tv)\b", re.I)


def headline(title: str | None, outlet: str | None, url: str | None) -> str | None:
    """The title without the site's name that many pages append to it ("Shooting sends
    five to hospital - WAFF-TV: News, Weather and Sports"): everything from the first part
    after a separator that names the outlet (a word of its name, or a word of three letters
    or more inside its web address: "KCTV5" on kctv5.com, "FOX5" on fox5vegas.com) or is a
    web address, with the short parts just before it ("- WCIV-TV | ABC News 4 - ...").
    The site's name shared by all its pages would otherwise tie them together."""
    parts = _TITLE_PARTS.split(title or "")
    if len(parts) < 3:
        return title
    labels = [w for w in outlet_words(outlet, url) if len(w) >= 3]
    for i in range(2, len(parts), 2):
        words = _WORD.findall(parts[i].lower())
        if _WEB_ADDRESS.search(parts[i]) or any(len(w) >= 3 and any(w in label for label in labels)
                                                 for w in words):
            while i > 2 and len(parts[i - 2].split()) <= 3:
                i -= 2
            kept = "".join(parts[:i - 1]).strip()
            return kept if len(kept.split()) >= 3 else title
    return title


_TAGLINE = re.compile(r"\s+[-|–—:]\s+.*$")


def outlet_name(value: str | None) -> str | None:
    """An outlet's name without the tagline sites append ("Lantern - Markets, Economy")."""
    if not value:
        return None
    name = _TAGLINE.sub("", value.strip())
    return name if len(name) >= 2 else value.strip()


_NAME = re.compile(r"\b((?:The |El |La |Die |Der |Le )?[A-Z][\w&'’.-]*(?: (?:[A-Z][\w&'’.-]*|of|de|del))*"
                   r" [A-Z][\w&'’.-]*|[A-Z][A-Za-z]*[A-Z][\w]*)")
_COPYRIGHT_NAME = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?(?:by\s+)?"
                             r"([A-Z][\w&'’. -]{2,60}?)(?:[.,;]|\s+all rights|\s*$)", re.I)
_NOT_OUTLETS = {"All Rights Reserved", "Associated Press", "The Associated Press", "Getty Images"}


def outlet_from_text(removed: list[tuple[str, str]]) -> str | None:
    """The outlet named by its own appeal or copyright line, given (reason, text) removals.

    An appeal names its outlet ("As you may know, The Daily X ... the journalists of The
    Daily X"): the name repeated most across those paragraphs is taken, or the only one.
    """
    names: Counter[str] = Counter()
    for reason, text in removed:
        if reason == "copyright":
            match = _COPYRIGHT_NAME.search(text)
            if match and match.group(1).strip() not in _NOT_OUTLETS:
                names[match.group(1).strip()] += 2
        elif reason == "appeal":
            for match in _NAME.finditer(text):
                names[match.group(1)] += 1
    ranked = [(name, n) for name, n in names.most_common() if name not in _NOT_OUTLETS]
    if ranked and (ranked[0][1] >= 2 or len(ranked) == 1):  # repeated, or the only name given
        return ranked[0][0]
    return None
