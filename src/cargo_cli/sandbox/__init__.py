"""A local, stateful emulator of the Cargo ``/v1`` API (``cargo-ai-sandbox``).

Optional extra: ``pip install 'cargo-ai[sandbox]'``. Nothing in the CLI
imports this package, and this package never imports the CLI: it speaks the
wire format documented in ``spec/`` (see docs/sandbox.md).
"""
