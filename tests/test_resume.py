"""Resumable, idempotent runs: kill ``narrascope analyze`` at any moment, resume, compare.

The corpus is generated here from sentences written for these tests (no corpus text):
a few hundred small documents in txt and JSONL, plus bad inputs (empty file, binary
bytes, a cp1251 file, broken JSONL lines, an object without text).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from narrascope import pipeline as pl
from narrascope.errors import ConfigError
from narrascope.pipeline import run

pytestmark = pytest.mark.usefixtures("light_pipeline")

SUBJECTS = [
    "The city council",
    "A spokesperson for the ministry",
    "Local farmers",
    "The opposition leader",
    "Several analysts",
    "The regional governor",
    "A group of volunteers",
    "The energy company",
]
VERBS = ["said", "announced", "warned", "claimed", "denied", "confirmed", "argued", "reported"]
OBJECTS = [
    "that the new bridge will open next spring.",
    "that fuel prices rose again this week.",
    "that the harvest was smaller than expected.",
    "that talks with the neighbouring country had stalled.",
    "that the flood damage was worse than first thought.",
    "that the school budget would be cut by ten percent.",
    "that nobody had been told about the plan in advance.",
    "that the report contained several serious errors.",
]
RU = [
    "Городской совет объявил о новом бюджете.",
    "Фермеры жалуются на низкие цены на зерно.",
    "Министр заявил, что переговоры продолжатся на следующей неделе.",
]
BG = [
    "Общинският съвет обяви нов бюджет за пътищата.",
    "Фермерите се оплакват от ниските цени на зърното.",
]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"


def _article(rng: random.Random, i: int) -> str:
    title = f"Report number {i} from the regional desk"
    paras = []
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.15:
            paras.append(" ".join(rng.choice(RU + BG) for _ in range(rng.randint(1, 3))))
        else:
            paras.append(" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))))
    return title + "\n\n" + "\n".join(paras) + "\n"


def write_corpus(root: Path, *, n_txt: int = 220, n_jsonl: int = 160, seed: int = 7) -> Path:
    """A directory of small generated documents with bad inputs among them."""
    rng = random.Random(seed)
    corpus = root / "corpus"
    (corpus / "txt").mkdir(parents=True)
    for i in range(n_txt):
        (corpus / "txt" / f"doc{i:04d}.txt").write_text(_article(rng, i), "utf-8")
    lines = []
    for i in range(n_jsonl):
        if i == 17:
            lines.append('{"id": "broken", "text": "This line is cut')
        elif i == 42:
            lines.append(json.dumps({"id": "no-text", "title": "nothing here"}))
        elif i == 99:
            lines.append("[1, 2, 3]")
        else:
            lines.append(json.dumps({"id": f"j{i:04d}", "text": _article(rng, 1000 + i)}))
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (corpus / "txt" / "empty.txt").write_bytes(b"")
    (corpus / "txt" / "noise.txt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    cp1251 = "Министр заявил, что переговоры продолжатся.\nФермеры жалуются на цены.\n"
    (corpus / "txt" / "russian-cp1251.txt").write_bytes(cp1251.encode("cp1251"))
    return corpus


def _cli(corpus: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "narrascope", "analyze", str(corpus), "--out", str(out),
            "--quiet", *extra]  # fmt: skip


def _env(checkpoint_seconds: str = "0") -> dict[str, str]:
    env = dict(os.environ)
    src = str(Path(pl.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    env["NARRASCOPE_CHECKPOINT_SECONDS"] = checkpoint_seconds
    return env


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "documents.jsonl").read_bytes(), (out / "errors.jsonl").read_bytes()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("resume"))


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted run (in-process: the CLI runs the same function)."""
    out = tmp_path_factory.mktemp("reference") / "out"
    result = run([str(corpus)], out)
    assert result.exit_code == 3  # bad inputs among them
    return out


