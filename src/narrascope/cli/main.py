"""The ``narrascope`` command: a thin typer layer; each command lives in its own module."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from .. import cli as cli_pkg

app = typer.Typer(
    name="narrascope",
    help="How news articles frame events: narratives, roles, claims and techniques, "
    "every label with verbatim evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _mod in sorted(m.name for m in pkgutil.iter_modules(cli_pkg.__path__)):
    if _mod != "main":
        _module = importlib.import_module(f"{cli_pkg.__name__}.{_mod}")
        if hasattr(_module, "register"):
            _module.register(app)


def main() -> None:
    app()
