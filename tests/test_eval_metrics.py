"""The evaluation library: clustering metrics, correlations, and the gold-set readers."""

from __future__ import annotations

import itertools
import json
import math
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import UserError
from storyline.eval import (
    PRF,
    adjusted_rand,
    bcubed,
    cluster_counts,
    clustering_report,
    load_cluster_dataset,
    load_cluster_docs,
    load_pair_dataset,
    load_pairs,
    pairwise,
    pearson,
    spearman,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Gold: {a b c} {d e} {f}; prediction: {a b} {c d} {e f}.
GOLD = {"a": "X", "b": "X", "c": "X", "d": "Y", "e": "Y", "f": "Z"}
MIXED = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3", "f": "3"}
ALL_IN_ONE = {doc_id: "one" for doc_id in GOLD}
SINGLETONS = {doc_id: doc_id for doc_id in GOLD}
RENAMED_GOLD = {"a": "p", "b": "p", "c": "p", "d": "q", "e": "q", "f": "r"}


def approx(value):
    return pytest.approx(value, abs=1e-12)


# --- hand-computed cases ---------------------------------------------------------------


def test_perfect_prediction_scores_one_everywhere():
    assert pairwise(GOLD, RENAMED_GOLD) == PRF(1.0, 1.0, 1.0)
    assert bcubed(GOLD, RENAMED_GOLD) == PRF(1.0, 1.0, 1.0)
    assert adjusted_rand(GOLD, RENAMED_GOLD) == 1.0


def test_mixed_case():
    # Cells: X∩1 = {a b}, X∩2 = {c}, Y∩2 = {d}, Y∩3 = {e}, Z∩3 = {f}.
    # Pairwise: together in both = C(2,2) = 1; in pred = 3 * C(2,2) = 3; in gold = C(3,2) + C(2,2)
    # = 4. P = 1/3, R = 1/4, F1 = 2 * (1/12) / (7/12) = 2/7.
    assert pairwise(GOLD, MIXED).precision == approx(1 / 3)
    assert pairwise(GOLD, MIXED).recall == approx(1 / 4)
    assert pairwise(GOLD, MIXED).f1 == approx(2 / 7)
    # BCubed precision per doc: a 2/2, b 2/2, c 1/2, d 1/2, e 1/2, f 1/2 -> 4/6 = 2/3.
    # Recall per doc: a 2/3, b 2/3, c 1/3, d 1/2, e 1/2, f 1/1 -> (11/3) / 6 = 11/18.
    # F1 = 2 * (2/3) * (11/18) / (2/3 + 11/18) = 44/69.
    assert bcubed(GOLD, MIXED) == PRF(approx(2 / 3), approx(11 / 18), approx(44 / 69))
    # ARI: index 1, expected 4 * 3 / C(6,2) = 0.8, max (4 + 3) / 2 = 3.5 -> 0.2 / 2.7 = 2/27.
    assert adjusted_rand(GOLD, MIXED) == approx(2 / 27)


def test_everything_in_one_cluster():
    # Every one of the C(6,2) = 15 pairs is predicted; the 4 gold pairs are among them.
    assert pairwise(GOLD, ALL_IN_ONE) == PRF(approx(4 / 15), 1.0, approx(8 / 19))
    # BCubed precision: X docs 3/6 (x3), Y docs 2/6 (x2), Z doc 1/6 -> 14/36 = 7/18.
    assert bcubed(GOLD, ALL_IN_ONE) == PRF(approx(7 / 18), 1.0, approx(14 / 25))
    # index 4 = expected 4 * 15 / 15: no better than chance.
    assert adjusted_rand(GOLD, ALL_IN_ONE) == approx(0.0)


def test_all_singletons():
    # No predicted pair: precision is 1.0 by convention (no pair is wrong), recall 0.
    assert pairwise(GOLD, SINGLETONS) == PRF(1.0, 0.0, 0.0)
    # BCubed recall: X docs 1/3, Y docs 1/2, Z doc 1 -> (1 + 1 + 1) / 6 = 1/2; F1 = 2/3.
    assert bcubed(GOLD, SINGLETONS) == PRF(1.0, approx(0.5), approx(2 / 3))
    assert adjusted_rand(GOLD, SINGLETONS) == approx(0.0)


def test_degenerate_cases_are_defined():
    singletons = {"a": "1", "b": "2", "c": "3"}
    assert pairwise(singletons, {"a": "x", "b": "y", "c": "z"}) == PRF(1.0, 1.0, 1.0)
    # Gold has no pair but the prediction has one: recall vacuous, precision 0.
    assert pairwise(singletons, {"a": "x", "b": "x", "c": "z"}) == PRF(0.0, 1.0, 0.0)
    assert adjusted_rand(singletons, {"a": "x", "b": "y", "c": "z"}) == 1.0
    assert adjusted_rand({"a": "1", "b": "1"}, {"a": "x", "b": "x"}) == 1.0
    assert adjusted_rand({"a": "1"}, {"a": "x"}) == 1.0
    with pytest.raises(ValueError, match="no documents"):
        pairwise({}, {})


def test_known_adjusted_rand_values():
    # The classic small examples: {01}{23} vs {01}{2}{3} = 4/7 both ways; one cluster vs
    # singletons = 0.
    gold = {"0": "a", "1": "a", "2": "b", "3": "b"}
    pred = {"0": "a", "1": "a", "2": "b", "3": "c"}
    assert adjusted_rand(gold, pred) == approx(4 / 7)
    assert adjusted_rand(pred, gold) == approx(4 / 7)
    assert adjusted_rand({k: "one" for k in gold}, {k: k for k in gold}) == approx(0.0)


def test_ids_missing_from_pred_are_singletons_and_extra_ids_ignored():
    pred = {"a": "p", "b": "p", "c": "p", "d": "q", "e": "q", "unknown": "p"}  # f missing
    assert pairwise(GOLD, pred) == PRF(1.0, 1.0, 1.0)
    # Two missing documents are two clusters, not one.
    assert pairwise({"a": "X", "b": "X"}, {}) == PRF(1.0, 0.0, 0.0)
    assert cluster_counts({"a": "X", "b": "X"}, {}) == (1, 2)
    # A predicted cluster id that happens to equal a missing doc id does not absorb it.
    assert pairwise({"a": "X", "b": "Y"}, {"a": "b"}) == PRF(1.0, 1.0, 1.0)


def test_clustering_report_collects_every_figure():
    report = clustering_report(GOLD, MIXED)
    assert report["docs"] == 6
    assert report["docs_missing_from_pred"] == 0
    assert (report["gold_clusters"], report["pred_clusters"]) == (3, 3)
    assert report["pairwise"]["f1"] == approx(2 / 7)
    assert report["bcubed"]["precision"] == approx(2 / 3)
    assert report["adjusted_rand"] == approx(2 / 27)
    json.dumps(report)  # JSON-ready: must not raise


def test_prf_as_dict_and_f1():
    assert PRF.from_precision_recall(0.5, 1.0).as_dict() == {
        "precision": 0.5, "recall": 1.0, "f1": approx(2 / 3)
    }
    assert PRF.from_precision_recall(0.0, 0.0).f1 == 0.0


# --- correlations ----------------------------------------------------------------------


def test_pearson_hand_computed():
    # dx = (-1, 0, 1), dy = (-4/3, -1/3, 5/3): r = 3 / sqrt(2 * 14/3) = sqrt(27/28).
    assert pearson([1, 2, 3], [1, 2, 4]) == approx(math.sqrt(27 / 28))
    assert pearson([1, 2, 3], [6, 4, 2]) == approx(-1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))


