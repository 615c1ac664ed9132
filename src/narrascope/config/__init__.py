"""Shipped configuration files (``default.toml``)."""
