"""Human-readable output of the CLI: tables, article views, progress bars.

Kept apart from ``cli.py`` so that each command stays a parse, a call and a print.
"""

from __future__ import annotations

import contextlib
import shutil
import textwrap
from typing import TYPE_CHECKING, Any, Iterator

import click
from tqdm import tqdm

from .engine import IngestReport
from .types import Article, Progress, Stage, Story, no_progress, no_stage

if TYPE_CHECKING:
    from .cluster.membership import MemberFit


@contextlib.contextmanager
def progress(silent: bool, label: str, unit: str = " docs") -> Iterator[Progress]:
    """A progress bar on stderr (documents, or other ``unit``s, done and their rate), or nothing."""
    if silent:
        yield no_progress
        return
    with _bar(label, None, unit) as bar:
        yield bar.update


@contextlib.contextmanager
def stages(silent: bool) -> Iterator[Stage]:
    """Progress of a job in stages (``types.Stage``): each stage that begins gets a bar on
    stderr (its steps done, of how many when known, and their rate) in place of the last
    one's; or nothing."""
    if silent:
        yield no_stage
        return
    shown: list[tqdm] = []

    def stage(label: str, total: int | None) -> Progress:
        if shown:
            shown.pop().close()
        shown.append(_bar(label, total, " steps"))
        return shown[-1].update

    try:
        yield stage
    finally:
        if shown:
            shown.pop().close()


def _bar(label: str, total: int | None, unit: str) -> tqdm:
    # delay: a run that ends within a second never shows a bar at all.
    return tqdm(desc=label, total=total, unit=unit, file=click.get_text_stream("stderr"),
                dynamic_ncols=True, leave=False, delay=1.0)


def _width() -> int:
    return min(shutil.get_terminal_size((100, 20)).columns, 120)


def ingest_report(report: IngestReport, *, show_rejections: bool) -> None:
    click.echo(f"{report.documents} document(s) read in {report.seconds:.1f} s: "
               f"{report.added} added, {report.already_stored} already stored, "
               f"{len(report.rejected)} rejected"
               + (f", {report.recleaned} re-cleaned with newly learned outlet boilerplate"
                  if report.recleaned else ""))
    if show_rejections:
        for item in report.rejected:
            click.secho(f"  rejected {item.origin}: {item.reason}", fg="yellow", err=True)
    if report.rejected:
        click.echo("See them again with 'storyline rejections'.")


def article_summary(article: Article) -> dict[str, Any]:
    return {"id": article.article_id, "published": article.published, "outlet": article.outlet,
            "language": article.language, "title": article.title or _lead(article, 100),
            "origin": article.origin}


def _lead(article: Article, chars: int) -> str:
    first = article.paragraphs[0] if article.paragraphs else ""
    return first if len(first) <= chars else first[: chars - 1].rsplit(" ", 1)[0] + "…"


def article_table(rows: list[Article], total: int, offset: int) -> None:
    if not rows:
        click.echo("no articles match; ingest some with 'storyline ingest PATH'")
        return
    title_width = max(_width() - 52, 30)
    click.echo(f"{'id':<12} {'published':<10} {'lang':<4} {'outlet':<20} title")
    for a in rows:
        title = (a.title or _lead(a, title_width)).replace("\n", " ")
        click.echo(f"{a.article_id[:12]:<12} {(a.published or '-')[:10]:<10} "
                   f"{(a.language or '-'):<4} {(a.outlet or '-')[:20]:<20} {title[:title_width]}")
    shown = offset + len(rows)
    if shown < total:
        click.echo(f"({offset + 1}-{shown} of {total}; next page: --offset {shown})")


def article_detail(a: Article) -> None:
    width = _width()
    click.secho(a.title or "(no title)", bold=True)
    if a.subtitle:
        click.echo(a.subtitle)
    facts = [("id", a.article_id), ("origin", a.origin), ("published", _with(a.published, a.date_source)),
             ("outlet", _with(a.outlet, a.outlet_source)), ("url", a.url),
             ("language", _languages(a)), ("wire", ", ".join(a.wire_agencies)),
             ("credits", "; ".join(a.credits)), ("input", f"{a.kind}, {a.encoding}")]
    for name, value in facts:
        if value:
            click.echo(f"  {name + ':':<11}{value}")
    click.echo()
    if a.headline_only:
        click.echo(textwrap.fill("Headline only: the page held no article text (a paywall, a sign-in "
                                 "form or a widget, removed below); the article joins a story only "
                                 "when its headline clearly matches one.", width) + "\n")
    for paragraph in a.paragraphs:
        click.echo(textwrap.fill(paragraph, width) + "\n")
    if a.removals:
        click.secho(f"Removed ({len(a.removals)}):", bold=True)
        for r in a.removals:
            snippet = r.text if len(r.text) <= 90 else r.text[:89] + "…"
            click.echo(f"  [{r.reason}] chars {r.start}-{r.end}: {snippet!r}")


