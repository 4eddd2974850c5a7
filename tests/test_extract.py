"""The extract stage on small invented documents: what is removed, why, and what is kept."""

from __future__ import annotations

from hypothesis import given, strategies as st

from storyline.extract import extract_article, finish, prepare
from storyline.extract.furniture import body_key, headlines_differ
from storyline.extract.metadata import (date_from_url, headline, is_date_stamp, normalise_date,
                                       outlet_from_url, outlet_words, tidy_url)
from storyline.extract.paragraphs import normalise, paragraph_key, split_paragraphs
from storyline.types import Article, RawDocument, Rejected

BODY_EN = [
    "The harbour authority of Port Vesna closed two terminals on Monday after a crane failure.",
    "Officials said no one was hurt and that repairs would take at least a week.",
    "Shipping companies were told to divert vessels to the northern quay.",
]


def _clean(body: str, **kw) -> Article:
    result = extract_article(RawDocument(origin="t", body=body, **kw))
    assert isinstance(result, Article), result
    return result


def _reasons(article: Article) -> dict[str, str]:
    return {r.text: r.reason for r in article.removals}


def test_multilingual_boilerplate_is_removed_with_reasons():
    mess = {
        "Lesen Sie auch: Neuer Streik im Hafen droht": "teaser",
        "Читайте также: Порт закрыт на неделю": "teaser",
        "Suscríbete a nuestro boletín para recibir las noticias del día.": "newsletter",
        "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.": "cookie",
        "Share on Facebook Twitter Email": "share",
        "Foto: Harbour Gazette/Jane Roe": "photo-credit",
        "Поддержите нас: ваша поддержка помогает нам работать независимо.": "appeal",
        "Remind me later.": "interface",
        "© 2024 Harbour Gazette. All rights reserved.": "copyright",
    }
    body = "\n".join(BODY_EN[:2] + list(mess) + BODY_EN[2:])
    article = _clean(body)
    assert article.paragraphs == BODY_EN
    assert {text: _reasons(article)[text] for text in mess} == mess


def test_caption_with_agency_credit_in_another_language_is_a_caption():
    caption = "El ministro saluda a los trabajadores en el puerto el 3 de mayo -EFE/ANA GIL"
    article = _clean("\n".join([BODY_EN[0], caption, *BODY_EN[1:]]))
    assert _reasons(article)[caption] == "caption"
    assert article.wire_agencies == ("EFE",)
    assert "EFE/ANA GIL" in article.credits


def test_a_long_copyright_notice_goes_when_it_says_so_twice():
    notice = ("(TM and © Copyright 2015 Harbour Radio Inc. and its relevant subsidiaries. HARBOUR "
              "RADIO and WAVE Logo TM and Copyright 2015 Harbour Broadcasting Inc. Used under "
              "license. All Rights Reserved. This material may not be published, broadcast, "
              "rewritten, or redistributed. The Coast Press contributed to this report.)")
    assert len(notice) > 300
    article = _clean("\n".join(BODY_EN + [notice]))
    assert article.paragraphs == BODY_EN and _reasons(article)[notice] == "copyright"
    # a long paragraph that mentions copyright once is article text
    story = ("The harbour authority said the crane maker holds the copyright on the design, and "
             "that its engineers would inspect the other cranes of the same model before the "
             "terminals reopen next week, when the northern quay is expected to take the first "
             "vessels diverted from the closed terminals since Monday's failure, officials said.")
    assert len(story) > 300
    assert story in _clean("\n".join(BODY_EN + [story])).paragraphs


def test_attribution_and_dateline_become_metadata():
    body = "\n".join(["VESNA (Reuters) - " + BODY_EN[0], *BODY_EN[1:], "Reporting by Ana Gil; Editing by Tom Roe"])
    article = _clean(body)
    assert article.paragraphs[0] == BODY_EN[0]
    assert article.wire_agencies == ("Reuters",)
    assert {r.reason for r in article.removals} == {"byline", "attribution"}


