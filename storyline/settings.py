"""Every setting in one declarative table.

Precedence, lowest first: the defaults below < a settings file (``storyline.toml`` in the
current folder, or the file named by ``STORYLINE_SETTINGS``) < environment variables
(``STORYLINE_<NAME>``, upper case) < command-line flags. Unknown keys are rejected so that a
typo does not silently fall back to a default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .errors import SettingsError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "storyline.db", "Database: a SQLite file path, sqlite:///PATH or :memory:."),
    Setting("batch_size", 256, "Documents cleaned and written per transaction."),
    Setting("max_document_mb", 20, "Largest single document (a .txt or .html file, a record) in MB."),
    Setting("max_file_mb", 4096, "Largest container file (JSONL, CSV, WARC, feed) in MB."),
    Setting("boilerplate_min_articles", 3,
            "A paragraph seen in this many articles of one outlet is outlet boilerplate."),
    Setting("boilerplate_max_chars", 400,
            "Paragraphs longer than this are never treated as outlet boilerplate."),
    Setting("keep_headlines", True, "Keep a page whose article text is missing (a paywall, a "
            "sign-in form) as a headline-only article, which joins the story its headline "
            "clearly matches; false rejects such pages."),
    Setting("languages", "", "Comma-separated ISO 639-1 codes to expect; empty means any."),
    Setting("cluster", True, "Group articles into stories as they are ingested (online mode)."),
    Setting("pair_model", "",
            "A pair model (JSON, as benchmarks/stories/fit_pairs.py writes) deciding whether two "
            "articles tell one story; empty means the bundled one, fitted on the gold sets."),
    Setting("story_threshold_offset", 0.0,
            "Added to the pair model's threshold (log-odds): above 0 stories are stricter and "
            "split more, below 0 they merge more."),
    Setting("window_days", 730.0,
            "Articles further apart in time than this never join one story (follow-ups such as "
            "trials and sentencings come a year or more later: on held-out gold topics 730 beat "
            "300 and 500, and 1,000 added little); it also bounds the stories searched per article."),
    Setting("embed_chars", 300, "Characters of title + lead given to the sentence encoder "
            "(300 scores as well as 1,000 on the gold sets and runs about 3x faster)."),
    Setting("lexical_chars", 3000, "Characters of the body used for TF-IDF."),
    Setting("background_documents", 300.0,
            "Pseudo-documents of general text (word frequencies of the article's language) "
            "counted with the corpus for TF-IDF weights, so that they are sensible from the "
            "first article on; 0 uses the corpus alone."),
    Setting("threads", 1, "Threads for the sentence encoder: 1 is as fast as 2 on a busy 2-core "
            "machine and much faster than more threads than cores."),
    # story cards
    Setting("cards", True, "Keep story cards current as articles are ingested and clustered."),
    Setting("card_language", "", "Reader's preferred language (ISO 639-1) for card headlines "
            "and names; empty means the language most articles use."),
    Setting("summary_sentences", 5, "Sentences in a card's summary."),
    Setting("field_title", "title,headline,name", "JSONL/CSV fields tried for the title."),
    Setting("field_text", "text,body,content,article,maintext,description",
            "JSONL/CSV fields tried for the body."),
    Setting("field_date", "date,published,published_at,pubdate,date_publish,timestamp",
            "JSONL/CSV fields tried for the publication date."),
    Setting("field_url", "url,link,source_url", "JSONL/CSV fields tried for the URL."),
    Setting("field_outlet", "source,outlet,publisher,site,domain,source_domain",
            "JSONL/CSV fields tried for the outlet."),
    Setting("field_lang", "lang,language", "JSONL/CSV fields tried for the language."),
    Setting("field_subtitle", "subtitle,description,summary,dek",
            "JSONL/CSV fields tried for the subtitle (when not used as the body)."),
    # -- storyline serve: the HTTP API and the web UI --
    Setting("host", "127.0.0.1", "Address 'storyline serve' listens on; 0.0.0.0 opens the UI "
            "and API to the network."),
    Setting("port", 8321, "Port 'storyline serve' listens on."),
    Setting("api_token", "", "Bearer token that the HTTP API's write endpoints (ingestion) "
            "require; empty turns ingestion over HTTP off."),
    Setting("cors_origins", "", "Comma-separated origins allowed to call the HTTP API from "
            "a browser (CORS); empty allows none."),
    Setting("max_request_mb", 10, "Largest HTTP request body the API accepts, in MB."),
    Setting("max_post_articles", 1000, "Most articles one POST to the HTTP API may carry."),
    Setting("poll_seconds", 5, "How often open pages ask the server for updated stories."),
    # storyline watch
    Setting("watch_interval", 10.0, "Seconds between two polls of a watched folder, file or glob."),
    Setting("watch_feed_interval", 300.0,
            "Seconds between two polls of a watched feed URL; a feed that is down is tried "
            "again less and less often, up to an hour apart."),
    Setting("watch_settle_seconds", 1.0,
            "A file modified less than this many seconds ago may still be being written: "
            "watch reads it at the next poll."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind):
        return value
    if kind is bool:  # bool("false") is True: spell the accepted words out
        word = str(value).strip().lower()
        if word in {"1", "true", "yes", "on"} or word in {"0", "false", "no", "off"}:
            return word in {"1", "true", "yes", "on"}
        raise SettingsError(f"setting {setting.name!r} from {where} must be true or false, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise SettingsError(
            f"setting {setting.name!r} from {where} must be a {kind.__name__}, got {value!r}"
        ) from None


def _check_known(keys, where: str) -> None:
    unknown = sorted(set(keys) - set(_BY_NAME))
    if unknown:
        raise SettingsError(
            f"unknown setting(s) {', '.join(unknown)} in {where}; "
            f"known settings: {', '.join(_BY_NAME)} (see 'storyline settings')"
        )


def _settings_file() -> Path | None:
    named = os.environ.get("STORYLINE_SETTINGS")
    if named:
        path = Path(named)
        if not path.is_file():
            raise SettingsError(f"STORYLINE_SETTINGS names {named}, which is not a file")
        return path
    local = Path("storyline.toml")
    return local if local.is_file() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from None
    _check_known(data, str(path))
    return data


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The effective settings: defaults < file < environment < ``overrides`` (flags)."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    sources: list[tuple[str, Mapping[str, Any]]] = []
    path = _settings_file()
    if path:
        sources.append((str(path), _read_file(path)))
    env = {s.name: os.environ[f"STORYLINE_{s.name.upper()}"] for s in SETTINGS
           if f"STORYLINE_{s.name.upper()}" in os.environ}
    sources.append(("the environment", env))
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    _check_known(given, "the arguments")
    sources.append(("the command line", given))
    for where, mapping in sources:
        for name, value in mapping.items():
            values[name] = _coerce(_BY_NAME[name], value, where)
    return values


def defaults_file() -> str:
    """A commented settings file with every default, for ``storyline settings``."""
    lines = ["# storyline.toml: every setting with its default. Remove what you do not change."]
    for s in SETTINGS:
        lines.append(f"\n# {s.help}")
        lines.append(f"{s.name} = {s.default!r}" if not isinstance(s.default, str)
                     else f'{s.name} = "{s.default}"')
    return "\n".join(lines) + "\n"
