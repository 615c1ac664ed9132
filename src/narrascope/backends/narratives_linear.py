"""A linear narrative classifier over hashed n-grams: run time (numpy only).

The model scores every label of a two-level taxonomy (narratives, ``Other``, and
subnarratives including ``<narrative>: Other``) with one linear function of hashed word
and character n-grams plus a per-language bias, maps each score to a probability with a
per-label Platt sigmoid fitted on leave-one-out scores, and turns the probabilities into
a hierarchy-consistent label set by maximising the expected samples-F1 (the official
SemEval metric):

1. ``Other`` alone is predicted when its probability beats the expected F1 of the best
   narrative set; otherwise at least the top narrative is predicted.
2. Narratives come from one domain (the domain of the best narrative).
3. Each predicted narrative gets its best subnarrative (possibly ``<narrative>: Other``);
   more subnarratives of predicted narratives are added while the expected F1 rises.

Because the score is linear, it splits exactly over the n-gram occurrences of the text,
so every label's score can be spread over sentences: the sentences that contribute most
are the label's evidence and make up the extractive explanation.

Files of a model directory: ``weights.npz`` (int8 weights with a scale per label,
sorted feature hashes,
idf, Platt parameters), ``labels.json`` (label names and kinds), ``taxonomy.json``,
``meta.json`` (versions, training data digest, CV metrics, licence note).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..taxonomy.narratives import OTHER, Taxonomy
from .hashfeatures import HashingSpec, HashVocabulary, Occurrences, extract

MODEL_FORMAT = "narrascope.narratives.linear/1"


def default_model_dir() -> Path:
    return Path(str(resources.files("narrascope").joinpath("models", "narratives")))


@dataclass
class DecisionParams:
    """Knobs of the expected-F1 decision, chosen on leave-one-out predictions."""

    other_scale: float = 1.0  # multiplies P(Other) before comparing it with narrative sets
    label_scale: float = 1.0  # multiplies narrative probabilities
    sub_scale: float = 1.0  # multiplies subnarrative probabilities
    # a narrative's probability becomes (1 - w) * own + w * max over its subnarratives
    child_weight: float = 0.0
    max_narratives: int = 6
    max_subnarratives: int = 8
    per_language: dict[str, dict[str, float]] = field(default_factory=dict)

    def for_language(self, language: str | None) -> DecisionParams:
        """The knobs for one language (per-language values override the defaults)."""
        over = self.per_language.get((language or "").lower())
        if not over:
            return self
        return DecisionParams(**{**self.to_json(), **over, "per_language": {}})

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["per_language"] = {k: dict(v) for k, v in self.per_language.items()}
        return d

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> DecisionParams:
        return cls(**{k: obj[k] for k in cls().__dict__ if k in obj})


@dataclass
class Prediction:
    """Labels and probabilities for one document."""

    narratives: list[tuple[str, float]]  # [("Other", p)] when no narrative
    subnarratives: list[tuple[str, float]]
    domain: str | None
    proba: dict[str, float] = field(default_factory=dict)

    @property
    def narrative_labels(self) -> list[str]:
        return [n for n, _ in self.narratives]

    @property
    def subnarrative_labels(self) -> list[str]:
        return [s for s, _ in self.subnarratives]


@dataclass
class Featurized:
    """A document's n-gram occurrences, its sparse vector and per-occurrence indices."""

    occ: Occurrences
    feats: np.ndarray
    vals: np.ndarray
    occ_feat: np.ndarray
    rows: np.ndarray | None = None  # dequantised weight rows of ``feats`` (cached)


