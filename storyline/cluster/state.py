"""Stories' running sums as bytes, so that the store can keep them without knowing them.

Layout: a JSON header line (size, dates, vector length) followed by the dense sum as
little-endian float32 and the sparse sums as JSON. Floats are stored at float32/rounded
precision: far below the differences the clusterer's threshold can see.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from .linkage import Group


def pack(group: Group) -> bytes:
    header = {"size": group.size, "first": group.first, "last": group.last,
              "dim": int(group.dense.shape[0]), "languages": sorted(group.by_language)}
    sparse = {"lexical": {str(k): round(v, 6) for k, v in group.lexical.items()},
              "names": {str(k): round(v, 6) for k, v in group.names.items()}}
    vectors = [group.dense] + [group.by_language[k] for k in header["languages"]]
    body = (json.dumps(header).encode() + b"\n" + b"".join(v.astype("<f4").tobytes() for v in vectors)
            + json.dumps(sparse, separators=(",", ":")).encode())
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
    sparse = json.loads(body[start + width * len(vectors):])
    return Group(key, header["size"], vectors[0],
                 {int(k): v for k, v in sparse["lexical"].items()},
                 {int(k): v for k, v in sparse["names"].items()},
                 header["first"], header["last"], dict(zip(languages, vectors[1:])))
