"""Exceptions and stable error codes.

Exception tree::

    NarrascopeError                 base class of every error narrascope raises
    ├── ConfigError                 a config file or option is wrong (E001-E099)
    │   └── UnknownNameError        a registry lookup missed; lists what exists
    ├── PipelineOrderError          a stage requires something no earlier stage assigns
    ├── InputError                  one input cannot become a document (becomes an error record)
    ├── StageError                  a stage failed on one document (becomes an error record)
    ├── ModelError                  a model directory is missing, malformed or incompatible
    ├── OffsetError                 a span does not match the text it points into
    └── MissingExtraError           an optional dependency is not installed; names the pip command

Error records in ``errors.jsonl`` carry one of the stable codes in :data:`ERROR_CODES`.
"""

from __future__ import annotations

ERROR_CODES: dict[str, str] = {
    "empty_input": "the input holds no text (empty or only whitespace)",
    "binary_input": "the input looks like binary data, not text",
    "undecodable": "the bytes could not be decoded as text in any known encoding",
    "too_large": "the input is larger than --max-chars",
    "unreadable": "the input could not be opened or read",
    "invalid_json": "a JSONL line is not valid JSON",
    "not_an_object": "a JSONL line is valid JSON but not an object",
    "missing_text": "the record has no text field (or it is empty or not a string)",
    "missing_column": "the CSV/TSV file has no column with the text field",
    "no_main_text": "no main text could be extracted from the HTML page",
    "invalid_feed": "the feed could not be parsed or holds no entries",
    "stage_failed": "a pipeline stage raised an exception on this document",
    "invalid_output": "a stage produced an annotation whose offsets do not match the text",
}


class NarrascopeError(Exception):
    """Base class of every error narrascope raises."""

    code = "E000"


class ConfigError(NarrascopeError):
    code = "E001"


class UnknownNameError(ConfigError, KeyError):
    code = "E002"

    def __init__(self, kind: str, name: str, available: list[str]) -> None:
        self.kind, self.name, self.available = kind, name, sorted(available)
        msg = (
            f"[{self.code}] unknown {kind} {name!r}. Available: "
            f"{', '.join(self.available) or '(none)'}"
        )
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class PipelineOrderError(ConfigError):
    code = "E003"


class InputError(NarrascopeError):
    """One input cannot become a document; ``error`` is a key of ERROR_CODES."""

    code = "E010"

    def __init__(self, error: str, detail: str) -> None:
        if error not in ERROR_CODES:
            raise ValueError(f"unknown error code {error!r}")
        self.error, self.detail = error, detail
        super().__init__(f"{error}: {detail}")


class StageError(NarrascopeError):
    code = "E020"


class ModelError(NarrascopeError):
    code = "E030"


class OffsetError(NarrascopeError):
    code = "E040"


class MissingExtraError(NarrascopeError, ImportError):
    code = "E050"

    def __init__(self, feature: str, extra: str, package: str) -> None:
        super().__init__(
            f"[{self.code}] {feature} needs the optional package {package!r}. "
            f"Install it with: pip install 'narrascope[{extra}]'"
        )
