"""Build ``warc/crawl-2024-06.warc.gz``, the small web-archive file of the demo corpus.

The four pages below are invented for the demo corpus (see README.md in this folder): two
Harbour Gazette pages, one Northern Ledger page and one Morgenlicht page, each with the
outlet's usual page furniture (cookie banner, navigation, share buttons, related stories,
footer) around the article. Record ids and dates are fixed, so running the script again
writes the same bytes and the committed file stays reproducible.

Run it from anywhere with the project's virtualenv::

    python storyline/demo_corpus/make_warc.py
"""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

OUTPUT = Path(__file__).parent / "articles" / "warc" / "crawl-2024-06.warc.gz"
CRAWL_DATE = "2024-06-28T03:00:00Z"


@dataclass(frozen=True)
class Page:
    """One archived page: what the crawler asked for and what the server answered."""

    url: str
    fetched: str  # WARC-Date
    content_type: str  # the HTTP header; one page leaves the charset to the <meta> tag
    html: str


def _record_id(name: str) -> str:
    # Derived from the name, not random, so that the output is reproducible.
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def _paragraphs(texts: list[str]) -> str:
    return "\n".join(f"  <p>{text}</p>" for text in texts)


def _harbour_gazette_page(*, url: str, title: str, standfirst: str, published: str,
                          human_date: str, author: str, section: str, paragraphs: list[str],
                          related: list[tuple[str, str]]) -> str:
    related_items = "\n".join(f'    <li><a href="{href}">{text}</a></li>' for href, text in related)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title} | Harbour Gazette</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{standfirst}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="{section}">
<meta name="author" content="{author}">
<link rel="canonical" href="{url}">
</head>
<body>
<div id="cookie-consent" class="cookie-banner">
  <p>We use cookies to make this site work and to understand how you use it. <a href="/privacy">Privacy policy</a></p>
  <button>Accept all</button> <button>Manage preferences</button>
</div>
<header class="site-header">
  <a class="logo" href="https://harbourgazette.example/">Harbour Gazette</a>
  <nav><ul><li><a href="/news/">News</a></li><li><a href="/world/">World</a></li><li><a href="/business/">Business</a></li><li><a href="/sport/">Sport</a></li><li><a href="/opinion/">Opinion</a></li></ul></nav>
  <a class="subscribe" href="/subscribe">Subscribe</a>
</header>
<main>
<article>
  <h1>{title}</h1>
  <p class="standfirst">{standfirst}</p>
  <p class="byline">By {author} &middot; <time datetime="{published}">{human_date}</time></p>
{_paragraphs(paragraphs)}
  <div class="share">Share on Facebook Twitter Email</div>
  <div class="newsletter-box"><p>Get the Harbour Gazette morning briefing: sign up for our free newsletter.</p><form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>
</article>
<aside class="related">
  <h2>More from Harbour Gazette</h2>
  <ul>
{related_items}
  </ul>
</aside>
</main>
<footer class="site-footer">
  <p>&copy; 2024 Harbour Gazette. All rights reserved. Harbour Gazette is published by Quayside Media Ltd.</p>
  <p><a href="/about">About us</a> &middot; <a href="/contact">Contact</a> &middot; <a href="/privacy">Privacy</a></p>
