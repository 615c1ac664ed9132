"""SemEval-2023 Task 3 harness: offset fixes, reading, scoring (hand-written data only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.techniques_harness import (
    convert_span,
    crlf_to_lf,
    fix_span_end,
    line_offsets,
    micro_f1,
    parse_label_rows,
    read_language,
    score_files,
    span_prf,
)

TEXT = "Title of the piece\n\nFirst line says hello.\nSecond line is loud.\n\nEnd here."


def test_crlf_offsets_map_back_to_lf_text():
    crlf = TEXT.replace("\n", "\r\n")
    for word in ("hello", "loud", "End here", "Title"):
        s_crlf = crlf.index(word)
        e_crlf = s_crlf + len(word)
        s, e = crlf_to_lf(TEXT, s_crlf), crlf_to_lf(TEXT, e_crlf)
        assert TEXT[s:e] == word
    # every CRLF offset of a character maps onto the same character
    for off in range(len(crlf)):
        if crlf[off] != "\r":
            assert TEXT[crlf_to_lf(TEXT, off)] == crlf[off]


def test_short_end_before_final_letter_and_dot_is_extended():
    text = "They were vulnerable.\nNext"
    end = text.index("vulnerable") + len("vulnerabl")  # one short, as in the defect
    assert fix_span_end(text, end) == end + 1
    assert text[text.index("vulnerable") : fix_span_end(text, end)] == "vulnerable"
    # a correct end is left alone, as is an end before a non-final position
    good = text.index("vulnerable") + len("vulnerable")
    assert fix_span_end(text, good) == good
    mid = text.index("They") + 2
    assert fix_span_end(text, mid) == mid


def test_convert_span_combines_both_fixes():
    crlf = TEXT.replace("\n", "\r\n")
    s = crlf.index("loud")
    e = s + len("lou")  # CRLF basis and one short
    assert TEXT[slice(*convert_span(TEXT, s, e, "CRLF"))] == "loud"
    s_lf = TEXT.index("loud")
    assert TEXT[slice(*convert_span(TEXT, s_lf, s_lf + 4, "LF"))] == "loud"
    assert convert_span(TEXT, s_lf, s_lf + 3, "LF", fix_end=False) == (s_lf, s_lf + 3)


def test_line_numbers_match_semeval_templates():
    text = "\ufeffHead\n\nPara one\n   \nPara two\n"
    rows = line_offsets(text)
    assert [r[0] for r in rows] == [1, 3, 5]
    _, s, e = rows[0]
    assert text[s:e] == "\ufeffHead"  # the byte-order mark stays character 0


def test_parse_label_rows_empty_third_field():
    rows = list(parse_label_rows("7\t1\t\n7\t3\tDoubt,Loaded_Language\n7\t5\n"))
    assert rows == [("7", 1, []), ("7", 3, ["Doubt", "Loaded_Language"]), ("7", 5, [])]


def test_micro_f1_hand_computed():
    gold = {("1", 1, "A"), ("1", 1, "B"), ("1", 2, "A"), ("2", 1, "C")}
    pred = {("1", 1, "A"), ("1", 2, "B"), ("2", 1, "C")}
    r = micro_f1(gold, pred)
    # tp = 2, P = 2/3, R = 2/4, F1 = 2PR/(P+R) = 4/7
    assert r["tp"] == 2
    assert r["precision"] == pytest.approx(2 / 3)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(4 / 7)
    assert micro_f1(gold, set())["f1"] == 0.0


def test_score_files(tmp_path: Path):
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\t1\tA,B\n1\t3\t\n2\t1\tC\n", "utf-8")
    # line 9 is not in the gold file: ignored; 2/1 missing: counted as empty
    pred.write_text("1\t1\tA\n1\t3\tD\n1\t9\tA\n", "utf-8")
    r = score_files(gold, pred)
    # gold 3 triples, scored pred 2 (A, D), tp 1: P 1/2, R 1/3, F1 0.4
    assert (r["tp"], r["gold"], r["pred"]) == (1, 3, 2)
    assert r["f1"] == pytest.approx(0.4)


def test_span_prf_partial_overlap_hand_computed():
    gold = {"d": [("LL", 0, 10), ("NC", 20, 30)]}
    pred = {"d": [("LL", 5, 15), ("NC", 40, 50), ("LL", 0, 10)]}
    r = span_prf(gold, pred)
    # pred credits: 5/10, 0, 10/10 -> P = 1.5/3; gold credits: LL covered 10/10
    # by the union of predictions, NC 0 -> R = 1/2
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(0.5)
    assert r["f1"] == pytest.approx(0.5)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="unknown language"):
        read_language("xx")


@pytest.mark.corpus
def test_corpus_spans_line_up_after_fixes():
    from narrascope.techniques_harness import semeval_dir

    if not (semeval_dir() / "fr").is_dir():
        pytest.skip("persuasion data not available")
    arts = read_language("fr")
    n = cut = 0
    for a in arts:
        for _, _, e in a.spans:
            n += 1
            if e < len(a.text) and a.text[e - 1].isalnum() and a.text[e].isalnum():
                cut += 1
    assert n > 5000
    assert cut / n < 0.005  # before the fixes about 10% of ends cut a word
