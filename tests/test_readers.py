from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

from narrascope.document import Document
from narrascope.errors import ConfigError, InputError
from narrascope.io.dates import find_date_in_text, normalise_date
from narrascope.io.readers import (
    ErrorRecord,
    ReadOptions,
    decode_bytes,
    expand_inputs,
    read_inputs,
    split_title,
)
from texts import EN_ARTICLE, RU_ARTICLE

HTML_PAGE = """<!doctype html><html><head><title>Port blockade | Daily Example</title>
<meta property="og:title" content="Port blockade hits grain exports">
<meta property="article:published_time" content="2025-02-14T08:00:00Z">
<link rel="canonical" href="https://example.org/world/port-blockade">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Port blockade hits grain exports</h1>
<p>Grain exports through the southern ports fell by a third in January, according to
figures published by the port authority on Friday. Traders said ships were waiting for
weeks at anchor before they could load.</p>
<p>"We have never seen queues like this," said a shipping agent in the port, who asked
not to be named. The authority blamed the delays on inspections and on damage to the
terminals, and said repairs would take at least two months.</p>
<p>Farmers' unions warned that storage was running out ahead of the spring sowing and
called on the government to compensate growers for the losses they face this season.</p>
</article><footer>Copyright Daily Example</footer></body></html>"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org</link>
<description>Test feed</description>
<item><title>Ceasefire talks stall</title><link>https://example.org/a</link>
<pubDate>Tue, 04 Mar 2025 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Talks on a ceasefire stalled on Tuesday, officials said.&lt;/p&gt;
</description></item>
<item><title>Heatwave warning</title><link>https://example.org/b</link>
<description>The weather office warned of a heatwave next week.</description></item>
</channel></rss>"""


def read(path: Path | str, **kw) -> list[Document | ErrorRecord]:
    return list(read_inputs([str(path)], ReadOptions(**kw)))


def test_txt_title_id_and_exact_text(tmp_path):
    p = tmp_path / "minister.txt"
    p.write_bytes(EN_ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    [doc] = read(p)
    assert isinstance(doc, Document)
    assert doc.id == "minister"
    assert doc.title == "Minister blames neighbours for blackout"
    assert doc.text == EN_ARTICLE.replace("\n", "\r\n")  # CRLF kept: offsets count it
    assert doc.published == "2025-03-03"
    assert doc.source == str(p)


def test_bom_is_dropped_and_nothing_else(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf  Leading spaces stay.\n")
    [doc] = read(p)
    assert doc.text == "  Leading spaces stay.\n"


def test_cp1251_russian_is_decoded(tmp_path):
    p = tmp_path / "ru.txt"
    p.write_bytes(RU_ARTICLE.encode("cp1251"))
    [doc] = read(p)
    assert doc.text == RU_ARTICLE
    assert doc.meta["encoding"] == "cp1251"


def test_forced_encoding(tmp_path):
    p = tmp_path / "ru.txt"
    p.write_bytes(RU_ARTICLE.encode("koi8_u", errors="replace"))
    [doc] = read(p, encoding="koi8_u")
    assert "Министр обороны" in doc.text


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "empty_input"),
        (b"  \n\t\n", "empty_input"),
        (bytes(range(256)) * 16, "binary_input"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 100 + b"abc", "binary_input"),
    ],
)
def test_bad_bytes_become_error_records(tmp_path, data, code):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    [rec] = read(p)
    assert isinstance(rec, ErrorRecord)
    assert (rec.input, rec.stage, rec.error) == (str(p), "read", code)
    assert rec.detail


def test_decode_bytes_rejects_undecodable():
    with pytest.raises(InputError) as e:
        decode_bytes(b"\x81\x8d\x8f\x90\x9d" * 50, encoding="utf-8")
    assert e.value.error == "undecodable"