def _with(value: str | None, source: str | None) -> str | None:
    return f"{value} (from {source})" if value and source else value


def _languages(a: Article) -> str | None:
    others = sorted(set(a.paragraph_languages) - {a.language})
    return f"{a.language} (some paragraphs: {', '.join(others)})" if others else a.language


def stats(data: dict[str, Any]) -> None:
    click.echo(f"Database {data.get('db')} ({_size(data.get('size_bytes', 0))})")
    headlines = f" ({data['headline_only']} headline only)" if data.get("headline_only") else ""
    click.echo(f"  articles: {data.get('articles', 0)}{headlines}   rejected inputs: {data.get('rejections', 0)}")
    dates = data.get("published") or {}
    if dates:
        click.echo(f"  published: {(dates.get('first') or '-')[:10]} to {(dates.get('last') or '-')[:10]}")
    for label, key in (("languages", "languages"), ("outlets", "outlets"), ("wire", "wire_agencies")):
        counts = data.get(key) or {}
        if counts:
            click.echo(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in _pairs(counts)))
    removals = data.get("removals") or {}
    if removals:
        click.echo("  removed paragraphs by reason: "
                   + ", ".join(f"{k} {v}" for k, v in _pairs(removals)))


def _pairs(counts: Any) -> list[tuple[str, int]]:
    items = counts.items() if isinstance(counts, dict) else counts
    return [(str(k), int(v)) for k, v in items]


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def story_summary(story: Story, lead: Article) -> dict[str, Any]:
    return {"id": story.story_id, "title": lead.title or _lead(lead, 100), "articles": story.size,
            "independent_reports": story.independent_reports, "outlets": list(story.outlets),
            "languages": list(story.languages), "first_seen": story.first_seen,
            "last_seen": story.last_seen}


def story_table(rows: list[Story], leads: dict[str, Article], total: int, offset: int,
                headlines: dict[str, str] | None = None) -> None:
    """One line per story, titled by its card's headline where a card is built, else by
    its first article's title."""
    headlines = headlines or {}
    if not rows:
        click.echo("no stories match; stories are built as articles are ingested")
        return
    width = max(_width() - 58, 30)
    click.echo(f"{'id':<17} {'last seen':<10} {'arts':>4} {'indep':>5} {'langs':<11} title")
    for s in rows:
        lead = leads[s.story_id]
        title = (headlines.get(s.story_id) or lead.title or _lead(lead, width)).replace("\n", " ")
        click.echo(f"{s.story_id:<17} {(s.last_seen or '-')[:10]:<10} {s.size:>4} "
                   f"{s.independent_reports:>5} {','.join(s.languages)[:11]:<11} {title[:width]}")
    shown = offset + len(rows)
    if shown < total:
        click.echo(f"({offset + 1}-{shown} of {total}; next page: --offset {shown})")


def story_detail(story: Story, members: list[Article], fits: dict[str, MemberFit] | None = None) -> None:
    lead = members[0]
    click.secho(lead.title or _lead(lead, 100), bold=True)
    click.echo(f"  id:        {story.story_id}")
    click.echo(f"  seen:      {(story.first_seen or '-')[:16]} to {(story.last_seen or '-')[:16]}")
    click.echo(f"  articles:  {story.size} ({story.independent_reports} independent reports)")
    click.echo(f"  outlets:   {', '.join(story.outlets) or '-'}")
    click.echo(f"  languages: {', '.join(story.languages) or '-'}")
    copies = {a: i + 1 for i, group in enumerate(story.duplicate_groups) for a in group}
    click.echo()
    for a in members:
        mark = f" [copy group {copies[a.article_id]}]" if a.article_id in copies else ""
        click.echo(f"  {a.article_id[:12]} {(a.published or '-')[:10]} {(a.language or '-'):<3} "
                   f"{(a.outlet or '-')[:22]:<22} {(a.title or _lead(a, 60))[:60]}{mark}")
        if fits is not None and a.article_id in fits:
            click.echo(f"{'':15}{member_fit(fits[a.article_id])}")
    if fits is not None and not fits:
        from .cluster.membership import LARGEST_EXPLAINED  # numpy and the clusterer: only here

        click.echo(f"\n  (no fits: a story of one article or of more than {LARGEST_EXPLAINED} is not "
                   "explained, nor one whose articles' features are not all stored)")


