"""narrascope: how news articles frame events, with verbatim evidence."""

__version__ = "0.1.0"

from .document import SCHEMA_VERSION, Document, Span

__all__ = ["SCHEMA_VERSION", "Document", "Span", "__version__"]
