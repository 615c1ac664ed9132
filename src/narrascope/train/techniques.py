"""Training recipe of the default persuasion-technique model (``techniques.linear.v1``).

Pooled over the six SemEval-2023 Task 3 languages: one logistic regression per
technique (scikit-learn, training only) on hashed paragraph features
(:mod:`narrascope.backends.techniques.features`, settings ``FEATURES``); per-language
decision thresholds tuned on out-of-fold probabilities to maximise paragraph micro-F1,
shrunk towards the pooled thresholds (``THRESHOLD_SHRINK``); cue-phrase lexicons for
span placement mined from the gold spans. Writes ``weights.npz``, ``model.json`` and
``meta.json`` into ``src/narrascope/models/techniques/``.

Usage: ``narrascope techniques train`` (or ``python -m narrascope.train.techniques``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..backends.techniques.features import _WORD, FeatureConfig, Featurizer
from ..backends.techniques.model import (
    LinearScorer,
    TechniqueModel,
    cue_features,
    sigmoid,
    stack_features,
    stack_transform,
)
from ..document import SCHEMA_VERSION
from ..techniques_harness import LANGS, Article, micro_f1, read_language, trimmed

MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "techniques"
TAXONOMY = Path(__file__).resolve().parents[1] / "taxonomy" / "techniques.json"
EPOCHS = 5
#: Feature settings of the shipped model: the character 4-gram block weighted 1.5 against
#: the word block (round 5; w_char 1.0 before, 0.5 and 2.0 were worse in CV) and the
#: article's word unigrams on every paragraph row, weighted 0.5 (round 6; w_doc 0 before,
#: 0.3, 0.75 and 1.0 were lower in CV).
FEATURES = FeatureConfig(w_char=1.5, w_doc=0.5)
#: Second stage: what it reads of the first stage (see model.STACK_INPUTS) and the
#: inverse L2 strength of its logistic regressions.
STACK_INPUT = "logit"
STACK_C = 1.0
#: Per-language thresholds are shrunk towards the pooled ones: this weight on the
#: language's own thresholds, the rest on the pooled thresholds (round 5; 1.0 before).
THRESHOLD_SHRINK = 0.75
SPAN_LEXICON_TECHNIQUES = ("Loaded_Language", "Name_Calling-Labeling")
#: Techniques whose cue-lexicon hits are extra stacker inputs (round 3).
STACK_CUE_FEATURES = SPAN_LEXICON_TECHNIQUES
# techniques with a mined cue lexicon read only by the stacker (model.json
# "stack_lexicons"; round 8): their cues place no spans
STACK_LEXICON_TECHNIQUES = (
    "Doubt", "Questioning_the_Reputation", "Appeal_to_Fear-Prejudice",
    "Exaggeration-Minimisation", "Appeal_to_Hypocrisy", "Flag_Waving", "Conversation_Killer",
    "Appeal_to_Values", "Slogans", "Guilt_by_Association", "Repetition",
    "Causal_Oversimplification",
)  # fmt: skip
LICENCE = (
    "trained on research-only SemEval/PolNeAR data; weights only, no text "
    "(SemEval-2023 Task 3 training split, research use only)"
)


def taxonomy() -> tuple[list[str], dict[str, str]]:
    spec = json.loads(TAXONOMY.read_text("utf-8"))
    labels = [t["name"] for t in spec["techniques"]]
    return labels, {t["name"]: t["category"] for t in spec["techniques"]}


@dataclass
class Corpus:
    """Paragraph rows of a set of articles."""

    articles: list[Article]
    keys: list[tuple[int, int]]  # (article index, line_no)
    texts: list[str]
    langs: np.ndarray  # ISO code per row
    groups: np.ndarray  # article index per row
    y: np.ndarray  # (n_rows, n_labels) bool


def paragraphs_of(art: Article) -> tuple[list[int], list[tuple[int, int]]]:
    nos, offs = [], []
    for no, s, e in art.lines():
        nos.append(no)
        offs.append(trimmed(art.text, s, e))
    return nos, offs


def make_corpus(articles: Sequence[Article], labels: Sequence[str]) -> Corpus:
    index = {t: k for k, t in enumerate(labels)}
    keys, texts, langs, groups, ys = [], [], [], [], []
    for ai, art in enumerate(articles):
        nos, offs = paragraphs_of(art)
        for no, (s, e) in zip(nos, offs, strict=True):
            keys.append((ai, no))
            texts.append(art.text[s:e])
            langs.append(art.lang)
            groups.append(ai)
            row = np.zeros(len(labels), bool)
            for t in art.labels.get(no, []):
                if t in index:
                    row[index[t]] = True
            ys.append(row)
    y = np.vstack(ys) if ys else np.zeros((0, len(labels)), bool)
    return Corpus(list(articles), keys, texts, np.asarray(langs), np.asarray(groups), y)


def featurize(corpus: Corpus, featurizer: Featurizer) -> Any:
    """CSR matrix of all paragraph rows (article by article, in corpus order)."""
    from scipy import sparse

    d = 1 << featurizer.config.bits
    rows, cols, vals = [], [], []
    offset = 0
    by_article: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(corpus.groups):
        by_article[int(g)].append(i)
    for ai in sorted(by_article):
        idx = by_article[ai]
        art = corpus.articles[ai]
        r = featurizer.transform([corpus.texts[i] for i in idx], art.lang)
        if idx != list(range(offset, offset + len(idx))):
            raise ValueError("corpus rows must be grouped by article in order")
        rows.append(r.rows + offset)
        cols.append(r.cols)
        vals.append(r.vals)
        offset += len(idx)
    x = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(offset, d),
        dtype=np.float32,
    )
    x.sum_duplicates()
    return x


def fit_scorer(
    x: Any, y: np.ndarray, *, alpha: float = 2e-5, epochs: int = EPOCHS, seed: int = 0
) -> LinearScorer:
    """One averaged-SGD logistic regression per label; keeps rows of buckets seen in x."""
    from sklearn.linear_model import SGDClassifier

    n_labels = y.shape[1]
    used = np.unique(x.indices)
    w = np.zeros((len(used), n_labels), np.float32)
    b = np.zeros(n_labels, np.float32)
    for k in range(n_labels):
        yk = y[:, k]
        if yk.sum() == 0:
            b[k] = -12.0
            continue
        clf = SGDClassifier(
            loss="log_loss", alpha=alpha, max_iter=epochs, tol=None, average=True,
            random_state=seed,
        )  # fmt: skip
        clf.fit(x, yk)
        w[:, k] = clf.coef_[0][used]
        b[k] = clf.intercept_[0]
    return LinearScorer(used.astype(np.int64), w, b)


def stack_matrix(
    corpus: Corpus, proba: np.ndarray, config: FeatureConfig, stack_input: str = STACK_INPUT
) -> np.ndarray:
    """Second-stage inputs for every row, article by article (see stack_features)."""
    proba = stack_transform(proba, stack_input)
    langs = list(config.languages)
    out = np.zeros((len(proba), 0), np.float32)
    parts = []
    for ai in np.unique(corpus.groups):
        idx = np.flatnonzero(corpus.groups == ai)
        lang = corpus.articles[int(ai)].lang
        li = langs.index(lang) if lang in langs else len(langs)
        lengths = [len(corpus.texts[i]) for i in idx]
        parts.append((idx, stack_features(proba[idx], lengths, li, len(langs))))
    if parts:
        out = np.zeros((len(proba), parts[0][1].shape[1]), np.float32)
        for idx, f in parts:
            out[idx] = f
    return out


def fit_stacker(
    s: np.ndarray, y: np.ndarray, *, c: float = STACK_C
) -> tuple[np.ndarray, np.ndarray]:
    """One L2 logistic regression per label on the second-stage inputs (lbfgs).

    An SGD stacker (alpha 1e-5, 10 epochs, default learning rate) was tried in round 3:
    its weights blow up on these few dense inputs and the probabilities saturate at 0/1
    (paragraph micro-F1 en 0.13 vs 0.35), so the stacker stays a logistic regression."""
    from sklearn.linear_model import LogisticRegression

    w = np.zeros((s.shape[1], y.shape[1]), np.float32)
    b = np.full(y.shape[1], -12.0, np.float32)
    for k in range(y.shape[1]):
        if y[:, k].sum() == 0:
            continue
        clf = LogisticRegression(C=c, max_iter=500)
        clf.fit(s, y[:, k])
        w[:, k] = clf.coef_[0]
        b[k] = clf.intercept_[0]
    return w, b


def decision(scorer: LinearScorer, x: Any) -> np.ndarray:
    """Scores of a CSR matrix (training-time twin of LinearScorer.decision)."""
    d = x.shape[1]
    full = np.zeros((d, scorer.weights.shape[1]), np.float32)
    full[scorer.buckets] = scorer.weights
    return np.asarray(x @ full) + scorer.bias


def article_folds(corpus: Corpus, n_folds: int, seed: int = 13) -> np.ndarray:
    """Fold id per article, balanced within each language."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(corpus.articles), np.int64)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(corpus.articles):
        by_lang[a.lang].append(i)
    for idx in by_lang.values():
        perm = rng.permutation(idx)
        for j, ai in enumerate(perm):
            fold[ai] = j % n_folds
    return fold