def test_spearman_uses_average_ranks_for_ties():
    # Ranks x = (1, 2.5, 2.5, 4), y = (1, 2, 3, 4): r = 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == approx(math.sqrt(0.9))
    assert spearman([1, 2, 3, 4], [1, 8, 27, 64]) == approx(1.0)
    assert spearman([1, 2, 3, 4], [10, 5, 2, 1]) == approx(-1.0)


def test_correlation_rejects_bad_input():
    with pytest.raises(ValueError, match="equal length"):
        pearson([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2"):
        spearman([1], [1])
    with pytest.raises(ValueError, match="NaN"):
        pearson([1, float("nan")], [1, 2])


# --- properties against brute force ----------------------------------------------------

labelings = st.integers(min_value=1, max_value=25).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


def as_mappings(labels: tuple[list[int], list[int]]) -> tuple[dict[str, str], dict[str, str]]:
    gold_labels, pred_labels = labels
    gold = {f"d{i}": f"g{label}" for i, label in enumerate(gold_labels)}
    pred = {f"d{i}": f"p{label}" for i, label in enumerate(pred_labels)}
    return gold, pred


def same_partition(a: dict[str, str], b: dict[str, str]) -> bool:
    return all((a[x] == a[y]) == (b[x] == b[y]) for x, y in itertools.combinations(a, 2))


def brute_pair_counts(gold, pred):
    tp = fp = fn = tn = 0
    for x, y in itertools.combinations(gold, 2):
        in_gold, in_pred = gold[x] == gold[y], pred[x] == pred[y]
        tp += in_gold and in_pred
        fp += in_pred and not in_gold
        fn += in_gold and not in_pred
        tn += not in_gold and not in_pred
    return tp, fp, fn, tn


def brute_adjusted_rand(gold, pred):
    # Steinley (2004) form of the Hubert-Arabie ARI, from the four pair counts.
    a, b, c, d = brute_pair_counts(gold, pred)
    denominator = (a + b) * (b + d) + (a + c) * (c + d)
    return 1.0 if denominator == 0 else 2 * (a * d - b * c) / denominator


def brute_bcubed(gold, pred):
    precision = recall = 0.0
    for doc in gold:
        same_pred = [o for o in gold if pred[o] == pred[doc]]
        same_gold = [o for o in gold if gold[o] == gold[doc]]
        both = [o for o in same_pred if gold[o] == gold[doc]]
        precision += len(both) / len(same_pred)
        recall += len(both) / len(same_gold)
    return precision / len(gold), recall / len(gold)


@settings(max_examples=150, deadline=None)
@given(labelings)
def test_metrics_match_brute_force(labels):
    gold, pred = as_mappings(labels)
    tp, fp, fn, _ = brute_pair_counts(gold, pred)
    scores = pairwise(gold, pred)
    assert scores.precision == approx(tp / (tp + fp) if tp + fp else 1.0)
    assert scores.recall == approx(tp / (tp + fn) if tp + fn else 1.0)
    assert bcubed(gold, pred).precision == approx(brute_bcubed(gold, pred)[0])
    assert bcubed(gold, pred).recall == approx(brute_bcubed(gold, pred)[1])
    assert adjusted_rand(gold, pred) == approx(brute_adjusted_rand(gold, pred))


@settings(max_examples=150, deadline=None)
@given(labelings)
def test_metric_ranges_and_symmetry(labels):
    gold, pred = as_mappings(labels)
    for scores in (pairwise(gold, pred), bcubed(gold, pred)):
        for value in scores.as_dict().values():
            assert 0.0 <= value <= 1.0
    assert adjusted_rand(gold, pred) <= 1.0
    assert adjusted_rand(gold, pred) == approx(adjusted_rand(pred, gold))
    # Swapping gold and prediction swaps precision and recall.
    forward, backward = pairwise(gold, pred), pairwise(pred, gold)
    assert (forward.precision, forward.recall) == (backward.recall, backward.precision)


@settings(max_examples=150, deadline=None)
@given(labelings)
def test_f1_is_one_exactly_for_equal_partitions(labels):
    gold, pred = as_mappings(labels)
    equal = same_partition(gold, pred)
    assert (pairwise(gold, pred).f1 == 1.0) == equal
    assert (bcubed(gold, pred).f1 == pytest.approx(1.0)) == equal
    assert (adjusted_rand(gold, pred) == 1.0) == equal
    # And a prediction that is gold under other names is always perfect.
    renamed = {doc: f"story-{cluster[::-1]}" for doc, cluster in gold.items()}
    assert pairwise(gold, renamed).f1 == 1.0


@settings(max_examples=100, deadline=None)
@given(labelings, st.randoms(use_true_random=False))
def test_invariant_to_renaming_and_order(labels, rng):
    gold, pred = as_mappings(labels)
    names = sorted(set(pred.values()))
    new_names = dict(zip(names, rng.sample(range(1000), len(names))))
    renamed = {doc: f"n{new_names[cluster]}" for doc, cluster in pred.items()}
    order = list(gold)
    rng.shuffle(order)
    shuffled_gold = {doc: gold[doc] for doc in order}
    for metric in (pairwise, bcubed):
        expected = metric(gold, pred).as_dict()
        assert metric(shuffled_gold, renamed).as_dict() == pytest.approx(expected)
    assert adjusted_rand(shuffled_gold, renamed) == approx(adjusted_rand(gold, pred))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=2, max_size=30))
