"""``--engine ray``: the same pipeline through Ray Data gives the same records."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope.errors import MissingExtraError
from narrascope.pipeline import run

pytestmark = pytest.mark.usefixtures("light_pipeline")

SENTENCES = [
    "The mayor said the new tram line would open in May.",
    "Critics claimed the project was far over budget.",
    "Residents of the old quarter complained about the noise.",
    "A spokesperson for the transport authority denied any delay.",
    "Officials announced a public hearing for next Tuesday.",
    "Le maire a annoncé une nouvelle ligne de tramway.",
    "Der Bürgermeister kündigte eine neue Straßenbahnlinie an.",
]


def _corpus(root: Path) -> Path:
    rng = random.Random(23)
    corpus = root / "corpus"
    (corpus / "txt").mkdir(parents=True)
    for i in range(40):
        body = "\n".join(
            " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 3))
        )
        (corpus / "txt" / f"n{i:02d}.txt").write_text(f"Tram news {i}\n\n{body}\n", "utf-8")
    (corpus / "txt" / "empty.txt").write_bytes(b"")
    (corpus / "txt" / "random.txt").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    lines = [json.dumps({"id": f"r{i}", "text": rng.choice(SENTENCES)}) for i in range(30)]
    lines[3] = '{"id": "half", "text": "unterminated'
    lines[9] = json.dumps({"id": "empty-text", "text": ""})
    (corpus / "rows.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return corpus


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    from narrascope.engines.ray_engine import run_ray

    with pytest.raises(MissingExtraError, match=r"pip install 'narrascope\[ray\]'"):
        run_ray([str(tmp_path)], tmp_path / "out")
    from narrascope.cli.main import app

    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path), "--out", str(tmp_path / "o"), "--engine", "ray"]
    )
    assert result.exit_code == 2
    assert "pip install 'narrascope[ray]'" in result.output


# Ray's own deprecation notices (raised inside ray.*) are not narrascope's to fix.
RAY_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray")


@pytest.fixture(scope="module")
def ray_local():  # type: ignore[no-untyped-def]
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.ray
@RAY_WARNINGS
def test_ray_engine_matches_the_local_engine(ray_local: object, tmp_path: Path) -> None:
    from narrascope.engines.ray_engine import run_ray

    corpus = _corpus(tmp_path)
    local = run([str(corpus)], tmp_path / "local")
    unordered = run_ray([str(corpus)], tmp_path / "ray", batch_size=8, preserve_order=False)
    assert (unordered.inputs, unordered.analysed, unordered.failed) == (
        local.inputs,
        local.analysed,
        local.failed,
    )
    assert local.inputs == 40 + 2 + 30 and local.failed == 4
    assert unordered.errors_by_code == local.errors_by_code
    for name in ("documents.jsonl", "errors.jsonl"):
        mine = (tmp_path / "ray" / name).read_text("utf-8").splitlines()
        theirs = (tmp_path / "local" / name).read_text("utf-8").splitlines()
        assert sorted(mine) == sorted(theirs), name
    run_json = json.loads((tmp_path / "ray" / "run.json").read_text("utf-8"))
    assert run_json["engine"] == "ray" and run_json["counts"]["accounted_for"] is True
    assert {"language", "segment"} <= set(run_json["stages"])
    assert {"language", "segment"} <= set(run_json["timings"]["stage_seconds"])

    # with the input order kept (the default) the files are byte-identical
    run_ray([str(corpus)], tmp_path / "ordered", batch_size=8)
    for name in ("documents.jsonl", "errors.jsonl"):
        assert (tmp_path / "ordered" / name).read_bytes() == (
            tmp_path / "local" / name
        ).read_bytes()
