"""Training recipe of ``narratives.linear.v1`` (numpy + scipy; no scikit-learn needed).

Model: multi-output ridge regression on hashed word 1-2-grams and character 3-5-grams
(sublinear tf-idf, each block L2-normalised) plus one bias per training language,
solved in its dual form (``K = X X^T``, n documents x n documents). One
eigendecomposition of ``K`` gives, for every regularisation strength, the exact
leave-one-out (LOO) scores of every training document. Those LOO scores are used to

1. choose the ridge strength per label (lowest LOO squared error),
2. fit a Platt sigmoid per label (calibrated probabilities), and
3. choose the knobs of the expected-F1 decision rule (samples-F1 on LOO predictions).

So nothing is tuned on the documents a model is evaluated on: in cross-validation every
choice is made inside the training folds (nested by construction).

Usage (CLI): ``narrascope train narratives --data DIR --taxonomy FILE --out MODEL_DIR``
and ``narrascope semeval cv --subtask 2``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .. import __version__
from ..backends.hashfeatures import HashingSpec, HashVocabulary, extract
from ..backends.narratives_linear import (
    DecisionParams,
    LinearNarrativeModel,
    Prediction,
    decide,
)
from ..document import SCHEMA_VERSION
from ..semeval.data import Corpus, Example
from ..taxonomy.narratives import OTHER, Taxonomy

LICENCE_NOTE = (
    "trained on research-only SemEval/PolNeAR data; weights only, no text. "
    "Source corpus: SemEval-2025 Task 10 (research use only, not redistributable)."
)

Progress = Callable[[str], None]


@dataclass
class TrainConfig:
    """Hyper-parameters of the recipe (defaults are the shipped model's)."""

    spec: HashingSpec = field(default_factory=HashingSpec)
    max_word_features: int = 100_000
    max_char_features: int = 200_000
    min_df: int = 2
    block_weights: tuple[float, float] = (0.5, 0.5)
    language_weight: float = 1.0  # squared scale of the per-language bias features
    bias_weight: float = 1.0
    lambdas: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0, 3.0)
    other_scales: tuple[float, ...] = (0.7, 0.85, 1.0, 1.2, 1.4, 1.7)
    label_scales: tuple[float, ...] = (0.7, 0.85, 1.0, 1.2, 1.4)
    sub_scales: tuple[float, ...] = (0.7, 0.85, 1.0, 1.2, 1.4)
    # candidate weights of the subnarratives in their narrative's probability (chosen on LOO)
    child_weights: tuple[float, ...] = (0.0, 0.5)
    per_language_decision: bool = False  # pooled knobs were as good in CV, and simpler

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["spec"] = self.spec.to_json()
        d["block_weights"] = list(self.block_weights)
        for k in ("lambdas", "other_scales", "label_scales", "sub_scales", "child_weights"):
            d[k] = list(d[k])
        return d


# -- features -------------------------------------------------------------------------
@dataclass
class DocCounts:
    hashes: np.ndarray  # unique uint64
    counts: np.ndarray  # int
    blocks: np.ndarray  # int8


def count_ngrams(text: str, spec: HashingSpec) -> DocCounts:
    occ = extract(text, spec)
    h, first, cnt = np.unique(occ.hashes, return_index=True, return_counts=True)
    return DocCounts(h, cnt, occ.blocks[first])


def build_vocabulary(docs: Sequence[DocCounts], cfg: TrainConfig) -> HashVocabulary:
    """Most frequent hashes (by document frequency, ``df >= min_df``) per block."""
    allh = np.concatenate([d.hashes for d in docs])
    allb = np.concatenate([d.blocks for d in docs])
    h, first, df = np.unique(allh, return_index=True, return_counts=True)
    blocks = allb[first]
    keep_parts = []
    for b, cap in ((0, cfg.max_word_features), (1, cfg.max_char_features)):
        sel = np.nonzero((blocks == b) & (df >= cfg.min_df))[0]
        if len(sel) > cap:
            # highest df first; ties broken by hash (deterministic)
            order = np.lexsort((h[sel], -df[sel]))
            sel = sel[order[:cap]]
        keep_parts.append(sel)
    keep = np.sort(np.concatenate(keep_parts))
    n = len(docs)
    idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
    return HashVocabulary(h[keep], blocks[keep].astype(np.int8), idf, cfg.block_weights)