def _session_pids(sid: int) -> set[int]:
    """Processes of session ``sid`` (Linux /proc): the run and every worker it started."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.add(int(entry.name))
    return pids


def _kill_when(
    cmd: list[str], out: Path, min_bytes: int, env: dict[str, str], *, group: bool = True
) -> int:
    """Start ``cmd``, SIGKILL it once documents.jsonl reaches ``min_bytes``; return its
    return code (``-SIGKILL`` when killed). ``group=False`` kills the main process only,
    and then waits for its worker processes to end by themselves."""
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    docs = out / "documents.jsonl"
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if docs.stat().st_size >= min_bytes:
                    if group:
                        os.killpg(proc.pid, signal.SIGKILL)
                    else:
                        proc.kill()
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.001)
        code = proc.wait(timeout=60)
        if not group:
            orphans_deadline = time.monotonic() + 20
            while _session_pids(proc.pid) and time.monotonic() < orphans_deadline:
                time.sleep(0.1)
            assert not _session_pids(proc.pid), "worker processes outlived the killed run"
        return code
    finally:
        if proc.poll() is None:  # pragma: no cover - only on a test failure
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # leave nothing behind on a failure
        except ProcessLookupError:
            pass


def test_reference_run_accounts_for_every_input(reference: Path) -> None:
    run_json = json.loads((reference / "run.json").read_text("utf-8"))
    counts = run_json["counts"]
    docs, errs = _outputs(reference)
    assert counts["inputs"] == 220 + 3 + 160 == counts["analysed"] + counts["failed"]
    assert docs.count(b"\n") == counts["analysed"] and errs.count(b"\n") == counts["failed"]
    codes = {json.loads(line)["error"] for line in errs.splitlines()}
    assert {"empty_input", "binary_input", "invalid_json", "missing_text"} <= codes
    assert run_json["counts"]["accounted_for"] is True


@pytest.mark.parametrize(
    "workers", ["1", pytest.param("2", marks=[pytest.mark.slow, pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="needs Linux /proc")])]
)  # fmt: skip
def test_sigkill_then_resume_gives_identical_files(
    corpus: Path, reference: Path, tmp_path: Path, workers: str
) -> None:
    """Kill the first run early, kill the resumed run further on, then finish it.

    With two workers only the main process is killed (as ``kill -9 PID`` does): its
    worker processes must then end by themselves.
    """
    ref_docs, ref_errs = _outputs(reference)
    out = tmp_path / "out"
    cmd = _cli(corpus, out, "--workers", workers)
    group = workers == "1"
    code = _kill_when(cmd, out, len(ref_docs) // 5, _env(), group=group)
    assert code == -signal.SIGKILL, "the run finished before it could be killed"
    assert len(_outputs(out)[0]) < len(ref_docs)
    state = json.loads((out / pl.CHECKPOINT_FILE).read_text("utf-8"))
    assert 0 < state["inputs_done"] < 383 and not state["complete"]
    code = _kill_when([*cmd, "--resume"], out, (len(ref_docs) * 3) // 5, _env(), group=group)
    assert code == -signal.SIGKILL, "the resumed run finished before it could be killed"
    second = json.loads((out / pl.CHECKPOINT_FILE).read_text("utf-8"))
    assert second["inputs_done"] > state["inputs_done"]
    proc = subprocess.run([*cmd, "--resume"], env=_env(), capture_output=True, timeout=300)
    assert proc.returncode == 3, proc.stderr.decode()
    docs, errs = _outputs(out)
    assert docs == ref_docs
    assert errs == ref_errs
    run_json = json.loads((out / "run.json").read_text("utf-8"))
    ref_json = json.loads((reference / "run.json").read_text("utf-8"))
    assert run_json["counts"] == ref_json["counts"]
    assert run_json["resumed_from_input"] >= second["inputs_done"]


def test_resume_survives_a_crash_between_chunk_write_and_checkpoint(
    corpus: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines of several chunks are on disk past the checkpoint: resume must drop them."""
    out = tmp_path / "out"
    saves = 0
    real_save = pl._Checkpoint.save

    def save_then_crash(self: pl._Checkpoint, state: dict[str, object]) -> None:
        nonlocal saves
        saves += 1
        if saves == 4:  # the chunk is written and fsynced; the checkpoint never lands
            raise KeyboardInterrupt
        real_save(self, state)

    monkeypatch.setattr(pl._Checkpoint, "save", save_then_crash)
    with pytest.raises(KeyboardInterrupt):
        run([str(corpus)], out, chunk_size=7, checkpoint_every=0)
    state = json.loads((out / pl.CHECKPOINT_FILE).read_text("utf-8"))
    assert (out / "documents.jsonl").stat().st_size > state["documents_bytes"]
    monkeypatch.setattr(pl._Checkpoint, "save", real_save)
    # a half-written checkpoint temporary file must not matter either
    (out / (pl.CHECKPOINT_FILE + ".tmp")).write_text('{"version": 2, "inputs_do', "utf-8")
    result = run([str(corpus)], out, chunk_size=5, resume=True)
    assert result.resumed_from == state["inputs_done"] == 21
    assert _outputs(out) == _outputs(reference)


