"""``--workers N``: same bytes as one worker, input order kept, every input accounted for."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from narrascope.pipeline import run

pytestmark = pytest.mark.usefixtures("light_pipeline")

WORDS = (
    "council minister farmers report bridge prices harvest talks flood budget plan "
    "errors spokesperson company volunteers governor analysts week spring country"
).split()


def _text(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(1, 3)):
        sents = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(4, 12))]
            sents.append(" ".join(words).capitalize() + rng.choice([".", ".", "!", "?"]))
        paras.append(" ".join(sents))
    return "\n".join(paras)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(11)
    root = tmp_path_factory.mktemp("workers") / "corpus"
    (root / "a").mkdir(parents=True)
    for i in range(60):
        (root / "a" / f"t{i:03d}.txt").write_text(f"Title {i}\n\n{_text(rng)}\n", "utf-8")
    (root / "a" / "empty.txt").write_bytes(b"")
    (root / "a" / "zz-binary.txt").write_bytes(bytes(range(256)) * 8)
    lines = [json.dumps({"id": f"j{i}", "text": _text(rng)}) for i in range(80)]
    lines[5] = '{"id": "cut", "text": "never closed'
    lines[30] = json.dumps({"id": "no-text"})
    (root / "b.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (root / "c.csv").write_text("id,body\n1,no text column here\n", "utf-8")
    return root


def _files(out: Path) -> tuple[bytes, bytes]:
    return (out / "documents.jsonl").read_bytes(), (out / "errors.jsonl").read_bytes()


def test_two_workers_write_the_same_bytes_as_one(corpus: Path, tmp_path: Path) -> None:
    one = run([str(corpus)], tmp_path / "one", workers=1, chunk_size=16)
    two = run([str(corpus)], tmp_path / "two", workers=2, chunk_size=3)
    docs, errs = _files(tmp_path / "one")
    assert _files(tmp_path / "two") == (docs, errs)
    assert (one.inputs, one.analysed, one.failed) == (two.inputs, two.analysed, two.failed)
    assert one.inputs == 60 + 2 + 80 + 1 == one.analysed + one.failed
    assert one.failed == 5 and one.errors_by_code == two.errors_by_code
    # input order: the files of a directory (b.jsonl, c.csv) before its sub-directories
    ids = [json.loads(line)["id"] for line in docs.splitlines()]
    assert ids[:3] == ["j0", "j1", "j2"]
    assert ids[-1] == "t059"
    assert [i for i in ids if i.startswith("t")] == [f"t{i:03d}" for i in range(60)]
    run_json = json.loads((tmp_path / "two" / "run.json").read_text("utf-8"))
    assert run_json["workers"] == 2 and run_json["counts"]["accounted_for"] is True
    assert "summed over all worker processes" in run_json["timings"]["stage_seconds_note"]
    assert {"language", "segment", "read"} <= set(run_json["timings"]["stage_seconds"])
    assert {"language", "segment"} <= set(run_json["stages"])


def test_more_workers_than_chunks(corpus: Path, tmp_path: Path) -> None:
    target = corpus / "a" / "t000.txt"
    one = run([str(target)], tmp_path / "one", workers=1)
    three = run([str(target)], tmp_path / "three", workers=3)
    assert one.inputs == three.inputs == 1
    assert _files(tmp_path / "one") == _files(tmp_path / "three")


@pytest.mark.parametrize(
    "where",
    ["group", "attrs", "data", "cats"],
)
def test_a_span_that_misses_its_text_becomes_an_error_record(where: str) -> None:
    """The output check (run in every worker) catches a bad span anywhere in a record."""
    from narrascope.document import Document, Span
    from narrascope.pipeline import Pipeline, load_config

    text = "The mayor said the tram line would open in May.\nCritics disagreed."
    good = Document(id="good", text=text, source="good.txt")
    bad = Document(id="bad", text=text, source="bad.txt")
    wrong = {"start": 4, "end": 9, "text": "MAYOR"}
    # keys that no shipped stage writes, so the default pipeline keeps them as they are
    if where == "group":
        bad.spans["test_layer"] = [Span(4, 9, "MAYOR")]
    elif where == "attrs":
        bad.spans["test_layer"] = [Span(4, 9, "mayor", attrs={"source": wrong})]
    elif where == "data":
        bad.data["test_layer"] = [{"id": "E1", "evidence": [wrong]}]
    else:
        bad.cats["test_layer"] = {"items": [{"label": "x", "evidence": [wrong]}]}
    lines, timings = Pipeline(load_config()).process([good, bad])
    assert [kind for kind, _ in lines] == ["doc", "error"]
    error = json.loads(lines[1][1])
    assert error["error"] == "invalid_output" and error["stage"] == "validate"
    assert error["input"] == "bad.txt" and "MAYOR" in error["detail"]
    record = json.loads(lines[0][1])
    assert record["id"] == "good" and record["spans"]["sentences"]
    assert {"language", "segment", "serialise", "language.cpu"} <= set(timings)
