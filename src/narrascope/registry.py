"""Named, versioned registries of stage backends.

A backend is registered under a versioned name such as ``narratives.linear.v1``. A
published ``.vN`` never changes behaviour; a changed backend gets a new name. Lookups
import every module of :mod:`narrascope.stages` (and the ``narrascope.backends`` entry
point group of installed plugins) first, so registering is just defining::

    @stages.register("language.fasttext.v1", stage="language",
                     requires=(), assigns=("language",))
    class FastTextLanguage(Stage):
        ...

A lookup miss raises :class:`UnknownNameError`, which lists what exists.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from .errors import UnknownNameError


@dataclass(frozen=True)
class BackendInfo:
    name: str  # versioned backend name, e.g. "narratives.linear.v1"
    stage: str  # the stage it fills, e.g. "narratives"
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    factory: Callable[..., Any]
    description: str


class Registry:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, BackendInfo] = {}
        self._loaded = False

    def register(
        self,
        name: str,
        *,
        stage: str,
        requires: tuple[str, ...] = (),
        assigns: tuple[str, ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(factory: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._items and self._items[name].factory is not factory:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            doc = (factory.__doc__ or "").strip().splitlines()
            self._items[name] = BackendInfo(
                name, stage, tuple(requires), tuple(assigns), factory, doc[0] if doc else ""
            )
            return factory

        return deco

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        from . import stages as stages_pkg

        for mod in pkgutil.iter_modules(stages_pkg.__path__):
            importlib.import_module(f"{stages_pkg.__name__}.{mod.name}")
        for ep in entry_points(group="narrascope.backends"):
            ep.load()

    def get(self, name: str) -> BackendInfo:
        self._load()
        try:
            return self._items[name]
        except KeyError:
            raise UnknownNameError(self.kind, name, list(self._items)) from None

    def all(self) -> list[BackendInfo]:
        self._load()
        return [self._items[k] for k in sorted(self._items)]


stages = Registry("stage backend")
