"""Execution engines other than the local process pool (:func:`narrascope.pipeline.run`).

- :mod:`narrascope.engines.ray_engine`: the same pipeline through Ray Data
  (``narrascope analyze ... --engine ray [--address ADDR]``); needs the ``ray`` extra.

Every engine reads the same inputs with narrascope's readers, runs the same
:class:`~narrascope.pipeline.Pipeline` (built once per worker, so models load once per
worker) and writes the same ``documents.jsonl``, ``errors.jsonl`` and ``run.json``.
"""
