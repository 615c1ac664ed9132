"""Nested stage CV (round 7): the model that scores a held-out fold must not depend on
that fold's labels. Without nesting, the fold's stacker and thresholds read out-of-fold
scores of the training rows computed by first-stage models that saw the held-out fold;
with ``nested`` they come from an inner CV on the other folds only."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.backends.techniques.features import FeatureConfig
from narrascope.techniques_harness import Article

pytest.importorskip("sklearn")

from narrascope.train import techniques as tr

PARAS = [
    "The corrupt dictator and his thugs lied again, a shameful disgrace.",
    "The council met on Tuesday to discuss the new bus timetable.",
    "Experts warn that the floods could destroy every home in the valley.",
    "Another shameful lie from the dictator and his cronies.",
    "The library will open an hour later during the summer months.",
]
CONFIG = FeatureConfig(bits=14)


def _articles(flip: frozenset[str] = frozenset()) -> list[Article]:
    """Twelve articles; those whose id is in ``flip`` get different labels."""
    arts = []
    for i in range(12):
        lines = [f"Headline {i}"] + [PARAS[(i + j) % len(PARAS)] for j in range(3)]
        art = Article(str(900 + i), "en", "\n".join(lines))
        if art.id in flip:
            art.labels = {n: ["Doubt"] for n in range(2, len(lines) + 1)}
        else:
            art.labels = {n: (["Loaded_Language"] if "dictator" in line else [])
                          for n, line in enumerate(lines, 1)}  # fmt: skip
        arts.append(art)
    return arts


def _cv(arts: list[Article]) -> tr.CVResult:
    labels, _ = tr.taxonomy()
    corpus = tr.make_corpus(arts, labels)
    return tr.cross_val_proba(corpus, labels, n_folds=3, config=CONFIG, keep_models=True)


def test_nested_fold_model_ignores_the_held_out_labels():
    base = _cv(_articles())
    assert base.fold_of_article is not None
    held_out = frozenset(
        a.id for i, a in enumerate(base.corpus.articles) if base.fold_of_article[i] == 0
    )
    flipped = _cv(_articles(flip=held_out))
    # same folds, so only fold 0's gold differs between the two corpora
    np.testing.assert_array_equal(base.fold_of_article, flipped.fold_of_article)

    nested = [tr.fold_model(cv, 0, config=CONFIG, nested=True) for cv in (base, flipped)]
    assert nested[0].stack_weights is not None and nested[1].stack_weights is not None
    np.testing.assert_array_equal(nested[0].stack_weights, nested[1].stack_weights)
    np.testing.assert_array_equal(nested[0].stack_bias, nested[1].stack_bias)
    assert nested[0].thresholds == nested[1].thresholds
    np.testing.assert_array_equal(nested[0].scorer.weights, nested[1].scorer.weights)

    # the shared-OOF fold model does change with fold 0's labels: the leak nesting removes
    shared = [tr.fold_model(cv, 0, config=CONFIG) for cv in (base, flipped)]
    assert shared[0].stack_weights is not None and shared[1].stack_weights is not None
    assert not np.array_equal(shared[0].stack_weights, shared[1].stack_weights)


def test_nested_stage_cv_reports_every_language_and_flags_the_protocol():
    cv = _cv(_articles())
    out = tr.cross_validate_stage(["en"], ["en"], cv=cv, config=CONFIG, nested=True, spans=False)
    assert out["nested"] is True and "nested" in out["protocol"]
    r = out["languages"]["en"]
    assert 0.0 <= r["f1"] <= 1.0 and r["gold"] > 0
    shared = tr.cross_validate_stage(["en"], ["en"], cv=cv, config=CONFIG, spans=False)
    assert shared["nested"] is False and shared["languages"]["en"]["gold"] == r["gold"]


def test_training_stores_the_nested_stage_cv_in_meta(tmp_path, monkeypatch):
    """`narrascope techniques train` writes the nested figures (cv_metrics.stage_nested)
    beside the shared-OOF ones (cv_metrics.stage)."""
    import json

    arts = _articles()
    monkeypatch.setattr(tr, "load_articles", lambda langs, data_dir=None: arts)
    monkeypatch.setattr(tr, "FEATURES", FeatureConfig(bits=14, w_char=1.5, w_doc=0.5))
    metrics = tr.run_training(langs=("en",), out_dir=tmp_path / "m", n_folds=3, nested=True)
    meta = json.loads((tmp_path / "m" / "meta.json").read_text("utf-8"))
    stored = meta["cv_metrics"]
    assert stored == json.loads(json.dumps(metrics))
    assert stored["stage"]["nested"] is False and stored["stage_nested"]["nested"] is True
    assert "nested" in stored["stage_nested"]["protocol"]
    gold = stored["stage"]["languages"]["en"]["gold"]
    assert gold > 0 and stored["stage_nested"]["languages"]["en"]["gold"] == gold
