"""The ``storyline`` command: parse, one Engine call, print.

Exit codes: 0 success; 2 a usage error or bad setting; 3 ingest was partial (some inputs
rejected, the rest stored); 4 ingest failed (every input rejected); 5 the database could
not be used; 1 anything else.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from typing import Any

import click

from . import render
from .engine import Engine, demo_corpus_path
from .errors import StorylineError
from .settings import defaults_file

EXIT_PARTIAL, EXIT_FAILED = 3, 4

db_option = click.option("--db", metavar="PATH", help="Database (default: the 'db' setting, "
                         "else storyline.db here). A SQLite path, sqlite:///PATH or :memory:.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class _Group(click.Group):
    """Turn Storyline's errors into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StorylineError as err:
            click.secho(f"error: {err}", err=True, fg="red")
            ctx.exit(err.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="storyline")
def cli(verbose: int) -> None:
    """Storyline turns news articles from many outlets and languages into stories.

    \b
    Examples:
      storyline demo                         # the bundled demo corpus into storyline.db
      storyline ingest ~/news/ feeds.xml     # files, folders, globs, feeds, WARC
      storyline articles --lang es --since 2024-05-01
      storyline article 3f9c2a               # clean text and what was removed, and why
      storyline stats --json
    """
    level = [logging.ERROR, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--field", "fields", multiple=True, metavar="NAME=COLUMN",
              help="Map a JSONL/CSV column to a field (title, text, date, url, outlet, lang, "
                   "subtitle), e.g. --field text=body_html. Repeatable.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no rejection lines.")
@json_option
def ingest(paths: tuple[str, ...], db: str | None, fields: tuple[str, ...], quiet: bool,
           as_json: bool) -> None:
    """Read, clean and store articles from files, folders, globs, feeds and WARC files.

    \b
    Formats: .txt (with an optional 'date YYYY-MM-DD' header), .html, .jsonl/.json, .csv/.tsv,
    RSS/Atom (.xml/.rss/.atom or http(s) URL), .warc/.warc.gz. Re-ingesting is a no-op.
    \b
    Examples:
      storyline ingest articles/ --db news.db
      storyline ingest 'crawl/*.warc.gz' export.jsonl --field text=body
      storyline ingest https://example.org/feed.xml --json
    """
    with Engine(db=db) as engine, render.progress(quiet or as_json, "ingesting") as tick:
        report = engine.ingest(list(paths), fields=fields, progress=tick)
    if as_json:
        _emit(report.as_dict())
    else:
        render.ingest_report(report, show_rejections=not quiet)
    sys.exit({"partial": EXIT_PARTIAL, "failed": EXIT_FAILED}.get(report.status, 0))


@cli.command()
@db_option
@click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Published on or before DATE (YYYY-MM-DD).")
@click.option("--outlet", help="Only this outlet (case-insensitive).")
@click.option("--lang", "language", help="Only this language (ISO 639-1, e.g. en).")
@click.option("--limit", default=50, show_default=True)
@click.option("--offset", default=0, show_default=True)
@json_option
def articles(db, since, until, outlet, language, limit, offset, as_json) -> None:
    """List stored articles, newest first.

    \b
    Examples:
      storyline articles --lang de --limit 10
      storyline articles --outlet "The Moscow Times" --since 2024-05-01 --json
    """
    filters = dict(since=since, until=until, outlet=outlet, language=language)
    with Engine(db=db) as engine:
        rows = engine.articles(**filters, limit=limit, offset=offset)
        total = engine.count_articles(**filters)
    if as_json:
        _emit({"total": total, "articles": [render.article_summary(a) for a in rows]})
    else:
        render.article_table(rows, total, offset)


@cli.command()
@click.argument("article_id")
@db_option
@click.option("--raw", is_flag=True, help="Print the raw input as it arrived.")
@json_option
def article(article_id: str, db: str | None, raw: bool, as_json: bool) -> None:
    """Show one article: clean text, metadata, and every removal with its reason.

    \b
    Examples:
      storyline article 3f9c2a            # an id prefix of 6+ characters is enough
      storyline article 3f9c2a --json
    """
    with Engine(db=db) as engine:
        found = engine.article(article_id)
        source = engine.raw_document(found.article_id) if raw else None
    if source is not None:
        click.echo(asdict(source) if as_json else source.body)
    elif as_json:
        _emit({**asdict(found), "headline_only": found.headline_only})
    else:
        render.article_detail(found)