def test_too_large_file_is_an_error_not_a_read(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("word " * 2000, "utf-8")
    [rec] = read(p, max_chars=100)
    assert isinstance(rec, ErrorRecord) and rec.error == "too_large"
    [rec] = read(p, max_chars=5000)  # under the byte bound, over the character bound
    assert isinstance(rec, ErrorRecord) and rec.error == "too_large"


def test_unreadable_broken_link(tmp_path):
    link = tmp_path / "gone.txt"
    os.symlink(tmp_path / "missing-target.txt", link)
    [rec] = read(link)
    assert isinstance(rec, ErrorRecord) and rec.error == "unreadable"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_too_large_not_a_hang():
    [rec] = read(Path("/dev/zero"), max_chars=1000)
    assert isinstance(rec, ErrorRecord) and rec.error == "too_large"


@pytest.mark.skipif(not os.path.exists("/dev/fd"), reason="needs /dev/fd")
def test_a_pipe_is_read_like_a_file():
    r, w = os.pipe()
    os.write(w, b"The minister said prices rose.\n")
    os.close(w)
    try:
        [doc] = read(Path(f"/dev/fd/{r}"))
    finally:
        os.close(r)
    assert isinstance(doc, Document) and doc.text == "The minister said prices rose.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_csv_from_a_fifo_is_an_error(tmp_path):
    os.mkfifo(tmp_path / "rows.csv")
    [rec] = read(tmp_path / "rows.csv", fifo_wait=0.1)
    assert isinstance(rec, ErrorRecord) and rec.error == "unreadable" and "regular" in rec.detail


def test_jsonl_good_bad_and_missing_text(tmp_path):
    p = tmp_path / "recs.jsonl"
    p.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": "Alpha text.", "title": "A", "url": "https://e.org/a",
                            "published": "2024-03-25T10:00:00+01:00"}),
                "",
                '{"id": "b", "text": "trunc',
                json.dumps({"id": "c", "body": "x"}),
                json.dumps(["not", "an", "object"]),
                json.dumps({"text": "No id here."}),
            ]
        ),
        "utf-8",
    )  # fmt: skip
    items = read(p)
    assert [type(i).__name__ for i in items] == [
        "Document", "ErrorRecord", "ErrorRecord", "ErrorRecord", "Document",
    ]  # fmt: skip
    a, b, c, d, e = items
    assert (a.id, a.title, a.url, a.published, a.source) == (
        "a", "A", "https://e.org/a", "2024-03-25", f"{p}:1",
    )  # fmt: skip
    assert (b.input, b.error) == (f"{p}:3", "invalid_json")
    assert (c.input, c.error) == (f"{p}:4", "missing_text")
    assert "body" in c.detail and "--text-field" in c.detail
    assert d.error == "not_an_object"
    assert e.id == "recs-6"


def test_jsonl_custom_fields_and_overlong_line(tmp_path):
    p = tmp_path / "custom.ndjson"
    p.write_text(
        json.dumps({"uid": 7, "body": "Custom body.", "headline": "H", "date": "March 5, 2024"})
        + "\n" + json.dumps({"uid": 8, "body": "x" * 500}) + "\n"
        + json.dumps({"uid": 9, "body": "After the long one."}) + "\n",
        "utf-8",
    )  # fmt: skip
    items = read(
        p, text_field="body", id_field="uid", title_field="headline", date_field="date",
        max_chars=100,
    )  # fmt: skip
    assert [(getattr(i, "id", None), type(i).__name__) for i in items] == [
        ("7", "Document"), ("custom-2", "ErrorRecord"), ("9", "Document"),
    ]  # fmt: skip
    assert items[0].title == "H" and items[0].published == "2024-03-05"
    assert items[1].error == "too_large"


