"""Geometry of the inline SVG charts: a story's coverage over time, and sparklines.

Charts are drawn on the server (the templates turn these numbers into SVG elements), so a
page needs no charting script and shows its charts with JavaScript off.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable

#: Colours by language, in the order languages are first seen on a page; calm, and apart
#: enough to tell stacked bars from each other.
PALETTE = ("#2f6690", "#d1495b", "#edae49", "#66a182", "#8d6a9f", "#3a7d44", "#c86b25",
           "#5c6b73", "#b56576", "#2a9d8f")
#: Over this many days, bars count weeks instead of days.
MAX_DAY_BARS = 60


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, text, anchor
    grid: list[tuple[float, str]] = field(default_factory=list)  # y, label
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # language, colour, articles
    unit: str = "day"


def language_colors(languages: Iterable[str | None]) -> dict[str, str]:
    colors: dict[str, str] = {}
    for language in languages:
        key = language or "?"
        if key not in colors:
            colors[key] = PALETTE[len(colors) % len(PALETTE)]
    return colors


def _day(published: str | None) -> date | None:
    try:
        return date.fromisoformat((published or "")[:10])
    except ValueError:
        return None


def _buckets(days: list[date]) -> tuple[list[date], str]:
    """The bar starts from the first to the last day: days, or weeks (from Monday)."""
    first, last = min(days), max(days)
    if (last - first).days < MAX_DAY_BARS:
        return [first + timedelta(n) for n in range((last - first).days + 1)], "day"
    start = first - timedelta(first.weekday())
    return [start + timedelta(7 * n) for n in range((last - start).days // 7 + 1)], "week"


def _bucket_of(day: date, unit: str) -> date:
    return day if unit == "day" else day - timedelta(day.weekday())


def timeline(published_languages: Iterable[tuple[str | None, str | None]],
             width: int = 720, height: int = 150) -> Chart | None:
    """Articles per day (or week), stacked by language; ``None`` with no dated article."""
    dated = [(d, lang or "?") for p, lang in published_languages if (d := _day(p))]
    if not dated:
        return None
    buckets, unit = _buckets([d for d, _ in dated])
    counts: dict[date, Counter] = defaultdict(Counter)
    for day, language in dated:
        counts[_bucket_of(day, unit)][language] += 1
    totals = Counter(language for _, language in dated)
    colors = language_colors(language for language, _ in totals.most_common())
    left, bottom, top = 30, 22, 8
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(sum(c.values()) for c in counts.values())
    step = plot_w / len(buckets)
    bar_w = min(step * 0.76, 40.0)  # a two-day story gets two bars, not two slabs
    chart = Chart(width=width, height=height, unit=unit,
                  legend=[(lang, colors[lang], n) for lang, n in totals.most_common()])
    for index, bucket in enumerate(buckets):
        y = top + plot_h
        for language in colors:
            n = counts[bucket][language]
            if n:
                h = plot_h * n / peak
                y -= h
                chart.bars.append(Bar(left + index * step + (step - bar_w) / 2, y, bar_w, h,
                                      colors[language],
                                      f"{_label(bucket, unit)}: {n} in {language}"))
    chart.grid = [(top + plot_h - plot_h * v / peak, str(v))
                  for v in sorted({peak, peak // 2}) if v]
    last = len(buckets) - 1
    for index in sorted({0, len(buckets) // 2, last}):
        # Under wide bars a label is centred; under narrow ones the first and last keep to
        # the chart's edges so that they are not cut off.
        anchor = ("middle" if step >= 70 or 0 < index < last else
                  "start" if index == 0 else "end")
        x = left + index * step + {"middle": step / 2, "start": 0, "end": step}[anchor]
        chart.labels.append((x, height - 6, _label(buckets[index], unit), anchor))
    return chart


def _label(day: date, unit: str) -> str:
    return day.strftime("%d %b") if unit == "day" else "week of " + day.strftime("%d %b")


def sparkline(days: Iterable[tuple[str, int]], width: int = 96, height: int = 22) -> Chart | None:
    """A story's articles per day as small bars, for lists; ``None`` with no dated article."""
    counted = [(d, n) for day, n in days if (d := _day(day))]
    if not counted:
        return None
    buckets, unit = _buckets([d for d, _ in counted])
    per_bucket: Counter = Counter()
    for day, n in counted:
        per_bucket[_bucket_of(day, unit)] += n
    peak = max(per_bucket.values())
    step = width / max(len(buckets), 7)  # a one-day story is one slim bar, not a block
    chart = Chart(width=width, height=height, unit=unit)
    for index, bucket in enumerate(buckets):
        n = per_bucket[bucket]
        if n:
            h = max(2.0, (height - 2) * n / peak)
            chart.bars.append(Bar(index * step, height - h, max(step - 1, 1), h, PALETTE[0],
                                  f"{_label(bucket, unit)}: {n} article{'s' * (n != 1)}"))
    return chart
