"""Fit the graded pair similarity (``storyline.similarity``) on SemEval 2022 task 8 pairs.

Usage:
    python benchmarks/stories/fit_similarity.py [--write] [--cache FILE.npz]

The pairs of ../shared/data/semeval2022_t8 go through the real pipeline in a temporary
store (``storyline.evaluation.pair_features``: cleaning, clustering features, e5 and the
body in pieces). A ridge regression over ``similarity.basis`` of the features predicts the
annotators' Overall grade (1 = same story ... 4); it is fitted on the same-language pairs
only, the pairs the target is set on (machine-translated and cross-language pairs are
scored, not fitted).

What to expect on pairs the model has not seen: ten folds of the pairs, each scored by a
model fitted on the other nine (same-language pairs of them), and the Pearson correlation of
those out-of-fold predictions with Overall. The L2 strength (0.1) and the features were
chosen looking at these same folds, among 0.01, 0.1 and 1 and among subsets of the
features, so even the out-of-fold figure is a little optimistic.

With --write the model fitted on all same-language pairs goes to
storyline/cluster/similarity_model.json and the report to benchmarks/stories/similarity.md.
``--cache`` keeps the features (about 15 minutes to compute, mostly e5) for another run.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import numpy as np

from storyline.eval import pearson
from storyline.evaluation import pair_features
from storyline.similarity import BUNDLED, FEATURES, SimilarityModel, basis

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT.parent / "shared" / "data" / "semeval2022_t8" / "pairs.jsonl"
REPORT = ROOT / "benchmarks" / "stories" / "similarity.md"
L2 = 0.1
FOLDS = 10


def ridge(values: np.ndarray, targets: np.ndarray, l2: float = L2) -> np.ndarray:
    x = basis(values)
    return np.linalg.solve(x.T @ x + l2 * np.eye(x.shape[1]), x.T @ targets)


def out_of_fold(values: np.ndarray, targets: np.ndarray, fitted_on: np.ndarray) -> np.ndarray:
    """Each pair's grade predicted by a model fitted on the other folds' ``fitted_on`` pairs."""
    order = np.random.default_rng(0).permutation(len(values))
    predicted = np.zeros(len(values))
    for fold in np.array_split(order, FOLDS):
        train = np.setdiff1d(order, fold)
        train = train[fitted_on[train]]
        model = SimilarityModel(tuple(ridge(values[train], targets[train])), {})
        predicted[fold] = model.overall(values[fold])
    return predicted


def load_or_compute(cache: Path | None):
    if cache and cache.is_file():
        saved = np.load(cache, allow_pickle=False)
        return saved["values"], saved["overall"], saved["same"], saved["probability"]
    pairs, values, probabilities = pair_features(str(PAIRS))
    overall = np.array([p.overall for p in pairs])
    same = np.array([p.same_language for p in pairs])
    probability = np.array(probabilities)
    if cache:
        np.savez(cache, values=values, overall=overall, same=same, probability=probability)
    return values, overall, same, probability


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    values, overall, same, probability = load_or_compute(args.cache)
    predicted = out_of_fold(values, overall, same)
    weights = ridge(values[same], overall[same])
    fitted = SimilarityModel(tuple(weights), {}).overall(values)

    def r(xs, mask):  # |Pearson| with Overall: a same-story score correlates negatively
        return abs(pearson(list(xs[mask]), list(overall[mask])))

    everything = np.ones(len(values), dtype=bool)
    rows = [("out of fold (pairs not in the fit)", predicted),
            ("fitted on all same-language pairs (optimistic)", fitted),
            ("the clustering's pair probability (for comparison)", probability)]
    lines = [f"# Graded pair similarity ({date.today().isoformat()})", "",
             "Command: `python benchmarks/stories/fit_similarity.py --write` (writes "
             "`storyline/cluster/similarity_model.json`, the model `storyline eval-pairs` and "
             "`storyline compare` use, and this report).", "",
             f"A ridge regression (L2 {L2}) over each feature, its square and its square root, "
             f"predicting SemEval 2022 task 8's Overall grade; fitted on the {int(same.sum())} "
             f"same-language pairs of {len(values)} scored. Features: {', '.join(FEATURES)} "
             "(`storyline/similarity.py` says what each is). The L2 strength and the features "
             f"were chosen on the same {FOLDS} folds, so the out-of-fold figures are a little "
             "optimistic too.", "",
             "| score | same-language \\|Pearson\\| | all pairs \\|Pearson\\| |", "|---|---:|---:|"]
    lines += [f"| {name} | {r(xs, same):.3f} | {r(xs, everything):.3f} |" for name, xs in rows]
    lines += ["", "Each feature alone (same-language \\|Pearson\\| with Overall):", "",
              "| feature | \\|Pearson\\| |", "|---|---:|"]
    lines += [f"| {name} | {r(values[:, i], same):.3f} |" for i, name in enumerate(FEATURES)]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        BUNDLED.write_text(json.dumps({
            "fitted": date.today().isoformat(), "command": "python benchmarks/stories/fit_similarity.py --write",
            "target": "SemEval 2022 task 8 Overall (1 = same story ... 4)", "l2": L2,
            "out_of_fold_same_language_abs_pearson": round(r(predicted, same), 4),
            "features": list(FEATURES), "weights": [round(float(w), 6) for w in weights]}, indent=1) + "\n",
            encoding="utf-8")
        REPORT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
