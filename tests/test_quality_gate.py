"""Quality gate: cleaning precision and recall on the labelled GVA pages may not drop by more
than one point below the figures pinned in benchmarks/baseline.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GVA = ROOT.parent / "shared" / "data" / "gva" / "docs.jsonl"
BASELINE = json.loads((ROOT / "benchmarks" / "baseline.json").read_text(encoding="utf-8"))
TOLERANCE = 0.01


def _scorer():
    spec = importlib.util.spec_from_file_location("cleaning_score", ROOT / "benchmarks" / "cleaning" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not GVA.is_file(), reason=f"GVA data not found at {GVA}")
def test_cleaning_quality_does_not_drop():
    scorer = _scorer()
    result = scorer.score(GVA, ROOT / "benchmarks" / "cleaning" / "gva_labels.jsonl")
    for split, pinned in BASELINE["cleaning"].items():
        measured = result["splits"][split]
        for metric, floor in pinned.items():
            assert measured[metric] >= floor - TOLERANCE, (
                f"cleaning {metric} on {split} fell to {measured[metric]:.4f} "
                f"(baseline {floor:.4f}); see benchmarks/cleaning/score.py --errors {split}")


@pytest.mark.skipif(not GVA.is_file(), reason=f"gold data not found under {GVA.parent.parent}")
@pytest.mark.parametrize("key", sorted(BASELINE.get("stories", {})))
def test_story_clustering_quality_does_not_drop(key):
    from storyline.evaluation import evaluate_clustering

    name, mode = key.split("/")
    mode, _, order = mode.partition("-")  # "online-published": online, by publication date
    result = evaluate_clustering(str(GVA.parent.parent / name / "docs.jsonl"), mode, order=order or "file")
    pinned = BASELINE["stories"][key]
    assert result["pairwise"]["f1"] >= pinned["pairwise_f1"] - TOLERANCE, (key, result["pairwise"])
    assert result["bcubed"]["f1"] >= pinned["bcubed_f1"] - TOLERANCE, (key, result["bcubed"])
