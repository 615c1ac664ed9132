"""The shipped persuasion-technique model: hashed linear scorer + thresholds + span locator.

Stored as ``weights.npz`` (numpy arrays, loaded with ``allow_pickle=False``) and
``model.json`` (labels, feature settings, thresholds, lexicons) plus ``meta.json``.
Inference is numpy only.

Scoring a paragraph: ``p = sigmoid(x . W[:, k] + b[k])`` for every technique ``k``,
where ``x`` is the hashed feature row of :mod:`.features`; the technique is assigned when
``p >= threshold[language][k]``. Thresholds were tuned per language on out-of-fold
predictions to maximise micro-F1. Languages outside the training set use the pooled
thresholds and rely on the shared character n-grams (cross-lingual transfer).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ModelError
from .features import _WORD, FeatureConfig, Featurizer, Rows

FORMAT_VERSION = 1
#: What the second stage reads of the first stage: ``"proba"`` (probabilities; models
#: saved without the ``stack_input`` key) or ``"logit"`` (log-odds / LOGIT_SCALE).
STACK_INPUTS = ("proba", "logit")
LOGIT_SCALE = 5.0
LOGIT_EPS = 1e-4
#: Cue hits of at least this weight are counted in the stacker's cue features.
CUE_FEATURE_MIN = 0.3


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def check_stack_input(value: object, where: str = "the model") -> str:
    """``value`` if it is a known ``stack_input``, else a ModelError [E039]."""
    if value not in STACK_INPUTS:
        raise ModelError(
            f"[E039] unknown stack_input {value!r} in {where}: expected one of "
            f"{', '.join(repr(v) for v in STACK_INPUTS)} (retrain the model with "
            f"`narrascope techniques train` or fix model.json)"
        )
    return str(value)


def stack_transform(proba: np.ndarray, stack_input: str) -> np.ndarray:
    """First-stage probabilities as the second stage reads them: unchanged for
    ``"proba"``; for ``"logit"`` the log-odds divided by LOGIT_SCALE, the probabilities
    clipped to [LOGIT_EPS, 1 - LOGIT_EPS] first so that 0 and 1 stay finite."""
    check_stack_input(stack_input)
    p = np.asarray(proba, np.float32)
    if stack_input == "proba":
        return p
    q = np.clip(p.astype(np.float64), LOGIT_EPS, 1.0 - LOGIT_EPS)
    return (np.log(q / (1.0 - q)) / LOGIT_SCALE).astype(np.float32)


@dataclass
class LinearScorer:
    """Weights over the hashed buckets seen in training (others score 0)."""

    buckets: np.ndarray  # sorted int64 bucket ids with a weight row
    weights: np.ndarray  # (len(buckets), n_labels) float16/float32
    bias: np.ndarray  # (n_labels,)
    _dense: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.buckets = np.asarray(self.buckets, np.int64)
        self.weights = np.asarray(self.weights, np.float32)
        self.bias = np.asarray(self.bias, np.float32)

    def _row_of_bucket(self, bits: int) -> np.ndarray:
        """Dense bucket -> weight-row map (-1 = no weight), built once."""
        if self._dense is None or len(self._dense) != 1 << bits:
            lookup = np.full(1 << bits, -1, np.int32)
            lookup[self.buckets] = np.arange(len(self.buckets), dtype=np.int32)
            self._dense = lookup
        return self._dense

    def decision(self, rows: Rows, *, bits: int) -> np.ndarray:
        """(n_rows, n_labels) linear scores ``x . W + b``."""
        from scipy import sparse

        out = np.tile(self.bias, (rows.n_rows, 1))
        if len(rows.cols) == 0 or len(self.buckets) == 0:
            return out
        idx = self._row_of_bucket(bits)[rows.cols]
        keep = idx >= 0
        x = sparse.csr_matrix(
            (rows.vals[keep], (rows.rows[keep], idx[keep])),
            shape=(rows.n_rows, len(self.buckets)),
        )
        return out + x @ self.weights


def stack_features(
    proba: np.ndarray, lengths: Sequence[int], lang_index: int, n_langs: int
) -> np.ndarray:
    """Second-stage inputs of each paragraph: its first-stage probabilities, those of its
    neighbours, the article's mean and max, language and length."""
    n, n_labels = proba.shape
    zero = np.zeros((1, n_labels), proba.dtype)
    prev = np.vstack([zero, proba[:-1]]) if n else proba
    nxt = np.vstack([proba[1:], zero]) if n else proba
    mean = np.broadcast_to(proba.mean(0) if n else zero[0], (n, n_labels))
    mx = np.broadcast_to(proba.max(0) if n else zero[0], (n, n_labels))
    lang = np.zeros((n, n_langs + 1), proba.dtype)
    lang[:, lang_index] = 1.0
    ln = np.log1p(np.asarray(lengths, np.float32))[:, None] / 8.0
    pos = np.zeros((n, 3), proba.dtype)
    if n:
        pos[0, 0] = 1.0
        pos[:, 1] = np.arange(n) / max(n - 1, 1)
        pos[:, 2] = np.log1p(n) / 5.0
    return np.hstack([proba, prev, nxt, mean, mx, lang, ln, pos]).astype(np.float32)