@cli.command()
@click.argument("first")
@click.argument("second")
@db_option
@json_option
def compare(first: str, second: str, db: str | None, as_json: bool) -> None:
    """How alike two stored articles are as reports of one story.

    Prints a same-story score (1.0 = surely the same story, 0.0 = unrelated), the grade on
    SemEval's Overall scale (1 = same story .. 4), whether clustering put them in one
    story, and the signals behind the score. Slower than clustering (a sharper encoder
    reads both articles): a second or two.

    \b
    Examples:
      storyline compare 3f9c2a 81d0e7         # id prefixes of 6+ characters
      storyline compare 3f9c2a 81d0e7 --json
    """
    with Engine(db=db) as engine:
        result = engine.compare(first, second)
        a, b = engine.article(result["first"]), engine.article(result["second"])
    _emit(result) if as_json else render.comparison(result, a, b)


@cli.command()
@db_option
@json_option
def stats(db: str | None, as_json: bool) -> None:
    """Counts: articles, outlets, languages, dates, removals by reason, rejections.

    \b
    Example:
      storyline stats --db news.db --json
    """
    with Engine(db=db) as engine:
        data = engine.stats()
    _emit(data) if as_json else render.stats(data)


@cli.command()
@db_option
@click.option("--limit", default=50, show_default=True)
@json_option
def rejections(db: str | None, limit: int, as_json: bool) -> None:
    """Inputs that could not be ingested, with the reason for each.

    \b
    Example:
      storyline rejections --limit 20
    """
    with Engine(db=db) as engine:
        rows = engine.rejections(limit=limit)
    _emit(rows) if as_json else render.rejections(rows)


@cli.command()
@db_option
@click.option("--since", metavar="DATE", help="Stories active on or after DATE.")
@click.option("--until", metavar="DATE", help="Stories active on or before DATE.")
@click.option("--outlet", help="Stories covered by this outlet.")
@click.option("--lang", "language", help="Stories with articles in this language.")
@click.option("--min-size", default=1, show_default=True, help="Hide smaller stories.")
@click.option("--sort", "order", type=click.Choice(["recent", "size"]), default="recent", show_default=True)
@click.option("--limit", default=30, show_default=True)
@click.option("--offset", default=0, show_default=True)
@json_option
def stories(db, since, until, outlet, language, min_size, order, limit, offset, as_json) -> None:
    """List stories: articles that report the same event, across outlets and languages.

    \b
    Examples:
      storyline stories --sort size --min-size 3
      storyline stories --lang ru --since 2024-06-01 --json
    """
    filters = dict(since=since, until=until, outlet=outlet, language=language, min_size=min_size)
    with Engine(db=db) as engine:
        rows = engine.stories(**filters, order=order, limit=limit, offset=offset)
        total = engine.count_stories(**filters)
        titles = {s.story_id: engine.article(s.article_ids[0]) for s in rows}
        headlines = _headlines(engine, rows)
    if as_json:
        _emit({"total": total, "stories": [render.story_summary(s, titles[s.story_id]) for s in rows]})
    else:
        render.story_table(rows, titles, total, offset, headlines)


def _headlines(engine: Engine, rows) -> dict[str, str]:
    """Card headlines of the stories whose card is built (never builds one)."""
    cards = {s.story_id: engine.stored_card(s.story_id) for s in rows}
    return {sid: card.headline for sid, card in cards.items() if card and card.headline}


@cli.command()
@click.argument("story_id")
@db_option
@click.option("--why", is_flag=True,
              help="Say why each article is in the story: its fit with the rest, its closest articles.")
@json_option
def story(story_id: str, db: str | None, why: bool, as_json: bool) -> None:
    """Show one story: its articles, outlets, languages and copies of one wire text.

    With --why, each article also says why it is there: how well it fits the rest of the
    story (the probability the clustering's own pair model gives) and the articles it is
    closest to.

    \b
    Examples:
      storyline story s3f9c2a            # a prefix of 6+ characters is enough
      storyline story s3f9c2a --why      # why each article is in the story
      storyline story s3f9c2a --why --json
    """
    with Engine(db=db) as engine:
        found = engine.story(story_id)
        members = [engine.article(a) for a in found.article_ids]
        fits = {f.article_id: f for f in engine.member_fits(found.story_id)} if why else None
    if as_json:
        _emit({**asdict(found), "articles": [
            {**render.article_summary(a), **({"fit": fits[a.article_id].as_dict() if a.article_id in fits
                                              else None} if fits is not None else {})}
            for a in members]})
    else:
        render.story_detail(found, members, fits)


