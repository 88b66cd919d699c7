"""One module per domain; each exposes ``group`` (see cargo_cli.cli.root)."""
