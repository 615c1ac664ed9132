"""Locate and load the SemEval-2025 Task 10 corpus (research-only data, read from a path).

The data directory is found in this order: an explicit path (``--data``), the
environment variable ``NARRASCOPE_SEMEVAL_DIR``, then ``../shared/data/semeval2025t10``
relative to the repository root and to the current directory (and to their parents, for
git worktrees). Nothing from
the corpus is ever copied into the package.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .formats import read_document, read_subtask2, read_subtask3

ENV_VAR = "NARRASCOPE_SEMEVAL_DIR"
RELATIVE = Path("..") / "shared" / "data" / "semeval2025t10"
LANGUAGES = ("BG", "EN", "HI", "PT", "RU")
EXTRA_RELEASES = ("train_RU_19Jan2025_reconstructed",)


def _repo_root() -> Path:
    # src/narrascope/semeval/data.py -> repository root is three levels above "narrascope"
    return Path(__file__).resolve().parents[3]


def find_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The SemEval data directory; raises ConfigError naming the places it looked."""
    candidates: list[Path] = []
    if explicit is not None:
        candidates.append(Path(explicit))
    elif os.environ.get(ENV_VAR):
        candidates.append(Path(os.environ[ENV_VAR]))
    else:
        # ../shared/data/semeval2025t10 from the repository root or the current directory;
        # a git worktree may sit one level deeper, so the ancestors are tried too
        for base in (_repo_root(), Path.cwd().resolve()):
            for anc in (base, *base.parents):
                c = anc / RELATIVE
                if c not in candidates:
                    candidates.append(c)
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    raise ConfigError(
        "[E030] SemEval-2025 Task 10 data not found; looked in "
        + ", ".join(str(c) for c in candidates)
        + f". Pass --data DIR or set {ENV_VAR}."
    )


@dataclass
class Example:
    """One annotated article."""

    id: str
    language: str  # upper-case SemEval language code, e.g. "EN"
    text: str
    narratives: list[str]
    subnarratives: list[str]
    dominant: tuple[str, str | None, str] | None = None  # subtask 3: narr, sub, explanation
    source: str = ""


@dataclass
class Corpus:
    examples: list[Example] = field(default_factory=list)
    duplicates_dropped: int = 0

    def digest(self) -> str:
        """sha256 over ids, texts and labels: identifies the training data in meta.json."""
        h = hashlib.sha256()
        for ex in sorted(self.examples, key=lambda e: (e.language, e.id)):
            h.update(ex.id.encode())
            h.update(hashlib.sha256(ex.text.encode()).digest())
            h.update(";".join(ex.narratives).encode())
            h.update(";".join(ex.subnarratives).encode())
        return h.hexdigest()


def _language_dirs(data_dir: Path) -> list[tuple[str, Path]]:
    """``(LANG, dir)`` for every folder holding subtask-2 annotations under data_dir."""
    out: list[tuple[str, Path]] = []
    if (data_dir / "subtask-2-annotations.txt").is_file():
        out.append((data_dir.name.upper(), data_dir))
    for split in ("train", *EXTRA_RELEASES):
        base = data_dir / split
        if base.is_dir():
            for sub in sorted(base.iterdir()):
                if (sub / "subtask-2-annotations.txt").is_file():
                    out.append((sub.name.upper(), sub))
    if not out:  # a directory of language folders given directly
        for sub in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
            if (sub / "subtask-2-annotations.txt").is_file():
                out.append((sub.name.upper(), sub))
    return out


def load_corpus(data_dir: Path, *, languages: tuple[str, ...] | None = None) -> Corpus:
    """All annotated articles under ``data_dir`` (train + extra releases), deduplicated.

    An article id met twice (the extra Russian release repeats 132 articles of
    ``train/RU``) is kept once, from the first folder read; when the two copies disagree
    in text or labels the first one wins as well.
    """
    dirs = _language_dirs(data_dir)
    if not dirs:
        raise ConfigError(
            f"[E031] no subtask-2-annotations.txt found under {data_dir} (expected "
            "train/<LANG>/subtask-2-annotations.txt and raw-documents/)"
        )
    corpus = Corpus()
    seen: set[tuple[str, str]] = set()
    for lang, d in dirs:
        if languages and lang not in languages:
            continue
        gold = read_subtask2(d / "subtask-2-annotations.txt")
        st3_path = d / "subtask-3-annotations.txt"
        st3 = read_subtask3(st3_path) if st3_path.is_file() else {}
        for doc_id, (narrs, subs) in gold.items():
            key = (lang, doc_id)
            if key in seen:
                corpus.duplicates_dropped += 1
                continue
            path = d / "raw-documents" / doc_id
            if not path.is_file():
                continue
            seen.add(key)
            corpus.examples.append(
                Example(doc_id, lang, read_document(path), narrs, subs, st3.get(doc_id), str(d))
            )
    return corpus