def test_repeated_paragraph_keeps_first_copy():
    article = _clean("\n\n".join([BODY_EN[0], BODY_EN[1], BODY_EN[1], BODY_EN[2]]))
    assert article.paragraphs == BODY_EN
    assert [r.reason for r in article.removals] == ["repeated"]


def test_teasers_printed_twice_in_a_row_are_all_removed():
    teasers = ["Council approves new budget for the city parks next year.",
               "Storm expected to bring snow to the valley on Friday night."]
    page = [t for t in teasers for _ in range(2)] + BODY_EN
    article = _clean("\n\n".join(page))
    assert article.paragraphs == BODY_EN
    assert [r.reason for r in article.removals] == ["teaser"] * 4


def test_outlet_boilerplate_is_removed_only_when_learned():
    footer = "Follow the Harbour Gazette for more port news every morning."
    body = "\n".join(BODY_EN + [footer])
    assert footer in _clean(body).paragraphs
    learned = frozenset({paragraph_key(footer)})
    result = extract_article(RawDocument(origin="t", body=body), learned)
    assert footer not in result.paragraphs
    assert _reasons(result)[footer] == "outlet-boilerplate"


def test_header_title_subtitle_and_date():
    body = "date 2024-03-02 " + "\n".join(BODY_EN)
    article = _clean(body)
    assert article.published == "2024-03-02" and article.paragraphs == BODY_EN
    titled = _clean("Cranes stop at Port Vesna\n\nTwo terminals closed for a week\n" + "\n".join(BODY_EN))
    assert titled.title == "Cranes stop at Port Vesna"
    assert titled.subtitle == "Two terminals closed for a week"
    assert titled.paragraphs == BODY_EN


def test_title_given_by_the_container_is_not_repeated_in_the_body():
    article = _clean("\n".join(["× Cranes stop at Port Vesna", *BODY_EN]),
                     hints={"title": "Cranes stop at Port Vesna - Harbour TV: News, Weather"})
    assert article.paragraphs == BODY_EN and article.title.startswith("Cranes stop")


def test_language_per_paragraph():
    spanish = "El puerto permanecerá cerrado durante al menos una semana, según las autoridades."
    article = _clean("\n".join(BODY_EN + [spanish]))
    assert article.language == "en"
    assert article.paragraph_languages == ("en", "en", "en", "es")


def test_russian_and_german_articles_are_detected():
    ru = ["Власти порта Весна закрыли два терминала в понедельник после аварии крана.",
          "Официальные лица заявили, что никто не пострадал, а ремонт займёт неделю."]
    de = ["Die Hafenbehörde von Port Vesna hat am Montag zwei Terminals geschlossen.",
          "Verletzt wurde nach Angaben der Behörden niemand, die Reparatur dauert eine Woche."]
    assert _clean("\n".join(ru)).language == "ru"
    assert _clean("\n".join(de)).language == "de"


def test_html_page_main_text_and_metadata():
    html = f"""<html lang="en"><head><title>Cranes stop</title>
    <meta property="og:site_name" content="Harbour Gazette">
    <meta property="article:published_time" content="2024-03-02T08:00:00Z"></head>
    <body><nav><a href="/">Home</a> <a href="/port">Port</a></nav>
    <article><h1>Cranes stop at Port Vesna</h1>{''.join(f'<p>{p}</p>' for p in BODY_EN)}</article>
    <footer>Contact us</footer></body></html>"""
    article = _clean(html, kind="html")
    assert article.paragraphs == BODY_EN
    assert article.outlet == "Harbour Gazette" and article.published.startswith("2024-03-02")


def test_html_without_article_is_rejected_with_reason():
    result = extract_article(RawDocument(origin="empty.html", body="<html><body><nav>Home</nav></body></html>", kind="html"))
    assert isinstance(result, Rejected) and "no article text" in result.reason


