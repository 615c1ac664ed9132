"""Training recipe for the default entity-role model (``framing.linear.v1``).

Trains on SemEval-2025 Task 10 subtask 1 (all five training languages, plus the
reconstructed Russian release for articles ``train/RU`` lacks) and writes
``src/narrascope/models/framing/`` (``weights.npz`` + ``meta.json``)::

    python -m narrascope.train.framing train [--data DIR] [--out DIR]
    python -m narrascope.train.framing cv [--folds 5]

Model: hashed sparse features (:mod:`narrascope.backends.framing.features`), a
multinomial logistic regression for the main role, and one for the 22 fine roles
whose probabilities are restricted to the children of the predicted main role. The
top fine role is always given; a second one when its probability relative to the first
passes ``second_ratio`` (tuned on out-of-fold predictions). Mentions of the same
entity in an article (``canonical_key``: gazetteer id, else the lower-cased string)
share part of their probabilities (``entity_mix``).

Optional stacker (``stack``): a document-level head predicts the article's coarse
narratives (subtask-2 labels of the same training release) from its bag of words, and a
small multinomial logistic regression re-decides the main role from the linear heads'
log probabilities, those narrative probabilities and their cross with the entity's side
(RU / UA / WEST / ...). It is fit on out-of-fold scores and kept only when CV improves.
With ``knn`` it also reads the main-role shares among the nearest training mentions in
word-vector space (out of fold in CV; the shipped model stores the training rows'
vectors and roles), kept only when that raises the stacker's CV accuracy.
scikit-learn is needed here only; inference is numpy/scipy.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from .. import __version__
from ..backends.framing.features import (
    article_features,
    canonical_key,
    doc_row,
    entity_side,
    featurize_article,
)
from ..backends.framing.model import (
    FINE_ROLES,
    MAIN_ROLES,
    RoleModel,
    decode,
    default_model_dir,
    feature_kwargs,
    knn_log_probs,
    knn_rows,
    stack_features,
)
from ..document import SCHEMA_VERSION
from ..errors import MissingExtraError
from ..semeval.framing_metrics import exact_match_ratio, main_role_accuracy
from ..semeval.subtask1 import Article, default_data_dir, load_train, read_text
from ..stages.segment import paragraph_offsets, sentence_offsets

LICENCE = (
    "trained on research-only SemEval/PolNeAR data; weights only, no text "
    "(SemEval-2025 Task 10 subtask 1 training data, and its subtask 2 narrative labels "
    "for the optional narrative head; research use); the optional static word vectors "
    "(models/static_vectors) are MIT, distilled from multilingual-e5-small"
)


@dataclass
class Matrix:
    X: sparse.csr_matrix
    main: np.ndarray  # int index into MAIN_ROLES
    fine: np.ndarray  # multi-hot (n, 22)
    groups: np.ndarray  # article index
    lang: np.ndarray  # language code per row
    evaluate: np.ndarray  # bool: row from train/ (not the extra RU release)
    entity_key: list[tuple[int, str]]  # (article index, canonical_key of the mention)
    X_neg: sparse.csr_matrix  # unframed candidate mentions (for the "framed" head)
    neg_groups: np.ndarray
    article_ids: list[str]  # per row
    sides: list[str]  # per row: the gazetteer side of the mention (RU, UA, WEST, ...)


def sentences_of(text: str, language: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_offsets(text):
        out.extend(sentence_offsets(text, p_start, p_end, language))
    return out


def _used_columns(X: sparse.csr_matrix, min_df: int) -> np.ndarray:
    df = np.bincount(X.indices, minlength=X.shape[1])
    used = np.flatnonzero(df >= min_df)
    return used if len(used) else np.flatnonzero(df)


def _sklearn_lr() -> Any:
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:
        raise MissingExtraError("training the framing model", "train", "scikit-learn") from e
    return LogisticRegression


def negative_spans(
    text: str,
    lang: str,
    sents: Sequence[tuple[int, int]],
    gold: Sequence[tuple[int, int, str]],
    *,
    max_negatives: int = 8,
) -> list[tuple[int, int]]:
    """Mentions found by entities.rules.v1 that gold does not frame.

    A candidate is a negative when it overlaps no gold mention and its string is not
    the string of a gold mention of the same article (annotators mark framed entities
    but not every repeat of them)."""
    from ..backends.entities.rules import find_mentions, merge

    gold_strings = {g[2].lower().strip() for g in gold}
    out = []
    for ent in merge(find_mentions(text, lang, sents)):
        for m in ent.mentions:
            if any(m.start < ge and gs < m.end for gs, ge, _ in gold):
                continue
            if text[m.start : m.end].lower().strip() in gold_strings:
                continue
            out.append((m.start, m.end))
    if len(out) > max_negatives:  # an even spread, deterministic
        step = len(out) / max_negatives
        out = [out[int(i * step)] for i in range(max_negatives)]
    return out


def build_matrix(articles: Sequence[Article], *, bits: int, **feat_kw: Any) -> Matrix:
    blocks, mains, fines, groups, langs, evals, keys = [], [], [], [], [], [], []
    ids: list[str] = []
    sides: list[str] = []
    neg_blocks, neg_groups = [], []
    for ai, art in enumerate(articles):
        rows = [r for r in art.mentions if r.main_role in MAIN_ROLES]
        if not rows:
            continue
        lang = art.language.lower()
        sents = sentences_of(art.text, lang)
        negs = negative_spans(art.text, lang, sents, [(r.start, r.end, r.mention) for r in rows])
        X = featurize_article(
            art.text, lang, sents, [(r.start, r.end) for r in rows] + negs, bits=bits, **feat_kw
        )
        blocks.append(X[: len(rows)])
        if negs:
            neg_blocks.append(X[len(rows) :])
            neg_groups.extend([ai] * len(negs))
        for r in rows:
            mains.append(MAIN_ROLES.index(r.main_role))  # type: ignore[arg-type]
            vec = np.zeros(len(FINE_ROLES), dtype=np.int8)
            for f in r.fine_roles:
                if f in FINE_ROLES:
                    vec[FINE_ROLES.index(f)] = 1
            fines.append(vec)
            groups.append(ai)
            langs.append(art.language)
            evals.append(art.source == "train")
            keys.append((ai, canonical_key(r.mention, lang)))
            ids.append(art.id)
            sides.append(entity_side(r.mention, lang))
    return Matrix(
        sparse.vstack(blocks).tocsr(),
        np.array(mains),
        np.vstack(fines),
        np.array(groups),
        np.array(langs),
        np.array(evals),
        keys,
        sparse.vstack(neg_blocks).tocsr(),
        np.array(neg_groups),
        ids,
        sides,
    )


def fit_model(
    X: sparse.csr_matrix,
    main: np.ndarray,
    fine: np.ndarray,
    *,
    C_main: float,
    C_fine: float,
    min_df: int = 2,
    balanced: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit the two logistic regressions; returns (W_main, b_main, W_fine, b_fine)."""
    LogisticRegression = _sklearn_lr()

    dim = X.shape[1]
    used = _used_columns(X, min_df)  # fit on columns seen in >= min_df rows (memory, speed)
    X = X[:, used]
    m = LogisticRegression(C=C_main, max_iter=300, class_weight="balanced" if balanced else None)
    m.fit(X, main)
    W_main = np.zeros((dim, len(MAIN_ROLES)), dtype=np.float32)
    b_main = np.full(len(MAIN_ROLES), -30.0, dtype=np.float32)
    W_main[np.ix_(used, m.classes_)] = m.coef_.T
    b_main[m.classes_] = m.intercept_
    # fine roles: one multinomial model over the (first) gold fine role; rows with
    # several gold fine roles are repeated once per role.
    rr, yy = [], []
    for i in range(fine.shape[0]):
        for j in np.flatnonzero(fine[i]):
            rr.append(i)
            yy.append(j)
    f = LogisticRegression(C=C_fine, max_iter=300)
    f.fit(X[np.array(rr)], np.array(yy))
    W_fine = np.zeros((dim, len(FINE_ROLES)), dtype=np.float32)
    b_fine = np.full(len(FINE_ROLES), -30.0, dtype=np.float32)
    W_fine[np.ix_(used, f.classes_)] = f.coef_.T
    b_fine[f.classes_] = f.intercept_
    return W_main, b_main, W_fine, b_fine