</footer>
</body>
</html>
"""


def _port_deal_page() -> Page:
    url = "https://harbourgazette.example/news/2024/06/06/valmora-dock-strike-ends-deal"
    html = _harbour_gazette_page(
        url=url,
        title="Valmora dock strike ends after deal on pay and automation",
        standfirst="Dockworkers return to work after overnight talks brokered by the labour minister",
        published="2024-06-06T15:30:00+01:00",
        human_date="Thursday 6 June 2024, 15:30",
        author="Tomasz Wrenfield",
        section="News",
        paragraphs=[
            "Dockworkers at the port of Valmora returned to work at 2 p.m. on Thursday after their "
            "union and the port authority reached a deal in talks that ran through the night, "
            "ending a four-day strike at Castelia&#8217;s busiest harbour.",
            "The agreement, brokered by Labour Minister Consuelo Arrieta, gives about 3,200 "
            "dockworkers a 6% pay rise this year and 3% next year, and sets up a joint committee "
            "that must approve any change to crew sizes at Terminal Norte once automated cranes "
            "are installed.",
            "&#8220;It is not everything we asked for, but nobody will lose their job to a "
            "machine,&#8221; said In&eacute;s Corbal&aacute;n, secretary general of the Valmora "
            "Dockworkers&#8217; Union.",
            "Port authority president Ramiro Oteiza said it would take about a week to clear the "
            "backlog of ships waiting offshore, which peaked at 41 on Tuesday.",
            "Arrieta, who hosted the talks at her ministry&#8217;s regional office, called the "
            "deal &#8220;a model for how to modernise without leaving anyone behind&#8221;.",
            'Read more: <a href="/news/2024/05/20/how-valmora-became-a-gateway">How Valmora\'s '
            "port became Castelia&#8217;s gateway to the Atlantic</a>",
        ],
        related=[
            ("/news/2024/06/03/valmora-port-strike", "Dockworkers shut Valmora port in pay row"),
            ("/business/2024/06/04/fruit-growers-strike", "Fruit growers count the cost of the strike"),
        ],
    )
    return Page(url, "2024-06-06T15:41:07Z", "text/html; charset=utf-8", html)


def _rate_cut_exporters_page() -> Page:
    url = "https://harbourgazette.example/business/2024/06/27/tarvonia-rate-cut-valmora-exporters"
    html = _harbour_gazette_page(
        url=url,
        title="Tarvonia's rate cut offers relief to Valmora exporters",
        standfirst="Cheaper credit for Tarvonian buyers could lift orders for fruit and machine parts",
        published="2024-06-27T08:00:00+01:00",
        human_date="Thursday 27 June 2024, 08:00",
        author="Priya Castellane",
        section="Business",
        paragraphs=[
            "The National Bank of Tarvonia&#8217;s decision to cut interest rates on Wednesday "
            "could make life a little easier for Valmora&#8217;s exporters, many of whom sell "
            "machine parts and fruit to Tarvonian buyers on credit.",
            "The central bank lowered its key rate by 25 basis points to 4.25%, its first cut "
            "since 2020, after inflation in Tarvonia slowed to 2.8% in May. The monetary council "
            "voted 5-2 for the move.",
            "Governor Margit Oberhauser warned that further cuts were not guaranteed. &#8220;We "
            "are not starting an easing cycle on autopilot. Every further decision will depend "
            "on the data,&#8221; she said.",
            "Bernardo Quintanilla, who runs a citrus cooperative in the hills above Valmora, said "
            "cheaper credit for his Tarvonian customers mattered more than the exchange rate. "
            "&#8220;They buy on 90-day terms. If their borrowing costs fall, they order "
            "more,&#8221; he said.",
            "The Tarvonian thaler slipped 0.4% against the euro after the announcement.",
        ],
        related=[
            ("/sport/2024/06/24/ibarrola-farewell", "Real Valmora fans say goodbye to Ibarrola"),
            ("/world/2024/06/13/geneva-talks", "Castelia and Velesia foreign ministers to meet in Geneva"),
        ],
    )
    return Page(url, "2024-06-27T07:12:40Z", "text/html; charset=utf-8", html)


def _geneva_talks_open_page() -> Page:
    url = "https://northernledger.example/world/2024/06/18/castelia-velesia-geneva-talks-open"
    paragraphs = _paragraphs([
        "The foreign ministers of Castelia and Velesia sat down for talks in Geneva on Tuesday, "
        "their first meeting since a clash between fishing boats and a patrol vessel in 2019 "
        "froze relations between the two countries.",
        "Rafael Amaru and Irina Zavyalova shook hands for photographers on the terrace of a "
        "lakeside hotel before the session began behind closed doors. The talks are due to end "
        "on Wednesday.",
        "A Castelian diplomat said both sides hoped to sign a memorandum on maritime cooperation "
        "that would let Velesian grain be shipped through the port of Valmora.",
        "Velesia&#8217;s foreign ministry had said last week that the meeting would begin on "
        "Wednesday. Officials did not explain the change.",
    ])
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Castelia and Velesia open first high-level talks in five years &#8211; The Northern Ledger</title>
<meta property="og:title" content="Castelia and Velesia open first high-level talks in five years">
<meta property="og:site_name" content="The Northern Ledger">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="2024-06-18T17:10:00+01:00">
<meta name="description" content="Foreign ministers Rafael Amaru and Irina Zavyalova meet in Geneva">
</head>
<body class="article-page">
<div class="gdpr-notice" role="dialog">This site uses cookies. By continuing to browse you agree to our use of cookies. <a href="/cookies">Find out more</a> <button>OK</button></div>
<nav class="top-nav"><a href="/">The Northern Ledger</a> | <a href="/world/">World</a> | <a href="/politics/">Politics</a> | <a href="/money/">Money</a> | <a href="/support/">Support us</a></nav>
<div class="content">
<article class="story">
  <h1 class="headline">Castelia and Velesia open first high-level talks in five years</h1>
  <div class="meta"><span class="author">Ellen Marrow</span>, <span class="date">18 June 2024</span></div>
{paragraphs}
  <div class="support-banner">
    <p>The Northern Ledger has been independent for 20 years. We answer to our readers, not to owners or advertisers, and everything we publish is free to read. If you value reporting like this, please support us from just &pound;3 a month. It takes a minute, and it keeps the Ledger independent. Thank you.</p>
    <p><a href="/support/">Support the Ledger</a> <a href="#" class="dismiss">Remind me later</a></p>
  </div>
</article>
<aside class="also-read"><h3>Also on the Ledger</h3><ul>
  <li><a href="/world/2024/06/11/drevnogorsk-bridge">Fourteen dead after bridge collapses into river in Velesia</a></li>
  <li><a href="/money/2024/06/26/tarvonia-rates">Tarvonia cuts interest rates as inflation cools</a></li>
</ul></aside>
</div>
<footer><p>The Northern Ledger &middot; Independent since 2004 &middot; <a href="/terms">Terms</a> &middot; <a href="/privacy">Privacy</a></p></footer>
</body>
</html>
"""
    return Page(url, "2024-06-18T16:33:52Z", "text/html; charset=utf-8", html)


