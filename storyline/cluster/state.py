"""Stories' running sums as bytes, so that the store can keep them without knowing them.

Layout: a JSON header line (size, dates, vector length, languages, day and language counts,
sparse lengths, headline-only members when there are any) followed by little-endian float32
dense sums (all members, then one per language) and the sparse sums as int32 ids then
float32 weights. Blobs written before the numbers, days, languages, rare names and recalled
days were kept read back with those empty.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from .linkage import Group
from .sparse import SparseSum

_SPARSE = ("lexical", "names", "numbers", "rare")
#: The rare-name sums read from a state packed before they were kept: empty, and this very
#: object, so that the story builder can tell and sum them from the members (``is``).
MISSING_RARE = SparseSum.of({})
#: The same for the recalled days (``Group.recalled``), kept since m009_recalled_days.
MISSING_RECALLED: dict[float, int] = {}


def pack(group: Group) -> bytes:
    sparse = [getattr(group, name) for name in _SPARSE]
    header = {"size": group.size, "first": group.first, "last": group.last,
              "dim": int(group.dense.shape[0]), "languages": sorted(group.by_language),
              "days": [[day, count] for day, count in sorted(group.days.items())],
              "counts": group.languages, "sparse": [len(s) for s in sparse]}
    if group.headlines:
        header["headlines"] = group.headlines
    if group.recalled is not MISSING_RECALLED:
        header["recalled"] = [[day, count] for day, count in sorted(group.recalled.items())]
    vectors = [group.dense] + [group.by_language[k] for k in header["languages"]]
    body = (json.dumps(header).encode() + b"\n" + b"".join(v.astype("<f4").tobytes() for v in vectors)
            + b"".join(s.ids.astype("<i4").tobytes() + s.weights.astype("<f4").tobytes()
                       for s in sparse))
    return zlib.compress(body, 1)


def unpack(key: str, blob: bytes) -> Group:
    body = zlib.decompress(blob)
    line_end = body.index(b"\n")
    header = json.loads(body[:line_end])
    languages = header.get("languages", [])
    width = 4 * header["dim"]
    start = line_end + 1
    vectors = [np.frombuffer(body[start + i * width:start + (i + 1) * width], dtype="<f4").astype("float32")
               for i in range(1 + len(languages))]
    rest = body[start + width * len(vectors):]
    sparse = _read_sparse(rest, header["sparse"]) if "sparse" in header else _read_old_sparse(rest)
    by_language = dict(zip(languages, vectors[1:]))
    if len(by_language) == 1:  # one language: its sum is the total, share it (memory)
        by_language = {languages[0]: vectors[0]}
    rare = sparse[3] if len(sparse) > 3 else MISSING_RARE
    return Group(key, header["size"], vectors[0], sparse[0], sparse[1], header["first"],
                 header["last"], by_language, sparse[2],
                 {day: count for day, count in header.get("days", [])}, header.get("counts", {}), rare,
                 header.get("headlines", 0),
                 {day: count for day, count in header["recalled"]} if "recalled" in header else MISSING_RECALLED)


def _read_sparse(body: bytes, lengths: list[int]) -> list[SparseSum]:
    found, offset = [], 0
    for length in lengths:
        ids = np.frombuffer(body, dtype="<i4", count=length, offset=offset).astype(np.int32)
        weights = np.frombuffer(body, dtype="<f4", count=length, offset=offset + 4 * length)
        found.append(SparseSum(ids, weights.astype(np.float32)))
        offset += 8 * length
    return found


def _read_old_sparse(body: bytes) -> list[SparseSum]:
    """The first layout kept the sparse sums as JSON objects (no numbers, no rare names)."""
    sparse = json.loads(body)
    return [SparseSum.of({int(k): v for k, v in sparse[name].items()}) for name in ("lexical", "names")] + [
        SparseSum.of({})]