def tune_thresholds(
    proba: np.ndarray, y: np.ndarray, *, grid: Sequence[float] | None = None, rounds: int = 2
) -> np.ndarray:
    """Per-label thresholds maximising micro-F1 by coordinate ascent (start: 0.5)."""
    values = np.asarray(grid if grid is not None else np.arange(0.05, 0.951, 0.025))
    n_labels = y.shape[1]
    thr = np.full(n_labels, 0.5)
    pred = proba >= thr
    tp = int((pred & y).sum())
    npred = int(pred.sum())
    ngold = int(y.sum())

    def f1(tp_: int, np_: int) -> float:
        return 2 * tp_ / (np_ + ngold) if np_ + ngold else 0.0

    for _ in range(rounds):
        for k in range(n_labels):
            col_p, col_y = proba[:, k], y[:, k]
            cur = proba[:, k] >= thr[k]
            base_tp = tp - int((cur & col_y).sum())
            base_np = npred - int(cur.sum())
            best = (f1(tp, npred), thr[k])
            for t in values:
                m = col_p >= t
                cand = f1(base_tp + int((m & col_y).sum()), base_np + int(m.sum()))
                if cand > best[0] + 1e-9:
                    best = (cand, t)
            thr[k] = best[1]
            m = col_p >= thr[k]
            tp = base_tp + int((m & col_y).sum())
            npred = base_np + int(m.sum())
    return thr


