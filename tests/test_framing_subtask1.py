"""SemEval subtask-1 harness: reading, alignment, prediction format (hand-written files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.semeval.subtask1 import MentionRow, align, read_rows, read_text

TEXT = "Title line\r\n\r\nThe army of Zorvania bombed Pemba.\r\nMr Terel asked for peace.\r\n"


def write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    docs = tmp_path / "EN" / "subtask-1-documents"
    docs.mkdir(parents=True)
    (docs / "EN_T_1.txt").write_bytes(TEXT.encode("utf-8"))
    z, p, t = TEXT.index("Zorvania"), TEXT.index("Pemba"), TEXT.index("Terel")
    mentions = tmp_path / "EN" / "subtask-1-entity-mentions.txt"
    mentions.write_text(
        f"EN_T_1.txt\tZorvania\t{z}\t{z + 7}\n"
        f"EN_T_1.txt\tPemba\t{p}\t{p + 4}\n"
        f"EN_T_1.txt\tTerel\t{t + 2}\t{t + 6}\n",  # misaligned by two characters
        encoding="utf-8",
    )
    return docs, mentions


def test_read_rows_converts_inclusive_end_and_keeps_cr(tmp_path: Path) -> None:
    docs, mentions = write_inputs(tmp_path)
    text = read_text(docs / "EN_T_1.txt")
    assert "\r\n" in text  # newline="" keeps CR, so offsets match the official files
    rows = read_rows(mentions)
    assert [r.mention for r in rows] == ["Zorvania", "Pemba", "Terel"]
    assert text[rows[0].start : rows[0].end] == "Zorvania"
    assert rows[0].main_role is None and rows[0].fine_roles == []


def test_read_rows_with_roles(tmp_path: Path) -> None:
    f = tmp_path / "gold.txt"
    f.write_text("a.txt\tBill\t3\t6\tAntagonist\tDeceiver\tCorrupt\r\n\r\n", encoding="utf-8")
    (row,) = read_rows(f)
    assert (row.start, row.end, row.main_role, row.fine_roles) == (
        3, 7, "Antagonist", ["Deceiver", "Corrupt"],
    )  # fmt: skip


def test_align_moves_to_nearest_occurrence_or_drops() -> None:
    text = "Terel and Terel again"
    row = MentionRow("a", "Terel", 12, 17)
    fixed = align(text, row)
    assert fixed is not None and (fixed.start, fixed.end) == (10, 15) and fixed.shifted
    assert align(text, MentionRow("a", "Zorvania", 0, 8)) is None
    ok = MentionRow("a", "Terel", 0, 5)
    assert align(text, ok) is ok


def test_predict_subtask1_writes_official_format(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from narrascope.backends.framing.model import FINE_PARENT, FINE_ROLES, MAIN_ROLES, RoleModel
    from narrascope.semeval.subtask1 import predict_subtask1
    from narrascope.train import framing as recipe
    from test_framing_model import articles

    arts = articles()
    mat = recipe.build_matrix(arts, bits=16, lang_features=True)
    Wm, bm, Wf, bf = recipe.fit_model(mat.X, mat.main, mat.fine, C_main=10.0, C_fine=10.0,
                                      min_df=1)  # fmt: skip
    model_dir = tmp_path / "model"
    RoleModel.from_dense(Wm, bm, Wf, bf, **{**recipe.DEFAULTS, "bits": 16}).save(
        model_dir, {"licence": "test"}
    )
    docs, mentions = write_inputs(tmp_path)
    out = tmp_path / "pred.txt"
    n = predict_subtask1(docs, mentions, out, model_dir)
    assert n == 3
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 3
    in_rows = mentions.read_text("utf-8").splitlines()
    for line, src in zip(lines, in_rows, strict=True):
        cols = line.split("\t")
        assert cols[:4] == src.split("\t")  # id, mention, start, end kept as given
        assert cols[4] in MAIN_ROLES
        assert 1 <= len(cols[5:]) <= 2
        for f in cols[5:]:
            assert MAIN_ROLES[FINE_PARENT[FINE_ROLES.index(f)]] == cols[4]


def test_predict_subtask1_missing_article(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from narrascope.semeval.subtask1 import predict_subtask1

    mentions = tmp_path / "m.txt"
    mentions.write_text("nope.txt\tX\t0\t0\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"nope\.txt"):
        predict_subtask1(tmp_path, mentions, tmp_path / "o.txt", None)