@cli.command()
@db_option
@click.option("--since", metavar="DATE", help="Only articles published on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only articles published on or before DATE.")
@json_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def cluster(db: str | None, since: str | None, until: str | None, as_json: bool, quiet: bool) -> None:
    """Cluster the whole archive, or a date range, again (batch mode: the result does not
    depend on the order articles arrived in). A bar on stderr shows each stage; 100,000
    articles take some minutes (benchmarks/results/stories.md, "Batch at scale").

    \b
    Examples:
      storyline cluster --db news.db
      storyline cluster --db news.db --since 2024-06-01 --until 2024-06-30 --json
    """
    with Engine(db=db) as engine, render.stages(quiet or as_json) as stage:
        count = engine.cluster(since, until, stage=stage)
    _emit({"stories": count, "since": since, "until": until}) if as_json else click.echo(f"{count} stories")


@cli.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--mode", type=click.Choice(["batch", "online"]), default="batch", show_default=True)
@click.option("--order", type=click.Choice(["file", "published"]), default="file", show_default=True,
              help="The order documents arrive in: the file's, or by publication date.")
@json_option
def eval_command(path: str, mode: str, order: str, as_json: bool) -> None:
    """Score story clustering on a gold file (docs.jsonl: doc_id, cluster_id, text, ...).

    Runs the whole pipeline in a temporary store; prints pairwise and BCubed precision,
    recall and F1, ARI, predicted vs gold stories, time and articles/s. Online, the
    documents arrive in the file's order, or with --order published by their date (as a
    stream brings them: a file that lists each story's articles together flatters online
    mode); batch mode does not depend on the order.

    \b
    Examples:
      storyline eval ../shared/data/meantime/docs.jsonl --mode online
      storyline eval ../shared/data/gva/docs.jsonl --mode online --order published
      storyline eval ../shared/data/gva/docs.jsonl --json
    """
    from .evaluation import evaluate_clustering

    result = evaluate_clustering(path, mode, order=order)
    _emit(result) if as_json else render.eval_report(result)