def test_fresh_run_discards_a_stale_checkpoint(
    corpus: Path, reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A complete run, then a fresh run that dies before its first checkpoint: --resume
    must not trust the old checkpoint's sizes (it would keep the old files)."""
    out = tmp_path / "out"
    run([str(corpus)], out)

    def boom(self: pl.Pipeline, items: list[object]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pl.Pipeline, "process", boom)
    with pytest.raises(KeyboardInterrupt):
        run([str(corpus)], out)
    assert not (out / pl.CHECKPOINT_FILE).exists()
    assert _outputs(out) == (b"", b"")
    monkeypatch.undo()
    result = run([str(corpus)], out, resume=True)
    assert result.resumed_from == 0
    assert _outputs(out) == _outputs(reference)


def test_resume_of_a_finished_run_changes_nothing(corpus: Path, reference: Path) -> None:
    before = _outputs(reference)
    result = run([str(corpus)], reference, resume=True)
    assert result.resumed_from == result.inputs == 383
    assert result.analysed + result.failed == 383
    assert _outputs(reference) == before


def test_resume_with_another_config_is_refused(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, n_txt=8, n_jsonl=4)
    out = tmp_path / "out"
    run([str(corpus)], out)
    proc = subprocess.run(
        [*_cli(corpus, out, "--resume", "--lang", "en")], env=_env(), capture_output=True
    )
    assert proc.returncode == 2
    assert b"E012" in proc.stderr and b"without --resume" in proc.stderr


def test_resume_refuses_outputs_shorter_than_the_checkpoint(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, n_txt=8, n_jsonl=4)
    out = tmp_path / "out"
    run([str(corpus)], out)
    (out / "documents.jsonl").write_bytes(b"")
    with pytest.raises(ConfigError, match="E013"):
        run([str(corpus)], out, resume=True)


def test_resume_refuses_changed_inputs(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, n_txt=30, n_jsonl=0)
    (corpus / "feed.jsonl").unlink()
    out = tmp_path / "out"
    calls = 0
    real = pl._Checkpoint.save

    def crash_late(self: pl._Checkpoint, state: dict[str, object]) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real(self, state)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pl._Checkpoint, "save", crash_late)
        with pytest.raises(KeyboardInterrupt):
            run([str(corpus)], out, chunk_size=4, checkpoint_every=0)
    (corpus / "txt" / "doc0000.txt").unlink()  # every later path shifts by one
    with pytest.raises(ConfigError, match="E014"):
        run([str(corpus)], out, resume=True)


def test_missing_input_is_a_usage_error_before_outputs_are_touched(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path, n_txt=8, n_jsonl=4)
    out = tmp_path / "out"
    run([str(corpus)], out)
    before = _outputs(out)
    with pytest.raises(ConfigError, match="E004"):
        run([str(corpus), str(tmp_path / "nope")], out)
    assert _outputs(out) == before
