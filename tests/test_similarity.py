"""The graded pair similarity (``storyline compare``, ``storyline eval-pairs``) with the
real encoders, on the demo corpus."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from click.testing import CliRunner

from storyline import Engine
from storyline.cli import cli
from storyline.similarity import FEATURES, PairScorer, SimilarityModel, basis


def test_the_bundled_model_fits_the_features():
    model = SimilarityModel.load()
    assert len(model.weights) == len(basis(np.zeros(len(FEATURES)))[0])
    grades = model.overall(np.array([[0.0] * len(FEATURES), [1.0] * len(FEATURES)]))
    assert np.all((1.0 <= grades) & (grades <= 4.0))
    assert grades[1] < grades[0]  # identical articles grade nearer "same story" than nothing shared


def test_a_file_that_is_not_a_similarity_model_says_how_to_make_one(tmp_path):
    wrong = tmp_path / "model.json"
    wrong.write_text(json.dumps({"features": ["dense"], "weights": [1.0]}))
    with pytest.raises(ValueError, match="fit_similarity.py"):
        SimilarityModel.load(wrong)
    with pytest.raises(ValueError, match="cannot read"):
        SimilarityModel.load(tmp_path / "missing.json")


def _pairs(engine):
    """Pairs of articles inside the demo's largest story, and pairs across stories."""
    stories = sorted(engine.store.story_members(list(engine.store.story_states())).values(),
                     key=len, reverse=True)
    inside = list(itertools.combinations(stories[0][:4], 2))
    across = [(stories[0][i], stories[1 + i][0]) for i in range(3)]
    article = engine.store.article
    return ([(article(a), article(b)) for a, b in inside],
            [(article(a), article(b)) for a, b in across])


def test_reports_of_one_story_score_higher_than_reports_of_others(db_copy):
    with Engine(db=str(db_copy("similar.db")), cards=False) as engine:
        inside, across = _pairs(engine)
        found = PairScorer(engine).compare(inside + across)
    same = [f.score for f in found[:len(inside)]]
    other = [f.score for f in found[len(inside):]]
    assert min(same) > max(other)
    assert all(0.0 <= f.score <= 1.0 and 1.0 <= f.overall <= 4.0 for f in found)
    assert all(set(f.features) == set(FEATURES) for f in found)


def test_compare_prints_the_score_and_json(db_copy):
    db = str(db_copy("compare.db"))
    with Engine(db=db, cards=False) as engine:
        (a, b), *_ = _pairs(engine)[0]
    runner = CliRunner()
    shown = runner.invoke(cli, ["compare", a.article_id[:10], b.article_id[:10], "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "same-story score" in shown.output and "clustered together: yes" in shown.output
    result = json.loads(runner.invoke(cli, ["compare", a.article_id, b.article_id, "--db", db,
                                            "--json"]).output)
    assert result["first"] == a.article_id and result["same_story_now"] is True
    assert 0.0 <= result["score"] <= 1.0
    missing = runner.invoke(cli, ["compare", a.article_id, "ffffffffffff", "--db", db])
    assert missing.exit_code != 0 and "ffffffffffff" in missing.output


_BRIDGE = ("Rail bridge over the Varn river collapses after storm",
           "A rail bridge over the Varn river near Oskel collapsed on Tuesday night after a storm "
           "swept the valley. No train was crossing at the time, the regional rail operator said, "
           "and engineers will inspect the remaining spans on Wednesday.")
_BRIDGE_AGAIN = ("Storm brings down Varn rail bridge near Oskel",
                 "The railway bridge that spans the Varn at Oskel fell into the river late on "
                 "Tuesday during a violent storm. Rail traffic between Oskel and Drem is suspended; "
                 "the operator said nobody was hurt and inspectors arrive on Wednesday.")
_MATCH = ("Drem United win the cup final on penalties",
          "Drem United beat Castor City on penalties in the cup final on Saturday after a goalless "
          "draw. Their goalkeeper saved two kicks in front of a crowd of 40,000 fans.")
_PRICES = ("Coffee prices climb to a ten-year high",
           "Wholesale coffee prices rose for a fifth week to their highest level in ten years, "
           "traders said on Friday, as dry weather cut the harvest in the main growing regions.")


def test_eval_pairs_correlates_the_score_with_the_human_grade(tmp_path):
    def text(report):
        return f"{report[0]}\n\n{report[1]}"

    rows = [("same-1", _BRIDGE, _BRIDGE_AGAIN, 1.0), ("same-2", _BRIDGE_AGAIN, _BRIDGE, 1.5),
            ("other-1", _BRIDGE, _MATCH, 4.0), ("other-2", _MATCH, _PRICES, 4.0),
            ("other-3", _PRICES, _BRIDGE_AGAIN, 3.5)]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps({"pair_id": pid, "lang1": "en", "lang2": "en", "text1": text(a),
                                        "text2": text(b), "overall": grade}) + "\n"
                            for pid, a, b, grade in rows))
    shown = CliRunner().invoke(cli, ["eval-pairs", str(path), "--json"])
    assert shown.exit_code == 0, shown.output
    result = json.loads(shown.output)
    assert result["scored"] == 5 and result["same_language"]["pairs"] == 5
    assert result["same_language"]["pearson"] < -0.8  # same story (grade 1) scores high
    assert "pearson" in result["pair_model"]["same_language"]
