"""Multilingual patterns for text that is not the article.

Each table is data, not code: adding a language means adding phrases. Phrase tables built
with ``_any`` are matched against the *lower-cased* paragraph (two to three times faster
than a case-insensitive pattern); the few patterns that need case (names, agencies) say so. English, Spanish, German, Russian, French and Italian are covered
because those are the languages of the outlets our users monitor most; the structural
rules in ``clean.py`` (repeats, outlet boilerplate, credits) work in any language.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE | re.UNICODE


def _any(*phrases: str) -> re.Pattern[str]:
    """One pattern for lower-cased text; every phrase must be written in lower case."""
    return re.compile("|".join(f"(?:{p})" for p in phrases), re.UNICODE)


def _any_case(*phrases: str) -> re.Pattern[str]:
    """One case-insensitive pattern, for phrases that mention capitalised names."""
    return re.compile("|".join(f"(?:{p})" for p in phrases), _I)


# Donation and membership appeals: matched anywhere in a paragraph.
APPEAL = _any(
    r"small favou?r to ask", r"\bsupport (?:us|our (?:work|journalism|newsroom|mission))\b",
    r"support (?:independent|quality|free) (?:journalism|press|media)",
    r"\bdonate (?:now|today|to us|monthly|once)\b", r"please donate", r"your (?:tax-deductible )?donation",
    r"donations? (?:help|keep|support|allow)s? us", r"\bbecome an? (?:member|supporter|patron|subscriber)\b",
    r"make a (?:contribution|donation)", r"we need your (?:help|support)",
    r"your support(?:, no matter how small| makes| helps| keeps)", r"\bchip in\b",
    r"please (?:support|consider supporting|subscribe)", r"support us (?:monthly|today|now)",
    r"from just \$\d", r"\bpatreon\b",
    r"apóyanos", r"haz una donación", r"hazte (?:socio|miembro|suscriptor)",
    r"tu apoyo (?:es|nos)", r"colabora con nosotros", r"necesitamos tu (?:ayuda|apoyo)",
    r"unterstützen sie (?:uns|unseren|unabhängigen)", r"jetzt spenden", r"\bspenden sie\b",
    r"werden sie (?:mitglied|unterstützer)", r"ihre unterstützung", r"wir brauchen ihre hilfe",
    r"поддержите (?:нас|редакцию|независим)", r"пожертвова", r"ваша поддержка",
    r"помогите нам", r"нам нужна ваша помощь", r"станьте (?:подписчиком|участником)",
    r"soutenez[- ]nous", r"faites un don", r"sostienici", r"fai una donazione",
)

# Newsletter and subscription prompts.
NEWSLETTER = _any(
    r"sign up (?:for|to) (?:our|the|one of our)\b.{0,40}\b(?:newsletters?|alerts|emails?)",
    r"subscribe to (?:our|the) (?:newsletter|daily|weekly|channel|podcast)",
    r"(?:delivered|straight) (?:to|into) your inbox", r"\bin your inbox\b",
    r"verification email", r"email notifications are", r"notification has been saved",
    r"problem saving your notification", r"enter your email",
    r"suscríbete (?:a|al) (?:nuestr[oa]|el|la)", r"recibe (?:nuestro|el) boletín",
    r"newsletter abonnieren", r"melden sie sich .{0,30}newsletter an", r"zum newsletter",
    r"подпишитесь на (?:нашу|наш|рассылку|нас)", r"подписывайтесь на",
    r"abonnez-vous", r"iscriviti alla newsletter",
    # sign-off prompts that invite the reader elsewhere rather than report anything
    r"^stay (?:with|tuned to) .{0,60}(?:for (?:updates|the latest|more)|updates?)",
    r"refresh this (?:story|page) for updates", r"download (?:the|our) .{0,40}\bapp\b",
    r"sign up for (?:breaking )?news alerts", r"get (?:the latest|breaking news) .{0,80}anytime",
    r"get updates on .{0,60}delivered", r"^check back (?:at|with|later|for)", r"^click here\b",
    r"^please return to .{0,60}for", r"^read .{0,40}\bfor (?:full|more) details",
    r"will (?:bring you|have) (?:the latest|more|updates)",
    r"(?:crew|reporter)s? (?:is |are )?(?:on|at) (?:the|this) scene.{0,80}(?:update|latest)",
    r"^be sure to watch", r"get email notifications on", r"^log ?in\b.{0,40}subscri",
)

# Cookie and privacy notices.
COOKIE = _any(
    r"\b(?:we|this (?:site|website)) uses? cookies", r"\bcookie (?:policy|settings|preferences)",
    r"accept (?:all )?cookies", r"utilizamos cookies", r"usamos cookies",
    r"wir verwenden cookies", r"verwendet cookies", r"используе[тм] (?:файлы )?cookie",
    r"nous utilisons des cookies", r"utilizziamo (?:i )?cookie",
)

# Interface text: matched against a whole short paragraph.
INTERFACE = _any(
    r"remind me later\.?", r"read more\.?", r"continue reading\.?", r"show (?:more|comments)",
    r"load more", r"close", r"skip to (?:main )?content", r"advertisement", r"sponsored",
    r"back to top", r"print", r"menu", r"more", r"comments?", r"watch (?:this )?(?:story|video)",
    r"please enable javascript to watch this video", r"scroll down for video",
    r"just one more thing\.*", r"you must enter the characters .*", r"text size", r"a a",
    r"page \d+ of \d+", r"skip ad.*", r"(?:# ?){2,}#?", r"photos?", r"videos?",
    r"related (?:stories|content|coverage|photos|videos|links)", r"get more .{0,30}»",
    r"view (?:full caption|gallery|comments)", r"(?:\d+ )?comments? pending.*",
    r"watch the (?:report|video)\b.{0,30}", r"file (?:photo|image)\.?",
    # a sign-in widget's lines ("Sign in using your wftv profile")
    r"sign in using your .{1,40}(?:profile|account)(?: with:?)?", r"welcome back\. please sign in",
    r"why are we asking this\?", r"already have an account\?", r"forgot (?:your )?password\?*",
    r"leer más", r"seguir leyendo", r"publicidad", r"cerrar", r"recordármelo más tarde",
    r"weiterlesen", r"mehr lesen", r"anzeige", r"werbung", r"schließen", r"später erinnern",
    r"читать (?:далее|дальше)", r"подробнее", r"реклама", r"закрыть", r"напомнить позже",
    r"lire la suite", r"publicité", r"leggi (?:anche|tutto)", r"pubblicità",
)

# Share buttons and social handles: whole short paragraphs.
SHARE = _any(
    r"(?:share|teilen|compartir|поделиться|partager|condividi)(?: (?:this|on|en|auf|в))?.{0,60}",
    r"(?:facebook|twitter|x|email|e-mail|whatsapp|telegram|linkedin|pinterest|google\+?|reddit"
    r"|tumblr|instagram|vk|вконтакте)(?:\s*[|/,·•]\s*\w+)*",
    r"follow (?:us|@?\w+) on .{0,60}", r"síguenos en .{0,60}", r"folgen sie uns.{0,60}",
    r"подписывайтесь .{0,60}", r"like this:.{0,40}", r"(?:twitter|instagram|telegram): @\w+.*",
    r".{0,60}\| ?twitter: ?@\w+", r"@\w+", r"join the conversation on .{0,60}",
    r"stay up to date, follow .{0,60}", r"free apps \|.*", r"read or share this story:.{0,80}",
    r"see it on tv \|.*", r".{0,40}\| report a typo.*",
)

# What a site appends to its headlines ("... - WAFF-TV: News, Weather and Sports"): the
# headline is what comes before the first such separator.
SITE_SUFFIX = re.compile(r"\s+[-|–—]{1,2}\s+")

# A video playlist's entry: its length, then another story's headline ("0:43 Homeless man
# found dead in Parkland; suspect arrested"); not a time of day ("10:30 a.m.").
PLAYLIST_ENTRY = re.compile(r"^\d{1,2}:\d{2}\s+(?![ap]\.?m\b)(?=.*[^\W\d_]{3})", re.I)

# Teasers of other stories: a paragraph that starts like this.
TEASER_START = _any(
    r"read (?:more|also)\s*:", r"related(?: stories| articles| coverage| content)?\s*(?::|\s|$)",
    r"(?:more coverage|story|pictures|photos|documents|slideshow|raw video|gallery|also)\s*:",
    r"related coverage\b", r"related content\b", r"video \(\d+:\d+\)\s*:",
    r"complete coverage of\b", r"top (?:news|stories)\s*:", r"more on [\w. ]{2,40}$",
    r"see also\s*:", r"more (?:from|on) .{0,40}:", r"recommended(?: for you)?\s*:",
    r"most (?:read|popular)\s*:", r"trending\s*:", r"watch\s*:", r"video\s*:",
    r"lee (?:también|más)\s*:", r"lea también\s*:", r"te puede interesar\s*:",
    r"más información\s*:", r"lesen sie auch\s*:", r"mehr zum thema\s*:", r"auch interessant\s*:",
    r"читайте (?:также|еще|ещё)\s*:", r"смотрите также\s*:", r"по теме\s*:",
    r"lire aussi\s*:", r"à lire aussi\s*:", r"leggi anche\s*:",
)

# Copyright notices: anywhere in a short paragraph.
COPYRIGHT = _any(
    r"©", r"\(c\) ?\d{4}", r"\bcopyright\b", r"all rights reserved",
    r"this material may not be published", r"todos los derechos reservados",
    r"alle rechte vorbehalten", r"все права защищены", r"tous droits réservés",
    r"tutti i diritti riservati",
)

# Bylines, datelines and time stamps that stand alone on a line.
BYLINE = _any_case(
    r"(?:by|por|von|от|par|di)\s+[A-ZÁÉÍÓÚÑÄÖÜА-Я][\w.'’-]+(?:\s+(?:[A-ZÁÉÍÓÚÑÄÖÜА-Я][\w.'’-]+|and|y|und|и|de|la|van|von))*,?"
    r"(?:\s*[|,-]\s*.{0,40})?",
    r"(?:posted|updated|published|last updated|publicado|actualizado|veröffentlicht|aktualisiert"
    r"|опубликовано|обновлено)\s*(?:on|at|:|am|el)?\s*.{0,60}",
    r"[\w .]{0,30}\bstaff\b", r"(?:breaking news|news) staff", r"staff writer",
    r"(?:by|created|updated|posted)\s*:.{0,60}", r"[-–—]\s?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}",
    r"contact [\w .'’-]{2,40}:.{0,100}", r"[\w.+-]+@[\w-]+\.[\w.]+(?:\s*(?:or|\||,)\s*.{0,40})?",
    r"\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}",
)

# Photo captions and credits.
PHOTO_LABEL = _any(
    r"(?:photo|photograph|image|picture|foto|fotografía|imagen|bild|фото|снимок|illustration)"
    r"(?: credit| by| de| von)?\s*[:©]",
    r"(?:photo|image) courtesy of", r"credit\s*:", r"fuente de la imagen", r"bildquelle",
    r"buy photo\b", r"view larger\b", r"courtesy\s*:",
    r"(?:\(?ap |staff |submitted |file |contributed )?photo(?:graph)? (?:by|courtesy|provided)\b",
)
# A caption's closing credit or source tag: "(Photo: Jane Doe, The News)", "(Source: WMC)",
# "(Published Monday, May 13, 2024)", "View Full Caption Jane Doe".
PHOTO_TAIL = _any(
    r"\((?:photo|foto|фото|image|bild|source|fuente|quelle|источник|published|credit)\b[^()]{0,120}\)\s*$",
    r"view full caption\b.{0,80}$", r"\bbuy photo\s*$", r"\d+ / \d+ back to gallery\s*$",
)

WIRE_AGENCIES = {
    "AFP": r"AFP|Agence France[- ]Presse|France[- ]Presse",
    "AP": r"AP|Associated Press",
    "Reuters": r"Reuters|Рейтер",
    "dpa": r"dpa|Deutsche Presse-Agentur",
    "EFE": r"EFE",
    "Europa Press": r"Europa Press",
    "ANSA": r"ANSA",
    "TASS": r"TASS|ТАСС|ИТАР-ТАСС",
    "RIA Novosti": r"RIA Novosti|РИА Новости",
    "Interfax": r"Interfax|Интерфакс",
    "Xinhua": r"Xinhua|Синьхуа",
    "UPI": r"UPI|United Press International",
    "KNA": r"KNA",
    "epd": r"epd",
    "APA": r"APA",
    "Bloomberg": r"Bloomberg",
}
_AGENCY_ALT = "|".join(f"(?:{p})" for p in WIRE_AGENCIES.values())
_AGENCY_NAME = [(name, re.compile(rf"^(?:{p})$", re.IGNORECASE if name not in {"AP", "APA", "EFE", "KNA"} else 0))
                for name, p in WIRE_AGENCIES.items()]

# A credit at the end of a caption: "-AFP/SERGEI GUNEYEV", "(AFP/Getty Images)",
# "Photo: Jane Doe/Reuters", "EFE/Juan Pérez", "Фото: ТАСС".
CREDIT_TAIL = re.compile(
    rf"(?:^|[\s(\-–—|])\(?((?:{_AGENCY_ALT}|Getty Images|Shutterstock|EPA|Imago|Sputnik|"
    rf"[A-ZÁÉÍÓÚÑ][\w.]+(?: [A-ZÁÉÍÓÚÑ][\w.]+)?)\s*/\s*[A-ZÁÉÍÓÚÑ][\w'’-]*(?: [A-ZÁÉÍÓÚÑ][\w'’.-]*){{0,4}}|"
    rf"(?:{_AGENCY_ALT})\s+via\s+Getty Images)\)?\s*$",
    re.UNICODE,
)

# Attribution lines: "AFP contributed reporting", "Reporting by ...; Editing by ...".
ATTRIBUTION = re.compile(
    rf"^(?:\(?(?:{_AGENCY_ALT})\)?(?: and [\w ]+)? contributed(?: reporting| to this (?:report|story))"
    rf"|(?:with|con información de|con|mit material von|mit|по материалам|avec|con)\s+(?:{_AGENCY_ALT})"
    rf"(?:\s*(?:,|and|y|und|и)\s*(?:{_AGENCY_ALT}))*"
    rf"|(?:reporting|writing|editing|additional reporting) by .{{2,120}}"
    rf"|[-–—]\s*(?:{_AGENCY_ALT})(?:\s*/\s*[\w ]+)?"
    rf"|\((?:{_AGENCY_ALT})\)"
    rf"|(?:source|fuente|quelle|источник)\s*:\s*(?:{_AGENCY_ALT}).*"
    rf"|.{{0,160}}\bcontributed to this (?:report|story)|.{{0,80}}\bwith contributions from\b.*"
    rf"|[\w. ]{{2,30}} and wires"
    rf"|information from\s*:.{{0,120}}"
    rf")\.?$",
    re.IGNORECASE | re.UNICODE,
)

# "MOSCOW (AFP) — " or "WASHINGTON (Reuters) - " at the start of the first paragraph.
# The agency may be one we do not know by name: any short acronym in the brackets counts.
DATELINE = re.compile(
    rf"^([A-ZÁÉÍÓÚÑÄÖÜА-Я][\w .,'’-]{{0,40}}\s*\(((?:{_AGENCY_ALT})|[A-ZА-Я][A-Za-zА-Яа-я]{{1,7}})\)"
    rf"\s*[-–—:]+\s*)",
    re.UNICODE,
)
AGENCY_MENTION = re.compile(rf"(?<![\w])(?:{_AGENCY_ALT})(?![\w])", re.UNICODE)


def agency_name(token: str) -> str | None:
    """The canonical name of a wire agency mentioned as ``token``, if it is one."""
    token = token.strip(" ()-–—/.")
    for name, pattern in _AGENCY_NAME:
        if pattern.match(token):
            return name
    return None


def agencies_in(text: str) -> list[str]:
    """Canonical names of the wire agencies mentioned in a credit or attribution text."""
    found = []
    for match in AGENCY_MENTION.finditer(text):
        name = agency_name(match.group(0))
        if name and name not in found:
            found.append(name)
    return found


# Things that are not the article even inside a longer line: video players, forms, bios.
CHROME = _any(
    r"^skip ad\b", r"\bad loading\b", r"^image \d+ of /? ?\d+\b", r"\{\*.{0,80}\*\}",
    r"thank you for registering", r"(?:error|problem) (?:sending|saving|processing)", r"(?:browser|flash|javascript)\b.{0,40}\b(?:support|enable|update|disabled)",
    r"a friend wanted you to see", r"i am looking for:", r"\bemail (?:this|a friend)\b",
    r"by submitting your registration information", r"seeing you on \[website\]",
    r"^add a location to your tweets", r"when you tweet with a location, twitter stores",
)
BIO = _any_case(
    r"\breach (?:him|her|them|me|the reporter)\b", r"\be-?mail: ?[\w.+-]+@", r"\bworks for (?:the )?[A-Z]",
    r"\bis an? (?:[\w-]+ ){0,3}(?:reporter|writer|correspondent|editor|columnist) (?:for|at|with) ",
    r"\bstaff writers?\b.{0,80}@",
)
# A line made only of e-mail addresses, phone numbers and handles: a contact footer.
CONTACT_LINE = re.compile(r"^(?:[\w.+-]+@[\w-]+\.[\w.]+|\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}|@\w+|twitter|e-?mail|"
                          r"phone|[|,;:/•·]|or|and|\s)+$", re.I)
# A copyright notice glued to the end of an article paragraph.
COPYRIGHT_TAIL = re.compile(r"\s*(?:©|\(c\)|copyright)\s*\d{4}[^.©]{0,80}\.?\s*$", re.I)
# A heading that introduces a list of other stories' headlines.
TEASER_HEADING = _any(r"also", r"related(?: stories| articles| coverage| content)?", r"more (?:on|from) .{0,40}",
                      r"top (?:news|stories)", r"(?:most )?(?:popular|read)", r"trending(?: now)?",
                      r"lee también", r"lesen sie auch", r"читайте также", r"mehr zum thema")

# Cheap substring checks that must hit before the (slower) appeal and newsletter patterns run.
APPEAL_TRIGGERS = ("favo", "support", "donat", "member", "contribut", "help", "chip in",
                   "subscri", "patreon", "just $", "apóy", "dona", "socio", "apoyo", "colabor",
                   "ayuda", "unterstütz", "spend", "mitglied", "hilfe", "поддерж", "пожертв",
                   "помоги", "помощь", "подписч", "участник", "souten", "don ", "sostien")
CHROME_TRIGGERS = ("skip ad", "ad loading", "image", "{*", "registering", "error", "problem",
                   "browser", "flash", "javascript", "friend", "looking for", "email",
                   "registration", "[website]", "tweet")
COPYRIGHT_TRIGGERS = ("©", "(c)", "copyright", "rights", "material may not", "derechos", "rechte",
                      "права", "droits", "diritti")
BIO_TRIGGERS = ("reach", "mail", "works for", "reporter", "writer", "correspondent", "editor",
                "columnist", "staff")
NEWSLETTER_TRIGGERS = ("sign up", "subscri", "inbox", "verification", "notification", "email",
                       "suscr", "bolet", "newsletter", "подпис", "abonn", "iscriviti", "stay ",
                       "refresh", "download", "alerts", "get the latest", "breaking news",
                       "get updates", "check back", "be sure", "log in", "login", "click here",
                       "please return", "details", "bring you", "will have", "scene")