def fit_framed(
    X_pos: sparse.csr_matrix,
    X_neg: sparse.csr_matrix,
    *,
    C: float,
    min_df: int = 2,
    max_column: int | None = None,
    dense_weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Binary "is this mention framed" head: gold mentions vs other candidates. With
    ``max_column`` (``2**bits``) the dense word-vector columns from it on are scaled by
    ``dense_weight`` for the fit (a stronger penalty on them) and their weights by the
    same factor afterwards; ``dense_weight`` 0: they keep a zero weight."""
    LogisticRegression = _sklearn_lr()

    X = sparse.vstack([X_pos, X_neg]).tocsr()
    y = np.r_[np.ones(X_pos.shape[0]), np.zeros(X_neg.shape[0])]
    dim = X.shape[1]
    used = _used_columns(X, min_df)
    if max_column is not None and dense_weight <= 0:
        used = used[used < max_column]
    elif max_column is not None:
        X = X @ sparse.diags(np.where(np.arange(dim) < max_column, 1.0, dense_weight))
    clf = LogisticRegression(C=C, max_iter=300, class_weight="balanced")
    clf.fit(X[:, used], y)
    W = np.zeros((dim, 1), dtype=np.float32)
    W[used, 0] = clf.coef_[0]
    if max_column is not None:
        W[max_column:] *= max(dense_weight, 0.0)
    return W, np.array([clf.intercept_[0]], dtype=np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def entity_smooth(P: np.ndarray, keys: Sequence[tuple[int, str]], mix: float) -> np.ndarray:
    """Mix each row with the mean of the rows sharing its (article, mention) key."""
    if mix <= 0:
        return P
    idx: dict[tuple[int, str], list[int]] = {}
    for i, k in enumerate(keys):
        idx.setdefault(k, []).append(i)
    out = P.copy()
    for rows in idx.values():
        if len(rows) > 1:
            out[rows] = (1 - mix) * P[rows] + mix * P[rows].mean(axis=0)
    return out


def oof_probs(
    mat: Matrix,
    *,
    folds: int,
    C_main: float,
    C_fine: float,
    C_framed: float | None = None,
    balanced: bool = True,
    seed: int = 0,
    framed_vectors: tuple[int, float] | None = None,
    roles: bool = True,
) -> dict[str, np.ndarray]:
    """Out-of-fold probabilities (GroupKFold by article): ``main``, ``fine`` and, with
    ``C_framed``, ``framed_pos`` / ``framed_neg`` (framed head on gold / candidates;
    ``framed_vectors``: first dense column and its weight, see :func:`framed_vectors`).
    Without ``roles`` only the framed head is fit (``main`` / ``fine`` stay zero)."""
    from sklearn.model_selection import GroupKFold

    n = mat.X.shape[0]
    out = {
        "main": np.zeros((n, len(MAIN_ROLES))),
        "fine": np.zeros((n, len(FINE_ROLES))),
        "framed_pos": np.zeros(n),
        "framed_neg": np.zeros(mat.X_neg.shape[0]),
    }
    gkf = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for tr, te in gkf.split(mat.X, mat.main, mat.groups):
        if roles:
            Wm, bm, Wf, bf = fit_model(
                mat.X[tr], mat.main[tr], mat.fine[tr], C_main=C_main, C_fine=C_fine,
                balanced=balanced,
            )  # fmt: skip
            out["main"][te] = _softmax(np.asarray(mat.X[te] @ Wm) + bm)
            out["fine"][te] = _softmax(np.asarray(mat.X[te] @ Wf) + bf)
        if C_framed is not None:
            test_groups = set(mat.groups[te].tolist())
            neg_te = np.isin(mat.neg_groups, list(test_groups))
            W, b = fit_framed(mat.X[tr], mat.X_neg[~neg_te], C=C_framed, **_fv_kw(framed_vectors))
            out["framed_pos"][te] = _sigmoid(np.asarray(mat.X[te] @ W)[:, 0] + b[0])
            out["framed_neg"][neg_te] = _sigmoid(np.asarray(mat.X_neg[neg_te] @ W)[:, 0] + b[0])
    return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def tune_framed_threshold(pos: np.ndarray, neg: np.ndarray) -> tuple[float, dict[str, float]]:
    """Threshold maximising F1 of framed-vs-not on out-of-fold scores."""
    best: tuple[float, float, dict[str, float]] = (0.0, 0.5, {})
    for t in np.linspace(0.05, 0.95, 37):
        tp = float((pos >= t).sum())
        fp = float((neg >= t).sum())
        fn = float((pos < t).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0]:
            best = (f1, float(t), {"precision": round(p, 4), "recall": round(r, 4),
                                   "f1": round(f1, 4)})  # fmt: skip
    return best[1], best[2]


def evaluate(
    mat: Matrix,
    Pm: np.ndarray,
    Pf: np.ndarray,
    *,
    entity_mix: float,
    second_ratio: float,
    fine_mix: float = 0.0,
) -> dict[str, dict[str, float]]:
    Pm = entity_smooth(Pm, mat.entity_key, entity_mix)
    Pf = entity_smooth(Pf, mat.entity_key, entity_mix)
    preds = [
        decode(Pm[i], Pf[i], second_ratio=second_ratio, fine_mix=fine_mix) for i in range(len(Pm))
    ]
    out: dict[str, dict[str, float]] = {}
    for lang in sorted(set(mat.lang.tolist())):
        sel = np.flatnonzero((mat.lang == lang) & mat.evaluate)
        gold_main = [MAIN_ROLES[mat.main[i]] for i in sel]
        gold_fine = [[FINE_ROLES[j] for j in np.flatnonzero(mat.fine[i])] for i in sel]
        out[lang] = {
            "n": len(sel),
            "main_role_accuracy": round(
                main_role_accuracy(gold_main, [preds[i][0] for i in sel]), 4
            ),
            "exact_match_ratio": round(
                exact_match_ratio(gold_fine, [[f for f, _ in preds[i][2]] for i in sel]), 4
            ),
        }
    langs = [v for v in out.values()]
    out["mean"] = {
        "n": int(sum(v["n"] for v in langs)),
        "main_role_accuracy": round(float(np.mean([v["main_role_accuracy"] for v in langs])), 4),
        "exact_match_ratio": round(float(np.mean([v["exact_match_ratio"] for v in langs])), 4),
    }
    return out


# -- document narratives and the stacker ---------------------------------------------
@dataclass
class NarrativeDocs:
    """Articles with subtask-2 (narrative) annotations: hashed ``D=`` rows and the
    multi-hot coarse narratives (``URW: ...``, ``CC: ...``, ``Other``)."""

    ids: list[str]
    X: sparse.csr_matrix
    Y: np.ndarray
    classes: list[str]


def load_narrative_docs(data_dir: Path | None, *, bits: int) -> NarrativeDocs:
    """All training articles with subtask-2 annotations (``train/<L>`` first, then the
    reconstructed Russian release for articles ``train/RU`` lacks)."""
    data_dir = data_dir or default_data_dir()
    labels: dict[str, set[str]] = {}
    where: dict[str, tuple[Path, str]] = {}
    dirs = sorted((data_dir / "train").glob("*/subtask-2-annotations.txt"))
    dirs += sorted(
        (data_dir / "train_RU_19Jan2025_reconstructed").glob("*/subtask-2-annotations.txt")
    )
    for ann in dirs:
        with open(ann, encoding="utf-8", newline="") as f:
            for line in f:
                cols = line.rstrip("\r\n").split("\t")
                if len(cols) < 2 or cols[0] in labels:
                    continue
                doc = ann.parent / "raw-documents" / cols[0]
                if not doc.exists():
                    continue
                labels[cols[0]] = {n.strip() for n in cols[1].split(";") if n.strip()}
                where[cols[0]] = (doc, ann.parent.name.lower())
    ids = sorted(labels)
    classes = sorted({n for v in labels.values() for n in v})
    rows = []
    for aid in ids:
        path, lang = where[aid]
        rows.append(doc_row(article_features(read_text(path), lang, []), bits))
    Y = np.array([[c in labels[a] for c in classes] for a in ids], dtype=np.int8)
    return NarrativeDocs(ids, sparse.vstack(rows).tocsr(), Y, classes)


def fit_narratives(
    X: sparse.csr_matrix, Y: np.ndarray, *, C: float
) -> tuple[np.ndarray, np.ndarray]:
    """One binary logistic regression per narrative over the article rows; a narrative
    with fewer than 2 positives gets its base rate as a constant."""
    LogisticRegression = _sklearn_lr()
    used = _used_columns(X, 2)
    Xu = X[:, used]
    W = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
    b = np.zeros(Y.shape[1], dtype=np.float32)
    for j in range(Y.shape[1]):
        pos = int(Y[:, j].sum())
        if pos < 2 or pos > len(Y) - 2:
            rate = min(max(pos / max(1, len(Y)), 1e-3), 1 - 1e-3)
            b[j] = np.log(rate / (1 - rate))
            continue
        clf = LogisticRegression(C=C, max_iter=1000, solver="liblinear").fit(Xu, Y[:, j])
        W[used, j] = clf.coef_[0]
        b[j] = clf.intercept_[0]
    return W, b


def fit_stack(X: np.ndarray, y: np.ndarray, *, C: float) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression of the main role over :func:`stack_features`."""
    LogisticRegression = _sklearn_lr()
    m = LogisticRegression(C=C, max_iter=3000).fit(X, y)
    W = np.zeros((X.shape[1], len(MAIN_ROLES)), dtype=np.float32)
    b = np.full(len(MAIN_ROLES), -30.0, dtype=np.float32)
    if len(m.classes_) == 2:  # binary: one logit for the second class against the first
        b[m.classes_[0]] = 0.0
        W[:, m.classes_[1]] = m.coef_[0]
        b[m.classes_[1]] = m.intercept_[0]
    else:
        W[:, m.classes_] = m.coef_.T
        b[m.classes_] = m.intercept_
    return W, b


def knn_oof(
    mat: Matrix, folds: Sequence[tuple[np.ndarray, np.ndarray]], *, bits: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold nearest-neighbour inputs of the stacker (:func:`knn_log_probs`: each
    fold's rows against the other folds' rows) and the stored training rows
    (:func:`knn_rows` of the word-vector columns)."""
    E = knn_rows(mat.X[:, 1 << bits :].toarray())
    out = np.zeros((E.shape[0], len(MAIN_ROLES)))
    for tr, te in folds:
        out[te] = knn_log_probs(E[te], E[tr], mat.main[tr], k)
    return out, E


def row_narratives(
    mat: Matrix, docs: NarrativeDocs, folds: Sequence[tuple[np.ndarray, np.ndarray]], *, C: float
) -> np.ndarray:
    """Out-of-fold narrative probabilities of each row's article: for each fold, the
    narrative head is fit on every annotated article outside the fold's articles."""
    pos = {a: i for i, a in enumerate(docs.ids)}
    row_doc = np.array([pos.get(a, -1) for a in mat.article_ids])
    out = np.zeros((len(row_doc), len(docs.classes)))
    for _, te in folds:
        test_docs = set(row_doc[te].tolist()) - {-1}
        keep = np.array([i not in test_docs for i in range(len(docs.ids))])
        W, b = fit_narratives(docs.X[keep], docs.Y[keep], C=C)
        sel = te[row_doc[te] >= 0]
        if len(sel):
            out[sel] = _sigmoid(np.asarray(docs.X[row_doc[sel]] @ W) + b)
        out[te[row_doc[te] < 0]] = _sigmoid(b)  # an article without annotations: priors
    return out


DEFAULTS: dict[str, Any] = {
    "bits": 19,
    "C_main": 1.0,
    "C_fine": 4.0,
    "C_framed": 1.0,
    "balanced": False,  # main-role head without class weights
    "entity_mix": 0.5,
    "second_ratio": 0.6,
    "framed_threshold": 0.5,
    "lang_features": True,
    "lang_weight": 0.5,  # value of the per-language copy of a feature
    "feature_set": 2,
    "fine_mix": 0.25,  # share of fine-role probabilities (summed per main role)
    "stack": True,  # narrative x side stacker over the linear heads (kept if CV improves)
    "C_narr": 10.0,
    "C_stack": 1.0,
    # static word vectors (models/static_vectors, narrascope.train.static_vectors): the
    # mention's, its +-8 words' and its sentence's mean vectors as dense columns
    "vectors": "static_vectors",
    "vector_weight": 1.0,
    "vector_window": 8,
    # weight of the word-vector columns in the framed head (abstention), relative to the
    # role heads: 0 (False) = hashed columns only, 1 (True) = as the role heads. With
    # full weight, places listed in passing were called framed. Models saved without
    # this key used the vectors in every head.
    "framed_vectors": 0.25,
    # stacker input: main-role shares among the k training mentions nearest to the
    # mention in word-vector space (0 = off; needs vectors and the stacker; kept only
    # when it raises the stacker's CV main-role accuracy)
    "knn": 20,
}


def framed_vectors(params: dict[str, Any]) -> tuple[int, float] | None:
    """(first word-vector column = ``2**bits``, weight of those columns in the framed
    head) when the params have vectors and ``framed_vectors`` is below 1, else None
    (every column at full weight, as models saved before the option)."""
    w = float(params.get("framed_vectors", 1.0))
    if params.get("vectors") and w < 1.0:
        return 1 << int(params["bits"]), max(w, 0.0)
    return None


def _fv_kw(fv: tuple[int, float] | None) -> dict[str, Any]:
    return {} if fv is None else {"max_column": fv[0], "dense_weight": fv[1]}


def data_digest(articles: Sequence[Article]) -> str:
    h = hashlib.sha256()
    for a in sorted(articles, key=lambda a: a.id):
        h.update(a.id.encode())
        for r in a.mentions:
            h.update(f"{r.start}:{r.end}:{r.main_role}:{','.join(r.fine_roles)}".encode())
    return "sha256:" + h.hexdigest()[:32]


def cross_validate(
    data_dir: Path | None = None,
    *,
    folds: int = 5,
    params: dict[str, Any] | None = None,
    tune: bool = False,
    oof_out: Path | None = None,
    oof_in: Path | None = None,
) -> dict[str, Any]:
    """Per-language CV figures (GroupKFold by article) of the recipe.

    With ``tune`` the decoding parameters (``entity_mix``, ``second_ratio``,
    ``fine_mix``) are chosen on the out-of-fold predictions and returned with the
    figures. ``oof_in`` reuses the out-of-fold scores saved by an earlier run with the
    same features and C values (``oof_out``) instead of refitting the heads. With
    ``stack`` the narrative x side stacker is cross-validated on the same folds and kept
    (``params["stack"]``) only when it raises the mean main-role accuracy and keeps the
    mean EMR >= 0.30; its weights fit on all out-of-fold scores are returned under
    ``"_stack"`` (not JSON; :func:`train` stores them).
    """
    p = {**DEFAULTS, **(params or {})}
    articles = load_train(data_dir)
    mat = build_matrix(articles, **feature_kwargs(p))
    fv = framed_vectors(p)
    fv_key = np.array([-1.0, 1.0] if fv is None else [float(fv[0]), fv[1]])
    if oof_in is not None:
        with np.load(oof_in, allow_pickle=False) as z:
            if not np.array_equal(z["y"], mat.main):
                raise ValueError(f"{oof_in}: out-of-fold scores of other training rows")
            oof = {k: z[k] for k in ("main", "fine", "framed_pos", "framed_neg")}
            # caches without the key: the framed head saw every column at full weight
            cached = z["framed_vectors"] if "framed_vectors" in z else np.array([-1.0, 1.0])
        if not np.array_equal(cached, fv_key):  # refit the framed head only
            oof.update(
                {k: v for k, v in oof_probs(
                    mat, folds=folds, C_main=p["C_main"], C_fine=p["C_fine"],
                    C_framed=p["C_framed"], framed_vectors=fv, roles=False,
                ).items() if k.startswith("framed_")}
            )  # fmt: skip
    else:
        oof = oof_probs(
            mat, folds=folds, C_main=p["C_main"], C_fine=p["C_fine"], C_framed=p["C_framed"],
            balanced=p["balanced"], framed_vectors=fv,
        )  # fmt: skip
    Pm, Pf = oof["main"], oof["fine"]
    if oof_out is not None:  # cache for cheap experiments on the decoding
        np.savez_compressed(
            oof_out, main=Pm, fine=Pf, y=mat.main, fine_y=mat.fine, groups=mat.groups,
            lang=mat.lang, evaluate=mat.evaluate, framed_pos=oof["framed_pos"],
            framed_neg=oof["framed_neg"], framed_vectors=fv_key,
        )  # fmt: skip
    thr, framed_metrics = tune_framed_threshold(oof["framed_pos"], oof["framed_neg"])
    p["framed_threshold"] = round(thr, 3)
    if tune:
        best = None
        grid = itertools.product(
            sorted({0.0, 0.25, 0.5, float(p["fine_mix"])}),
            (0.0, 0.3, 0.5, 0.7, 1.0),
            (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01),
        )
        for fmix, mix, ratio in grid:
            res = evaluate(mat, Pm, Pf, entity_mix=mix, second_ratio=ratio, fine_mix=fmix)
            key = res["mean"]["main_role_accuracy"] + res["mean"]["exact_match_ratio"]
            if best is None or key > best[0]:
                best = (key, mix, ratio, fmix)
        assert best is not None
        p["entity_mix"], p["second_ratio"], p["fine_mix"] = best[1], best[2], best[3]
    res = evaluate(
        mat, Pm, Pf, entity_mix=p["entity_mix"], second_ratio=p["second_ratio"],
        fine_mix=p["fine_mix"],
    )  # fmt: skip
    out: dict[str, Any] = {
        "folds": folds,
        "params": p,
        "per_language": res,
        "framed_detection": {"threshold": round(thr, 3), **framed_metrics},
    }
    if p.get("stack"):
        out.update(_cross_validate_stack(data_dir, mat, Pm, Pf, p, res, folds=folds))
    return out


def _cross_validate_stack(
    data_dir: Path | None,
    mat: Matrix,
    Pm: np.ndarray,
    Pf: np.ndarray,
    p: dict[str, Any],
    linear: dict[str, dict[str, float]],
    *,
    folds: int,
) -> dict[str, Any]:
    """The stacker's CV figures on the folds of :func:`oof_probs`; sets ``p["stack"]``."""
    from sklearn.model_selection import GroupKFold

    splits = list(
        GroupKFold(n_splits=folds, shuffle=True, random_state=0).split(mat.X, mat.main, mat.groups)
    )
    docs = load_narrative_docs(data_dir, bits=int(p["bits"]))
    N = row_narratives(mat, docs, splits, C=p["C_narr"])
    PmS = entity_smooth(Pm, mat.entity_key, p["entity_mix"])
    PfS = entity_smooth(Pf, mat.entity_key, p["entity_mix"])
    Xs = stack_features(PmS, PfS, N, mat.sides)

    def cv(X: np.ndarray) -> dict[str, dict[str, float]]:
        Ps = np.zeros_like(Pm)
        for tr, te in splits:
            W, b = fit_stack(X[tr], mat.main[tr], C=p["C_stack"])
            Ps[te] = _softmax(X[te] @ W + b)
        return evaluate(mat, Ps, PfS, entity_mix=0.0, second_ratio=p["second_ratio"], fine_mix=0.0)

    res = cv(Xs)
    out: dict[str, Any] = {"per_language_linear": linear, "per_language_stack": res}
    knn: dict[str, np.ndarray] = {}
    if int(p.get("knn") or 0) > 0 and p.get("vectors"):
        K, E = knn_oof(mat, splits, bits=int(p["bits"]), k=int(p["knn"]))
        res_knn = cv(np.hstack([Xs, K]))
        out["per_language_stack_knn"] = res_knn
        acc = res_knn["mean"]["main_role_accuracy"]
        if acc > res["mean"]["main_role_accuracy"] and res_knn["mean"]["exact_match_ratio"] >= 0.30:
            res, Xs = res_knn, np.hstack([Xs, K])
            knn = {"knn_E": E, "knn_y": mat.main.astype(np.int8)}
    if not knn:
        p["knn"] = 0
    gain = res["mean"]["main_role_accuracy"] > linear["mean"]["main_role_accuracy"]
    p["stack"] = bool(gain and res["mean"]["exact_match_ratio"] >= 0.30)
    if p["stack"]:
        out["per_language"] = res
        W, b = fit_stack(Xs, mat.main, C=p["C_stack"])
        out["_stack"] = {"W": W, "b": b, **knn}
    else:
        p["knn"] = 0
    return out


def train(
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    *,
    params: dict[str, Any] | None = None,
    cv_metrics: dict[str, Any] | None = None,
    stack: dict[str, np.ndarray] | None = None,
    recipe: str | None = None,
) -> Path:
    """Fit on all training data and write ``weights.npz`` + ``meta.json``; with
    ``stack`` (the stacker fit on out-of-fold scores by :func:`cross_validate`) also
    the document narrative head, fit on every narrative-annotated article."""
    p = {**DEFAULTS, **(params or {})}
    articles = load_train(data_dir)
    mat = build_matrix(articles, **feature_kwargs(p))
    Wm, bm, Wf, bf = fit_model(
        mat.X, mat.main, mat.fine, C_main=p["C_main"], C_fine=p["C_fine"], balanced=p["balanced"]
    )
    Wd, bd = fit_framed(mat.X, mat.X_neg, C=p["C_framed"], **_fv_kw(framed_vectors(p)))
    model = RoleModel.from_dense(Wm, bm, Wf, bf, W_framed=Wd, b_framed=bd, **p)
    narr_info: dict[str, Any] = {}
    if p.get("stack") and stack is not None:
        docs = load_narrative_docs(data_dir, bits=int(p["bits"]))
        Wn, bn = fit_narratives(docs.X, docs.Y, C=p["C_narr"])
        model.set_stack(Wn, bn, stack["W"], stack["b"], docs.classes)
        if int(p.get("knn") or 0) > 0 and "knn_E" in stack:
            model.set_knn(stack["knn_E"], stack["knn_y"])
        else:
            p["knn"] = 0
        h = hashlib.sha256()
        for aid, row in zip(docs.ids, docs.Y, strict=True):
            h.update(f"{aid}:{''.join(map(str, row.tolist()))}".encode())
        narr_info = {
            "narrative_articles": len(docs.ids),
            "narratives_digest": "sha256:" + h.hexdigest()[:32],
        }
    else:
        p["stack"], p["knn"] = False, 0
    out = Path(out_dir) if out_dir else default_model_dir()
    meta = {
        "name": "framing.linear.v1",
        "narrascope_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%d"),
        "training_data": {
            "corpus": "SemEval-2025 Task 10 subtask 1 train (EN BG PT HI RU) + "
            "train_RU_19Jan2025_reconstructed (articles not in train/RU)",
            "articles": len(articles),
            "mentions": int(mat.X.shape[0]),
            "digest": data_digest(articles),
            **narr_info,
        },
        "params": p,
        "cv_metrics": cv_metrics,
        "licence": LICENCE,
    }
    if recipe:
        meta["recipe"] = recipe
    model.save(out, meta)
    return out


def main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - thin CLI
    import argparse

    ap = argparse.ArgumentParser(prog="python -m narrascope.train.framing")
    ap.add_argument("command", choices=["train", "cv"])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--params", type=str, default="{}", help="JSON overrides of DEFAULTS")
    ap.add_argument("--no-cv", action="store_true", help="train with DEFAULTS, skip tuning")
    ap.add_argument("--oof", type=Path, default=None, help="save out-of-fold scores (.npz)")
    ap.add_argument(
        "--oof-in", type=Path, default=None, help="reuse out-of-fold scores saved by --oof"
    )
    args = ap.parse_args(argv)
    params = json.loads(args.params)
    recipe = " ".join(["python -m narrascope.train.framing", *(argv or sys.argv[1:])])
    if args.command == "train" and args.no_cv:
        print(f"wrote {train(args.data, args.out, params=params, recipe=recipe)}")
    else:
        res = cross_validate(
            args.data, folds=args.folds, params=params, tune=True, oof_out=args.oof,
            oof_in=args.oof_in,
        )  # fmt: skip
        stack = res.pop("_stack", None)
        print(json.dumps(res, indent=2))
        if args.command == "train":
            out = train(
                args.data, args.out, params=res["params"], cv_metrics=res, stack=stack,
                recipe=recipe,
            )  # fmt: skip
            print(f"wrote {out}")


def attach_cv(model_dir: Path, cv_result: dict[str, Any]) -> None:
    """Write the decoding thresholds tuned on out-of-fold predictions
    (``framed_threshold``, ``entity_mix``, ``second_ratio``, ``fine_mix``) and the CV
    figures into a model's ``meta.json`` (the weights do not depend on them)."""
    path = Path(model_dir) / "meta.json"
    meta = json.loads(path.read_text("utf-8"))
    for key in ("framed_threshold", "entity_mix", "second_ratio", "fine_mix"):
        if key in cv_result["params"]:
            meta["params"][key] = cv_result["params"][key]
    meta["cv_metrics"] = cv_result
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":  # pragma: no cover
    main()