def cue_features(
    model: TechniqueModel,
    texts: Sequence[str],
    techniques: Sequence[str],
    *,
    lexicons: dict[str, dict[str, float]] | None = None,
) -> np.ndarray:
    """(n_texts, 2 * len(techniques)) cue-lexicon hits of each text: for every technique
    the highest cue weight found (0 without a cue) and log1p(number of cues of weight >=
    CUE_FEATURE_MIN) / 2. The cues come from ``model.span_lexicons`` (find_cues), or
    from ``lexicons`` when given (each text tokenised once, matched like find_cues)."""
    out = np.zeros((len(texts), 2 * len(techniques)), np.float32)
    for i, text in enumerate(texts):
        if lexicons is not None:
            toks = _tokens(text)
            found = [
                [c[2] for c in _match_tokens(toks, lexicons.get(tech, {}))] for tech in techniques
            ]
        else:
            found = [[c[2] for c in model.find_cues(text, 0, len(text), t)] for t in techniques]
        for j, weights in enumerate(found):
            if weights:
                out[i, 2 * j] = max(weights)
                out[i, 2 * j + 1] = np.log1p(sum(w >= CUE_FEATURE_MIN for w in weights)) / 2
    return out


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]


_INDEX_MEMO: dict[int, tuple[dict[str, float], int, set[str]]] = {}


def _lexicon_index(cues: dict[str, float]) -> tuple[int, set[str]]:
    """Longest phrase (in tokens) and the first words of all phrases, built once per
    lexicon object."""
    hit = _INDEX_MEMO.get(id(cues))
    if hit is None or hit[0] is not cues:
        if len(_INDEX_MEMO) > 256:
            _INDEX_MEMO.clear()
        max_n = max((len(c.split()) for c in cues), default=0)
        hit = _INDEX_MEMO[id(cues)] = (cues, max_n, {c.split()[0] for c in cues})
    return hit[1], hit[2]


def _match_tokens(
    toks: list[tuple[int, int, str]], cues: dict[str, float]
) -> list[tuple[int, int, float]]:
    """Cue phrases of ``cues`` in the tokens: longest first, no overlaps, one
    left-to-right pass; ``(start, end, weight)``."""
    if not cues:
        return []
    max_n, firsts = _lexicon_index(cues)
    out = []
    i = 0
    while i < len(toks):
        if toks[i][2] not in firsts:  # no phrase starts with this word
            i += 1
            continue
        hit = None
        for n in range(min(max_n, len(toks) - i), 0, -1):
            phrase = " ".join(t[2] for t in toks[i : i + n])
            weight = cues.get(phrase)
            if weight is not None:
                hit = (toks[i][0], toks[i + n - 1][1], float(weight), n)
                break
        if hit is None:
            i += 1
        else:
            out.append(hit[:3])
            i += hit[3]
    return out