def member_fit(fit: MemberFit) -> str:
    """One line on why an article is in its story: its fit with the rest, its closest members."""
    closest = ", ".join(f"{a[:12]} {p:.0%}" for a, p in fit.closest)
    verdict = "" if fit.clears_the_bar else " (below the bar on its own: held by its closest)"
    return f"fits the rest {fit.probability:.0%}{verdict}; closest: {closest}"


def eval_report(result: dict[str, Any]) -> None:
    mode = result["mode"] + (", by publication date" if result.get("order") == "published" else "")
    click.echo(f"{result['file']} ({mode}): {result['docs']} documents, "
               f"{result['gold_clusters']} gold stories, {result['pred_clusters']} predicted")
    for name in ("pairwise", "bcubed"):
        m = result[name]
        click.echo(f"  {name:<9} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    click.echo(f"  ARI {result['adjusted_rand']:.3f}   {result['seconds']} s, {result['articles_per_second']} articles/s")


def pairs_report(result: dict[str, Any]) -> None:
    click.echo(f"{result['file']}: {result['scored']} of {result['pairs']} pairs scored in {result['seconds']} s")
    for name in ("same_language", "all"):
        m = result[name]
        click.echo(f"  {name:<14} {m['pairs']} pairs  Pearson {m.get('pearson', float('nan')):.3f}  "
                   f"Spearman {m.get('spearman', float('nan')):.3f}  (1 = same story, so negative is good)")
    clustering = result.get("pair_model", {}).get("same_language", {})
    if "pearson" in clustering:
        click.echo(f"  the clustering's pair probability, same-language: Pearson {clustering['pearson']:.3f}")


def comparison(result: dict[str, Any], first, second) -> None:
    for label, found in (("1", first), ("2", second)):
        click.echo(f"{label}  {found.article_id[:10]}  {found.published or 'undated'}  "
                   f"{found.outlet or '?'} [{found.language or '?'}]  {found.title or '(no title)'}")
    # the score's thirds are SemEval's grades: 1-2 one story, 2-3 related, 3-4 different
    verdict = ("the same story" if result["score"] >= 2 / 3 else "related" if result["score"] >= 1 / 3
               else "different stories")
    click.echo(f"same-story score {result['score']:.2f} ({verdict}; Overall grade "
               f"{result['overall']:.1f} on 1 = same story .. 4)")
    click.echo("clustered together: " + ("yes" if result["same_story_now"] else "no"))
    click.echo("signals: " + "  ".join(f"{k} {v:.2f}" for k, v in result["features"].items()))


def next_steps(db: str, example_id: str | None, story_id: str | None = None) -> None:
    flag = "" if db == "storyline.db" else f" --db {db}"
    click.echo("\nNext:")
    if story_id:
        click.echo(f"  storyline card {story_id[:12]}{flag}           # the story's card: when, where, who, summary, claims")
        click.echo(f"  storyline story {story_id[:12]}{flag}          # its articles, outlets, wire copies")
    click.echo(f"  storyline articles{flag} --lang de          # list, filter by date, outlet, language")
    if example_id:
        click.echo(f"  storyline article {example_id[:10]}{flag}        # clean text, metadata, every removal and why")
    click.echo(f"  storyline ingest PATH...{flag}             # your own files, folders, feeds, WARC")
    click.echo(f"  storyline serve{flag}                      # the web UI and HTTP API")


def rejections(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("no rejected inputs")
        return
    for row in rows:
        times = f" (x{row['times']})" if row.get("times", 1) > 1 else ""
        click.echo(f"{row.get('last_seen', '')[:19]}  {row['origin']}: {row['reason']}{times}")
