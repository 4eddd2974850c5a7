"""Acceptance: the two seed reports become two clean articles with the right metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import Engine

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Engine(db=str(db)) as engine:
        report = engine.ingest([str(SEEDS)])
        articles = {Path(a.origin).name[:3]: a for a in engine.articles(limit=10)}
    assert report.status == "full", report.as_dict()
    return articles


def test_two_clean_articles(seeds):
    assert sorted(seeds) == ["000", "004"]


def test_first_seed_metadata_and_appeal(seeds):
    first = seeds["000"]
    assert first.published == "2024-05-14" and first.date_source == "header"
    assert first.outlet == "The Moscow Times" and first.outlet_source == "text"
    assert first.language == "en"
    assert first.wire_agencies == ("AFP",)
    assert not first.text.startswith("date")
    reasons = [r.reason for r in first.removals]
    assert reasons.count("appeal") == 3 and "interface" in reasons and "attribution" in reasons
    for leftover in ("Remind me later", "support us", "journalists of", "contributed reporting"):
        assert leftover not in first.text
    assert first.text.endswith("work with Moscow.")


def test_second_seed_title_subtitle_captions(seeds):
    second = seeds["004"]
    assert second.title == "Russian President will visit China on Thursday and Friday"
    assert second.subtitle.startswith("It is Vladimir Putin's second visit")
    assert second.language == "en" and set(second.paragraph_languages) == {"en"}
    assert second.wire_agencies == ("AFP",)
    assert any("GUNEYEV" in c for c in second.credits)
    captions = [r for r in second.removals if r.reason == "caption"]
    assert len(captions) == 2  # one in Spanish, one in English
    for leftover in ("GUNEYEV", "shake hands", "dándose"):
        assert leftover not in second.text
    assert second.text.startswith("Russian President Vladimir Putin will be in China")


def test_every_removal_points_at_its_text(seeds):
    for article in seeds.values():
        assert article.removals
        for removal in article.removals:
            assert article.extracted[removal.start:removal.end] == removal.text
            assert removal.text.strip() and removal.text not in article.text.split("\n\n")