@dataclass
class LinearNarrativeModel:
    """Weights and decision rule of ``narratives.linear.v1``."""

    taxonomy: Taxonomy
    spec: HashingSpec
    vocab: HashVocabulary
    labels: list[str]  # narratives + ["Other"] + subnarratives, in this order
    weights: np.ndarray  # (F, L) float32, or int8 quantised with ``weight_scale``
    bias: np.ndarray  # (L,)
    lang_bias: np.ndarray  # (len(languages), L)
    languages: list[str]  # lower-case ISO 639-1 codes seen in training
    platt_a: np.ndarray  # (L,)
    platt_b: np.ndarray  # (L,)
    decision: DecisionParams = field(default_factory=DecisionParams)
    meta: dict[str, Any] = field(default_factory=dict)
    weight_scale: np.ndarray | None = None  # (L,) when ``weights`` is int8

    def __post_init__(self) -> None:
        self.label_index = {lab: i for i, lab in enumerate(self.labels)}
        tax = self.taxonomy
        self.narr_idx = np.array([self.label_index[n] for n in tax.narratives], dtype=np.int64)
        self.other_idx = self.label_index[OTHER]
        self.sub_idx = np.array([self.label_index[s] for s in tax.subnarratives], dtype=np.int64)
        self.sub_parent = np.array(
            [tax.narratives.index(tax.parent[s]) for s in tax.subnarratives], dtype=np.int64
        )
        domains = tax.domains
        self.narr_domain = np.array(
            [domains.index(tax.domain_of[n]) for n in tax.narratives], dtype=np.int64
        )

    # -- scoring -----------------------------------------------------------------------
    def featurize(self, text: str) -> Featurized:
        occ = extract(text, self.spec)
        feats, vals, occ_feat = self.vocab.vectorize(occ)
        return Featurized(occ, feats, vals, occ_feat)

    def language_bias(self, language: str | None) -> np.ndarray:
        lang = (language or "").lower()
        if lang in self.languages:
            return self.lang_bias[self.languages.index(lang)]
        return np.zeros(len(self.labels))  # unseen language: no language prior

    def raw_scores(self, fz: Featurized, language: str | None) -> np.ndarray:
        if fz.rows is None:
            fz.rows = self.weight_rows(fz.feats)
        # einsum, not @: a vector-matrix product through multi-threaded OpenBLAS costs
        # ~40x more CPU on a busy machine (spinning threads) than numpy's own loop
        s = np.einsum("i,ij->j", fz.vals.astype(np.float32), fz.rows)
        return s.astype(np.float64) + self.bias + self.language_bias(language)

    def proba(self, scores: np.ndarray) -> np.ndarray:
        z = self.platt_a * scores + self.platt_b
        return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))

    # -- decision ----------------------------------------------------------------------
    def decide(self, p: np.ndarray, language: str | None = None) -> Prediction:
        return decide(self, p, self.decision.for_language(language))

    def predict(self, text: str, language: str | None) -> tuple[Prediction, Featurized]:
        fz = self.featurize(text)
        p = self.proba(self.raw_scores(fz, language))
        return self.decide(p, language), fz

    # -- attribution -------------------------------------------------------------------
    def contributions(
        self, fz: Featurized, label: str, bounds: list[tuple[int, int]]
    ) -> np.ndarray:
        """Part of ``label``'s score carried by each ``(start, end)`` segment."""
        return self.segment_contributions(fz, [label], bounds)[:, 0]

    def segment_contributions(
        self, fz: Featurized, labels: list[str], bounds: list[tuple[int, int]]
    ) -> np.ndarray:
        """``(len(bounds), len(labels))``: each label's score split over segments.

        Each feature's term ``value x weight`` is spread evenly over its occurrences; an
        occurrence belongs to the segment its n-gram starts in.
        """
        out = np.zeros((len(bounds), len(labels)))
        known = fz.occ_feat >= 0
        if not known.any() or not bounds or len(fz.feats) == 0 or not labels:
            return out
        nf = len(fz.feats)
        local = np.searchsorted(fz.feats, fz.occ_feat[known])  # fz.feats is sorted
        starts = np.fromiter((b[0] for b in bounds), dtype=np.int64, count=len(bounds))
        ends = np.fromiter((b[1] for b in bounds), dtype=np.int64, count=len(bounds))
        occ_start = fz.occ.starts[known]
        seg = np.searchsorted(starts, occ_start, side="right") - 1
        ok = (seg >= 0) & (occ_start < ends[np.maximum(seg, 0)])
        cnt = np.bincount(local, minlength=nf).astype(np.float64)
        cols = [self.label_index[lab] for lab in labels]
        if fz.rows is not None:
            w = fz.rows[:, cols].astype(np.float64)
        else:
            w = self.weights[fz.feats][:, cols].astype(np.float64)
            if self.weight_scale is not None:
                w *= self.weight_scale[cols]
        term = fz.vals[:, None] * w / cnt[:, None]  # per occurrence of each feature
        per_occ = term[local[ok]]
        seg_ok = seg[ok]
        for k in range(len(cols)):
            out[:, k] = np.bincount(seg_ok, weights=per_occ[:, k], minlength=len(bounds))
        return out

    def weight_rows(self, feats: np.ndarray) -> np.ndarray:
        """Dequantised weight rows ``(len(feats), L)`` as float32."""
        w = np.take(self.weights, feats, axis=0).astype(np.float32, copy=False)
        if self.weight_scale is None:
            return w
        w *= self.weight_scale.astype(np.float32, copy=False)
        return w

    def weight_column(self, feats: np.ndarray, j: int) -> np.ndarray:
        w = self.weights[feats, j].astype(np.float64)
        return w * self.weight_scale[j] if self.weight_scale is not None else w

    # -- persistence -------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        d = Path(path)
        d.mkdir(parents=True, exist_ok=True)
        q, scale = quantise(self.weights, self.weight_scale)
        np.savez_compressed(
            d / "weights.npz",
            weights=q,
            weight_scale=scale,
            bias=self.bias.astype(np.float32),
            lang_bias=self.lang_bias.astype(np.float32),
            hashes=self.vocab.hashes.astype(np.uint32),
            blocks=self.vocab.blocks.astype(np.int8),
            idf=self.vocab.idf.astype(np.float32),
            platt_a=self.platt_a.astype(np.float32),
            platt_b=self.platt_b.astype(np.float32),
        )
        (d / "labels.json").write_text(
            json.dumps({"labels": self.labels, "languages": self.languages}, indent=1,
                       ensure_ascii=False) + "\n", "utf-8"
        )  # fmt: skip
        (d / "taxonomy.json").write_text(
            json.dumps(self.taxonomy.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        meta = dict(self.meta)
        meta.update(
            {
                "format": MODEL_FORMAT,
                "hashing": self.spec.to_json(),
                "block_weights": list(self.vocab.block_weights),
                "decision": self.decision.to_json(),
            }
        )
        (d / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LinearNarrativeModel:
        d = Path(path)
        try:
            meta = json.loads((d / "meta.json").read_text("utf-8"))
            lab = json.loads((d / "labels.json").read_text("utf-8"))
            taxonomy = Taxonomy.load(d / "taxonomy.json")
            with np.load(d / "weights.npz", allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except FileNotFoundError as e:
            raise ModelError(
                f"[E030] narrative model directory {str(d)!r} is incomplete: {e.filename} is "
                "missing (expected meta.json, labels.json, taxonomy.json, weights.npz). "
                "Train one with `narrascope train narratives`."
            ) from e
        except (ValueError, KeyError, json.JSONDecodeError) as e:
            raise ModelError(f"[E031] narrative model in {str(d)!r} is malformed: {e}") from e
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(
                f"[E032] {str(d)!r} holds a model of format {meta.get('format')!r}, "
                f"expected {MODEL_FORMAT!r}"
            )
        vocab = HashVocabulary(
            arrays["hashes"].astype(np.uint64),
            arrays["blocks"].astype(np.int8),
            arrays["idf"].astype(np.float32),
            tuple(meta.get("block_weights", (0.5, 0.5))),  # type: ignore[arg-type]
        )
        return cls(
            taxonomy=taxonomy,
            spec=HashingSpec.from_json(meta["hashing"]),
            vocab=vocab,
            labels=list(lab["labels"]),
            # kept int8 in memory (4x smaller than float32); only the rows of a
            # document's features are dequantised, in ``weight_rows``
            weights=np.ascontiguousarray(arrays["weights"], dtype=np.int8),
            weight_scale=arrays["weight_scale"].astype(np.float32),
            bias=arrays["bias"].astype(np.float64),
            lang_bias=arrays["lang_bias"].astype(np.float64),
            languages=list(lab["languages"]),
            platt_a=arrays["platt_a"].astype(np.float64),
            platt_b=arrays["platt_b"].astype(np.float64),
            decision=DecisionParams.from_json(meta.get("decision", {})),
            meta=meta,
        )


def quantise(w: np.ndarray, scale: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights with one scale per label column (max-abs / 127)."""
    if scale is not None and w.dtype == np.int8:
        return w, scale.astype(np.float32)
    m = np.abs(w).max(axis=0)
    s = np.where(m > 0, m / 127.0, 1.0)
    return np.round(w / s).astype(np.int8), s.astype(np.float32)


def _expected_f1(sel_sum: float, k: int, total: float) -> float:
    return 2.0 * sel_sum / (k + total) if k + total > 0 else 0.0


def with_children(model: LinearNarrativeModel, p: np.ndarray, w: float) -> np.ndarray:
    """Narrative probabilities mixed with their best subnarrative's: ``(1-w) p + w max``.

    ``p`` is ``(L,)`` or ``(n, L)``; a copy is returned.
    """
    p = np.array(p, dtype=np.float64, copy=True)
    flat = p.reshape(-1, p.shape[-1])
    kids = np.zeros((flat.shape[0], len(model.narr_idx)))
    np.maximum.at(kids.T, model.sub_parent, flat[:, model.sub_idx].T)
    flat[:, model.narr_idx] = (1.0 - w) * flat[:, model.narr_idx] + w * kids
    return flat.reshape(p.shape)


def decide(
    model: LinearNarrativeModel, p: np.ndarray, prm: DecisionParams | None = None
) -> Prediction:
    """Hierarchy-consistent labels maximising the (approximate) expected samples-F1."""
    prm = prm or model.decision
    tax = model.taxonomy
    if prm.child_weight > 0:
        p = with_children(model, p, prm.child_weight)
    proba = {lab: float(p[i]) for i, lab in enumerate(model.labels)}
    p_other = min(1.0, float(p[model.other_idx]) * prm.other_scale)
    pn = np.clip(p[model.narr_idx] * prm.label_scale, 0.0, 1.0)
    ps = np.clip(p[model.sub_idx] * prm.sub_scale, 0.0, 1.0)
    cond = max(1e-6, 1.0 - p_other)
    cn = np.minimum(pn / cond, 1.0)
    cs = np.minimum(ps / cond, 1.0)

    best = int(np.argmax(cn))
    dom = int(model.narr_domain[best])
    in_dom = np.nonzero(model.narr_domain == dom)[0]
    order = in_dom[np.argsort(-cn[in_dom], kind="stable")]
    total = float(cn[in_dom].sum())
    best_ef, best_k, run = -1.0, 1, 0.0
    for k, i in enumerate(order[: prm.max_narratives], 1):
        run += float(cn[i])
        ef = _expected_f1(run, k, total)
        if ef > best_ef:
            best_ef, best_k = ef, k
    ef_narr = (1.0 - p_other) * best_ef
    domain = tax.domains[dom]
    if p_other >= ef_narr:
        po = float(p[model.other_idx])
        return Prediction([(OTHER, po)], [(OTHER, po)], None, proba)
    chosen = [int(i) for i in order[:best_k]]

    # subnarratives: the best child of every chosen narrative, then more while EF rises
    cand = np.nonzero(np.isin(model.sub_parent, chosen))[0]
    sel: list[int] = []
    for n in chosen:
        kids = cand[model.sub_parent[cand] == n]
        sel.append(int(kids[np.argmax(cs[kids])]))
    dom_subs = np.nonzero(model.narr_domain[model.sub_parent] == dom)[0]
    total_s = float(cs[dom_subs].sum())
    run_s = float(cs[sel].sum())
    ef_s = _expected_f1(run_s, len(sel), total_s)
    rest = [int(i) for i in cand[np.argsort(-cs[cand], kind="stable")] if int(i) not in sel]
    for i in rest:
        if len(sel) >= max(prm.max_subnarratives, len(chosen)):
            break
        ef_new = _expected_f1(run_s + float(cs[i]), len(sel) + 1, total_s)
        if ef_new <= ef_s:
            break
        sel.append(i)
        run_s += float(cs[i])
        ef_s = ef_new
    narrs = [(tax.narratives[i], float(p[model.narr_idx[i]])) for i in chosen]
    subs = sorted(
        ((tax.subnarratives[i], float(p[model.sub_idx[i]])) for i in sel), key=lambda t: -t[1]
    )
    return Prediction(narrs, subs, domain, proba)
