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
              "dim": int(group.dense.shape[0])}
    sparse = {"lexical": {str(k): round(v, 6) for k, v in group.lexical.items()},
              "names": {str(k): round(v, 6) for k, v in group.names.items()}}
    body = (json.dumps(header).encode() + b"\n" + group.dense.astype("<f4").tobytes()
            + json.dumps(sparse, separators=(",", ":")).encode())
    return zlib.compress(body, 1)


def unpack(key: str, blob: bytes) -> Group:
    body = zlib.decompress(blob)
    line_end = body.index(b"\n")
    header = json.loads(body[:line_end])
    start = line_end + 1
    end = start + 4 * header["dim"]
    dense = np.frombuffer(body[start:end], dtype="<f4").astype("float32")
    sparse = json.loads(body[end:])
    return Group(key, header["size"], dense,
                 {int(k): v for k, v in sparse["lexical"].items()},
                 {int(k): v for k, v in sparse["names"].items()},
                 header["first"], header["last"])