def _rate_cut_savers_page() -> Page:
    url = "https://morgenlicht.example/wirtschaft/2024-06-26/zinswende-tarvonien-sparer"
    paragraphs = _paragraphs([
        "Die Tarvonische Nationalbank hat am Mittwoch erstmals seit 2020 den Leitzins gesenkt "
        "&#8211; um 0,25 Prozentpunkte auf 4,25 Prozent. Der geldpolitische Rat stimmte mit "
        "f&uuml;nf zu zwei Stimmen f&uuml;r den Schritt.",
        "Grund ist die nachlassende Teuerung: Im Mai lag die Inflationsrate in Tarvonien bei "
        "2,8 Prozent.",
        "&#8222;Wir starten keinen Lockerungszyklus auf Autopilot. Jede weitere Entscheidung "
        "h&auml;ngt von den Daten ab&#8220;, sagte Notenbankchefin Margit Oberhauser.",
        "F&uuml;r Sparer bedeutet die Zinswende vor allem eines: Die Zinsen f&uuml;r Tages- und "
        "Festgeld d&uuml;rften in den kommenden Wochen sinken. Kreditnehmer mit variablen "
        "Darlehen k&ouml;nnen dagegen auf etwas niedrigere Raten hoffen.",
        "Die n&auml;chste Zinsentscheidung steht am 18. September an.",
        'Lesen Sie auch: <a href="/sport/2024-06-22/ibarrola-wechsel">Rekordtransfer: Mateo '
        "Ibarrola wechselt nach Adlerburg</a>",
    ])
    # No charset in the HTTP header: the reader has to find it in the <meta> tag.
    html = f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Zinswende in Tarvonien: Was Sparer jetzt wissen m&uuml;ssen | Morgenlicht</title>
