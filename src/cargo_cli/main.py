"""Entry point, and the one place that turns every failure into the JSON
error contract and an exit code (see ``cargo_cli.errors`` for the table)."""

from __future__ import annotations

import sys
from typing import Any

from cargo_cli import output
from cargo_cli.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CargoError,
)


def _usage_message(exc: Any) -> str:
    message: str = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.command_path:
        message = f"{message} (see `{ctx.command_path} --help`)"
    return message


def main(argv: list[str] | None = None, runtime: Any = None) -> int:
    import click

    try:
        from cargo_cli.cli.root import run

        run(argv if argv is not None else sys.argv[1:], runtime)
        return EXIT_OK
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.exceptions.Abort:
        output.emit_error({"errorMessage": "Interrupted"})
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        output.emit_error({"errorMessage": _usage_message(exc)})
        return EXIT_USAGE
    except CargoError as exc:
        output.emit_error(exc.to_json())
        return exc.exit_code
    except KeyboardInterrupt:
        output.emit_error({"errorMessage": "Interrupted"})
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        output.emit_error({"errorMessage": f"Internal error: {type(exc).__name__}: {exc}"})
        return EXIT_INTERNAL


def entrypoint() -> None:
    sys.exit(main())