def test_correlations_are_bounded_and_spearman_is_rank_based(points):
    xs, ys = [x for x, _ in points], [y for _, y in points]
    for value in (pearson(xs, ys), spearman(xs, ys)):
        assert math.isnan(value) or -1.0 <= value <= 1.0
    # A strictly increasing transform of the values keeps every rank (built from the sorted
    # distinct values so that float rounding cannot merge two of them).
    rank_of = {value: index for index, value in enumerate(sorted(set(xs)))}
    squared_ranks = [rank_of[x] ** 2 for x in xs]
    expected = spearman(xs, ys)
    assert math.isnan(expected) or spearman(squared_ranks, ys) == pytest.approx(expected)


def test_two_hundred_thousand_docs_are_fast():
    rng = random.Random(7)
    gold = {f"doc{i}": f"story{i // 5}" for i in range(200_000)}
    pred = {f"doc{i}": f"c{rng.randrange(60_000)}" for i in range(200_000)}
    started = time.perf_counter()
    report = clustering_report(gold, pred)
    elapsed = time.perf_counter() - started
    assert elapsed < 10.0, f"clustering_report took {elapsed:.1f}s on 200k docs"
    assert report["gold_clusters"] == 40_000
    assert 0.0 <= report["pairwise"]["f1"] < 0.01  # random labels share almost no pairs
    assert abs(report["adjusted_rand"]) < 0.01