<meta property="og:title" content="Zinswende in Tarvonien: Was Sparer jetzt wissen m&uuml;ssen">
<meta property="og:site_name" content="Morgenlicht">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="2024-06-26T17:00:00+02:00">
<meta property="og:locale" content="de_DE">
</head>
<body>
<div class="consent-layer"><p>Wir verwenden Cookies, um Inhalte zu personalisieren und Zugriffe zu analysieren.</p><button>Alle akzeptieren</button><button>Einstellungen</button></div>
<header><div class="brand">Morgenlicht</div>
<nav><a href="/">Startseite</a> <a href="/politik/">Politik</a> <a href="/wirtschaft/">Wirtschaft</a> <a href="/sport/">Sport</a> <a href="/kultur/">Kultur</a></nav></header>
<main>
<article>
  <p class="kicker">Geldpolitik</p>
  <h1>Zinswende in Tarvonien: Was Sparer jetzt wissen m&uuml;ssen</h1>
  <p class="autor">Von Katrin Sollberg &middot; 26.06.2024, 17:00 Uhr</p>
{paragraphs}
  <div class="abo-hinweis"><p>Unterst&uuml;tzen Sie unabh&auml;ngigen Journalismus: Mit einem Morgenlicht-Abo ab 4,99 Euro im Monat lesen Sie alle Artikel ohne Werbung.</p><a href="/abo">Jetzt abonnieren</a></div>
  <div class="teilen">Teilen: Facebook X WhatsApp E-Mail</div>
</article>
<aside class="mehr-zum-thema"><h2>Mehr zum Thema</h2><ul>
  <li><a href="/wirtschaft/2024-06-12/talerkurs">Der Taler und der Euro: eine Beziehung mit Schwankungen</a></li>
</ul></aside>
</main>
<footer>&copy; Morgenlicht Medien GmbH 2024 &middot; <a href="/impressum">Impressum</a> &middot; <a href="/datenschutz">Datenschutz</a></footer>
</body>
</html>
"""
    return Page(url, "2024-06-26T15:20:18Z", "text/html", html)


PAGES: tuple[Page, ...] = (
    _port_deal_page(),
    _geneva_talks_open_page(),
    _rate_cut_exporters_page(),
    _rate_cut_savers_page(),
)


def write_warc(output: Path = OUTPUT, pages: tuple[Page, ...] = PAGES) -> Path:
    """Write a warcinfo record followed by one response record per page."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        info = _warc_fields({
            "software": "storyline demo corpus (make_warc.py)",
            "description": "Invented pages for the Storyline demo corpus; see README.md",
            "format": "WARC File Format 1.0",
        })
        writer.write_record(writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(info), length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": _record_id(output.name),
                "WARC-Date": CRAWL_DATE,
                "WARC-Filename": output.name,
            },
        ))
        for page in pages:
            body = page.html.encode("utf-8")
            http_headers = StatusAndHeaders("200 OK", [
                ("Content-Type", page.content_type),
                ("Content-Length", str(len(body))),
            ], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                page.url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Record-ID": _record_id(page.url), "WARC-Date": page.fetched},
            ))
    return output


def _warc_fields(fields: dict[str, str]) -> bytes:
    return "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("utf-8")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    path = write_warc()
    logger.info("wrote %s (%d bytes, %d pages)", path, path.stat().st_size, len(PAGES))