@dataclass
class TechniqueModel:
    labels: list[str]
    categories: dict[str, str]
    features: FeatureConfig
    scorer: LinearScorer
    thresholds: dict[str, list[float]]  # language -> per-label threshold; "*" = pooled
    feature_lexicons: dict[str, list[str]] = field(default_factory=dict)
    # technique -> cue phrase -> weight (for placing short spans)
    span_lexicons: dict[str, dict[str, float]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    version: str = "0"
    # second stage (article context): (n_stack_features, n_labels) weights and bias
    stack_weights: np.ndarray | None = None
    stack_bias: np.ndarray | None = None
    stack_input: str = "proba"  # see STACK_INPUTS
    # techniques whose cue-lexicon hits (cue_features) are extra stacker inputs
    stack_cue_features: list[str] = field(default_factory=list)
    # technique -> cue phrase -> weight: cue lexicons read only by the stacker (after the
    # stack_cue_features inputs, two inputs per technique in this order); they place no
    # spans
    stack_lexicons: dict[str, dict[str, float]] = field(default_factory=dict)
    _featurizer: Featurizer | None = field(default=None, repr=False)
    # (technique, text) -> cues with offsets relative to the text: the stacker's cue
    # features and the stage's cue spans read the same paragraphs
    _cue_memo: dict[tuple[str, str], list[tuple[int, int, float]]] = field(
        default_factory=dict, repr=False
    )

    # -- features and scores ---------------------------------------------------------
    @property
    def featurizer(self) -> Featurizer:
        if self._featurizer is None:
            fz = Featurizer(self.features)
            fz.set_lexicons(self.feature_lexicons)
            self._featurizer = fz
        return self._featurizer

    def predict_proba(
        self,
        paragraphs: Sequence[str],
        language: str | None,
        *,
        context: bool = True,
        words_only: bool = False,
    ) -> np.ndarray:
        """(n_paragraphs, n_labels) probabilities. ``context=False`` skips the second
        stage and ``words_only=True`` scores only the word features (both used to rank
        the sentences of a paragraph cheaply)."""
        if not paragraphs:
            return np.zeros((0, len(self.labels)), np.float32)
        rows = self.featurizer.transform(paragraphs, language, words_only=words_only)
        proba = sigmoid(self.scorer.decision(rows, bits=self.features.bits))
        if context and self.stack_weights is not None and self.stack_bias is not None:
            feats = self.stack_inputs(proba, [len(p) for p in paragraphs], language)
            if self.stack_cue_features:
                cues = cue_features(self, paragraphs, self.stack_cue_features)
                feats = np.hstack([feats, cues])
            if self.stack_lexicons:
                techs = list(self.stack_lexicons)
                cues = cue_features(self, paragraphs, techs, lexicons=self.stack_lexicons)
                feats = np.hstack([feats, cues])
            proba = sigmoid(feats @ self.stack_weights + self.stack_bias)
        return proba

    def stack_inputs(
        self, proba: np.ndarray, lengths: Sequence[int], language: str | None
    ) -> np.ndarray:
        langs = list(self.features.languages)
        idx = langs.index(language) if language in langs else len(langs)
        return stack_features(stack_transform(proba, self.stack_input), lengths, idx, len(langs))

    def thresholds_for(self, language: str | None) -> np.ndarray:
        key = language if language in self.thresholds else "*"
        return np.asarray(self.thresholds[key], np.float32)

    def predict(
        self, paragraphs: Sequence[str], language: str | None
    ) -> tuple[list[list[str]], np.ndarray]:
        """Technique sets per paragraph (labels in taxonomy order) and probabilities."""
        proba = self.predict_proba(paragraphs, language)
        thr = self.thresholds_for(language)
        sets = [[self.labels[k] for k in np.flatnonzero(row >= thr)] for row in proba]
        return sets, proba

    def supports(self, language: str | None) -> bool:
        return language in self.languages

    # -- span cues -------------------------------------------------------------------
    def find_cues(
        self, text: str, start: int, end: int, technique: str
    ) -> list[tuple[int, int, float]]:
        """Cue phrases of ``technique`` in ``text[start:end]``: ``(start, end, weight)``.

        Phrases are matched on the same tokens the lexicon was mined with (word tokens,
        lower-cased), longest first and without overlaps, in one left-to-right pass.
        Results are memoised per (technique, ``text[start:end]``): the token pattern has
        no anchors or look-behind, so matching a slice equals matching the range.
        """
        if not self.span_lexicons.get(technique):
            return []
        key = (technique, text[start:end])
        rel = self._cue_memo.get(key)
        if rel is None:
            if len(self._cue_memo) > 4096:
                self._cue_memo.clear()
            rel = self._cue_memo[key] = self._match_cues(key[1], technique)
        return [(s + start, e + start, w) for s, e, w in rel]

    def _match_cues(self, text: str, technique: str) -> list[tuple[int, int, float]]:
        return _match_tokens(_tokens(text), self.span_lexicons[technique])

    # -- persistence -------------------------------------------------------------------
    def save(self, path: str | Path, *, meta: dict[str, Any] | None = None) -> None:
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            "buckets": self.scorer.buckets.astype(np.int32),
            "weights": self.scorer.weights.astype(np.float16),
            "bias": self.scorer.bias.astype(np.float32),
        }
        if self.stack_weights is not None and self.stack_bias is not None:
            arrays["stack_weights"] = np.asarray(self.stack_weights, np.float32)
            arrays["stack_bias"] = np.asarray(self.stack_bias, np.float32)
        np.savez_compressed(out / "weights.npz", **arrays)  # type: ignore[arg-type]
        spec = {
            "format_version": FORMAT_VERSION,
            "version": self.version,
            "labels": self.labels,
            "categories": self.categories,
            "languages": self.languages,
            "features": self.features.to_json(),
            "thresholds": {k: [round(float(x), 4) for x in v] for k, v in self.thresholds.items()},
            "feature_lexicons": self.feature_lexicons,
            "span_lexicons": self.span_lexicons,
        }
        if self.stack_weights is not None:
            spec["stack_input"] = check_stack_input(self.stack_input)
            spec["stack_cue_features"] = list(self.stack_cue_features)
            if self.stack_lexicons:
                spec["stack_lexicons"] = self.stack_lexicons
        (out / "model.json").write_text(
            json.dumps(spec, ensure_ascii=False, indent=1) + "\n", "utf-8"
        )
        if meta is not None:
            (out / "meta.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8"
            )

    @classmethod
    def load(cls, path: str | Path) -> TechniqueModel:
        base = Path(path)
        try:
            spec = json.loads((base / "model.json").read_text("utf-8"))
            with np.load(base / "weights.npz", allow_pickle=False) as z:
                scorer = LinearScorer(z["buckets"], z["weights"], z["bias"])
                stack_w = z["stack_weights"] if "stack_weights" in z.files else None
                stack_b = z["stack_bias"] if "stack_bias" in z.files else None
        except FileNotFoundError as e:
            raise ModelError(
                f"[E031] technique model files missing in {str(base)!r}: expected model.json "
                f"and weights.npz (train one with `narrascope techniques train`)"
            ) from e
        except (ValueError, KeyError, OSError) as e:
            raise ModelError(f"[E032] technique model in {str(base)!r} is malformed: {e}") from e
        if spec.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"[E033] technique model format {spec.get('format_version')!r} in "
                f"{str(base)!r}; this narrascope reads format {FORMAT_VERSION}"
            )
        stack_input = check_stack_input(
            spec.get("stack_input", "proba"), f"{str(base / 'model.json')!r}"
        )
        return cls(
            labels=list(spec["labels"]),
            categories=dict(spec["categories"]),
            features=FeatureConfig.from_json(spec["features"]),
            scorer=scorer,
            thresholds={k: list(v) for k, v in spec["thresholds"].items()},
            feature_lexicons={k: list(v) for k, v in spec.get("feature_lexicons", {}).items()},
            span_lexicons={k: dict(v) for k, v in spec.get("span_lexicons", {}).items()},
            languages=list(spec.get("languages", [])),
            version=str(spec.get("version", "0")),
            stack_weights=stack_w,
            stack_bias=stack_b,
            stack_input=stack_input,
            stack_cue_features=list(spec.get("stack_cue_features", [])),
            stack_lexicons={k: dict(v) for k, v in spec.get("stack_lexicons", {}).items()},
        )