# --- loaders on fixtures ---------------------------------------------------------------


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def doc_row(doc_id, cluster_id, text="Some text.", **extra):
    row = {"doc_id": doc_id, "cluster_id": cluster_id, "lang": "en", "date": "2024-05-14",
           "title": "A title", "text": text, "source": "Outlet", "url": None}
    return {**row, **extra}


def test_load_cluster_docs_builds_raw_documents(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", [
        doc_row("a", "s1", topic_id="t1"),
        doc_row("b", "s1", text="Other text.", title="", date=None, lang="de"),
        "",  # blank lines are allowed
        doc_row(7, 9),  # numeric ids become strings
    ])
    docs = load_cluster_docs(path)
    assert [(d.doc_id, d.cluster_id) for d in docs] == [("a", "s1"), ("b", "s1"), ("7", "9")]
    first = docs[0]
    assert first.raw.origin == "docs.jsonl:a"
    assert first.raw.body == "Some text." and first.raw.kind == "text"
    assert dict(first.raw.hints) == {"title": "A title", "date": "2024-05-14",
                                     "outlet": "Outlet", "lang": "en"}
    assert first.topic_id == "t1" and first.split is None
    assert dict(docs[1].raw.hints) == {"outlet": "Outlet", "lang": "de"}  # empties dropped


