"""Readers: files, directories, globs and stdin in txt, JSONL, CSV/TSV, HTML and feeds.

:func:`read_inputs` streams :class:`~narrascope.document.Document` objects and
:class:`ErrorRecord` objects, one per input unit (a file, a JSONL line, a CSV row, a
feed entry), in a deterministic order: paths as given, directories walked in sorted
order. Bad input never raises here; it becomes an error record naming the input, the
stage (``read``) and a stable code from :data:`narrascope.errors.ERROR_CODES`.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import re
import select
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..document import Document
from ..errors import ConfigError, InputError
from .dates import find_date_in_text, normalise_date

TEXT_EXT = {".txt", ".text", ".md"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv", ".tsv"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".rss", ".atom", ".xml"}
MAX_TITLE_CHARS = 250
KNOWN_EXT = TEXT_EXT | JSONL_EXT | CSV_EXT | HTML_EXT | FEED_EXT


@dataclass
class ReadOptions:
    text_field: str = "text"
    id_field: str = "id"
    title_field: str = "title"
    date_field: str = "published"
    url_field: str = "url"
    max_chars: int = 5_000_000
    encoding: str | None = None  # force an encoding instead of detecting it
    extra_fields: tuple[str, ...] = ()  # JSONL/CSV fields copied into meta
    fifo_wait: float = 10.0  # seconds a pipe or FIFO may stay silent before it is an error

    @property
    def max_bytes(self) -> int:
        return self.max_chars * 4  # UTF-8 uses at most four bytes a character


@dataclass
class ErrorRecord:
    """An input that did not become an analysed document."""

    input: str
    stage: str
    error: str
    detail: str
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "input": self.input,
            "stage": self.stage,
            "error": self.error,
            "detail": self.detail,
        }
        if self.id is not None:
            out["id"] = self.id
        return out


Item = Document | ErrorRecord


# -- paths ---------------------------------------------------------------------------
def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Expand globs and directories (recursively, sorted). ``-`` stands for stdin.

    Raises ConfigError for a path that does not exist (a usage error, exit code 2).
    """
    for raw in inputs:
        if raw == "-":
            yield raw
            continue
        if any(ch in raw for ch in "*?[") and not os.path.exists(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                raise ConfigError(f"[E004] no file matches the pattern {raw!r}")
            for m in matches:
                yield from _walk(m)
            continue
        if not os.path.lexists(raw):
            raise ConfigError(f"[E004] input path {raw!r} does not exist")
        yield from _walk(raw)


def _walk(path: str) -> Iterator[str]:
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield os.path.join(root, name)
    else:
        yield path


# -- decoding ------------------------------------------------------------------------
def decode_bytes(data: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; return ``(text, encoding)``. Raises InputError."""
    if not data.strip():
        raise InputError("empty_input", "the input is empty")
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise InputError("undecodable", f"cannot decode as {encoding}: {e}") from e
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as e:
            raise InputError("undecodable", f"bad UTF-16: {e}") from e
    if b"\x00" in data[:8192]:
        raise InputError("binary_input", "the input holds NUL bytes: it is binary, not text")
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise InputError(
                "undecodable", "no encoding decodes these bytes (tried UTF-8 and detection)"
            ) from None
        text, enc = str(best), str(best.encoding)
    if _control_ratio(text) > 0.05:
        raise InputError(
            "binary_input", f"decoded as {enc} but full of control characters: binary data"
        )
    if not text.strip():
        raise InputError("empty_input", "the input holds only whitespace")
    return text, enc


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _control_ratio(text: str) -> float:
    sample = text[:4096]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


def split_title(text: str) -> str | None:
    """The first line is the title when a blank line follows it (SemEval convention)."""
    lines = text.split("\n", 2)
    first = lines[0].strip()
    if len(lines) >= 2 and first and not lines[1].strip() and len(first) <= MAX_TITLE_CHARS:
        return first
    return None


# -- readers ---------------------------------------------------------------------------
def read_inputs(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Item]:
    """Stream documents and error records from paths (see module docstring)."""
    opts = options or ReadOptions()
    for path in expand_inputs(inputs):
        yield from read_path(path, opts)


def shown_path(path: str) -> str:
    """``path`` as printable text: bytes of a file name that are not UTF-8 (kept by
    Python as lone surrogates) become ``\\xNN`` escapes."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_SURROGATE = re.compile("[\ud800-\udfff]")


def read_path(path: str, opts: ReadOptions) -> Iterator[Item]:
    """Documents and error records of one path; never raises for bad input.

    Names and texts are made writable as UTF-8: a file name that is not UTF-8 is shown
    with ``\\xNN`` escapes (in ``source``, ``input`` and ``id``), and a lone surrogate
    in a text (a ``"\\udcff"`` escape in JSON input) becomes U+FFFD, one character for
    one so that offsets hold, counted in ``meta["replaced_surrogates"]``.
    """
    shown = shown_path(path)
    for item in _read_path(path, opts):
        if isinstance(item, ErrorRecord):
            item.input = shown_path(item.input)
            item.id = None if item.id is None else shown_path(item.id)
            yield item
            continue
        if shown != path:
            item.id = shown_path(item.id)
            item.source = None if item.source is None else shown_path(item.source)
        if not item.text.isascii():
            n = len(_SURROGATE.findall(item.text))
            if n:
                item.text = _SURROGATE.sub("\ufffd", item.text)
                item.meta["replaced_surrogates"] = n
        if item.title is not None and not item.title.isascii():
            item.title = _SURROGATE.sub("\ufffd", item.title)
        yield item


def _read_path(path: str, opts: ReadOptions) -> Iterator[Item]:
    if path == "-":
        yield from _read_stdin(opts)
        return
    ext = Path(path).suffix.lower()
    try:
        if not os.path.exists(path):
            raise InputError("unreadable", "broken link or vanished file")
        if not stat.S_ISREG(os.stat(path).st_mode):
            yield from _read_special(path, ext, opts)
            return
        size = os.path.getsize(path)
        if ext in JSONL_EXT:
            yield from _read_jsonl_file(path, opts)
            return
        if ext in CSV_EXT:
            yield from _read_csv_file(path, opts)
            return
        if size > opts.max_bytes:
            raise InputError(
                "too_large", f"{size} bytes is over the limit of --max-chars {opts.max_chars}"
            )
        with open(path, "rb") as f:
            data = f.read()
    except InputError as e:
        yield ErrorRecord(path, "read", e.error, e.detail, id=Path(path).stem)
        return
    except OSError as e:
        yield ErrorRecord(
            path, "read", "unreadable", f"{type(e).__name__}: {e}", id=Path(path).stem
        )
        return
    yield from _read_bytes(path, data, ext, opts)


def _read_special(path: str, ext: str, opts: ReadOptions) -> Iterator[Item]:
    """A pipe, FIFO or device (``<(cmd)``, a FIFO found in a directory, ``/dev/stdin``).

    JSONL streams line by line while the writer is still writing; other formats read at
    most ``max_bytes + 1`` bytes, so an endless device ends as ``too_large``.
    """
    if ext in CSV_EXT:
        raise InputError("unreadable", "a CSV/TSV input must be a regular file, not a pipe")
    with _open_special(path, opts) as f:
        if ext in JSONL_EXT:
            yield from _jsonl_lines(path, f, opts)
            return
        data = f.read(opts.max_bytes + 1)
    if len(data) > opts.max_bytes:
        raise InputError("too_large", f"over the limit of --max-chars {opts.max_chars}")
    yield from _read_bytes(path, data, ext, opts)


def _open_special(path: str, opts: ReadOptions) -> IO[bytes]:
    """Open without waiting for a writer, then wait at most ``opts.fifo_wait`` seconds
    for something to read (or for the end), so a FIFO nobody writes to becomes an error
    record instead of hanging the batch."""
    if not hasattr(select, "poll"):  # no poll (Windows): a plain, blocking open
        return open(path, "rb")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(int(opts.fifo_wait * 1000)):
            raise InputError(
                "unreadable",
                f"nothing to read after {opts.fifo_wait:g} s: a pipe or FIFO nobody writes to",
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bytes(path: str, data: bytes, ext: str, opts: ReadOptions) -> Iterator[Item]:
    stem = Path(path).stem if path != "-" else "stdin"
    try:
        if ext in HTML_EXT or (ext in FEED_EXT and not _looks_like_feed(data)):
            yield _html_document(path, stem, data, opts)
        elif ext in FEED_EXT:
            yield from _feed_documents(path, stem, data, opts)
        else:
            yield _text_document(path, stem, data, opts)
    except InputError as e:
        yield ErrorRecord(path, "read", e.error, e.detail, id=stem)


def _read_stdin(opts: ReadOptions) -> Iterator[Item]:
    data = sys.stdin.buffer.read(opts.max_bytes + 1)
    head = data.lstrip()[:200].lower()
    if head.startswith(b"{"):
        yield from _jsonl_lines("-", io.BytesIO(data), opts)
    elif head.startswith(b"<"):
        yield from _read_bytes("-", data, ".xml" if _looks_like_feed(data) else ".html", opts)
    else:
        yield from _read_bytes("-", data, ".txt", opts)


def _check_size(text: str, opts: ReadOptions) -> None:
    if len(text) > opts.max_chars:
        raise InputError(
            "too_large", f"{len(text)} characters is over the limit of --max-chars {opts.max_chars}"
        )


def _text_document(path: str, stem: str, data: bytes, opts: ReadOptions) -> Document:
    if len(data) > opts.max_bytes:
        raise InputError("too_large", f"over the limit of --max-chars {opts.max_chars}")
    text, enc = decode_bytes(data, encoding=opts.encoding)
    _check_size(text, opts)
    return Document(
        id=stem,
        text=text,
        title=split_title(text),
        source=path,
        published=find_date_in_text(text),
        meta={"format": "txt", "encoding": enc},
    )


def _field(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _record_document(
    obj: dict[str, Any], source: str, default_id: str, fmt: str, opts: ReadOptions
) -> Document:
    text = obj.get(opts.text_field)
    if not isinstance(text, str) or not text.strip():
        present = ", ".join(sorted(map(str, obj))[:12]) or "none"
        raise InputError(
            "missing_text",
            f"no non-empty string in field {opts.text_field!r} (fields present: {present}); "
            "choose the field with --text-field",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_size(text, opts)
    published = normalise_date(_field(obj, opts.date_field)) or find_date_in_text(text)
    meta: dict[str, Any] = {"format": fmt}
    for name in opts.extra_fields:
        if name in obj:
            meta[name] = obj[name]
    return Document(
        id=_field(obj, opts.id_field) or default_id,
        text=text,
        title=_field(obj, opts.title_field) or split_title(text),
        source=source,
        url=_field(obj, opts.url_field),
        published=published,
        meta=meta,
    )


def _read_jsonl_file(path: str, opts: ReadOptions) -> Iterator[Item]:
    with open(path, "rb") as f:
        yield from _jsonl_lines(path, f, opts)


def _jsonl_lines(path: str, f: IO[bytes], opts: ReadOptions) -> Iterator[Item]:
    stem = Path(path).stem if path != "-" else "stdin"
    lineno = 0
    while True:
        raw = f.readline(opts.max_bytes + 1)
        if not raw:
            break
        lineno += 1
        source = f"{path}:{lineno}"
        default_id = f"{stem}-{lineno}"
        if len(raw) > opts.max_bytes and not raw.endswith(b"\n"):
            while True:  # skip the rest of the over-long line without keeping it
                more = f.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield ErrorRecord(
                source,
                "read",
                "too_large",
                f"line over --max-chars {opts.max_chars}",
                id=default_id,
            )
            continue
        if not raw.strip():
            continue
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise InputError("undecodable", f"line is not UTF-8: {e}") from e
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError("invalid_json", f"{e.msg} at column {e.colno}") from e
            if not isinstance(obj, dict):
                raise InputError(
                    "not_an_object", f"expected a JSON object, got {type(obj).__name__}"
                )
            yield _record_document(obj, source, default_id, "jsonl", opts)
        except InputError as e:
            yield ErrorRecord(source, "read", e.error, e.detail, id=default_id)


def _read_csv_file(path: str, opts: ReadOptions) -> Iterator[Item]:
    stem = Path(path).stem
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    with open(path, "rb") as fb:
        head = fb.read(65536)
    try:
        _, enc = decode_bytes(head, encoding=opts.encoding) if head.strip() else ("", "utf-8")
    except InputError as e:
        if e.error == "empty_input" or (e.error == "undecodable" and len(head) == 65536):
            enc = "utf-8"
        else:
            yield ErrorRecord(path, "read", e.error, e.detail, id=stem)
            return
    if not head.strip():
        yield ErrorRecord(path, "read", "empty_input", "the file is empty", id=stem)
        return
    csv.field_size_limit(opts.max_bytes)
    with open(path, encoding=enc if enc != "ascii" else "utf-8", errors="strict", newline="") as f:
        reader = csv.DictReader(f, delimiter=delimiter)
        try:
            fields = reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as e:
            yield ErrorRecord(path, "read", "unreadable", f"bad CSV header: {e}", id=stem)
            return
        if opts.text_field not in fields:
            yield ErrorRecord(
                path,
                "read",
                "missing_column",
                f"no column {opts.text_field!r} (columns: {', '.join(fields)}); "
                "choose one with --text-field",
                id=stem,
            )
            return
        row_no = 0
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as e:
                yield ErrorRecord(
                    f"{path}:{line}", "read", "undecodable", str(e), id=f"{stem}-{line}"
                )
                break
            row_no += 1
            source = f"{path}:{line}"
            try:
                yield _record_document(dict(row), source, f"{stem}-{row_no}", "csv", opts)
            except InputError as e:
                yield ErrorRecord(source, "read", e.error, e.detail, id=f"{stem}-{row_no}")


def _looks_like_feed(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def _html_document(path: str, stem: str, data: bytes, opts: ReadOptions) -> Document:
    html, _ = decode_bytes(data, encoding=opts.encoding)
    try:
        import trafilatura
    except ImportError as e:  # pragma: no cover - a core dependency
        raise InputError("unreadable", f"trafilatura is not installed: {e}") from e
    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError("no_main_text", "trafilatura found no main text in the page")
    _check_size(text, opts)
    meta: dict[str, Any] = {"format": "html"}
    author = getattr(result, "author", None)
    if author:
        meta["author"] = author
    sitename = getattr(result, "sitename", None)
    if sitename:
        meta["site"] = sitename
    return Document(
        id=stem,
        text=text,
        title=getattr(result, "title", None),
        source=path,
        url=getattr(result, "url", None),
        published=normalise_date(getattr(result, "date", None)) or find_date_in_text(text),
        meta=meta,
    )


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return fragment.strip()
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(fragment)
    except Exception:  # noqa: BLE001 - lxml raises several types on junk
        return fragment.strip()
    blocks = [t.strip() for t in root.itertext()]
    return "\n".join(b for b in blocks if b)


def _feed_documents(path: str, stem: str, data: bytes, opts: ReadOptions) -> Iterator[Item]:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None) or "no entries"
        raise InputError("invalid_feed", f"no feed entries: {reason}")
    for i, entry in enumerate(parsed.entries, start=1):
        source = f"{path}#{i}"
        entry_id = f"{stem}-{i}"
        body = ""
        if entry.get("content"):
            body = entry["content"][0].get("value", "")
        body = body or entry.get("summary", "") or ""
        text = _html_to_text(body)
        title = entry.get("title")
        if not text.strip():
            yield ErrorRecord(
                source, "read", "missing_text", "the feed entry has no text", id=entry_id
            )
            continue
        if len(text) > opts.max_chars:
            yield ErrorRecord(source, "read", "too_large", "entry over --max-chars", id=entry_id)
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            t = entry.get(key)
            if t:
                published = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
                break
        yield Document(
            id=entry_id,
            text=text,
            title=title,
            source=source,
            url=entry.get("link"),
            published=published or find_date_in_text(text),
            meta={"format": "feed", "feed_title": parsed.feed.get("title")},
        )
