"""SemEval-2025 Task 10 subtask 1 (entity framing): files, prediction and CV.

Formats (tab-separated, UTF-8): annotations ``article_id mention start end main_role
fine_role...`` and entity-mention inputs (first four columns). ``end`` is INCLUSIVE in
the files; here every offset is converted to end-exclusive. Files are read with
``newline=""`` because the offsets count CR characters.

About 17 of the 5,262 training rows do not line up with the text; :func:`align` moves
such a mention to the nearest occurrence of its string within ``max_shift`` characters
and drops it when there is none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGES = ("EN", "BG", "PT", "HI", "RU")


def default_data_dir() -> Path:
    env = os.environ.get("NARRASCOPE_SEMEVAL_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent.parent / "shared" / "data" / "semeval2025t10"
        if cand.is_dir():
            return cand
    return Path("/work/shared/data/semeval2025t10")


@dataclass
class MentionRow:
    article_id: str
    mention: str
    start: int  # end-exclusive offsets into the article text
    end: int
    main_role: str | None = None
    fine_roles: list[str] = field(default_factory=list)
    shifted: bool = False


@dataclass
class Article:
    id: str
    language: str
    text: str
    mentions: list[MentionRow] = field(default_factory=list)
    source: str = "train"


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_rows(path: Path) -> list[MentionRow]:
    """Rows of an annotation or entity-mention file (end converted to exclusive)."""
    rows: list[MentionRow] = []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) < 4:
                continue
            try:
                start, end = int(cols[2]), int(cols[3]) + 1
            except ValueError:
                continue
            main = cols[4].strip() if len(cols) > 4 and cols[4].strip() else None
            fine = [c.strip() for c in cols[5:] if c.strip()]
            rows.append(MentionRow(cols[0], cols[1], start, end, main, fine))
    return rows


def align(text: str, row: MentionRow, *, max_shift: int = 12) -> MentionRow | None:
    """The row with offsets that match its mention string, or None."""
    if text[row.start : row.end] == row.mention:
        return row
    best: int | None = None
    pos = text.find(row.mention, max(0, row.start - max_shift - len(row.mention)))
    while 0 <= pos <= row.start + max_shift:
        if best is None or abs(pos - row.start) < abs(best - row.start):
            best = pos
        pos = text.find(row.mention, pos + 1)
    if best is None or abs(best - row.start) > max_shift:
        return None
    return MentionRow(
        row.article_id, row.mention, best, best + len(row.mention), row.main_role,
        list(row.fine_roles), shifted=True,
    )  # fmt: skip


def load_split(lang_dir: Path, language: str, *, source: str = "train") -> list[Article]:
    """Articles of one language folder that have subtask-1 annotations."""
    ann = lang_dir / "subtask-1-annotations.txt"
    if not ann.exists():
        return []
    by_article: dict[str, list[MentionRow]] = {}
    for row in read_rows(ann):
        by_article.setdefault(row.article_id, []).append(row)
    out: list[Article] = []
    for aid in sorted(by_article):
        path = lang_dir / "raw-documents" / aid
        if not path.exists():
            continue
        text = read_text(path)
        rows = [r for r in (align(text, r) for r in by_article[aid]) if r is not None]
        out.append(Article(aid, language, text, rows, source))
    return out


def load_train(
    data_dir: Path | None = None,
    languages: tuple[str, ...] = LANGUAGES,
    *,
    extra_ru: bool = True,
) -> list[Article]:
    """All training articles; with ``extra_ru`` the reconstructed Russian release adds
    the articles that ``train/RU`` lacks (marked ``source="extra"``)."""
    data_dir = data_dir or default_data_dir()
    arts: list[Article] = []
    for lang in languages:
        arts.extend(load_split(data_dir / "train" / lang, lang))
    if extra_ru and "RU" in languages:
        have = {a.id for a in arts}
        extra = data_dir / "train_RU_19Jan2025_reconstructed" / "RU"
        arts.extend(a for a in load_split(extra, "RU", source="extra") if a.id not in have)
    return arts


# -- prediction ----------------------------------------------------------------------
def _language_of(path: Path, article_id: str) -> str:
    """Language code from the folder name (``.../EN/...``) or the article id."""
    for part in reversed(path.resolve().parts):
        if part.upper() in LANGUAGES:
            return part.lower()
    for lang in LANGUAGES:
        if lang in article_id.upper().replace("-", "_").split("_"):
            return lang.lower()
    return "en"


def predict_rows(
    text: str, language: str, rows: list[MentionRow], *, model: Any = None
) -> list[MentionRow]:
    """Predict main and fine roles for the given mentions of one article (in place)."""
    from ..backends.framing.features import canonical_key, entity_side
    from ..backends.framing.model import decode, featurize_for, load_cached
    from ..train.framing import entity_smooth, sentences_of

    m = model if model is not None else load_cached(None)
    spans = [(r.start, r.end) for r in rows]
    X, narr = featurize_for(m, text, language, sentences_of(text, language), spans)
    Pm, Pf = m.predict_proba(X)
    keys = [(0, canonical_key(r.mention, language)) for r in rows]
    Pm = entity_smooth(Pm, keys, m.entity_mix)
    Pf = entity_smooth(Pf, keys, m.entity_mix)
    sides = [entity_side(r.mention, language) for r in rows]
    P = m.main_proba(Pm, Pf, narr, sides, knn=m.knn_features(X))
    for i, r in enumerate(rows):
        main, _, fine = decode(P[i], Pf[i], second_ratio=m.second_ratio)
        r.main_role, r.fine_roles = main, [f for f, _ in fine]
    return rows


def predict_subtask1(
    input_dir: Path, mentions: Path, output: Path, model: Path | None = None
) -> int:
    """Write official subtask-1 predictions for the gold mentions in ``mentions``.

    ``input_dir`` holds the articles (``<article_id>`` files, e.g.
    ``subtask-1-documents/``); ``mentions`` is the official entity-mentions file (first
    four columns, end inclusive). Output rows: ``id mention start end main_role
    fine_role...`` (tab-separated, end inclusive, in input order). Returns rows written.
    A mention whose offsets do not match the text is still predicted from its offsets.
    """
    from ..backends.framing.model import RoleModel, load_cached

    rows = read_rows(Path(mentions))
    by_article: dict[str, list[MentionRow]] = {}
    for r in rows:
        by_article.setdefault(r.article_id, []).append(r)
    missing = [a for a in by_article if not (Path(input_dir) / a).exists()]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} article(s) named in {str(mentions)!r} are not in "
            f"{str(input_dir)!r}, e.g. {missing[0]!r}"
        )
    m = RoleModel.load(model) if model is not None else load_cached(None)
    for aid, arows in by_article.items():
        text = read_text(Path(input_dir) / aid)
        lang = _language_of(Path(input_dir), aid)
        fixed = []
        for r in arows:
            a = align(text, r)
            fixed.append(a if a is not None else r)
        predict_rows(text, lang, fixed, model=m)
        for r, fixed_row in zip(arows, fixed, strict=True):
            r.main_role, r.fine_roles = fixed_row.main_role, fixed_row.fine_roles
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="") as f:
        for r in rows:
            f.write(
                "\t".join([r.article_id, r.mention, str(r.start), str(r.end - 1),
                           r.main_role or "", *r.fine_roles]) + "\n"
            )  # fmt: skip
    return len(rows)


def cv_subtask1(data_dir: Path, folds: int = 5) -> dict[str, Any]:
    """Cross-validated main-role accuracy and exact match ratio per language
    (GroupKFold by article over the training data in ``data_dir``; needs scikit-learn).
    """
    from ..train.framing import cross_validate

    res = cross_validate(Path(data_dir), folds=folds, tune=True)
    return {
        lang: {"main_role_accuracy": v["main_role_accuracy"],
               "exact_match_ratio": v["exact_match_ratio"], "n": v["n"]}
        for lang, v in res["per_language"].items()
    }  # fmt: skip