def test_empty_texts_and_duplicates_are_reported_and_still_scored(tmp_path):
    path = write_jsonl(tmp_path / "docs.jsonl", [
        doc_row("a", "s1"),
        doc_row("b", "s1", text="   ", title=None),
        doc_row("c", "s2", text=None, title=None),
        doc_row("a", "s9", text="Some text."),  # repeated id: the first line wins
        doc_row("d", "s2"),
        doc_row("e", "s3", text="", title="Ferry captain charged after collision"),
    ])
    data = load_cluster_dataset(path)
    assert [d.doc_id for d in data.docs] == ["a", "d", "e"]  # e: a title alone (headline-only)
    assert data.docs[2].raw.body == ""
    assert data.gold == {"a": "s1", "b": "s1", "c": "s2", "d": "s2", "e": "s3"}
    assert data.duplicates_dropped == 1
    assert [r.origin for r in data.skipped] == ["docs.jsonl:b", "docs.jsonl:c"]
    assert "line 2" in data.skipped[0].reason and "empty text and no title" in data.skipped[0].reason
    # A perfect clustering of the usable docs still misses the pairs of the skipped ones.
    pred = {d.doc_id: d.cluster_id for d in data.docs}
    assert pairwise(data.gold, pred) == PRF(1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    "lines, message",
    [
        ([json.dumps(doc_row("a", "s1")), "{not json"], "line 2: not valid JSON"),
        ([json.dumps({"doc_id": "a", "text": "x"})], "line 1: missing field 'cluster_id'"),
        ([json.dumps({"cluster_id": "a", "text": "x"})], "line 1: missing field 'doc_id'"),
        ([json.dumps({"doc_id": "a", "cluster_id": "s"})], "missing field 'text'"),
        ([json.dumps(doc_row("", "s1"))], "'doc_id' must be a non-empty string"),
        ([json.dumps(doc_row("a", "s1", text=["x"]))], "'text' must be a string"),
        (["[1, 2]"], "expected a JSON object"),
        (["", "  "], "holds no documents"),
    ],
)
def test_malformed_cluster_files_raise_user_error(tmp_path, lines, message):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError, match=message) as caught:
        load_cluster_docs(path)
    assert str(path) in str(caught.value)


def test_missing_or_unreadable_files_raise_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_cluster_docs(tmp_path / "nope.jsonl")
    with pytest.raises(UserError, match="is a directory"):
        load_pairs(tmp_path)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UserError, match="not UTF-8"):
        load_cluster_docs(binary)


def pair_row(pair_id, lang1="en", lang2="en", overall=1.0, text1="First.", text2="Second.",
             **extra):
    row = {"pair_id": pair_id, "file": "training_set.csv", "lang1": lang1, "lang2": lang2,
           "machine_translated_augmentation": False, "text1": text1, "text2": text2,
           "geography": 1.0, "entities": 2.0, "time": 1.0, "narrative": 1.0,
           "overall": overall, "style": 1.0, "tone": 1.0}
    return {**row, **extra}


def test_load_pairs(tmp_path):
    path = write_jsonl(tmp_path / "pairs.jsonl", [
        pair_row("1_2"),
        pair_row("3_4es", lang1="de", lang2="es", overall=3.5,
                 machine_translated_augmentation=True),
        pair_row("1_2", overall=4.0, text1="Another scrape."),  # repeated id: the first wins
        pair_row("5_6", text2=""),
    ])
    data = load_pair_dataset(path)
    assert [p.pair_id for p in data.pairs] == ["1_2", "3_4es"]
    assert data.duplicates_dropped == 1
    assert [r.origin for r in data.skipped] == ["pairs.jsonl:5_6"]
    same, cross = data.pairs
    assert same.same_language and not cross.same_language
    assert (cross.lang1, cross.lang2, cross.overall) == ("de", "es", 3.5)
    assert cross.machine_translated
    assert same.similarity == 1.0 and cross.similarity == pytest.approx(1 / 6)
    assert same.scores["entities"] == 2.0 and len(same.scores) == 7
    assert same.first.body == "First." and same.second.body == "Second."
    assert same.first.origin == "pairs.jsonl:1_2#text1"
    assert dict(cross.second.hints) == {"lang": "es"}
    assert load_pairs(path) == list(data.pairs)


