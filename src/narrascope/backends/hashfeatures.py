"""Hashed word and character n-gram features, numpy only, with character positions.

Every n-gram occurrence is hashed to a 32-bit id (deterministic across processes and
platforms): word uni- and bigrams from ``zlib.crc32`` of lower-cased tokens, character
n-grams from a vectorised polynomial hash over the lower-cased text with every run of
non-letters folded into one space (the way scikit-learn's ``char`` analyzer sees text,
which shares sub-word pieces across related languages). Each occurrence keeps the
character offset where it starts, so a linear model's score can be split over
sentences exactly.

A model keeps a sorted vocabulary of the hashes it learned weights for
(:class:`HashVocabulary`); anything else is ignored at run time.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

# letters, digits and the combining marks of Indic scripts (Devanagari vowel signs are
# not \w in Python's re) form tokens
_TOKEN = re.compile(r"[\w\u0900-\u0DFF\u0300-\u036F]+")
_NON_LETTER = re.compile(r"[^\w\u0900-\u0DFF\u0300-\u036F]|[\d_]")

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_MASK32 = np.uint64(0xFFFFFFFF)
_P = np.uint64(1_000_003)

BLOCK_WORD = 0
BLOCK_CHAR = 1


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, 64 -> 32 bits (arrays wrap silently on overflow)."""
    h = h ^ (h >> np.uint64(30))
    h = h * _M2
    h = h ^ (h >> np.uint64(27))
    h = h * _M1
    h = h ^ (h >> np.uint64(31))
    return h & _MASK32


@dataclass(frozen=True)
class HashingSpec:
    """What to extract; stored in the model's meta so training and run time agree."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (3, 5)
    max_chars: int = 20_000  # longer texts are cut (news articles rarely exceed it)

    def to_json(self) -> dict[str, Any]:
        return {
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams),
            "max_chars": self.max_chars,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> HashingSpec:
        return cls(
            tuple(obj["word_ngrams"]),  # type: ignore[arg-type]
            tuple(obj["char_ngrams"]),  # type: ignore[arg-type]
            int(obj.get("max_chars", 20_000)),
        )


@dataclass
class Occurrences:
    """One row per n-gram occurrence: hash, start offset in the text, block."""

    hashes: np.ndarray  # uint64 holding 32-bit values
    starts: np.ndarray  # int64 character offsets
    blocks: np.ndarray  # int8: BLOCK_WORD or BLOCK_CHAR


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def extract(text: str, spec: HashingSpec) -> Occurrences:
    """All n-gram occurrences of ``text`` (offsets into ``text``)."""
    text = text[: spec.max_chars]
    low = _lower_same_length(text)
    parts_h: list[np.ndarray] = []
    parts_s: list[np.ndarray] = []
    parts_b: list[np.ndarray] = []

    # -- words
    lo_w, hi_w = spec.word_ngrams
    if hi_w >= 1:
        toks = [(m.start(), m.group()) for m in _TOKEN.finditer(low)]
        if toks:
            wh = np.fromiter(
                (zlib.crc32(t.encode("utf-8")) for _, t in toks), dtype=np.uint64, count=len(toks)
            )
            ws = np.fromiter((s for s, _ in toks), dtype=np.int64, count=len(toks))
            for n in range(max(lo_w, 1), hi_w + 1):
                if len(toks) < n:
                    break
                h = np.full(len(toks) - n + 1, np.uint64(0x51ED27 + n), dtype=np.uint64)
                for k in range(n):
                    h = h * _P + wh[k : len(toks) - n + 1 + k]
                parts_h.append(_mix(h))
                parts_s.append(ws[: len(toks) - n + 1])
                parts_b.append(np.full(len(h), BLOCK_WORD, dtype=np.int8))

    # -- characters: non-letters -> space, runs of spaces folded
    lo_c, hi_c = spec.char_ngrams
    if hi_c >= 1 and text:
        folded = _NON_LETTER.sub(" ", low)
        cps = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        is_sp = cps == 32
        keep = ~(is_sp & np.concatenate(([True], is_sp[:-1])))
        pos = np.nonzero(keep)[0].astype(np.int64)
        c = cps[keep]
        # pad with one space at both ends so word edges are visible
        c = np.concatenate(([np.uint64(32)], c, [np.uint64(32)]))
        pos = np.concatenate(([pos[0] if len(pos) else 0], pos, [pos[-1] if len(pos) else 0]))
        L = len(c)
        for n in range(max(lo_c, 1), hi_c + 1):
            if L < n:
                break
            m = L - n + 1
            h = np.full(m, np.uint64(0xC4A2 + 7919 * n), dtype=np.uint64)
            for k in range(n):
                h = h * _P + c[k : m + k]
            # drop n-grams made only of the padding/space
            valid = np.ones(m, dtype=bool)
            if n == 1:
                valid = c[:m] != 32
            parts_h.append(_mix(h[valid]))
            parts_s.append(pos[:m][valid])
            parts_b.append(np.full(int(valid.sum()), BLOCK_CHAR, dtype=np.int8))

    if not parts_h:
        return Occurrences(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int8))
    return Occurrences(np.concatenate(parts_h), np.concatenate(parts_s), np.concatenate(parts_b))


@dataclass
class HashVocabulary:
    """Sorted hashes a model keeps, with their block and idf weight."""

    hashes: np.ndarray  # sorted uint64 (32-bit values), shape (F,)
    blocks: np.ndarray  # int8, shape (F,)
    idf: np.ndarray  # float32, shape (F,)
    block_weights: tuple[float, float] = (0.5, 0.5)  # squared weights of word/char blocks

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Feature index per hash, -1 when the hash is not in the vocabulary."""
        if len(self.hashes) == 0 or len(hashes) == 0:
            return np.full(len(hashes), -1, dtype=np.int64)
        # look up the sorted distinct hashes (cache-friendly), then map back
        uniq, inverse = np.unique(hashes, return_inverse=True)
        idx = np.minimum(np.searchsorted(self.hashes, uniq), len(self.hashes) - 1)
        found = self.hashes[idx] == uniq
        return np.where(found, idx, -1).astype(np.int64)[inverse]

    def vectorize(self, occ: Occurrences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse doc vector ``(feature_idx, values)`` and the per-occurrence index.

        Values are sublinear tf x idf, each block L2-normalised and scaled by the square
        root of its weight. The occurrence index array (``-1`` for unknown n-grams) lets a
        caller spread each feature's value over its occurrences.
        """
        fidx = self.lookup(occ.hashes)
        known = fidx >= 0
        if not known.any():
            return np.zeros(0, np.int64), np.zeros(0, np.float64), fidx
        feats, counts = np.unique(fidx[known], return_counts=True)  # sorted features
        return feats, self.weigh(feats, counts), fidx

    def weigh(self, feats: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Values of features ``feats`` seen ``counts`` times: sublinear tf x idf, each
        block L2-normalised and scaled by the square root of its weight. Training and
        inference both call this, so they cannot drift apart."""
        vals = (1.0 + np.log(counts)) * self.idf[feats].astype(np.float64)
        blk = self.blocks[feats]
        for b, w in enumerate(self.block_weights):
            sel = blk == b
            norm = float(np.sqrt(np.sum(vals[sel] ** 2)))
            if norm > 0:
                vals[sel] *= np.sqrt(w) / norm
        return vals