def doc_matrix(docs: Sequence[DocCounts], vocab: HashVocabulary) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    F = len(vocab.hashes)
    for i, d in enumerate(docs):
        fidx = vocab.lookup(d.hashes)
        ok = fidx >= 0
        f = fidx[ok]
        v = vocab.weigh(f, d.counts[ok])
        rows.append(np.full(len(f), i))
        cols.append(f)
        vals.append(v)
    return sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(docs), F)
    )


# -- labels ---------------------------------------------------------------------------
def label_list(tax: Taxonomy) -> list[str]:
    return [*tax.narratives, OTHER, *tax.subnarratives]


def label_matrix(examples: Sequence[Example], tax: Taxonomy, labels: list[str]) -> np.ndarray:
    index = {lab: i for i, lab in enumerate(labels)}
    Y = np.zeros((len(examples), len(labels)))
    for r, ex in enumerate(examples):
        narrs, subs = tax.normalise_labels(ex.narratives, ex.subnarratives)
        for lab in (*narrs, *subs):
            if lab in index:
                Y[r, index[lab]] = 1.0
    return Y


# -- kernel ridge with exact leave-one-out ----------------------------------------------
@dataclass
class RidgeFit:
    alpha: np.ndarray  # (n, L) dual coefficients
    loo: np.ndarray  # (n, L) leave-one-out scores
    lambdas: np.ndarray  # (L,) chosen strength per label


def ridge_loo(K: np.ndarray, Y: np.ndarray, lambdas: Sequence[float]) -> RidgeFit:
    e, U = np.linalg.eigh(K)
    e = np.maximum(e, 0.0)
    UtY = U.T @ Y
    best_err = np.full(Y.shape[1], np.inf)
    alpha = np.zeros_like(Y)
    loo = np.zeros_like(Y)
    lam_best = np.zeros(Y.shape[1])
    U2 = U * U
    for lam in lambdas:
        shrink = e / (e + lam)
        fitted = U @ (shrink[:, None] * UtY)
        hdiag = U2 @ shrink
        loo_l = (fitted - hdiag[:, None] * Y) / (1.0 - hdiag)[:, None]
        err = ((loo_l - Y) ** 2).sum(axis=0)
        better = err < best_err
        if better.any():
            a = U @ ((1.0 / (e + lam))[:, None] * UtY[:, better])
            alpha[:, better] = a
            loo[:, better] = loo_l[:, better]
            lam_best[better] = lam
            best_err[better] = err[better]
    return RidgeFit(alpha, loo, lam_best)


# -- calibration ----------------------------------------------------------------------
def _platt_loss(s: np.ndarray, t: np.ndarray, a: float, b: float) -> float:
    """Cross-entropy of ``sigmoid(a s + b)`` against targets ``t``, computed stably."""
    z = a * s + b
    # -t log p - (1-t) log(1-p) = log(1 + exp(z)) - t z
    return float(np.sum(np.logaddexp(0.0, z) - t * z))


def _fit_intercept(s: np.ndarray, t: np.ndarray, a: float, lo: float, hi: float) -> float:
    """Intercept ``b`` in ``[lo, hi]`` with ``sum(sigmoid(a s + b)) == sum(t)`` (bisection:
    the sum is increasing in ``b``, so this cannot diverge)."""
    target = float(t.sum())
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if float(sigmoid(a * s + mid).sum()) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return 0.5 * (lo + hi)


