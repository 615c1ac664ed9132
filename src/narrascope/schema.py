"""The versioned JSON Schema of one ``documents.jsonl`` record and one error record.

This is the contract between the library, the CLI output, storage, services and the
report. ``docs/schema/document.schema.json`` is generated from it
(``python -m narrascope.schema > docs/schema/document.schema.json``) and a test keeps
the two equal. Stages add keys under ``spans``, ``cats`` and ``data``; the schema fixes
the shape of spans everywhere and of the keys the shipped stages write.
"""

from __future__ import annotations

import json
from typing import Any

from .document import SCHEMA_VERSION

_REF: dict[str, Any] = {
    "type": "object",
    "required": ["start", "end", "text"],
    "properties": {
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0},
        "text": {"type": "string"},
    },
}

_SPAN = {
    "type": "object",
    "required": _REF["required"],
    "properties": {
        **_REF["properties"],
        "label": {"type": "string"},
        "score": {"type": "number"},
        "backend": {"type": "string"},
        "attrs": {"type": "object"},
    },
    "additionalProperties": False,
}

_LABEL = {
    "type": "object",
    "required": ["label"],
    "properties": {
        "label": {"type": "string"},
        "score": {"type": ["number", "null"]},
        "parent": {"type": ["string", "null"]},
        "evidence": {"type": "array", "items": {"$ref": "#/$defs/ref"}},
    },
}


REQUIRED_FIELDS = (
    "schema_version id title source url published language language_score text meta spans cats data"
).split()


def document_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one analysed record."""
    nullable_str = {"type": ["string", "null"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://narrascope.invalid/schema/document-{SCHEMA_VERSION}.json",
        "title": "narrascope analysed document",
        "type": "object",
        "required": REQUIRED_FIELDS,
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "id": {"type": "string", "minLength": 1},
            "title": nullable_str,
            "source": nullable_str,
            "url": nullable_str,
            "published": {
                "anyOf": [
                    {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                    {"type": "null"},
                ]
            },
            "language": nullable_str,
            "language_score": {"type": ["number", "null"]},
            "text": {"type": "string"},
            "meta": {"type": "object"},
            "spans": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/span"}},
            },
            "cats": {
                "type": "object",
                "properties": {
                    "narratives": {
                        "type": "object",
                        "properties": {
                            "narratives": {"type": "array", "items": {"$ref": "#/$defs/label"}},
                            "subnarratives": {
                                "type": "array",
                                "items": {"$ref": "#/$defs/label"},
                            },
                        },
                    }
                },
            },
            "data": {"type": "object"},
        },
        "additionalProperties": False,
        "$defs": {"ref": _REF, "span": _SPAN, "label": _LABEL},
    }


def error_schema() -> dict[str, Any]:
    """JSON Schema of one ``errors.jsonl`` record."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "narrascope error record",
        "type": "object",
        "required": ["input", "stage", "error", "detail"],
        "properties": {
            "input": {"type": "string", "minLength": 1},
            "stage": {"type": "string", "minLength": 1},
            "error": {"type": "string", "pattern": "^[a-z_]+$"},
            "detail": {"type": "string"},
            "id": {"type": "string"},
        },
        "additionalProperties": False,
    }


def schema_bundle() -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "document": document_schema(),
        "error": error_schema(),
    }


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(schema_bundle(), indent=2))