def test_a_page_with_a_headline_but_no_article_text_is_a_headline_only_article():
    """A paywall or a sign-in form under a real headline: the outlet reported the story, so
    the page is kept as its headline (the body's paragraphs are audited as removed);
    ``keep_headlines=False`` rejects it, and so does a title too short to stand for it."""
    paywall = ("Already a subscriber?\n\nClick on the button below to set up your account or "
               "log in if you already have one.")
    doc = RawDocument(origin="p.txt", body=paywall, hints={
        "title": "Ferry captain charged after Harbour Point collision - Harbour Gazette",
        "date": "2024-03-02", "outlet": "Harbour Gazette", "lang": "en"})
    article = extract_article(doc)
    assert isinstance(article, Article) and article.headline_only
    assert article.text == "" and article.paragraphs == []
    assert article.title == "Ferry captain charged after Harbour Point collision"
    assert article.published == "2024-03-02" and article.language == "en"
    assert any(r.reason == "no-article-text" and "subscriber" in r.text for r in article.removals)
    rejected = finish(prepare(doc), keep_headlines=False)
    assert isinstance(rejected, Rejected) and "shares no word with the title" in rejected.reason
    short = extract_article(RawDocument(origin="q.txt", body=paywall, hints={"title": "Ferry captain charged"}))
    assert isinstance(short, Rejected)
    assert not _clean("\n\n".join(BODY_EN)).headline_only


def test_an_html_page_with_a_headline_and_no_body_is_a_headline_only_article(caplog):
    """An HTML page with nothing in it under a real headline (given, or in its ``<title>``)
    is a headline-only article, and one with nothing at all is rejected with one reason: the
    HTML readers' failures on an empty document put no error in the log (trafilatura logged
    three, readability a traceback)."""
    headline = "Ferry captain charged after Harbour Point collision"
    with caplog.at_level("DEBUG"):
        given = extract_article(RawDocument(origin="e.html", body=" ", kind="html", hints={"title": headline}))
        titled = extract_article(RawDocument(origin="t.html", kind="html", body=(
            f"<html><head><title>{headline.replace('after', '&amp;')}</title></head><body></body></html>")))
        empty = extract_article(RawDocument(origin="c.html", body="<!-- nothing -->", kind="html"))
    assert isinstance(given, Article) and given.headline_only and given.title == headline
    assert isinstance(titled, Article) and titled.headline_only
    assert titled.title == "Ferry captain charged & Harbour Point collision"
    assert isinstance(empty, Rejected) and empty.reason == "HTML page has no article text"
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info]


def test_only_boilerplate_is_rejected():
    result = extract_article(RawDocument(origin="x", body="Share on Facebook\nRemind me later."))
    assert isinstance(result, Rejected) and result.stage == "extract"


def test_the_site_name_appended_to_a_title_is_cut():
    url = "http://web.archive.org/web/2016/http://www.harbourtv.com:80/story/1"
    article = _clean("\n".join(BODY_EN), hints={"url": url,
                     "title": "Cranes stop at Port Vesna - HarbourTV.com | Coast News, Weather"})
    assert article.title == "Cranes stop at Port Vesna"
    # a part naming the outlet by a word of its web address, and the short parts before it
    assert headline("Cranes stop at Port Vesna - WHTV | Coast 4 - Harbour TV News", "WHTV",
                    "https://harbourtv.net/a") == "Cranes stop at Port Vesna"
    assert headline("Cranes stop - Harbour TV", "Harbour TV", None) == "Cranes stop - Harbour TV"
    # a part that does not name the outlet stays: it is the headline's own
    assert headline("Port Vesna - two terminals closed after a crane failure", "Harbour TV",
                    "https://harbourtv.net/a") == "Port Vesna - two terminals closed after a crane failure"
    assert headline(None, "Harbour TV", None) is None


def test_an_outlet_goes_by_the_words_of_its_name_and_address():
    assert outlet_words("WMC Action News 5", "http://www.wmcactionnews5.com/story/1") == \
        {"wmc", "action", "news", "5", "wmcactionnews5"}
    assert outlet_words("newyork.cbslocal.com", None) == {"newyork", "cbslocal"}
    assert outlet_words(None, None) == frozenset()


