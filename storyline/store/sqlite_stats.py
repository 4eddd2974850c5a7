"""What ``storyline stats`` reports about a SQLite store."""

from __future__ import annotations

import sqlite3
from typing import Any

from .sqlite_open import database_size

TOP_OUTLETS = 20


def collect_stats(conn: sqlite3.Connection, location: str) -> dict[str, Any]:
    """Counts and breakdowns; every value is JSON-ready.

    Keys: ``db``, ``size_bytes``, ``articles``, ``headline_only`` (articles whose page held
    a headline and no text, as featurised), ``raw_documents``, ``rejections`` (distinct
    inputs), ``rejection_events`` (times seen in all), ``ingest_runs``, ``outlets`` (the
    top 20, name -> articles), ``outlet_count``, ``languages`` (code -> articles, ``null``
    language left out), ``published`` (``{"first", "last"}``), ``removals`` (reason ->
    count), ``wire_agencies`` (agency -> articles), ``stories`` (stories with at least one
    article) and ``story_sizes`` (``"1"``, ``"2-5"``, ``"6-20"``, ``">20"`` -> stories).
    """
    return {
        "db": location,
        "size_bytes": database_size(location, conn),
        "articles": _scalar(conn, "SELECT COUNT(*) FROM articles"),
        "headline_only": _scalar(conn, "SELECT COUNT(*) FROM features WHERE headline_only = 1"),
        "raw_documents": _scalar(conn, "SELECT COUNT(*) FROM raw_documents"),
        "rejections": _scalar(conn, "SELECT COUNT(*) FROM rejections"),
        "rejection_events": _scalar(conn, "SELECT COALESCE(SUM(times), 0) FROM rejections"),
        "ingest_runs": _scalar(conn, "SELECT COUNT(*) FROM ingest_runs"),
        "outlets": _counts(conn,
            # Outlets that differ only in case are one outlet (see codec.outlet_key).
            "SELECT MIN(outlet), COUNT(*) AS n FROM articles WHERE outlet_key IS NOT NULL "
            f"GROUP BY outlet_key ORDER BY n DESC, MIN(outlet) LIMIT {TOP_OUTLETS}"),
        "outlet_count": _scalar(conn, "SELECT COUNT(DISTINCT outlet_key) FROM articles"),
        "languages": _counts(conn,
            "SELECT language, COUNT(*) AS n FROM articles WHERE language IS NOT NULL "
            "GROUP BY language ORDER BY n DESC, language"),
        "published": _date_range(conn),
        "removals": _counts(conn,
            "SELECT reason, COUNT(*) AS n FROM removals GROUP BY reason "
            "ORDER BY n DESC, reason"),
        "wire_agencies": _counts(conn,
            "SELECT agency.value, COUNT(DISTINCT articles.article_id) AS n "
            "FROM articles, json_each(articles.wire_agencies) AS agency "
            "WHERE articles.wire_agencies != '[]' "
            "GROUP BY agency.value ORDER BY n DESC, agency.value"),
        "stories": _scalar(conn, "SELECT COUNT(*) FROM stories WHERE size > 0"),
        "story_sizes": _story_sizes(conn),
    }


def _scalar(conn: sqlite3.Connection, sql: str) -> Any:
    return conn.execute(sql).fetchone()[0]


def _counts(conn: sqlite3.Connection, sql: str) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(sql)}


def _date_range(conn: sqlite3.Connection) -> dict[str, str | None]:
    # Two queries, not one: SQLite answers a lone MIN or MAX from the index in one step.
    return {"first": _scalar(conn, "SELECT MIN(published) FROM articles"),
            "last": _scalar(conn, "SELECT MAX(published) FROM articles")}


def _story_sizes(conn: sqlite3.Connection) -> dict[str, int]:
    row = conn.execute(
        "SELECT COALESCE(SUM(size = 1), 0), COALESCE(SUM(size BETWEEN 2 AND 5), 0), "
        "COALESCE(SUM(size BETWEEN 6 AND 20), 0), COALESCE(SUM(size > 20), 0) FROM stories"
    ).fetchone()
    return dict(zip(("1", "2-5", "6-20", ">20"), row))