def without(row: dict, key: str) -> dict:
    return {k: v for k, v in row.items() if k != key}


@pytest.mark.parametrize(
    "row, message",
    [
        (without(pair_row("1"), "overall"), "line 1: missing field 'overall'"),
        (without(pair_row("1"), "lang2"), "line 1: missing field 'lang2'"),
        (without(pair_row("1"), "text1"), "missing field 'text1'"),
        (pair_row("1", overall=None), "missing field 'overall'"),
        (pair_row("1", overall="high"), "'overall' must be a number"),
    ],
)
def test_malformed_pair_files_raise_user_error(tmp_path, row, message):
    path = write_jsonl(tmp_path / "pairs.jsonl", [row])
    with pytest.raises(UserError, match=message):
        load_pairs(path)


# --- smoke load of the real evaluation sets --------------------------------------------


def shared_file(relative: str) -> Path:
    path = DATA / relative
    if not path.is_file():
        pytest.skip(f"evaluation data {path} is absent (expected the shared data next to the repo)")
    return path


@pytest.mark.parametrize(
    "name, docs, unique_ids, clusters",
    [("ecbplus", 772, 772, 66), ("meantime", 360, 360, 90), ("gva", None, 3148, None)],
)
def test_real_cluster_sets_load(name, docs, unique_ids, clusters):
    data = load_cluster_dataset(shared_file(f"{name}/docs.jsonl"))
    assert len(data.gold) == unique_ids
    assert len(data.docs) + len(data.skipped) == unique_ids
    if docs is not None:
        assert len(data.docs) == docs and not data.skipped
    if clusters is not None:
        assert len(set(data.gold.values())) == clusters
    assert all(doc.raw.body.strip() or doc.raw.hints.get("title") for doc in data.docs)
    assert pairwise(data.gold, data.gold) == PRF(1.0, 1.0, 1.0)


def test_real_gva_duplicates_and_empty_texts():
    data = load_cluster_dataset(shared_file("gva/docs.jsonl"))
    assert data.duplicates_dropped == 12
    assert not data.skipped  # its 63 empty texts all have a title (headline-only candidates)
    assert sum(1 for doc in data.docs if not doc.raw.body.strip()) == 63
    assert all(doc.raw.hints.get("date") for doc in data.docs)


def test_real_semeval_pairs_load():
    data = load_pair_dataset(shared_file("semeval2022_t8/pairs.jsonl"))
    assert len(data.pairs) + data.duplicates_dropped + len(data.skipped) == 1221
    assert data.duplicates_dropped == 40
    assert all(1.0 <= pair.overall <= 4.0 for pair in data.pairs)
    assert any(not pair.same_language for pair in data.pairs)


def test_published_order_brings_dated_documents_by_date_and_leaves_undated_ones_in_place(tmp_path):
    """``storyline eval --order published``: the dated documents take the dated places by
    date (a day's in file order, whatever the time of day written), undated ones and ones
    with an unreadable date stay where the file has them; "file" keeps the file's order."""
    from storyline.evaluation import arrival_order

    rows = [("a", "2024-03-05"), ("b", None), ("c", "2024-03-01T18:00:00Z"), ("d", "2024-03-01"),
            ("e", "last week"), ("f", "2024-02-28")]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"doc_id": i, "cluster_id": i, "text": f"Text {i}.",
                                        **({"date": day} if day else {})}) + "\n" for i, day in rows))
    docs = load_cluster_dataset(path).docs
    assert [d.doc_id for d in arrival_order(docs, "published")] == ["f", "b", "c", "d", "e", "a"]
    assert [d.doc_id for d in arrival_order(docs, "file")] == list("abcdef")
    with pytest.raises(UserError, match="unknown order"):
        arrival_order(docs, "random")
