"""The shipped entity-role model: sparse linear weights in ``weights.npz`` (numpy only).

``weights.npz`` holds, for each head (``main``: 3 main roles, ``fine``: 22 fine roles,
optional ``framed``: 1 logit "is this mention framed at all"), the non-zero rows of the
hashed weight matrix (``{head}_rows`` int32 column ids, ``{head}_W`` float16 weights,
``{head}_b`` float32 biases). ``meta.json`` holds the parameters, label lists, training
data digest, CV metrics and licence. Loading never unpickles (``allow_pickle=False``).

Optional (models from round 5 on): a document-level ``narr`` head (the article's coarse
narratives, one sigmoid each, over the hashed article bag ``D=`` only) and a dense
``stack`` (``stack_W``, ``stack_b``): a multinomial logistic regression that re-decides
the main role from the linear heads' log probabilities, the article's narrative
probabilities and those crossed with the entity's side (Russia / Ukraine / West ...), so
that one article's stance can cast one side as villain and the other as victim.

Optional (models from round 6 on, ``params["vectors"]``): static multilingual word
vectors (``models/static_vectors``, see ``backends/static_vectors.py``) add three dense
blocks after the ``2**bits`` hashed columns: the mean vectors of the mention, of the
words around it and of its sentence (:func:`features.mention_vectors`); the heads' rows
for those columns are stored like any other row.

Optional (models from round 8 on, ``params["knn"]`` > 0, only with a stacker and word
vectors): ``knn_E`` (float16, one row per training mention: its word-vector columns)
and ``knn_y`` (its gold main role). The main-role shares among the ``knn`` training
mentions nearest to a mention (cosine of those columns, :func:`knn_log_probs`) are three
more stacker inputs, after the narrative x side block.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ...errors import ModelError
from ..static_vectors import StaticVectors
from .features import featurize_article, featurize_with_doc

MAIN_ROLES: tuple[str, ...] = ("Protagonist", "Antagonist", "Innocent")


@lru_cache(maxsize=1)
def role_taxonomy() -> dict[str, list[str]]:
    path = resources.files("narrascope.taxonomy").joinpath("roles.json")
    data = json.loads(path.read_text("utf-8"))
    return {k: list(v) for k, v in data["main_roles"].items()}


FINE_ROLES: tuple[str, ...] = tuple(f for m in MAIN_ROLES for f in role_taxonomy()[m])
FINE_PARENT: tuple[int, ...] = tuple(
    MAIN_ROLES.index(m) for m in MAIN_ROLES for _ in role_taxonomy()[m]
)
_CHILD_MASK = np.array([[p == i for p in FINE_PARENT] for i in range(len(MAIN_ROLES))])


def default_model_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models" / "framing"


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fine_to_main(p_fine: np.ndarray) -> np.ndarray:
    """Fine-role probabilities summed per main role (last axis: 22 -> 3)."""
    return np.asarray(p_fine @ _CHILD_MASK.T.astype(p_fine.dtype))


def decode(
    p_main: np.ndarray, p_fine: np.ndarray, *, second_ratio: float, fine_mix: float = 0.0
) -> tuple[str, float, list[tuple[str, float]]]:
    """Main role = argmax of the main-role probabilities, mixed with ``fine_mix`` of
    the fine-role probabilities summed per main role; fine roles restricted to its
    children, top-1 plus a second one whose probability is at least ``second_ratio``
    times the first."""
    if fine_mix > 0:
        p_main = (1 - fine_mix) * p_main + fine_mix * fine_to_main(p_fine)
    mi = int(np.argmax(p_main))
    pf = np.where(_CHILD_MASK[mi], p_fine, 0.0)
    total = float(pf.sum())
    pf = pf / total if total > 0 else _CHILD_MASK[mi] / _CHILD_MASK[mi].sum()
    order = np.argsort(-pf)
    fine = [(FINE_ROLES[order[0]], float(pf[order[0]]))]
    if len(order) > 1 and pf[order[1]] >= second_ratio * pf[order[0]] and pf[order[1]] > 0:
        fine.append((FINE_ROLES[order[1]], float(pf[order[1]])))
    return MAIN_ROLES[mi], float(p_main[mi]), fine


class _Head:
    def __init__(self, rows: np.ndarray, W: np.ndarray, b: np.ndarray, dim: int) -> None:
        self.rows = rows.astype(np.int64)
        self.W = W.astype(np.float32)
        self.b = b.astype(np.float32)
        # map hashed column -> compact row (or -1)
        self.lookup = np.full(dim, -1, dtype=np.int32) if dim <= (1 << 24) else None
        if self.lookup is not None:
            self.lookup[self.rows] = np.arange(len(self.rows), dtype=np.int32)

    @classmethod
    def from_dense(cls, W: np.ndarray, b: np.ndarray) -> _Head:
        nz = np.flatnonzero(np.abs(W).max(axis=1) > 1e-6)
        return cls(nz, W[nz], b, W.shape[0])

    def logits(self, X: sparse.csr_matrix) -> np.ndarray:
        if self.lookup is None:  # pragma: no cover - huge hash spaces
            raise ModelError("hash space too large")
        X = X.tocsr()
        cols = self.lookup[X.indices]
        keep = cols >= 0
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        Xc = sparse.csr_matrix(
            (X.data[keep], (rows[keep], cols[keep])), shape=(X.shape[0], len(self.rows))
        )
        return np.asarray(Xc @ self.W) + self.b


STACK_SIDES: tuple[str, ...] = ("RU", "UA", "WEST", "NONE", "OTHER", "GLOBAL")


def stack_features(
    p_main: np.ndarray,
    p_fine: np.ndarray,
    narr: np.ndarray,
    sides: Sequence[str],
    knn: np.ndarray | None = None,
) -> np.ndarray:
    """Dense inputs of the stacker, one row per mention: log P(main) (3), log of the
    fine-role probabilities summed per main role (3), the article's narrative
    probabilities (k; ``narr`` is one article's vector or one row per mention), those
    crossed with the one-hot side of the entity (k x 6; TERROR and other rare sides count
    as OTHER) and, for a model with ``knn``, the nearest training mentions' main-role
    log shares (3, :func:`knn_log_probs`)."""
    p_main, p_fine = np.atleast_2d(p_main), np.atleast_2d(p_fine)
    n = p_main.shape[0]
    narr = np.asarray(narr, dtype=np.float64)  # one article's (k,) or one row each (n, k)
    N = narr if narr.ndim == 2 else np.broadcast_to(narr, (n, narr.shape[0]))
    S = np.zeros((n, len(STACK_SIDES)))
    for i, side in enumerate(sides):
        S[i, STACK_SIDES.index(side if side in STACK_SIDES else "OTHER")] = 1.0
    cross = (N[:, :, None] * S[:, None, :]).reshape(n, -1)
    logs = np.log(np.clip(np.hstack([p_main, fine_to_main(p_fine)]), 1e-4, 1.0))
    parts = [logs, N, cross]
    if knn is not None:
        parts.append(np.atleast_2d(np.asarray(knn, dtype=np.float64)))
    return np.hstack(parts)


def unit_rows(E: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), float32."""
    E = np.asarray(E, dtype=np.float32)
    norm = np.linalg.norm(E, axis=1, keepdims=True)
    return E / np.maximum(norm, np.float32(1e-9))


def knn_rows(E: np.ndarray) -> np.ndarray:
    """Training rows as a model stores them for :func:`knn_log_probs`: unit length,
    rounded to float16 (returned as float32)."""
    return unit_rows(E).astype(np.float16).astype(np.float32)


def knn_log_probs(Q: np.ndarray, E: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    """Log of the main-role shares among the ``k`` rows of ``E`` nearest (cosine) to
    each row of ``Q``, smoothed with one pseudo-count spread evenly over the roles:
    ``log((count + 1/3) / (k + 1))``. ``E`` must have unit rows (:func:`knn_rows`);
    ``y`` holds main-role indices. A query row without any known word (all zeros) has
    no neighbours: its shares are even (every training row had words)."""
    Q = unit_rows(Q)
    k = max(1, min(int(k), E.shape[0]))
    S = Q @ E.T
    idx = np.argpartition(-S, k - 1, axis=1)[:, :k]
    counts = np.zeros((Q.shape[0], len(MAIN_ROLES)))
    for r in range(len(MAIN_ROLES)):
        counts[:, r] = (y[idx] == r).sum(axis=1)
    counts[~Q.any(axis=1)] = k / len(MAIN_ROLES)
    return np.log((counts + 1.0 / len(MAIN_ROLES)) / (k + 1.0))


def feature_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``featurize_article`` for a model's (or a recipe's) params.
    Models saved before feature set 2 have neither ``feature_set`` nor ``lang_weight``:
    feature set 1 with full-weight language copies."""
    out: dict[str, Any] = {
        "bits": int(params["bits"]),
        "lang_features": bool(params.get("lang_features", True)),
        "lang_weight": float(params.get("lang_weight", 1.0)),
        "feature_set": int(params.get("feature_set", 1)),
    }
    if params.get("vectors"):  # models from round 6 on: static word vectors
        out["vectors"] = load_vectors(str(params["vectors"]))
        out["vector_weight"] = float(params.get("vector_weight", 1.0))
        out["vector_window"] = int(params.get("vector_window", 8))
    return out


def n_columns(params: dict[str, Any]) -> int:
    """Width of the feature matrix: the hashed columns, then (models with static word
    vectors) three dense blocks of the vectors' dimension."""
    extra = 3 * load_vectors(str(params["vectors"])).dim if params.get("vectors") else 0
    return (1 << int(params["bits"])) + extra


@lru_cache(maxsize=4)
def load_vectors(name: str) -> StaticVectors:
    """Static word vectors by directory name under ``narrascope/models`` (or a path)."""
    path = Path(name)
    return StaticVectors.load(path if path.is_absolute() else default_model_dir().parent / name)


class RoleModel:
    """Main-role, fine-role (and optional framed/not-framed) heads over hashed features."""

    def __init__(self, heads: dict[str, _Head], params: dict[str, Any]) -> None:
        self.heads = heads
        self.params = params
        fk = feature_kwargs(params)
        self.bits, self.lang_features = fk["bits"], fk["lang_features"]
        self.feature_set, self.lang_weight = fk["feature_set"], fk["lang_weight"]
        self.entity_mix = float(params.get("entity_mix", 0.0))
        self.second_ratio = float(params.get("second_ratio", 1.01))
        self.fine_mix = float(params.get("fine_mix", 0.0))
        self.meta: dict[str, Any] = {}
        self.narr: _Head | None = None  # document-level narrative head (optional)
        self.stack_W: np.ndarray | None = None  # (n_features, 3) stacker (optional)
        self.stack_b: np.ndarray | None = None
        self.narratives: list[str] = list(params.get("narratives", []))
        self.knn_E: np.ndarray | None = None  # unit rows of training mention vectors
        self.knn_y: np.ndarray | None = None  # their gold main roles
        self._offsets: tuple[bytes, np.ndarray] | None = None
        self._all: _Head | None = None
        self._slices: dict[str, slice] = {}

    @classmethod
    def from_dense(
        cls,
        W_main: np.ndarray,
        b_main: np.ndarray,
        W_fine: np.ndarray,
        b_fine: np.ndarray,
        *,
        W_framed: np.ndarray | None = None,
        b_framed: np.ndarray | None = None,
        **params: Any,
    ) -> RoleModel:
        heads = {"main": _Head.from_dense(W_main, b_main), "fine": _Head.from_dense(W_fine, b_fine)}
        if W_framed is not None and b_framed is not None:
            heads["framed"] = _Head.from_dense(W_framed, b_framed)
        return cls(heads, params)

    def feature_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``featurize_article`` matching this model's training."""
        return feature_kwargs(self.params)

    def set_stack(
        self, W_narr: np.ndarray, b_narr: np.ndarray, W_stack: np.ndarray, b_stack: np.ndarray,
        narratives: Sequence[str],
    ) -> None:  # fmt: skip
        """Attach the document narrative head (dense hashed weights) and the stacker."""
        self.narr = _Head.from_dense(W_narr, b_narr)
        self.stack_W = np.asarray(W_stack, dtype=np.float32)
        self.stack_b = np.asarray(b_stack, dtype=np.float32)
        self._offsets = None
        self.narratives = list(narratives)
        self.params["narratives"] = list(narratives)

    @property
    def stacked(self) -> bool:
        return self.narr is not None and self.stack_W is not None

    def set_knn(self, E: np.ndarray, y: np.ndarray) -> None:
        """Attach the training mentions' word-vector columns and main roles (the
        stacker's nearest-neighbour inputs; ``params["knn"]`` neighbours)."""
        self.knn_E = knn_rows(E)
        self.knn_y = np.asarray(y, dtype=np.int8)

    @property
    def knn(self) -> int:
        """Neighbours the stacker reads (0: none)."""
        if self.knn_E is None or not self.stacked:
            return 0
        return int(self.params.get("knn", 0))

    def knn_features(self, X: sparse.csr_matrix) -> np.ndarray | None:
        """The stacker's nearest-neighbour inputs for feature rows ``X`` (their
        word-vector columns), or None for a model without them."""
        if not self.knn:
            return None
        assert self.knn_E is not None and self.knn_y is not None
        Q = X[:, 1 << self.bits :].toarray()
        return knn_log_probs(Q, self.knn_E, self.knn_y, self.knn)

    def narrative_proba(self, doc_row: sparse.csr_matrix) -> np.ndarray:
        """The article's narrative probabilities from its hashed ``D=`` row (empty
        without a narrative head)."""
        if self.narr is None:
            return np.zeros(0)
        z = self.narr.logits(doc_row)[0]
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def main_proba(
        self,
        p_main: np.ndarray,
        p_fine: np.ndarray,
        narr: np.ndarray,
        sides: Sequence[str],
        knn: np.ndarray | None = None,
    ) -> np.ndarray:
        """Main-role probabilities the decoding uses: the stacker's when the model has
        one (rows of ``p_main``/``p_fine``, one side per row; ``knn``: the rows'
        :meth:`knn_features`, needed when the model has them), else ``fine_mix`` of the
        fine-role sums mixed into ``p_main``."""
        p_main, p_fine = np.atleast_2d(p_main), np.atleast_2d(p_fine)
        if self.stacked:
            assert self.stack_W is not None
            off = self.stack_offsets(narr)  # the article's part, per side
            logs = np.log(np.clip(np.hstack([p_main, fine_to_main(p_fine)]), 1e-4, 1.0))
            rows = [STACK_SIDES.index(s if s in STACK_SIDES else "OTHER") for s in sides]
            z = logs @ self.stack_W[:6] + off[rows]
            if self.knn:
                if knn is None:
                    raise ValueError(
                        "this framing model's stacker reads nearest-neighbour inputs: pass "
                        "knn=model.knn_features(X) for the rows"
                    )
                z = z + np.atleast_2d(knn) @ self.stack_W[-len(MAIN_ROLES) :]
            return softmax(z)
        if self.fine_mix > 0:
            return (1 - self.fine_mix) * p_main + self.fine_mix * fine_to_main(p_fine)
        return p_main

    def stack_offsets(self, narr: np.ndarray) -> np.ndarray:
        """The stacker's logits without the mention's own log probabilities, for one
        article's narrative probabilities: one row per side in ``STACK_SIDES`` (the same
        as ``stack_features(...) @ stack_W + stack_b`` minus the first six columns'
        part); cached for the last article."""
        assert self.stack_W is not None and self.stack_b is not None
        narr = np.asarray(narr, dtype=np.float64)
        key = narr.tobytes()
        if self._offsets is not None and self._offsets[0] == key:
            return self._offsets[1]
        k, n_sides = len(narr), len(STACK_SIDES)
        W = self.stack_W.astype(np.float64)
        base = narr @ W[6 : 6 + k] + self.stack_b
        cross = W[6 + k : 6 + k + k * n_sides].reshape(k, n_sides, -1)  # (narr, side, role)
        off = base[None, :] + np.einsum("j,jsr->sr", narr, cross)
        self._offsets = (key, off)
        return off

    def decode(
        self,
        p_main: np.ndarray,
        p_fine: np.ndarray,
        narr: np.ndarray,
        side: str,
        knn: np.ndarray | None = None,
    ) -> tuple[str, float, list[tuple[str, float]]]:
        """Main role, its probability and the fine roles of one mention or entity."""
        return self.decode_rows(np.atleast_2d(p_main), np.atleast_2d(p_fine), narr, side, knn=knn)[
            0
        ]

    def decode_rows(
        self,
        P_main: np.ndarray,
        P_fine: np.ndarray,
        narr: np.ndarray,
        side: str,
        knn: np.ndarray | None = None,
    ) -> list[tuple[str, float, list[tuple[str, float]]]]:
        """:meth:`decode` for several rows of one entity (one batch through the
        stacker)."""
        pm = self.main_proba(P_main, P_fine, narr, [side] * len(P_main), knn=knn)
        return [decode(pm[k], P_fine[k], second_ratio=self.second_ratio) for k in range(len(pm))]

    # -- inference ------------------------------------------------------------------
    def _combined(self) -> _Head:
        """All heads as one weight matrix over the union of their rows (one lookup and
        one sparse product per batch)."""
        if self._all is None:
            names = [n for n in ("main", "fine", "framed") if n in self.heads]
            rows = np.unique(np.concatenate([self.heads[n].rows for n in names]))
            widths = [self.heads[n].W.shape[1] for n in names]
            W = np.zeros((len(rows), sum(widths)), dtype=np.float32)
            col = 0
            for n, w in zip(names, widths, strict=True):
                h = self.heads[n]
                W[np.searchsorted(rows, h.rows), col : col + w] = h.W
                self._slices[n] = slice(col, col + w)
                col += w
            b = np.concatenate([self.heads[n].b for n in names])
            self._all = _Head(rows, W, b, n_columns(self.params))
        return self._all

    def logits(self, X: sparse.csr_matrix) -> dict[str, np.ndarray]:
        Z = self._combined().logits(X)
        return {n: Z[:, sl] for n, sl in self._slices.items()}

    def predict_proba(self, X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        Z = self.logits(X)
        return softmax(Z["main"]), softmax(Z["fine"])

    def predict_all(self, X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Main-role, fine-role and framed probabilities in one pass."""
        Z = self.logits(X)
        framed = 1.0 / (1.0 + np.exp(-Z["framed"][:, 0])) if "framed" in Z else None
        return softmax(Z["main"]), softmax(Z["fine"]), framed

    def framed_proba(self, X: sparse.csr_matrix) -> np.ndarray | None:
        return self.predict_all(X)[2]

    # -- persistence ----------------------------------------------------------------
    def save(self, path: Path, meta: dict[str, Any]) -> None:
        path.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for name, h in self.heads.items():
            arrays[f"{name}_rows"] = h.rows.astype(np.int32)
            arrays[f"{name}_W"] = h.W.astype(np.float16)
            arrays[f"{name}_b"] = h.b.astype(np.float32)
        if self.stacked:
            assert self.narr is not None and self.stack_W is not None
            assert self.stack_b is not None
            arrays["narr_rows"] = self.narr.rows.astype(np.int32)
            arrays["narr_W"] = self.narr.W.astype(np.float16)
            arrays["narr_b"] = self.narr.b.astype(np.float32)
            arrays["stack_W"] = self.stack_W.astype(np.float32)
            arrays["stack_b"] = self.stack_b.astype(np.float32)
        if self.knn_E is not None and self.knn_y is not None:
            arrays["knn_E"] = self.knn_E.astype(np.float16)
            arrays["knn_y"] = self.knn_y.astype(np.int8)
        np.savez_compressed(path / "weights.npz", **arrays)  # type: ignore[arg-type]
        meta = {
            **meta,
            "params": self.params,
            "main_roles": list(MAIN_ROLES),
            "fine_roles": list(FINE_ROLES),
            "heads": sorted(self.heads),
            "stack": self.stacked,
            "knn_rows": 0 if self.knn_E is None else int(self.knn_E.shape[0]),
            "format": "npz sparse rows of hashed weights (see backends/framing/model.py)",
        }
        (path / "meta.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        self.meta = meta

    @classmethod
    def load(cls, path: Path | str | None = None) -> RoleModel:
        path = Path(path) if path is not None else default_model_dir()
        meta_path, w_path = path / "meta.json", path / "weights.npz"
        if not meta_path.exists() or not w_path.exists():
            raise ModelError(
                f"[E031] no framing model in {str(path)!r}: expected meta.json and "
                "weights.npz. Train one with `narrascope framing train` or "
                "`python -m narrascope.train.framing train`."
            )
        meta = json.loads(meta_path.read_text("utf-8"))
        if list(meta.get("fine_roles", [])) != list(FINE_ROLES):
            raise ModelError(
                f"[E032] framing model in {str(path)!r} has fine roles "
                f"{meta.get('fine_roles')} but this narrascope expects {list(FINE_ROLES)}"
            )
        params = meta["params"]
        dim = n_columns(params)
        heads: dict[str, _Head] = {}
        with np.load(w_path, allow_pickle=False) as z:
            for name in meta["heads"]:
                heads[name] = _Head(z[f"{name}_rows"], z[f"{name}_W"], z[f"{name}_b"], dim)
            model = cls(heads, params)
            if meta.get("stack"):
                model.narr = _Head(z["narr_rows"], z["narr_W"], z["narr_b"], dim)
                model.stack_W, model.stack_b = z["stack_W"], z["stack_b"]
            if meta.get("knn_rows"):
                model.knn_E = z["knn_E"].astype(np.float32)  # stored as knn_rows made them
                model.knn_y = z["knn_y"].astype(np.int8)
        model.meta = meta
        return model


def featurize_for(
    model: RoleModel,
    text: str,
    language: str,
    sentences: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Mention features for ``model`` and the article's narrative probabilities (an
    empty vector unless the model has a stacker: the article row is then not built)."""
    if model.stacked:
        X, row = featurize_with_doc(text, language, sentences, spans, **model.feature_kwargs())
        return X, model.narrative_proba(row)
    return featurize_article(text, language, sentences, spans, **model.feature_kwargs()), np.zeros(
        0
    )


@lru_cache(maxsize=4)
def load_cached(path: str | None) -> RoleModel:
    """Load a model once per process."""
    return RoleModel.load(path)


def fine_roles_of(main: str) -> Sequence[str]:
    return role_taxonomy()[main]