@cli.command("eval-pairs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@json_option
def eval_pairs_command(path: str, as_json: bool) -> None:
    """Correlate Storyline's same-story score with human judgements (SemEval 2022 task 8).

    The score is the graded pair similarity of 'storyline compare' (a sharper encoder
    reads every article: about 15 minutes for SemEval's 1,173 pairs on two cores); the
    clustering's own pair probability is scored too.

    \b
    Example:
      storyline eval-pairs ../shared/data/semeval2022_t8/pairs.jsonl
    """
    from .evaluation import evaluate_pairs

    with render.progress(as_json, "scoring pairs", " pairs") as tick:
        result = evaluate_pairs(path, progress=tick)
    _emit(result) if as_json else render.pairs_report(result)


@cli.command()
@db_option
def reclean(db: str | None) -> None:
    """Clean every stored article again from its kept raw input (after an upgrade).

    \b
    Example:
      storyline reclean --db news.db
    """
    with Engine(db=db) as engine:
        changed = engine.reclean()
    click.echo(f"re-cleaned {changed} article(s)")


@cli.command()
@db_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def demo(db: str | None, quiet: bool) -> None:
    """Ingest the bundled demo corpus (fictional articles in four languages) and summarise.

    \b
    Example:
      storyline demo --db demo.db
    """
    with Engine(db=db) as engine, render.progress(quiet, "demo corpus") as tick:
        report = engine.ingest([str(demo_corpus_path())], progress=tick)
    with Engine(db=db) as engine:
        render.ingest_report(report, show_rejections=True)
        render.stats(engine.stats())
        top = engine.stories(order="size", limit=10)
        click.echo("\nStories:")
        render.story_table(top, {s.story_id: engine.article(s.article_ids[0]) for s in top},
                           engine.count_stories(), 0, _headlines(engine, top))
        example = next(iter(engine.articles(language="en", limit=1)), None)
        render.next_steps(engine.settings["db"], example and example.article_id, top[0].story_id if top else None)


# -- story cards -----------------------------------------------------------------------

@cli.command()
@click.argument("story_id")
@db_option
@click.option("--md", "as_md", is_flag=True, help="Print Markdown.")
@json_option
def card(story_id: str, db: str | None, as_md: bool, as_json: bool) -> None:
    """Show a story's card: headline, when, where, who, summary, claims, coverage.

    \b
    Examples:
      storyline card s3f9c2a              # a prefix of 6+ characters is enough
      storyline card s3f9c2a --json
      storyline card s3f9c2a --md > story.md
    """
    from .cards.markdown import card_markdown

    with Engine(db=db) as engine:
        found = engine.card(story_id)
    _emit(found.as_dict()) if as_json else click.echo(card_markdown(found), nl=False)


@cli.command()
@db_option
@click.option("--cards", "with_cards", is_flag=True, required=True,
              help="Export story cards (the only export so far).")
@click.option("--out", "out_dir", default="storyline-export", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write into (created).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@json_option
def export(db: str | None, with_cards: bool, out_dir: str, quiet: bool, as_json: bool) -> None:
    """Export every story card to cards.jsonl and one Markdown file per story.

    \b
    Examples:
      storyline export --cards --out cards/
      storyline export --cards --json      # print what was written
    """
    from .cards.export import export_cards

    with Engine(db=db) as engine:
        with render.progress(quiet or as_json, "building cards") as tick:
            engine.refresh_cards(progress=tick)
        written = export_cards(engine.iter_cards(), out_dir)
    _emit(written) if as_json else click.echo(
        f"{written['cards']} card(s) written to {written['jsonl']} and {written['markdown']}/")


@cli.command()
@db_option
@click.option("--host", help="Address to listen on (default 127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (default 8321; 0: any free port).")
@click.option("--token", metavar="TOKEN", envvar="STORYLINE_API_TOKEN",
              help="Bearer token that ingestion over HTTP requires; without one it is off.")
def serve(db: str | None, host: str | None, port: int | None, token: str | None) -> None:
    """Serve the web UI and the HTTP API over a database, until Ctrl+C.

    \b
    Examples:
      storyline serve --db news.db                  # then open http://127.0.0.1:8321/
      storyline serve --port 9000 --token "$(openssl rand -hex 16)"
      curl 'http://127.0.0.1:8321/api/v1/stories?limit=5'
    """
    from .serve.server import serve as run_server

    run_server({"db": db, "host": host, "port": port, "api_token": token}, click.echo)


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--interval", type=float, metavar="SECONDS",
              help="Seconds between polls of folders, files and globs (default 10; "
                   "setting watch_interval).")
@click.option("--feed-interval", type=float, metavar="SECONDS",
              help="Seconds between polls of feed URLs (default 300; setting "
                   "watch_feed_interval). A feed that is down is retried less often.")
@click.option("--once", is_flag=True, help="Poll every source once, print the result, exit.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@json_option
def watch(sources, db, interval, feed_interval, once, quiet, as_json) -> None:
    """Keep polling folders, files, globs and feed URLs; ingest what is new or changed.

    Prints one line per poll that found something (one JSON object per line with --json);
    a source that cannot be read is reported once and retried. Stories update as articles
    arrive, and 'storyline serve' on the same database shows them. A restart reads only
    what changed meanwhile. Ctrl-C stops between two batches.

    \b
    Examples:
      storyline watch ~/news/ --db news.db
      storyline watch 'inbox/**/*.jsonl' https://example.org/feed.xml --feed-interval 600
      storyline watch ~/news/ --once --json          # one poll, e.g. from cron
    """
    from .watch import stop_on_interrupt
    from .watch.console import PollPrinter, stop_notice

    printer = PollPrinter(as_json=as_json, quiet=quiet, always=once)
    with Engine(db=db) as engine, stop_on_interrupt(stop_notice) as stop:
        for report in engine.watch(list(sources), interval=interval, feed_interval=feed_interval,
                                   once=once, stop=stop, progress=printer.tick):
            printer.show(report)


@cli.command()
def settings() -> None:
    """Print a settings file with every setting, its default and what it does.

    \b
    Example:
      storyline settings > storyline.toml
    """
    click.echo(defaults_file(), nl=False)


def main() -> None:
    cli(prog_name="storyline")
