"""The ``narrascope`` command: a thin typer layer; each command lives in its own module."""

from __future__ import annotations

import os

# One BLAS thread per process: narrascope parallelises with worker processes, and
# multi-threaded BLAS on small matrix products burns CPU on a loaded machine.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import importlib  # noqa: E402
import pkgutil  # noqa: E402

import typer  # noqa: E402

from .. import cli as cli_pkg  # noqa: E402

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
