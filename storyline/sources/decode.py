"""Bytes to text: byte-order mark, then strict UTF-8, then the declared charset, then detection.

Strict UTF-8 is tried before a declared charset on purpose: crawled pages often declare
ISO-8859-1 while sending UTF-8, and text that is valid UTF-8 with any non-ASCII byte is
almost never in another encoding. Detection (charset-normalizer) comes last because it is
a guess; where several encodings fit equally well the most widely used one wins, so that
French cp1252 text is not read as Central European cp1250.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer

from .sniff import binary_kind

logger = logging.getLogger(__name__)

_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Declared as Latin-1 or ASCII almost always means Windows-1252 (as browsers assume).
_DECLARED_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}
# Tie-break among equally good guesses, most used on the web first.
_WIDESPREAD = ("utf-8", "cp1252", "cp1251", "gbk", "shift_jis", "euc-kr", "cp1250",
               "big5", "euc-jp", "iso8859-2", "koi8-r", "cp1256", "cp1253", "cp1254",
               "iso8859-9", "cp1255", "cp874", "cp1257")
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_HTML_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name: "utf-8", "cp1252", "koi8-r", ...


@dataclass(frozen=True)
class NotText:
    reason: str


def canonical_encoding(name: str | None) -> str | None:
    """Python's name for an encoding (``"windows-1251"`` -> ``"cp1251"``), None if unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def charset_in_html(head: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` or ``http-equiv`` (first 4 KB)."""
    match = _HTML_CHARSET.search(head[:4096])
    return match.group(1).decode("ascii") if match else None


def charset_in_content_type(content_type: str | None) -> str | None:
    """``"text/html; charset=KOI8-R"`` -> ``"KOI8-R"``."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode_bytes(data: bytes, declared: str | None = None, complete: bool = True) -> Decoded | NotText:
    """Decode one document. ``complete=False`` when ``data`` is only the head of a file
    (a multi-byte character may then be cut at the end)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data[len(bom):], encoding, complete)
    kind = binary_kind(data)
    if kind:
        return NotText(f"binary file (looks like {kind}), not text")
    if b"\x00" in data[:65536]:
        return NotText("binary file (contains NUL bytes), not text")
    utf8 = _try_decode(data, "utf-8", complete)
    if utf8 is not None:
        return Decoded(utf8, "utf-8")
    declared_name = canonical_encoding(declared)
    if declared_name:
        declared_name = _DECLARED_ALIASES.get(declared_name, declared_name)
        text = _try_decode(data, declared_name, complete)
        if text is not None:
            return _checked(Decoded(text, declared_name))
        logger.debug("declared charset %s does not fit; detecting", declared)
    return _detect(data)


def _decode_with_bom(data: bytes, encoding: str, complete: bool) -> Decoded | NotText:
    text = _try_decode(data, encoding, complete)
    if text is None:
        return NotText(f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()}")
    return Decoded(text, encoding)


def _try_decode(data: bytes, encoding: str, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=complete)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> Decoded | NotText:
    results = list(charset_normalizer.from_bytes(data))
    if not results:
        return NotText("not text: no character encoding fits its bytes (is it a binary file?)")
    best = results[0]
    tied = [r for r in results
            if r.chaos <= best.chaos + 0.001 and r.coherence >= best.coherence - 0.001]
    chosen = min(tied, key=_popularity_rank)
    encoding = canonical_encoding(chosen.encoding) or chosen.encoding
    text = data.decode(encoding, errors="replace")
    return _checked(Decoded(text, encoding))


def _popularity_rank(result) -> int:
    name = canonical_encoding(result.encoding)
    return _WIDESPREAD.index(name) if name in _WIDESPREAD else len(_WIDESPREAD)


def _checked(decoded: Decoded) -> Decoded | NotText:
    """Reject a decoding full of control characters: a single-byte codec accepts any bytes,
    so binary data 'decodes' without error."""
    sample = decoded.text[:65536]
    controls = sum(1 for ch in sample
                   if (ch < " " or "\x7f" <= ch <= "\x9f") and ch not in _TEXT_CONTROLS)
    if sample and controls / len(sample) > 0.01:
        return NotText(f"binary file (control characters when read as {decoded.encoding}), not text")
    return decoded