def fit_platt(
    s: np.ndarray,
    y: np.ndarray,
    iters: int = 100,
    min_slope: float = 1.0,
    max_slope: float = 100.0,
    max_intercept: float = 30.0,
) -> tuple[float, float]:
    """Platt (1999) sigmoid ``p = 1 / (1 + exp(-(a s + b)))`` fitted on scores ``s``.

    Robust version (Lin, Lin and Weng 2007, "A note on Platt's probabilistic outputs"):
    Platt's regularised targets ``(N+ + 1) / (N+ + 2)`` and ``1 / (N- + 2)`` (so the
    optimum is finite even when the scores separate the classes), Newton steps on a
    Hessian with a ridge, a backtracking line search that only accepts steps lowering
    the loss, and parameters bounded to ``min_slope <= a <= max_slope`` and
    ``|b| <= max_intercept``. Scores are on the 0/1 target scale; with few positives
    the scores can be anti-correlated with the label, and a negative slope would invert
    the classifier, hence ``min_slope``. When the slope hits a bound (or the scores are
    constant) only the intercept is refitted, by bisection. Always returns finite values.
    """
    s = np.asarray(s, dtype=np.float64)
    y = np.asarray(y)
    pos = float((y > 0).sum())
    neg = float(len(y) - pos)
    t = np.where(y > 0, (pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0))
    b0 = float(np.clip(np.log((pos + 1.0) / (neg + 1.0)), -max_intercept, max_intercept))
    s = np.where(np.isfinite(s), s, 0.0)
    if len(s) == 0:
        return min_slope, b0
    a, b = max(1.0, min_slope), b0
    loss = _platt_loss(s, t, a, b)
    if float(np.ptp(s)) > 1e-12:
        for _ in range(iters):
            p = sigmoid(a * s + b)
            g = p - t
            w = p * (1.0 - p)
            ga, gb = float(g @ s), float(g.sum())
            haa = float(w @ (s * s)) + 1e-12
            hab = float(w @ s)
            hbb = float(w.sum()) + 1e-12
            if abs(ga) < 1e-7 and abs(gb) < 1e-7:
                break
            det = haa * hbb - hab * hab
            if det > 1e-18:
                da = -(hbb * ga - hab * gb) / det
                db = -(haa * gb - hab * ga) / det
            else:  # (near-)singular Hessian: a gradient step
                da, db = -ga / haa, -gb / hbb
            step, moved = 1.0, False
            while step >= 1e-10:
                na = float(np.clip(a + step * da, min_slope, max_slope))
                nb = float(np.clip(b + step * db, -max_intercept, max_intercept))
                nl = _platt_loss(s, t, na, nb)
                if nl < loss - 1e-4 * step * abs(ga * da + gb * db) or nl < loss - 1e-12:
                    moved = True
                    break
                step /= 2.0
            if not moved:
                break
            done = abs(na - a) < 1e-9 and abs(nb - b) < 1e-9
            a, b, loss = na, nb, nl
            if done:
                break
    if not (np.isfinite(a) and np.isfinite(b)):
        a, b = max(1.0, min_slope), b0
    a = float(np.clip(a, min_slope, max_slope))
    if a <= min_slope + 1e-12 or float(np.ptp(s)) <= 1e-12:
        b = _fit_intercept(s, t, a, -max_intercept, max_intercept)
    return a, float(b)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


# -- the recipe -----------------------------------------------------------------------
def language_codes(examples: Sequence[Example]) -> list[str]:
    return sorted({ex.language.lower() for ex in examples})


