"""The stage protocol every backend follows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from ..document import Document


class Stage:
    """A pipeline stage: ``__call__(doc) -> doc`` and ``pipe(docs)``.

    Subclasses set ``name`` (the registered, versioned backend name) and implement
    ``__call__``; ``pipe`` may be overridden to batch work. A stage writes only the keys
    it declares in ``assigns`` (span groups, ``cats`` keys or ``data`` keys). ``info()``
    reports model versions for ``run.json`` and ``narrascope info``.
    """

    name: ClassVar[str] = "stage.base.v0"

    def __call__(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 32) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)

    def info(self) -> dict[str, Any]:
        return {"backend": self.name}