def test_metadata_helpers():
    assert normalise_date("Tue, 14 May 2024 10:00:00 +0200") == "2024-05-14T10:00:00+02:00"
    assert normalise_date("2024-06-05T19:45:00Z") == "2024-06-05T19:45:00+00:00"
    assert normalise_date("2024-06-05 19:45") == "2024-06-05T19:45:00"
    assert normalise_date("14 de mayo de 2024") == "2024-05-14"
    assert normalise_date("14. Mai 2024") == "2024-05-14"
    assert normalise_date("14 мая 2024") == "2024-05-14"
    assert normalise_date("27 de marzo del 2008") == "2008-03-27"
    assert normalise_date("3 maggio 2009") == "2009-05-03"
    assert normalise_date("3 maart 2009") == "2009-03-03"
    assert normalise_date("12 juillet 2010") == "2010-07-12"
    assert normalise_date("01-Mar-08") == "2008-03-01"  # two-digit year: this century
    assert normalise_date("01-Mar-99") == "1999-03-01"  # unless that is still to come
    assert normalise_date("12-Abc-08") is None
    assert normalise_date("not a date") is None
    archived = "http://web.archive.org/web/20160616231247/http://ktla.com:80/2014/01/14/story/"
    assert date_from_url(archived) == "2014-01-14"
    assert outlet_from_url(archived) == "ktla.com"
    assert outlet_from_url("https://www.example.org/a") == "example.org"


def test_a_url_split_by_a_word_tokenizer_is_joined_again():
    assert tidy_url("http: / / www. harbour - gazette. com / 2013 / may / 03 / cranes _ stop") \
        == "http://www.harbour-gazette.com/2013/may/03/cranes_stop"
    assert tidy_url("https://example.org/a") == "https://example.org/a"
    # two words side by side: a sentence that starts with an address is left alone
    assert tidy_url("http: / / example. org is down today") == "http: / / example. org is down today"
    assert date_from_url("http://www.harbour-gazette.com/2013/may/03/cranes") == "2013-05-03"
    assert date_from_url("http://mlb.example.com/news/article.jsp?ymd=20081216&id=3") == "2008-12-16"


def test_time_stamps_are_told_from_headlines():
    for stamp in ("December 15th, 2008, 7: 35 am", "Updated: November 11, 2011 20: 09 IST",
                  "21 July 2013 Last updated at 11: 11 GMT", "9: 53 AM, MON 22 JUL 2013", "APR 28",
                  "Posted at 3: 21 PM ET, 01 / 5 / 2011", "Publicado el 3 de marzo de 2009"):
        assert is_date_stamp(stamp), stamp
    for headline in ("Colts top Chiefs, 20 - 13, reach playoffs", "Watergate figure Fred LaRue, July 24",
                     "US UK SIGN PACT 2024", "Man, 75, dies at home", "Jan 5: protests in the capital"):
        assert not is_date_stamp(headline), headline
    assert normalise_date("December 15th, 2008, 7:35 am") == "2008-12-15"
    assert normalise_date("9:53 AM, MON 22 JUL 2013") == "2013-07-22"


def test_a_saved_page_with_its_address_and_a_time_stamp_on_top():
    # Crawl dumps put the page's URL first and often take the time stamp for the title.
    body = "\n".join(["http: / / www. harbour - gazette. com / news / cranes - stop - 4471",
                      "Saturday, March 2, 2024 | 5: 00 PM", "Cranes stop at Port Vesna", *BODY_EN])
    article = _clean(body, hints={"title": "Saturday, March 2, 2024 | 5: 00 PM"})
    assert article.title == "Cranes stop at Port Vesna"
    assert article.paragraphs == BODY_EN
    assert article.url == "http://www.harbour-gazette.com/news/cranes-stop-4471"
    assert article.outlet == "harbour-gazette.com"
    assert article.published == "2024-03-02" and article.date_source == "text"
    reasons = _reasons(article)
    assert reasons["Saturday, March 2, 2024 | 5: 00 PM"] == "byline"
    assert reasons[body.split("\n")[0]] == "metadata-header"


def test_prepare_keys_only_short_paragraphs():
    long_para = "word " * 200
    prepared = prepare(RawDocument(origin="x", body="\n".join(BODY_EN + [long_para])),
                       boilerplate_max_chars=400)
    assert len(prepared.keys) == len(BODY_EN)