def _alnum(word: str) -> int:
    return sum(ch.isalnum() for ch in word)


def mine_span_lexicons(
    articles: Sequence[Article],
    techniques: Sequence[str] = SPAN_LEXICON_TECHNIQUES,
    *,
    max_words: int = 3,
    min_inside: int = 2,
    min_precision: float = 0.25,
    max_per_technique: int = 5000,
) -> dict[str, dict[str, float]]:
    """Cue phrases (1-3 word tokens) for placing short spans: phrase -> precision.

    Precision = (occurrences lying inside a gold span of the technique) / (occurrences
    in the training text). Kept: at least ``min_inside`` occurrences inside spans, at
    least one token of 3+ letters, multi-word phrases start and end with a 4+ character
    token, precision >= ``min_precision``. Words and short
    n-grams only, no sentences.
    """
    inside: dict[str, Counter[str]] = {t: Counter() for t in techniques}
    total: Counter[str] = Counter()
    per_article = []
    for art in articles:
        toks = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(art.text)]
        covered: dict[str, np.ndarray] = {}
        for tech, s, e in art.spans:
            if tech in inside:
                mask = covered.setdefault(tech, np.zeros(len(art.text) + 1, np.int32))
                mask[s] += 1
                mask[e] -= 1
        cov = {t: np.cumsum(m)[:-1] > 0 for t, m in covered.items()}
        cum = {t: np.concatenate([[0], np.cumsum(~c)]) for t, c in cov.items()}
        per_article.append(toks)
        for n in range(1, max_words + 1):
            for i in range(len(toks) - n + 1):
                phrase = " ".join(t[2] for t in toks[i : i + n])
                s0, e0 = toks[i][0], toks[i + n - 1][1]
                for tech, c in cum.items():
                    if c[e0] - c[s0] == 0:  # every character inside a span
                        inside[tech][phrase] += 1
    candidates = {p for c in inside.values() for p, k in c.items() if k >= min_inside}
    for toks in per_article:
        for n in range(1, max_words + 1):
            for i in range(len(toks) - n + 1):
                phrase = " ".join(t[2] for t in toks[i : i + n])
                if phrase in candidates:
                    total[phrase] += 1
    out: dict[str, dict[str, float]] = {}
    for tech, counts in inside.items():
        cues = {}
        for ph, k in counts.items():
            words = ph.split()
            if k < min_inside or not any(sum(ch.isalpha() for ch in w) >= 3 for w in words):
                continue
            if len(words) > 1 and min(_alnum(words[0]), _alnum(words[-1])) < 4:
                continue  # "and islamic", "ideology of": no function words at the edges
            prec = k / max(total[ph], k)
            if prec >= min_precision:
                cues[ph] = round(prec, 3)
        best = sorted(cues.items(), key=lambda kv: (-kv[1], kv[0]))[:max_per_technique]
        out[tech] = dict(sorted(best))
    return out


CURATED_CUE_WEIGHT = 0.5