def test_csv_and_tsv(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text('id,text,published\nr1,"First, with comma.",2024-05-01\nr2,"",\n', "utf-8")
    items = read(p)
    assert isinstance(items[0], Document) and items[0].text == "First, with comma."
    assert items[0].source == f"{p}:2" and items[0].published == "2024-05-01"
    assert isinstance(items[1], ErrorRecord) and items[1].error == "missing_text"
    t = tmp_path / "rows.tsv"
    t.write_text("id\tcontent\nx\tTab separated.\n", "utf-8")
    [rec] = read(t)
    assert isinstance(rec, ErrorRecord) and rec.error == "missing_column"
    assert "content" in rec.detail
    [doc] = read(t, text_field="content")
    assert doc.text == "Tab separated." and doc.id == "x"


def test_html_main_text_and_metadata(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(HTML_PAGE, "utf-8")
    [doc] = read(p)
    assert isinstance(doc, Document), doc
    assert "Grain exports through the southern ports" in doc.text
    assert "Home" not in doc.text and "Copyright" not in doc.text
    assert doc.title == "Port blockade hits grain exports"
    assert doc.published == "2025-02-14"
    assert doc.url == "https://example.org/world/port-blockade"


def test_html_without_main_text(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text(
        "<html><head><title>x</title><script>var a = 1;</script></head>"
        '<body><div><img src="photo.png" alt=""></div></body></html>',
        "utf-8",
    )
    [rec] = read(p)
    assert isinstance(rec, ErrorRecord) and rec.error == "no_main_text"


def test_feed_entries_become_documents(tmp_path):
    p = tmp_path / "wire.rss"
    p.write_text(FEED, "utf-8")
    a, b = read(p)
    assert (a.id, a.title, a.url, a.published) == (
        "wire-1", "Ceasefire talks stall", "https://example.org/a", "2025-03-04",
    )  # fmt: skip
    assert a.text == "Talks on a ceasefire stalled on Tuesday, officials said."
    assert b.published is None and b.source == f"{p}#2"
    bad = tmp_path / "bad.rss"
    bad.write_text("<rss><channel><title>t</title></channel></rss>", "utf-8")
    [rec] = read(bad)
    assert isinstance(rec, ErrorRecord) and rec.error == "invalid_feed"


def test_stdin(monkeypatch):
    fake = io.TextIOWrapper(io.BytesIO(EN_ARTICLE.encode("utf-8")))
    monkeypatch.setattr(sys, "stdin", fake)
    [doc] = read("-")
    assert doc.id == "stdin" and doc.text == EN_ARTICLE


def test_directories_recurse_sorted_and_globs(tmp_path):
    for rel in ["b/2.txt", "a/1.txt", "a/z/3.txt", ".hidden/x.txt", "c.txt"]:
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("Some text.", "utf-8")
    names = [Path(p).relative_to(tmp_path).as_posix() for p in expand_inputs([str(tmp_path)])]
    assert names == ["c.txt", "a/1.txt", "a/z/3.txt", "b/2.txt"]
    globbed = list(expand_inputs([str(tmp_path / "a" / "*.txt")]))
    assert globbed == [str(tmp_path / "a" / "1.txt")]
    with pytest.raises(ConfigError, match="does not exist"):
        list(expand_inputs([str(tmp_path / "nope.txt")]))
    with pytest.raises(ConfigError, match="no file matches"):
        list(expand_inputs([str(tmp_path / "*.nothing")]))


def test_split_title():
    assert split_title("Title\n\nBody") == "Title"
    assert split_title("Title\r\n\r\nBody") == "Title"
    assert split_title("No blank line\nBody") is None
    assert split_title("x" * 300 + "\n\nBody") is None


@pytest.mark.parametrize(
    "text,expected",
    [
        (" date 2024-03-25 Terrorists threatened", "2024-03-25"),
        ("ODESA, September 12, 2024 — A missile", "2024-09-12"),
        ("МОСКВА, 11 февраля 2025 — Министр", "2025-02-11"),
        ("BRASÍLIA, 4 de abril de 2025 — O deputado", "2025-04-04"),
        ("София, 5 ноември 2024 г. — Депутатът", "2024-11-05"),
        ("नई दिल्ली, 22 मई 2024 — रिपोर्ट", "2024-05-22"),
        ("Marching 12, 2024 is not a date", None),
        ("No date at all in this text.", None),
    ],
)
def test_dates_from_text(text, expected):
    assert find_date_in_text(text) == expected


def test_date_found_only_in_the_head():
    assert find_date_in_text("x " * 400 + "on 2024-01-01") is None


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-03-25T10:00:00Z", "2024-03-25"),
        ("Tue, 04 Mar 2025 10:00:00 GMT", "2025-03-04"),
        ("2024-02-30", None),
        ("yesterday", None),
        (None, None),
    ],
)
def test_normalise_date(value, expected):
    assert normalise_date(value) == expected
