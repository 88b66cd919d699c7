"""Typed client layer. Import ``cargo_cli.api.client`` lazily (it pulls httpx)."""