def curated_cues() -> dict[str, dict[str, float]]:
    """Team-written cue words of taxonomy/techniques.json, tokenised like the lexicon."""
    spec = json.loads(TAXONOMY.read_text("utf-8"))
    out: dict[str, dict[str, float]] = {}
    for t in spec["techniques"]:
        for words in (t.get("cues") or {}).values():
            for w in words:
                phrase = " ".join(m.group(0).lower() for m in _WORD.finditer(w))
                if phrase:
                    out.setdefault(t["name"], {})[phrase] = CURATED_CUE_WEIGHT
    return out


def span_lexicons(articles: Sequence[Article]) -> dict[str, dict[str, float]]:
    """Mined cue lexicon merged with the curated cues (the higher weight wins)."""
    mined = mine_span_lexicons(articles)
    for tech, cues in curated_cues().items():
        merged = mined.setdefault(tech, {})
        for phrase, w in cues.items():
            merged[phrase] = max(w, merged.get(phrase, 0.0))
        mined[tech] = dict(sorted(merged.items()))
    return mined


def stack_lexicons(
    articles: Sequence[Article], techniques: Sequence[str] = STACK_LEXICON_TECHNIQUES
) -> dict[str, dict[str, float]]:
    """The stacker-only cue lexicons: mined like the span lexicons (no curated cues),
    one per technique in ``techniques`` order (an empty dict when nothing was mined)."""
    if not techniques:
        return {}
    mined = mine_span_lexicons(articles, techniques)
    return {t: mined.get(t, {}) for t in techniques}


def corpus_digest(articles: Sequence[Article]) -> str:
    h = hashlib.sha256()
    for a in sorted(articles, key=lambda a: (a.lang, a.id)):
        h.update(f"{a.lang}:{a.id}:{len(a.text)}:".encode())
        h.update(hashlib.sha256(a.text.encode("utf-8")).digest())
        for no in sorted(a.labels):
            h.update(f"{no}={','.join(sorted(a.labels[no]))};".encode())
    return h.hexdigest()[:16]


def load_articles(langs: Sequence[str], data_dir: Path | None = None) -> list[Article]:
    arts: list[Article] = []
    for lang in langs:
        arts.extend(read_language(lang, data_dir))
    return arts


@dataclass
class CVResult:
    proba: np.ndarray  # out-of-fold probabilities
    fold_of_row: np.ndarray
    corpus: Corpus
    labels: list[str]
    fold_of_article: np.ndarray | None = None
    scorers: list[LinearScorer] | None = None
    stackers: list[tuple[np.ndarray, np.ndarray]] | None = None
    first_stage: np.ndarray | None = None  # first-stage OOF probabilities
    stack_input: str = STACK_INPUT
    stack_cues: tuple[str, ...] = ()  # techniques of the cue features below
    cue_feats: np.ndarray | None = None  # out-of-fold cue features (stacker inputs)
    # techniques of the stacker-only lexicons, whose features follow stack_cues' in
    # cue_feats
    stack_lexicon_cues: tuple[str, ...] = ()


def oof_cue_features(
    corpus: Corpus,
    fold_of_article: np.ndarray,
    techniques: Sequence[str],
    lexicon_techniques: Sequence[str] = (),
) -> np.ndarray:
    """Cue features of every row, each fold's rows read with the cue lexicons mined
    from the other folds (the lexicons a fold model of cross_validate_stage carries):
    ``techniques`` from the span lexicons, then ``lexicon_techniques`` from the
    stacker-only lexicons (stack_lexicons)."""
    labels, categories = taxonomy()
    n_feats = 2 * (len(techniques) + len(lexicon_techniques))
    out = np.zeros((len(corpus.texts), n_feats), np.float32)
    fold = fold_of_article[corpus.groups]
    empty = LinearScorer(np.zeros(0, np.int64), np.zeros((0, len(labels))), np.zeros(len(labels)))
    for k in np.unique(fold_of_article):
        train = [a for i, a in enumerate(corpus.articles) if fold_of_article[i] != k]
        stub = TechniqueModel(labels, categories, FeatureConfig(), empty, {},
                              span_lexicons=span_lexicons(train))  # fmt: skip
        rows = np.flatnonzero(fold == k)
        texts = [corpus.texts[i] for i in rows]
        feats = [cue_features(stub, texts, techniques)]
        if lexicon_techniques:
            lex = stack_lexicons(train, lexicon_techniques)
            feats.append(cue_features(stub, texts, lexicon_techniques, lexicons=lex))
        out[rows] = np.hstack(feats)
    return out


