"""Reading and writing the official SemEval-2025 T10 formats."""

from __future__ import annotations

from pathlib import Path

from narrascope.semeval.formats import (
    read_document,
    read_subtask1,
    read_subtask2,
    read_subtask3,
    write_subtask1,
    write_subtask2,
    write_subtask3,
)
from narrascope.taxonomy.narratives import Taxonomy


def test_subtask2_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "st2.txt"
    rows = [
        ("EN_1.txt", ["URW: A", "URW: A"], ["URW: A: x", "URW: A: Other"]),
        ("EN_2.txt", ["Other"], ["Other"]),
    ]
    assert write_subtask2(p, rows) == 2
    back = read_subtask2(p)
    assert back == {r[0]: (r[1], r[2]) for r in rows}


def test_subtask1_end_is_inclusive_in_files(tmp_path: Path) -> None:
    text = "Bill Gates flies.\r\nAgain."
    p = tmp_path / "st1.txt"
    p.write_bytes(b"EN_1.txt\tBill Gates\t0\t9\tAntagonist\tDeceiver\tCorrupt\n")
    (m,) = read_subtask1(p)
    assert text[m.start : m.end] == "Bill Gates"
    assert m.fine_roles == ["Deceiver", "Corrupt"]
    out = tmp_path / "out.txt"
    write_subtask1(out, [m])
    assert out.read_text("utf-8") == p.read_text("utf-8")


def test_documents_keep_crlf(tmp_path: Path) -> None:
    p = tmp_path / "EN_1.txt"
    p.write_bytes(b"Title\r\n\r\nBody line.\r\n")
    assert read_document(p) == "Title\r\n\r\nBody line.\r\n"


def test_subtask3_none_and_tabs(tmp_path: Path) -> None:
    p = tmp_path / "st3.txt"
    write_subtask3(p, [("EN_1.txt", "URW: A", None, "Two\tlines\nhere.")])
    assert read_subtask3(p) == {"EN_1.txt": ("URW: A", None, "Two lines here.")}


def test_taxonomy_conventions() -> None:
    tax = Taxonomy.from_json({"URW": {"A": ["x", "y"]}, "CC": {"B": []}})
    assert tax.narratives == ["URW: A", "CC: B"]
    assert tax.subnarratives == ["URW: A: x", "URW: A: y", "URW: A: Other", "CC: B: Other"]
    assert tax.parent["URW: A: y"] == "URW: A"
    assert tax.normalise_labels([], ["URW: A: x"]) == (["URW: A"], ["URW: A: x"])
    assert tax.normalise_labels(["CC: B"], []) == (["CC: B"], ["CC: B: Other"])
    assert tax.normalise_labels(["Other"], ["Other"]) == (["Other"], ["Other"])