def train_model(
    examples: Sequence[Example],
    tax: Taxonomy,
    cfg: TrainConfig | None = None,
    *,
    counts: Sequence[DocCounts] | None = None,
    progress: Progress | None = None,
) -> LinearNarrativeModel:
    """Fit vocabulary, ridge weights, calibration and decision knobs on ``examples``."""
    cfg = cfg or TrainConfig()
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    docs = (
        list(counts) if counts is not None else [count_ngrams(ex.text, cfg.spec) for ex in examples]
    )
    vocab = build_vocabulary(docs, cfg)
    X = doc_matrix(docs, vocab)
    langs = language_codes(examples)
    li = np.array([langs.index(ex.language.lower()) for ex in examples])
    same = (li[:, None] == li[None, :]).astype(np.float64)
    K = (X @ X.T).toarray() + cfg.language_weight * same + cfg.bias_weight
    labels = label_list(tax)
    Y = label_matrix(examples, tax, labels)
    say(f"features: {X.shape[1]} ({time.perf_counter() - t0:.1f} s); solving ridge")
    fit = ridge_loo(K, Y, cfg.lambdas)
    W = np.asarray(X.T @ fit.alpha)
    lang_bias = np.stack(
        [cfg.language_weight * fit.alpha[li == k].sum(axis=0) for k in range(len(langs))]
    )
    bias = cfg.bias_weight * fit.alpha.sum(axis=0)
    pa = np.zeros(len(labels))
    pb = np.zeros(len(labels))
    for j in range(len(labels)):
        pa[j], pb[j] = fit_platt(fit.loo[:, j], Y[:, j])
    model = LinearNarrativeModel(
        taxonomy=tax,
        spec=cfg.spec,
        vocab=vocab,
        labels=labels,
        weights=W.astype(np.float32),
        bias=bias,
        lang_bias=lang_bias,
        languages=langs,
        platt_a=pa,
        platt_b=pb,
    )
    # decision knobs on LOO probabilities: pooled, then per language
    P = sigmoid(pa * fit.loo + pb)
    gold = [tax.normalise_labels(ex.narratives, ex.subnarratives) for ex in examples]
    rows = list(range(len(examples)))
    default, loo_f1 = DecisionParams(), -1.0
    for cw in cfg.child_weights:
        prm_cw, f1_cw = tune_decision(model, P, gold, rows, cfg, child_weight=cw)
        if f1_cw > loo_f1 + 1e-9:
            default, loo_f1 = prm_cw, f1_cw
    per_lang: dict[str, dict[str, float]] = {}
    if cfg.per_language_decision:
        for k, lg in enumerate(langs):
            idx = [i for i in rows if li[i] == k]
            if len(idx) >= 30:
                prm, _ = tune_decision(model, P, gold, idx, cfg, child_weight=default.child_weight)
                per_lang[lg] = {
                    "other_scale": prm.other_scale,
                    "label_scale": prm.label_scale,
                    "sub_scale": prm.sub_scale,
                }
    default.per_language = per_lang
    model.decision = default
    best = (loo_f1, default)
    model.meta = {
        "narrascope_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "backend": "narratives.linear.v1",
        "licence": LICENCE_NOTE,
        "train": {
            "documents": len(examples),
            "languages": {lg: int((li == k).sum()) for k, lg in enumerate(langs)},
            "features": int(X.shape[1]),
            "config": cfg.to_json(),
            "lambda_per_label": {lab: float(v) for lab, v in zip(labels, fit.lambdas, strict=True)},
            "loo_samples_f1_mean": round(best[0], 4),
            "seconds": round(time.perf_counter() - t0, 1),
        },
    }
    say(f"trained in {time.perf_counter() - t0:.1f} s; decision {best[1].to_json()}")
    return model


def _mean_f1(
    model: LinearNarrativeModel,
    P: np.ndarray,
    gold: Sequence[tuple[list[str], list[str]]],
    rows: Sequence[int],
    prm: DecisionParams,
) -> float:
    from ..semeval.metrics import f1_sets

    tot = 0.0
    for i in rows:
        gn, gs = gold[i]
        pred = decide(model, P[i], prm)
        tot += f1_sets(gn, pred.narrative_labels) + f1_sets(gs, pred.subnarrative_labels)
    return tot / (2 * max(1, len(rows)))


def tune_decision(
    model: LinearNarrativeModel,
    P: np.ndarray,
    gold: Sequence[tuple[list[str], list[str]]],
    rows: Sequence[int],
    cfg: TrainConfig,
    *,
    child_weight: float = 0.0,
) -> tuple[DecisionParams, float]:
    """Grid over (other_scale, label_scale), then sub_scale: mean of coarse and fine
    samples-F1 on the LOO probabilities of ``rows``."""
    cw = child_weight  # applied inside ``decide``
    best = (-1.0, DecisionParams(child_weight=cw))
    for os_ in cfg.other_scales:
        for ls in cfg.label_scales:
            prm = DecisionParams(other_scale=os_, label_scale=ls, child_weight=cw)
            score = _mean_f1(model, P, gold, rows, prm)
            if score > best[0] + 1e-9:
                best = (score, prm)
    for ss in cfg.sub_scales:
        prm = DecisionParams(other_scale=best[1].other_scale, label_scale=best[1].label_scale,
                             sub_scale=ss, child_weight=cw)  # fmt: skip
        score = _mean_f1(model, P, gold, rows, prm)
        if score > best[0] + 1e-9:
            best = (score, prm)
    return best[1], best[0]


