"""Tell formats apart: by file name first, then by the first bytes of the content."""

from __future__ import annotations

import json
import re
import zlib

#: Formats the readers know. "json" is a whole JSON document (array, object or a stream of
#: objects); "jsonl" is one JSON object per line.
FORMATS = ("text", "html", "jsonl", "json", "csv", "feed", "warc")

_FORMAT_BY_SUFFIX = {
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv", ".tsv": "csv",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
    ".warc": "warc", ".arc": "warc", ".warc.gz": "warc", ".arc.gz": "warc",
}
#: Containers may also arrive gzipped (``dump.jsonl.gz``); they are decompressed on the fly.
_GZIPPABLE = ("jsonl", "json", "csv", "feed")

GZIP_MAGIC = b"\x1f\x8b"

# (magic bytes, offset, what it is) for the binary files people most often drop in a folder.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image"),
    (b"\xff\xd8\xff", 0, "JPEG image"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"WEBP", 8, "WebP image"),
    (b"%PDF-", 0, "PDF document"),
    (b"{\\rtf", 0, "RTF document"),
    (b"PK\x03\x04", 0, "ZIP archive, or a .docx/.xlsx/.epub"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "legacy Microsoft Office document"),
    (GZIP_MAGIC, 0, "gzip archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"(\xb5/\xfd", 0, "zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"\x7fELF", 0, "executable program"),
    (b"ID3", 0, "MP3 audio"),
    (b"ftyp", 4, "MP4 video"),
)

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
# Tags that give text its structure. Inline tags (<em>, <a>) also turn up in plain-text
# dumps, where reading the body as HTML would merge its paragraphs.
_BLOCK_TAGS = frozenset(
    "html head body p br div ul ol li h1 h2 h3 h4 h5 h6 blockquote figure figcaption table "
    "tr td article section header footer main".split()
)


def format_from_name(name: str) -> str | None:
    """The format a file name promises, or None when the suffix is unknown or missing."""
    lower = name.lower()
    for suffix in sorted(_FORMAT_BY_SUFFIX, key=len, reverse=True):
        if lower.endswith(suffix):
            return _FORMAT_BY_SUFFIX[suffix]
    if lower.endswith(".gz"):
        inner = format_from_name(lower[:-3])
        return inner if inner in _GZIPPABLE else None
    return None


def binary_kind(head: bytes) -> str | None:
    """What binary file ``head`` starts like (``"PNG image"``), or None."""
    for magic, offset, what in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return what
    return None


def gunzip_head(head: bytes, size: int = 4096) -> bytes:
    """The first decompressed bytes of (the start of) a gzip stream; empty if it does not
    decompress. Never raises on a truncated stream, unlike ``gzip.open``."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error:
        return b""


def is_gzipped_warc(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC) and gunzip_head(head).startswith((b"WARC/", b"filedesc://"))


def sniff_format(text_head: str) -> str:
    """Guess the format of a file without a known suffix from its first decoded characters."""
    start = text_head.lstrip("\ufeff \t\r\n")
    lower = start[:4096].lower()
    if start.startswith("WARC/"):
        return "warc"
    if lower.startswith(("<?xml", "<rss", "<feed", "<rdf:rdf")):
        return "html" if "<html" in lower and "<rss" not in lower and "<feed" not in lower else "feed"
    if lower.startswith(("<!doctype html", "<html", "<head", "<body")) or looks_like_html(start):
        return "html"
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        return "jsonl" if _first_line_is_json_object(start) else "json"
    return "text"


def _first_line_is_json_object(text: str) -> bool:
    line = text.split("\n", 1)[0].strip()
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def looks_like_html(text: str) -> bool:
    """True for markup: text that starts with a tag, or that carries two structural tags
    (``<p>``, ``<br>``, ``<div>``...). A lone ``<`` or inline ``<em>`` is not enough."""
    stripped = text.lstrip()
    if stripped.startswith("<") and _TAG.match(stripped):
        return True
    structural = 0
    for match in _TAG.finditer(text, 0, 200_000):
        if match.group(2).lower() in _BLOCK_TAGS:
            structural += 1
            if structural >= 2:
                return True
    return False


def has_markup(text: str) -> bool:
    """Any tag or character entity at all (for text a feed declares to be HTML)."""
    return bool(_TAG.search(text) or _ENTITY.search(text))
