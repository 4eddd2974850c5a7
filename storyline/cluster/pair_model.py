"""The fitted pair model, shipped as data (``pair_model.json`` beside this module).

benchmarks/stories/fit_pairs.py writes the file: one weight per name in
``linkage.FEATURES``, the threshold (the negated intercept), the time scale the time signal
was computed with, and how the model did on topics left out of its fit; optionally
``stray_reach`` and ``stray_lead`` (``linkage.adopts``; 1.5 each when absent). A user can
point the ``pair_model`` setting at a file of the same form fitted on their own news.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .linkage import FEATURES, SIGNALS, STRAY_LEAD, STRAY_REACH, Weights

BUNDLED = Path(__file__).with_name("pair_model.json")
_FIELDS = {"cross": "cross_language"}  # signal name -> Weights field, where they differ


def load(path: str | Path | None = None) -> dict[str, Any]:
    """The pair model in ``path`` (the bundled one when empty); ValueError says what is wrong."""
    source = Path(path) if path else BUNDLED
    try:
        model = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read the pair model {source}: {exc}") from None
    unknown = set(model.get("weights", {})) - set(FEATURES)
    missing = {"weights", "threshold", "time_scale_days"} - set(model)
    if unknown or missing:
        raise ValueError(f"{source} is not a pair model: "
                         + (f"missing {sorted(missing)}" if missing else f"unknown features {sorted(unknown)}")
                         + " (write one with benchmarks/stories/fit_pairs.py)")
    return model


def weights(model: dict[str, Any], window_days: float, threshold_offset: float = 0.0) -> Weights:
    """The model as ``Weights``; ``threshold_offset`` makes joining stricter (> 0) or looser."""
    given = model["weights"]
    per_signal = {_FIELDS.get(name, name): float(given.get(name, 0.0)) for name in SIGNALS}
    products = tuple((name, float(given[name])) for name in FEATURES[len(SIGNALS):] if given.get(name))
    return Weights(**per_signal, threshold=float(model["threshold"]) + threshold_offset,
                   window_days=window_days, time_scale_days=float(model["time_scale_days"]),
                   interactions=products, stray_reach=float(model.get("stray_reach", STRAY_REACH)),
                   stray_lead=float(model.get("stray_lead", STRAY_LEAD)))
