"""Shared fixtures: hand-written texts only (never corpus or seed text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from texts import EN_ARTICLE, RU_ARTICLE

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture
def en_article() -> str:
    return EN_ARTICLE


@pytest.fixture
def ru_article() -> str:
    return RU_ARTICLE


@pytest.fixture
def bad_inputs_dir(tmp_path: Path) -> Path:
    """A directory of good and bad inputs, as in the foundation issue."""
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "a-good.txt").write_text(EN_ARTICLE, "utf-8")
    (d / "b-empty.txt").write_bytes(b"")
    (d / "c-random.bin").write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    (d / "d-russian-cp1251.txt").write_bytes(RU_ARTICLE.encode("cp1251"))
    lines = [
        json.dumps({"id": "j1", "text": EN_ARTICLE, "published": "2025-03-03"}),
        '{"id": "j2", "text": "truncated',
        json.dumps({"id": "j3", "body": "no text field here"}),
    ]
    (d / "e-records.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return d


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


LIGHT_CONFIG = """
[pipeline]
stages = ["language", "segment"]
"""


@pytest.fixture(scope="module")
def light_pipeline(tmp_path_factory):
    """Only language and segment: for tests of the run machinery (streaming, workers,
    resume, Ray), which do not need the model stages and would be slow with them.
    Module-scoped so that module-scoped reference runs use it too."""
    path = tmp_path_factory.mktemp("config") / "light.toml"
    path.write_text(LIGHT_CONFIG, "utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NARRASCOPE_CONFIG", str(path))
        yield path


def write_toy_crf(path: Path, tags: dict[str, str]) -> Path:
    """A hand-made claims CRF (``crf.json`` in ``path``) that tags each attribute of
    ``tags`` ("w=zork") with its label ("B-S") and every other token O; returns ``path``."""
    from narrascope.backends.claims.crf import LABELS

    attrs = [*tags, "sh=x", "sh=Xx", "sh=p"]
    state = [[k, LABELS.index(lab), 5.0] for k, lab in enumerate(tags.values())]
    state += [[k, 0, 1.0] for k in range(len(tags), len(attrs))]  # other tokens: O
    model = {
        "format": "narrascope-crf-1",
        "labels": list(LABELS),
        "sequences": 1,
        "transitions": {"pairs": [], "weights": []},
        "attributes": attrs,
        "state": state,
    }
    (path / "crf.json").write_text(json.dumps(model), "utf-8")
    return path


def toy_technique_model(
    labels: list[str],
    config: Any,
    *,
    language: str,
    seed: int,
    bucket_step: int = 1,
    stack_input: str | None = None,
) -> Any:
    """A techniques model with fixed random weights on every ``bucket_step``-th hashed
    column (no training needed); with ``stack_input`` also a random second stage."""
    import numpy as np

    from narrascope.backends.techniques.model import LinearScorer, TechniqueModel

    rng = np.random.default_rng(seed)
    n = len(labels)
    buckets = np.arange(0, 1 << config.bits, bucket_step, dtype=np.int64)
    scorer = LinearScorer(
        buckets, rng.normal(0, 0.5, (len(buckets), n)).astype(np.float16), np.zeros(n)
    )
    stack: dict[str, Any] = {}
    if stack_input is not None:
        n_stack = 5 * n + len(config.languages) + 1 + 1 + 3
        stack = {
            "stack_weights": rng.normal(0, 1.0, (n_stack, n)).astype(np.float32),
            "stack_bias": np.zeros(n, np.float32),
            "stack_input": stack_input,
        }
    return TechniqueModel(
        labels=list(labels),
        categories={t: "test" for t in labels},
        features=config,
        scorer=scorer,
        thresholds={"*": [0.5] * n},
        languages=[language],
        **stack,
    )


def run_claims(text: str, stage: Any = None, lang: str = "en") -> list[dict[str, Any]]:
    """Claims of ``text`` (rules by default) as dicts, after checking every offset."""
    from narrascope.document import Document
    from narrascope.stages.claims import RuleClaims
    from narrascope.stages.segment import SentencexSegmenter

    doc = SentencexSegmenter()(Document(id="t", text=text, language=lang))
    doc = (stage or RuleClaims())(doc)
    doc.validate()
    out = []
    for c in doc.spans["claims"]:
        assert text[c.start : c.end] == c.text
        for key in ("source", "cue"):
            ref = c.attrs[key]
            if ref is not None:
                assert text[ref["start"] : ref["end"]] == ref["text"]
        out.append({"text": c.text, **c.attrs})
    return out
