"""Subtask-1 prediction on the official test inputs (needs ../shared/data; no gold)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.backends.framing.model import FINE_PARENT, FINE_ROLES, MAIN_ROLES
from narrascope.semeval.subtask1 import default_data_dir, predict_subtask1, read_rows, read_text

DATA = default_data_dir()


@pytest.mark.corpus
@pytest.mark.skipif(not (DATA / "test" / "EN").is_dir(), reason="SemEval data not available")
def test_predict_official_english_test_file(tmp_path: Path) -> None:
    lang_dir = DATA / "test" / "EN"
    mentions = lang_dir / "subtask-1-entity-mentions.txt"
    out = tmp_path / "pred.txt"
    n = predict_subtask1(lang_dir / "subtask-1-documents", mentions, out, None)
    rows_in = read_rows(mentions)
    assert n == len(rows_in) > 0
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == n
    for line, row in zip(lines, rows_in, strict=True):
        cols = line.split("\t")
        assert cols[0] == row.article_id and cols[1] == row.mention
        assert int(cols[2]) == row.start and int(cols[3]) == row.end - 1
        assert cols[4] in MAIN_ROLES and cols[5:]
        assert all(MAIN_ROLES[FINE_PARENT[FINE_ROLES.index(f)]] == cols[4] for f in cols[5:])
    # offsets of the official file point at the mention (end inclusive)
    text = read_text(lang_dir / "subtask-1-documents" / rows_in[0].article_id)
    assert text[rows_in[0].start : rows_in[0].end] == rows_in[0].mention
