"""A local, stateful emulator of the Cargo ``/v1`` API (``cargo-ai-sandbox``).

Optional extra: ``pip install 'cargo-ai[sandbox]'``. Nothing in the CLI
imports this package, and this package never imports the CLI: it speaks the
wire format documented in ``spec/`` (see docs/sandbox.md).
"""

from __future__ import annotations


def main() -> None:
    """``cargo-ai-sandbox``: a clear error when the extra is not installed."""
    try:
        from cargo_cli.sandbox.server import main as serve
    except ImportError as exc:
        import json

        message = f"The sandbox needs its extra: pip install 'cargo-ai[sandbox]' (missing: {exc.name})"
        print(json.dumps({"errorMessage": message}))
        raise SystemExit(1) from None
    serve()
