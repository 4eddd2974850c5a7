"""Cards in the store: one row per card, kept current as articles join, never breaking ingest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline.cardbuilder as cardbuilder
from storyline import Engine
from storyline.cli import cli

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed articles not found at {SEEDS}")


@pytest.fixture
def seed_files(tmp_path):
    first, second = sorted(SEEDS.glob("*.txt"))
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    shutil.copy(first, tmp_path / "one")
    shutil.copy(second, tmp_path / "two")
    return tmp_path / "one", tmp_path / "two"


def test_migration_creates_the_card_tables(fresh_store):
    tables = {row[0] for row in fresh_store.conn.execute("SELECT name FROM sqlite_master")}
    assert {"article_analyses", "story_cards", "story_entities"} <= tables


def test_card_updates_when_an_article_joins_analysing_only_the_new_one(tmp_path, seed_files, monkeypatch):
    analysed = []
    real = cardbuilder.analyse_articles
    monkeypatch.setattr(cardbuilder, "analyse_articles",
                        lambda articles, anchors: analysed.extend(a.article_id for a in articles)
                        or real(articles, anchors))
    db = str(tmp_path / "c.db")
    with Engine(db=db) as engine:
        engine.ingest([str(seed_files[0])])
        (story,) = engine.stories()
        assert len(engine.card(story.story_id).article_ids) == 1
        engine.ingest([str(seed_files[1])])
        (story,) = engine.stories()
        card = engine.card(story.story_id)
        assert len(card.article_ids) == 2 and card.coverage.articles == 2
    assert len(analysed) == 2 and len(set(analysed)) == 2  # each article analysed once
    with Engine(db=db) as engine:  # re-ingesting is a no-op for cards too
        engine.ingest([str(seed_files[0]), str(seed_files[1])])
        assert engine.store.cards_to_refresh() == []
    assert len(analysed) == 2


def test_a_failing_card_never_breaks_ingest(tmp_path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("card stage exploded")

    monkeypatch.setattr(cardbuilder, "build_card", broken)
    db = str(tmp_path / "f.db")
    with Engine(db=db) as engine:
        report = engine.ingest([str(SEEDS)])
        assert report.status == "full" and engine.count_articles() == 2
        (story,) = engine.stories()
        stored = engine.store.stored_card(story.story_id)
        assert stored.stale and "card stage exploded" in stored.error and stored.card is None
        assert engine.store.cards_to_refresh() == [story.story_id]
    assert "not built (RuntimeError: card stage exploded)" in caplog.text
    monkeypatch.undo()
    with Engine(db=db) as engine:  # the next refresh mends it
        assert engine.refresh_cards() == 1 and engine.store.cards_to_refresh() == []


def test_reading_a_stored_card_is_one_row_and_outdated_cards_are_rebuilt(tmp_path):
    with Engine(db=str(tmp_path / "r.db")) as engine:
        engine.ingest([str(SEEDS)])
        (story,) = engine.stories()
        assert engine.card_builder.read(story.story_id) is not None
        engine.store.conn.execute("UPDATE stories SET updated_at = 'later'")  # story changed
        assert engine.card_builder.read(story.story_id) is None
        assert engine.store.cards_to_refresh() == [story.story_id]
        assert engine.card(story.story_id).story_id == story.story_id  # built again on read
        assert engine.card_builder.read(story.story_id) is not None


def test_entities_table_feeds_entity_pages(tmp_path):
    with Engine(db=str(tmp_path / "e.db")) as engine:
        engine.ingest([str(SEEDS)])
        (story,) = engine.stories()
        pages = engine.entity_stories("hua chunying")
        assert [p["story_id"] for p in pages] == [story.story_id] and pages[0]["kind"] == "person"
        people = engine.entities(kind="person")
        assert "vladimir putin" in [p["key"] for p in people]
        assert all(p["kind"] == "person" for p in people)
        assert [e["key"] for e in engine.entities(prefix="harb")] == ["harbin"]


def test_cli_card_and_export(tmp_path):
    db = str(tmp_path / "cli.db")
    with Engine(db=db) as engine:
        engine.ingest([str(SEEDS)])
        story_id = engine.stories()[0].story_id
    runner = CliRunner()
    shown = runner.invoke(cli, ["card", story_id[:8], "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["dates"][0]["first"] == "2024-05-16"
    markdown = runner.invoke(cli, ["card", story_id, "--db", db, "--md"])
    assert markdown.output.startswith("# ") and "Hua Chunying" in markdown.output
    out = tmp_path / "export"
    exported = runner.invoke(cli, ["export", "--cards", "--out", str(out), "--db", db, "--json"])
    assert exported.exit_code == 0, exported.output
    lines = (out / "cards.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["story_id"] for line in lines] == [story_id]
    assert (out / "markdown" / f"{story_id}.md").read_text(encoding="utf-8") == markdown.output
    missing = runner.invoke(cli, ["card", "nosuchstory", "--db", db])
    assert missing.exit_code != 0 and "storyline stories" in missing.output
