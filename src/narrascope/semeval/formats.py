"""Read and write the official SemEval-2025 Task 10 file formats (tab-separated UTF-8).

- subtask 1: ``article_id  mention  start  end  main_role  fine_role [fine_role ...]``;
  ``end`` is INCLUSIVE (the mention is ``text[start:end + 1]``).
- subtask 2: ``article_id  narratives  subnarratives``, each list ``;``-separated.
- subtask 3: ``article_id  dominant_narrative  dominant_subnarrative_or_none  explanation``.

Files are read with ``newline=""`` so CRLF line ends inside documents are kept (the
subtask-1 offsets count them).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

PathLike = str | os.PathLike[str]


def read_document(path: PathLike) -> str:
    """A raw article exactly as stored (CRLF kept)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _rows(path: PathLike) -> Iterable[tuple[int, list[str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            for n, raw in enumerate(f.read().split("\n"), 1):
                line = raw.rstrip("\r")
                if line.strip():
                    yield n, line.split("\t")
    except FileNotFoundError as e:
        raise ConfigError(f"[E032] file {str(path)!r} does not exist") from e


def _split(field_: str) -> list[str]:
    return [x.strip() for x in field_.split(";") if x.strip()]


# -- subtask 2 --------------------------------------------------------------------------
def read_subtask2(path: PathLike) -> dict[str, tuple[list[str], list[str]]]:
    """``{article_id: (narratives, subnarratives)}``; list order kept, duplicates kept."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for n, row in _rows(path):
        if len(row) < 3:
            raise ConfigError(
                f"[E033] {path}:{n}: expected 3 tab-separated columns "
                f"(id, narratives, subnarratives), got {len(row)}"
            )
        out[row[0].strip()] = (_split(row[1]), _split(row[2]))
    return out


def format_subtask2_row(doc_id: str, narratives: list[str], subnarratives: list[str]) -> str:
    return f"{doc_id}\t{';'.join(narratives)}\t{';'.join(subnarratives)}"


def write_subtask2(path: PathLike, rows: Iterable[tuple[str, list[str], list[str]]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for doc_id, narrs, subs in rows:
            f.write(format_subtask2_row(doc_id, narrs, subs) + "\n")
            n += 1
    return n


# -- subtask 3 --------------------------------------------------------------------------
def read_subtask3(path: PathLike) -> dict[str, tuple[str, str | None, str]]:
    """``{article_id: (dominant_narrative, dominant_subnarrative or None, explanation)}``."""
    out: dict[str, tuple[str, str | None, str]] = {}
    for n, row in _rows(path):
        if len(row) < 4:
            raise ConfigError(f"[E033] {path}:{n}: expected 4 tab-separated columns")
        sub = row[2].strip()
        out[row[0].strip()] = (
            row[1].strip(),
            None if sub.lower() in ("", "none") else sub,
            "\t".join(row[3:]).strip(),
        )
    return out


def _clean_field(text: str) -> str:
    return " ".join(text.split())  # no tabs or newlines inside a field


def write_subtask3(path: PathLike, rows: Iterable[tuple[str, str, str | None, str]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for doc_id, narr, sub, explanation in rows:
            f.write(f"{doc_id}\t{narr}\t{sub or 'none'}\t{_clean_field(explanation)}\n")
            n += 1
    return n


# -- subtask 1 --------------------------------------------------------------------------
@dataclass
class Mention:
    """One entity mention; ``end`` is EXCLUSIVE here (converted from the inclusive file)."""

    article_id: str
    mention: str
    start: int
    end: int
    main_role: str | None = None
    fine_roles: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


def read_subtask1(path: PathLike) -> list[Mention]:
    """Gold annotations, predictions or the 4-column mention input of subtask 1."""
    out: list[Mention] = []
    for n, row in _rows(path):
        if len(row) < 4:
            raise ConfigError(
                f"[E033] {path}:{n}: expected at least 4 tab-separated columns "
                "(id, mention, start, end)"
            )
        try:
            start, end_incl = int(row[2]), int(row[3])
        except ValueError as e:
            raise ConfigError(f"[E033] {path}:{n}: start/end must be integers") from e
        main = row[4].strip() if len(row) > 4 and row[4].strip() else None
        fine = [r.strip() for r in row[5:] if r.strip()]
        out.append(Mention(row[0].strip(), row[1], start, end_incl + 1, main, fine))
    return out


def write_subtask1(path: PathLike, mentions: Iterable[Mention]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for m in mentions:
            cols = [m.article_id, m.mention, str(m.start), str(m.end - 1)]
            cols += [m.main_role or "", *m.fine_roles]
            f.write("\t".join(cols) + "\n")
            n += 1
    return n


def list_documents(docs_dir: PathLike) -> list[Path]:
    """The ``.txt`` articles of a SemEval documents folder, sorted by name."""
    d = Path(docs_dir)
    if not d.is_dir():
        raise ConfigError(f"[E034] documents folder {str(d)!r} does not exist")
    return sorted(p for p in d.iterdir() if p.suffix == ".txt" and p.is_file())
