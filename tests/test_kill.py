"""A `storyline ingest` killed with SIGKILL mid-run and started again loses and duplicates nothing."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ARTICLES = 1500


def _export(path: Path) -> None:
    rng = random.Random(3)
    words = "port strike harbour minister bridge river council police fire village talks".split()
    with path.open("w", encoding="utf-8") as out:
        for i in range(ARTICLES):
            paragraphs = [" ".join(rng.choices(words, k=30)).capitalize() + f" Item {i}." for _ in range(4)]
            paragraphs.append(f"Follow outlet{i % 5}.example for more news.")
            out.write(json.dumps({"title": f"Report {i} on the harbour strike", "text": "\n\n".join(paragraphs),
                                  "source": f"outlet{i % 5}.example", "date": "2024-06-01"}) + "\n")


def _ingest(export: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, STORYLINE_BATCH_SIZE="50", STORYLINE_CLUSTER="false")  # storage is under test
    return subprocess.Popen([sys.executable, "-m", "storyline", "ingest", str(export), "--db", str(db), "-q"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the schema was written
            return 0


def _check_consistent(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    half_written = conn.execute(
        "SELECT count(*) FROM articles a LEFT JOIN raw_documents r ON r.raw_id = a.article_id "
        "WHERE r.raw_id IS NULL OR a.text IS NULL OR a.text = ''").fetchone()[0]
    assert half_written == 0
    without_removals = conn.execute(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM removals r WHERE r.article_id = a.article_id)").fetchone()[0]
    assert without_removals == 0  # every article has its title and footer removals with it
    conn.close()


def test_sigkill_mid_ingest_then_rerun(tmp_path):
    export, db = tmp_path / "export.jsonl", tmp_path / "kill.db"
    _export(export)
    rng = random.Random(11)
    kills = 0
    for _ in range(3):
        before = _stored(db)
        process = _ingest(export, db)
        deadline = time.monotonic() + 120
        while _stored(db) <= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until this run has committed at least one batch
        time.sleep(rng.uniform(0.0, 0.3))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        _check_consistent(db)
    assert kills >= 1, "the ingest finished before it could be killed; make the export bigger"
    assert 0 < _stored(db) < ARTICLES or kills < 3
    final = _ingest(export, db)
    assert final.wait(timeout=600) == 0
    _check_consistent(db)
    assert _stored(db) == ARTICLES
    again = _ingest(export, db)
    assert again.wait(timeout=600) == 0 and _stored(db) == ARTICLES
