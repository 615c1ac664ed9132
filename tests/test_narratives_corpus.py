"""Checks on the SemEval corpus itself (opt-in: needs ../shared/data)."""

from __future__ import annotations

import pytest

from narrascope.errors import ConfigError
from narrascope.semeval.data import find_data_dir, load_corpus

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def data_dir():  # type: ignore[no-untyped-def]
    try:
        return find_data_dir()
    except ConfigError:
        pytest.skip("SemEval-2025 Task 10 data not available")


def test_corpus_dedupes_the_extra_russian_release(data_dir) -> None:  # type: ignore[no-untyped-def]
    corpus = load_corpus(data_dir)
    assert corpus.duplicates_dropped == 132
    by_lang: dict[str, int] = {}
    for ex in corpus.examples:
        by_lang[ex.language] = by_lang.get(ex.language, 0) + 1
    assert by_lang == {"BG": 401, "EN": 399, "HI": 366, "PT": 400, "RU": 216}


def test_shipped_model_predicts_test_documents(data_dir) -> None:  # type: ignore[no-untyped-def]
    from narrascope.semeval.narratives import analyse_folder

    docs = analyse_folder(data_dir / "test" / "EN" / "subtask-2-documents")
    assert len(docs) == 101
    for d in docs[:20]:
        d.validate()
        assert d.cats["narratives"]["narratives"]