# -- cross-validation -----------------------------------------------------------------
def stratified_folds(examples: Sequence[Example], k: int, seed: int = 0) -> np.ndarray:
    """Fold id per example, stratified by language (and by Other vs not)."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(examples), dtype=np.int64)
    groups: dict[tuple[str, bool], list[int]] = {}
    for i, ex in enumerate(examples):
        groups.setdefault((ex.language, ex.narratives == [OTHER]), []).append(i)
    offset = 0
    for key in sorted(groups):
        idx = np.array(groups[key])
        rng.shuffle(idx)
        for r, i in enumerate(idx):
            fold[i] = (r + offset) % k
        offset += len(idx)
    return fold


@dataclass
class CVResult:
    predictions: dict[str, tuple[list[str], list[str]]]  # by "LANG/id"
    models_decisions: list[dict[str, Any]]
    fold_of: dict[str, int]
    dominant: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)


def cross_validate(
    corpus: Corpus,
    tax: Taxonomy,
    *,
    folds: int = 5,
    seed: int = 0,
    cfg: TrainConfig | None = None,
    progress: Progress | None = None,
    explain: Callable[[LinearNarrativeModel, Example, Prediction], tuple[str, str | None, str]]
    | None = None,
) -> CVResult:
    cfg = cfg or TrainConfig()
    say = progress or (lambda _m: None)
    exs = corpus.examples
    say(f"counting n-grams of {len(exs)} documents")
    counts = [count_ngrams(ex.text, cfg.spec) for ex in exs]
    fold = stratified_folds(exs, folds, seed)
    preds: dict[str, tuple[list[str], list[str]]] = {}
    decisions = []
    fold_of: dict[str, int] = {}
    dominant: dict[str, tuple[str, str | None]] = {}
    expl: dict[str, str] = {}
    for f in range(folds):
        tr = np.nonzero(fold != f)[0]
        te = np.nonzero(fold == f)[0]
        say(f"fold {f + 1}/{folds}: train {len(tr)}, test {len(te)}")
        model = train_model([exs[i] for i in tr], tax, cfg, counts=[counts[i] for i in tr])
        decisions.append(model.decision.to_json())
        for i in te:
            ex = exs[i]
            pred, _ = model.predict(ex.text, ex.language)
            key = f"{ex.language}/{ex.id}"
            preds[key] = (pred.narrative_labels, pred.subnarrative_labels)
            fold_of[key] = f
            if explain is not None:
                n, s, text = explain(model, ex, pred)
                dominant[key] = (n, s)
                expl[key] = text
    return CVResult(preds, decisions, fold_of, dominant, expl)


def save_model(model: LinearNarrativeModel, out: Path) -> None:
    model.save(out)


def train_and_save(
    data: Path | None,
    out: Path,
    *,
    taxonomy: Path | None = None,
    cv_folds: int = 0,
    cv_report: Path | None = None,
    cfg: TrainConfig | None = None,
    progress: Progress | None = None,
) -> Path:
    """Train on every annotated article under ``data`` and write a model directory."""
    from ..semeval.data import find_data_dir, load_corpus
    from ..semeval.narratives import cv_subtask2, default_taxonomy

    say = progress or (lambda _m: None)
    d = find_data_dir(data)
    tax = Taxonomy.load(taxonomy) if taxonomy else default_taxonomy(d)
    corpus = load_corpus(d)
    say(f"{len(corpus.examples)} documents ({corpus.duplicates_dropped} duplicates dropped)")
    cv_metrics: dict[str, Any] | None = None
    if cv_folds:
        report = cv_subtask2(d, cv_folds, taxonomy=taxonomy, progress=say)
        cv_metrics = {
            "folds": cv_folds,
            "metric": "samples-F1 (official SemEval-2025 T10 subtask 2), out-of-fold",
            **report.to_json(),
        }
    elif cv_report is not None:
        import json

        cv_metrics = {
            "metric": "samples-F1 (official SemEval-2025 T10 subtask 2), out-of-fold",
            "command": "narrascope semeval cv --subtask 2 --folds 5 --json",
            **json.loads(Path(cv_report).read_text("utf-8")),
        }
    model = train_model(corpus.examples, tax, cfg, progress=say)
    model.meta["training_data_digest"] = "sha256:" + corpus.digest()
    model.meta["training_data"] = {
        "documents": len(corpus.examples),
        "duplicates_dropped": corpus.duplicates_dropped,
        "sources": sorted({Path(e.source).relative_to(d).as_posix() for e in corpus.examples}),
    }
    created = time.gmtime()
    # the date tells retrains on the same data apart (same code version and data digest)
    model.meta["model_version"] = (
        f"{__version__}+{corpus.digest()[:8]}.{time.strftime('%Y%m%d', created)}"
    )
    model.meta["cv"] = cv_metrics
    model.meta["created"] = time.strftime("%Y-%m-%d", created)
    model.save(out)
    return out
