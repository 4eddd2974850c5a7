"""The fitted pair model, shipped as data (``pair_model.json`` beside this module).

benchmarks/stories/fit_pairs.py writes the file: one weight per name in
``linkage.FEATURES``, the threshold (the negated intercept), the time scale the time signal
was computed with, and how the model did on topics left out of its fit; optionally
``stray_reach`` and ``stray_lead`` (``linkage.adopts``; 1.5 each when absent), and
``headline``: the weights and threshold of the model that scores a headline-only article
against a story (``Weights.headline``; without it the article pairs' model does). A user can
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
    _check(model, {"weights", "threshold", "time_scale_days"}, source, "")
    if model.get("headline") is not None:
        _check(model["headline"], {"weights", "threshold"}, source, " in its headline model")
    return model


def _check(part: Any, required: set[str], source: Path, where: str) -> None:
    if not isinstance(part, dict):
        raise ValueError(f"{source} is not a pair model: expected a JSON object{where}")
    unknown = set(part.get("weights", {})) - set(FEATURES)
    missing = required - set(part)
    if unknown or missing:
        raise ValueError(f"{source} is not a pair model: "
                         + (f"missing {sorted(missing)}" if missing else f"unknown features {sorted(unknown)}")
                         + f"{where} (write one with benchmarks/stories/fit_pairs.py)")


def weights(model: dict[str, Any], window_days: float, threshold_offset: float = 0.0) -> Weights:
    """The model as ``Weights``; ``threshold_offset`` makes joining stricter (> 0) or looser,
    for headlines too."""
    common = dict(window_days=window_days, time_scale_days=float(model["time_scale_days"]),
                  stray_lead=float(model.get("stray_lead", STRAY_LEAD)))
    headline = model.get("headline")
    return Weights(**_weighed(model, threshold_offset), **common,
                   stray_reach=float(model.get("stray_reach", STRAY_REACH)),
                   headline=Weights(**_weighed(headline, threshold_offset), **common) if headline else None)


def _weighed(part: dict[str, Any], threshold_offset: float) -> dict[str, Any]:
    """The signal weights, signal products and threshold of a model (or its headline part)."""
    given = part["weights"]
    per_signal = {_FIELDS.get(name, name): float(given.get(name, 0.0)) for name in SIGNALS}
    products = tuple((name, float(given[name])) for name in FEATURES[len(SIGNALS):] if given.get(name))
    return {**per_signal, "interactions": products,
            "threshold": float(part["threshold"]) + threshold_offset}