@given(st.text(max_size=300))
def test_paragraph_spans_point_at_stripped_lines(text):
    for span in split_paragraphs(text):
        chunk = span.of(text)
        assert chunk == chunk.strip() and chunk and "\n" not in chunk


@given(st.text(max_size=200))
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)
    assert paragraph_key(text) == paragraph_key(f"  {text}  ")


@given(st.text(max_size=400))
def test_cleaning_never_raises_and_removals_index_the_text(text):
    result = extract_article(RawDocument(origin="fuzz", body=text))
    if isinstance(result, Article):
        for removal in result.removals:
            assert result.extracted[removal.start:removal.end] == removal.text


def test_headlines_differ_when_they_share_little_and_not_when_one_was_edited():
    assert headlines_differ("Four teens shot after party in St. Louis",
                            "St. Louis woman killed, 3 wounded by gunfire in park")
    assert not headlines_differ("Man shot on Main Street in Kalder",
                                "Man shot on Main Street in Kalder dies in hospital")
    assert not headlines_differ("Man shot on Main Street in Kalder - WAFF-TV: News, Weather",
                                "MAN SHOT ON MAIN STREET IN KALDER")
    assert not headlines_differ("Sign in", "Fire at the old paper mill destroys two warehouses")
    assert not headlines_differ(None, "Fire at the old paper mill destroys two warehouses")
    # the whole text's key: the headline line left out, spacing and case ignored
    text = "Fire at the mill\nThe old mill burned down.\nNo one was hurt."
    same = "The old  mill burned down.\nno one was hurt."
    assert body_key(text, split_paragraphs(text), "Fire at the mill") == body_key(
        same, split_paragraphs(same), "Another headline")
    assert body_key(text, split_paragraphs(text), None) != body_key(same, split_paragraphs(same), None)
    assert body_key("", [], "Fire at the mill") is None


def test_a_sign_in_widget_a_video_playlist_and_a_tweet_notice_are_not_the_article():
    """Crawled pages that hold a sign-in form, a playlist of other stories' videos or a
    social network's location notice under a real headline: every line goes, so the page
    is kept by its headline. A live blog's timed entries are in order, so they stay."""
    headline = {"title": "Police investigate after four shot outside Kalder nightclub"}
    signin = ("Sign in using your kldr profile\nWelcome back. Please sign in\nWhy are we asking this?\n"
              "By submitting your registration information, you agree to our Terms of Service and "
              "Privacy Policy. Police will never see it.\nAlready have an account?\n"
              "We look forward to seeing you on [website] frequently. Visit us and sign in to update "
              "your profile and police alerts.")
    article = extract_article(RawDocument(origin="s.html", body=signin, hints=headline))
    assert article.headline_only
    assert {r.reason for r in article.removals} == {"interface"}
    playlist = ("1:47 Police search for the driver after a shooting at the Kalder docks\n"
                "0:43 Homeless man found dead in a park; suspect arrested Pause\n"
                "2:40 Raw video: neighbour heard the shots outside the nightclub\n"
                "1:58 Human remains found at a construction site")
    article = extract_article(RawDocument(origin="p.html", body=playlist, hints=headline))
    assert article.headline_only and {r.reason for r in article.removals} == {"teaser"}
    tweets = ("Add a location to your Tweets\n\nWhen you tweet with a location, Twitter stores that "
              "location. You can switch location on/off before each Tweet. Learn more")
    article = extract_article(RawDocument(origin="t.html", body=tweets, hints={
        "title": "Kalder Police Department on Twitter"}))
    assert article.headline_only and {r.reason for r in article.removals} == {"interface"}
    live = ("22:05 Police say four people were shot outside a nightclub in Kalder tonight.\n"
            "22:40 Two of the four are in a critical condition, the hospital says.\n"
            "23:15 Police have closed the street outside the club and ask witnesses to call.")
    article = extract_article(RawDocument(origin="l.html", body=live, hints=headline))
    assert not article.headline_only and len(article.paragraphs) == 3