def cross_val_proba(
    corpus: Corpus,
    labels: Sequence[str],
    *,
    n_folds: int = 5,
    config: FeatureConfig | None = None,
    alpha: float = 2e-5,
    epochs: int = EPOCHS,
    stack: bool = True,
    stack_input: str = STACK_INPUT,
    stack_cues: Sequence[str] = STACK_CUE_FEATURES,
    stack_lexicon_cues: Sequence[str] = STACK_LEXICON_TECHNIQUES,
    seed: int = 13,
    keep_models: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CVResult:
    """Out-of-fold probabilities of both stages (folds by article, balanced by language).

    The second stage of fold k is fitted on the first-stage out-of-fold probabilities
    of the other folds (stacking)."""
    config = config or FEATURES
    featurizer = Featurizer(config)
    x = featurize(corpus, featurizer)
    fold_of_article = article_folds(corpus, n_folds, seed)
    fold = fold_of_article[corpus.groups]
    p1 = np.zeros(corpus.y.shape, np.float32)
    scorers = []
    for k in range(n_folds):
        t0 = time.perf_counter()
        tr, te = fold != k, fold == k
        scorer = fit_scorer(x[tr], corpus.y[tr], alpha=alpha, epochs=epochs)
        p1[te] = sigmoid(decision(scorer, x[te]))
        if keep_models:
            scorer.weights = scorer.weights.astype(np.float16)
            scorers.append(scorer)
        if progress:
            progress(f"fold {k + 1}/{n_folds}: first stage in {time.perf_counter() - t0:.0f} s")
    del x
    proba = p1
    stackers: list[tuple[np.ndarray, np.ndarray]] = []
    cue_feats = None
    if stack:
        s = stack_matrix(corpus, p1, config, stack_input)
        if stack_cues or stack_lexicon_cues:
            cue_feats = oof_cue_features(corpus, fold_of_article, stack_cues, stack_lexicon_cues)
            s = np.hstack([s, cue_feats])
        proba = np.zeros_like(p1)
        for k in range(n_folds):
            tr, te = fold != k, fold == k
            w, b = fit_stacker(s[tr], corpus.y[tr])
            proba[te] = sigmoid(s[te] @ w + b)
            stackers.append((w, b))
    return CVResult(
        proba, fold, corpus, list(labels), fold_of_article,
        scorers if keep_models else None, stackers if keep_models and stack else None, p1,
        stack_input, tuple(stack_cues) if cue_feats is not None else (), cue_feats,
        tuple(stack_lexicon_cues) if cue_feats is not None else (),
    )  # fmt: skip


def language_thresholds(
    proba: np.ndarray,
    y: np.ndarray,
    langs: np.ndarray,
    *,
    shrink: float = THRESHOLD_SHRINK,
) -> dict[str, list[float]]:
    """Pooled thresholds (key ``"*"``) and per-language thresholds shrunk towards them.

    Each language's thresholds are ``shrink * t_lang + (1 - shrink) * t_pooled``, where
    ``t_lang`` is tuned on that language's rows and ``t_pooled`` on all rows (both with
    tune_thresholds). ``shrink=1`` keeps the per-language thresholds (models up to round
    4), ``shrink=0`` gives every language the pooled ones."""
    if not 0.0 <= shrink <= 1.0:
        raise ValueError(f"shrink must lie in [0, 1], got {shrink}")
    pooled = tune_thresholds(proba, y)
    out = {}
    for lang in np.unique(langs):
        m = langs == lang
        own = tune_thresholds(proba[m], y[m])
        out[str(lang)] = (shrink * own + (1.0 - shrink) * pooled).tolist()
    out["*"] = pooled.tolist()
    return out


def cross_fitted_predictions(cv: CVResult, *, shrink: float = THRESHOLD_SHRINK) -> np.ndarray:
    """Binary OOF predictions; thresholds for fold k are tuned on the other folds only."""
    pred = np.zeros(cv.proba.shape, bool)
    langs = cv.corpus.langs
    for k in np.unique(cv.fold_of_row):
        thr = fold_thresholds(cv, int(k), shrink=shrink)
        for lang in np.unique(langs):
            m = (cv.fold_of_row == k) & (langs == lang)
            pred[m] = cv.proba[m] >= np.asarray(thr[str(lang)])
    return pred


def fold_thresholds(
    cv: CVResult, k: int, *, shrink: float = THRESHOLD_SHRINK
) -> dict[str, list[float]]:
    """Per-language (shrunk) and pooled thresholds tuned on the OOF rows of folds other
    than k (see language_thresholds)."""
    other = cv.fold_of_row != k
    return language_thresholds(
        cv.proba[other], cv.corpus.y[other], cv.corpus.langs[other], shrink=shrink
    )


def fold_model(
    cv: CVResult,
    k: int,
    *,
    config: FeatureConfig,
    nested: bool = False,
    alpha: float = 2e-5,
    epochs: int = EPOCHS,
    stack: bool = True,
) -> TechniqueModel:
    """The model cross_validate_stage runs on fold k's articles.

    First stage: ``cv.scorers[k]`` (fitted on the other folds); cue lexicons mined from
    the other folds. Without ``nested``, stacker ``cv.stackers[k]`` and thresholds tuned
    on ``cv.proba`` of the other folds: both read out-of-fold scores of training rows
    computed by models that saw fold k. With ``nested``, stacker and thresholds come
    from nested_second_stage on the other folds' articles only."""
    if cv.scorers is None or cv.fold_of_article is None:
        raise RuntimeError("cross_val_proba kept no fold models")
    labels, categories = taxonomy()
    articles = cv.corpus.articles
    train_arts = [a for i, a in enumerate(articles) if cv.fold_of_article[i] != k]
    if nested:
        folds = int(cv.fold_of_article.max()) + 1
        inner = nested_second_stage(
            train_arts, labels, n_folds=max(2, folds - 1), config=config, alpha=alpha,
            epochs=epochs, stack=stack,
        )  # fmt: skip
        stacker = inner.stackers[0] if inner.stackers else None
        thresholds = language_thresholds(inner.proba, inner.corpus.y, inner.corpus.langs)
        stack_input, stack_cues = inner.stack_input, inner.stack_cues
        lexicon_cues = inner.stack_lexicon_cues
    else:
        stacker = cv.stackers[k] if cv.stackers else None
        thresholds = fold_thresholds(cv, k)
        stack_input, stack_cues = cv.stack_input, cv.stack_cues
        lexicon_cues = cv.stack_lexicon_cues
    return TechniqueModel(
        labels=labels, categories=categories, features=config, scorer=cv.scorers[k],
        thresholds=thresholds, span_lexicons=span_lexicons(train_arts),
        languages=sorted({a.lang for a in articles}), version=f"cv-fold{k}",
        stack_weights=stacker[0] if stacker else None,
        stack_bias=stacker[1] if stacker else None,
        stack_input=stack_input, stack_cue_features=list(stack_cues),
        stack_lexicons=stack_lexicons(train_arts, lexicon_cues) if stacker else {},
    )  # fmt: skip


def cross_validate_stage(
    train_langs: Sequence[str],
    eval_langs: Sequence[str],
    *,
    folds: int = 5,
    spans: bool = True,
    data_dir: Path | None = None,
    config: FeatureConfig | None = None,
    alpha: float = 2e-5,
    epochs: int = EPOCHS,
    stack: bool = True,
    cv: CVResult | None = None,
    nested: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Per-fold models run through the techniques stage on held-out articles.

    ``cv`` reuses out-of-fold results computed with ``keep_models=True``. With
    ``nested``, the second stage and the thresholds of outer fold k come from an inner
    ``folds - 1``-fold CV on the other folds' articles only (nested_second_stage), so
    no input of the held-out fold's model was computed by a model that saw that fold;
    without it they come from the shared out-of-fold results, whose training rows were
    scored by first-stage models that had seen the held-out fold (optimistic)."""
    from ..stages.techniques import LinearTechniques
    from ..techniques_harness import article_document, span_prf

    labels, _ = taxonomy()
    config = config or FEATURES
    if cv is None:
        articles = load_articles(train_langs, data_dir)
        corpus = make_corpus(articles, labels)
        cv = cross_val_proba(
            corpus, labels, n_folds=folds, config=config, alpha=alpha, epochs=epochs,
            stack=stack and not nested, keep_models=True, progress=progress,
        )  # fmt: skip
    articles = cv.corpus.articles
    folds = int(cv.fold_of_row.max()) + 1 if len(cv.fold_of_row) else folds
    if cv.scorers is None or cv.fold_of_article is None:
        raise RuntimeError("cross_val_proba kept no fold models")
    gold: dict[str, set] = defaultdict(set)
    pred: dict[str, set] = defaultdict(set)
    base: dict[str, set] = defaultdict(set)
    gold_spans: dict[str, dict[str, list]] = defaultdict(dict)
    pred_spans: dict[str, dict[str, list]] = defaultdict(dict)
    for k in range(folds):
        t0 = time.perf_counter()
        model = fold_model(
            cv, k, config=config, nested=nested, alpha=alpha, epochs=epochs, stack=stack
        )
        if progress and nested:
            progress(f"fold {k + 1}/{folds}: inner CV in {time.perf_counter() - t0:.0f} s")
        stage = LinearTechniques()
        stage._model = model
        for i, art in enumerate(articles):
            if cv.fold_of_article[i] != k or art.lang not in eval_langs:
                continue
            doc = stage(article_document(art, art.lang))
            sets = doc.cats["techniques"]["paragraphs"]
            for (no, _, _), techs in zip(art.lines(), sets, strict=True):
                pred[art.lang].update((art.id, no, t) for t in techs)
                gold[art.lang].update((art.id, no, t) for t in art.labels.get(no, []))
                base[art.lang].add((art.id, no, "Loaded_Language"))
            if spans:
                gold_spans[art.lang][art.id] = list(art.spans)
                pred_spans[art.lang][art.id] = [
                    (s.label, s.start, s.end) for s in doc.spans["techniques"]
                ]
        if progress:
            progress(f"fold {k + 1}/{folds} evaluated")
    out: dict[str, Any] = {
        "languages": {},
        "folds": folds,
        "train_languages": sorted({a.lang for a in articles}),
        "protocol": (
            f"{folds}-fold CV by article (balanced per language), pooled training; per fold "
            "the techniques stage runs on held-out articles with thresholds tuned on the "
            "other folds' out-of-fold probabilities and cue lexicons mined from the other "
            "folds; span F1 with partial-overlap credit for same-technique spans"
            + (
                f"; nested: stacker and thresholds of each fold from an inner "
                f"{max(2, folds - 1)}-fold CV on the other folds only"
                if nested
                else ""
            )
        ),
        "nested": nested,
    }
    for lang in eval_langs:
        r = micro_f1(gold[lang], pred[lang])
        r["baseline_loaded_language"] = micro_f1(gold[lang], base[lang])["f1"]
        if spans:
            sp = span_prf(gold_spans[lang], pred_spans[lang])
            r["span_f1"], r["span_precision"], r["span_recall"] = (
                sp["f1"],
                sp["precision"],
                sp["recall"],
            )
        out["languages"][lang] = {
            k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()
        }
    return out


def second_stage(cv: CVResult, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray] | None:
    """The recipe's stacker: fitted on all rows' first-stage OOF probabilities (and OOF
    cue features) of ``cv``; None when ``cv`` has no second stage."""
    if cv.first_stage is None or cv.stackers is None:
        return None
    s = stack_matrix(cv.corpus, cv.first_stage, config, cv.stack_input)
    if (cv.stack_cues or cv.stack_lexicon_cues) and cv.cue_feats is not None:
        s = np.hstack([s, cv.cue_feats])
    return fit_stacker(s, cv.corpus.y)


def nested_second_stage(
    articles: Sequence[Article],
    labels: Sequence[str],
    *,
    n_folds: int,
    config: FeatureConfig,
    alpha: float = 2e-5,
    epochs: int = EPOCHS,
    stack: bool = True,
) -> CVResult:
    """The shipped recipe's CV on ``articles`` alone (one outer fold's training articles).

    Returns the inner out-of-fold results (``proba``: stacker OOF probabilities, on
    which the outer fold's thresholds are tuned) with ``stackers`` replaced by the single
    stacker fitted on all inner OOF first-stage probabilities (second_stage), as
    train_model does on the whole corpus."""
    corpus = make_corpus(articles, labels)
    inner = cross_val_proba(
        corpus, labels, n_folds=n_folds, config=config, alpha=alpha, epochs=epochs,
        stack=stack, keep_models=True,
    )  # fmt: skip
    inner.scorers = None
    final = second_stage(inner, config) if stack else None
    inner.stackers = [final] if final is not None else None
    return inner


def per_language_f1(cv: CVResult, pred: np.ndarray) -> dict[str, dict[str, float]]:
    out = {}
    for lang in sorted(set(cv.corpus.langs.tolist())):
        m = cv.corpus.langs == lang
        gold = _triples(cv.corpus, cv.labels, cv.corpus.y, m)
        got = _triples(cv.corpus, cv.labels, pred, m)
        out[lang] = micro_f1(gold, got)
    return out


def _triples(corpus: Corpus, labels: Sequence[str], y: np.ndarray, mask: np.ndarray) -> set:
    out = set()
    for i in np.flatnonzero(mask):
        ai, no = corpus.keys[i]
        for k in np.flatnonzero(y[i]):
            out.add((corpus.articles[ai].id, no, labels[int(k)]))
    return out


def train_model(
    articles: Sequence[Article],
    *,
    config: FeatureConfig | None = None,
    alpha: float = 2e-5,
    epochs: int = EPOCHS,
    thresholds: dict[str, list[float]] | None = None,
    cv: CVResult | None = None,
) -> TechniqueModel:
    """Fit the shipped model on ``articles``.

    With ``cv`` (out-of-fold results on the same articles), the second stage is fitted
    on the first-stage OOF probabilities and the thresholds are tuned per language on
    the second-stage OOF probabilities; without it there is no second stage and the
    thresholds are 0.5 unless given.
    """
    labels, categories = taxonomy()
    config = config or FEATURES
    corpus = make_corpus(articles, labels)
    x = featurize(corpus, Featurizer(config))
    scorer = fit_scorer(x, corpus.y, alpha=alpha, epochs=epochs)
    del x
    stack_w = stack_b = None
    fitted = second_stage(cv, config) if cv is not None else None
    if fitted is not None:
        stack_w, stack_b = fitted
    if thresholds is None:
        thresholds = {}
        if cv is not None:
            thresholds = language_thresholds(cv.proba, cv.corpus.y, cv.corpus.langs)
        else:
            thresholds = {"*": [0.5] * len(labels)}
    return TechniqueModel(
        labels=labels,
        categories=categories,
        features=config,
        scorer=scorer,
        thresholds=thresholds,
        span_lexicons=span_lexicons(articles),
        languages=sorted({a.lang for a in articles}),
        version=time.strftime("%Y%m%d"),
        stack_weights=stack_w,
        stack_bias=stack_b,
        stack_input=cv.stack_input if cv is not None else STACK_INPUT,
        stack_cue_features=list(cv.stack_cues) if stack_w is not None and cv else [],
        stack_lexicons=(
            stack_lexicons(articles, cv.stack_lexicon_cues) if stack_w is not None and cv else {}
        ),
    )


def build_meta(
    articles: Sequence[Article], metrics: dict[str, Any], model: TechniqueModel
) -> dict[str, Any]:
    return {
        "name": "techniques.linear.v1",
        "narrascope_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "model_version": model.version,
        "trained": time.strftime("%Y-%m-%d"),
        "training_data": {
            "corpus": "SemEval-2023 Task 3 subtask 3, train split",
            "languages": sorted({a.lang for a in articles}),
            "articles": len(articles),
            "digest": corpus_digest(articles),
        },
        "cv_metrics": metrics,
        "thresholds": (
            f"per language: {THRESHOLD_SHRINK} x tuned on the language's out-of-fold "
            f"stacker probabilities + {1 - THRESHOLD_SHRINK:.2f} x tuned on all languages' "
            "(round 5)"
        ),
        "licence": LICENCE,
    }


def run_training(
    *,
    langs: Sequence[str] = tuple(LANGS),
    data_dir: Path | None = None,
    out_dir: Path = MODEL_DIR,
    n_folds: int = 5,
    save_oof: Path | None = None,
    nested: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """CV for the second stage, thresholds and metrics, then the final fit on
    everything; writes ``out_dir``. ``cv_metrics.stage`` is the stage CV on the shared
    out-of-fold results; with ``nested`` (the figure to quote) ``cv_metrics.stage_nested``
    is the nested stage CV of the same recipe on the same outer folds (+~9 min)."""
    labels, _ = taxonomy()
    articles = load_articles(langs, data_dir)
    corpus = make_corpus(articles, labels)
    cv = cross_val_proba(corpus, labels, n_folds=n_folds, keep_models=True, progress=progress)
    if save_oof is not None:
        np.savez(save_oof, first=np.asarray(cv.first_stage), second=cv.proba, y=cv.corpus.y,
                 langs=cv.corpus.langs, fold=cv.fold_of_row)  # fmt: skip
    pred = cross_fitted_predictions(cv)
    first = CVResult(cv.first_stage if cv.first_stage is not None else cv.proba,
                     cv.fold_of_row, cv.corpus, cv.labels)  # fmt: skip
    eval_langs = [LANGS.get(x, x) for x in langs]
    stage_cv = cross_validate_stage(langs, eval_langs, cv=cv, progress=progress)
    metrics: dict[str, Any] = {
        "stage": stage_cv,
        "paragraph_micro_f1_probabilities": {
            k: round(v["f1"], 4) for k, v in per_language_f1(cv, pred).items()
        },
        "paragraph_micro_f1_first_stage": {
            k: round(v["f1"], 4)
            for k, v in per_language_f1(first, cross_fitted_predictions(first)).items()
        },
        "command": "narrascope techniques train",
    }
    if nested:
        metrics["stage_nested"] = cross_validate_stage(
            langs, eval_langs, cv=cv, nested=True, progress=progress
        )
    cv.scorers = None
    model = train_model(articles, cv=cv)
    model.save(out_dir, meta=build_meta(articles, metrics, model))
    return metrics


def _log(msg: str) -> None:
    import sys

    sys.stderr.write(msg + "\n")


if __name__ == "__main__":  # pragma: no cover
    import sys

    oof = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(run_training(progress=_log, save_oof=oof), indent=2))
