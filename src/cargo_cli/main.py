"""Entry point, and the one place that turns every failure into the JSON
error contract and an exit code (see ``cargo_cli.errors`` for the table)."""

from __future__ import annotations

import os
import sys
from typing import Any

from cargo_cli import __version__, output
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
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        # A group without its subcommand: the help is for the human, on
        # stderr; stdout gets the one JSON error like any other usage error.
        output.info(message)
        names = ctx.command.list_commands(ctx)
        message = "Missing command" + (f": one of {', '.join(names)}" if names else "")
    if ctx is not None and ctx.command_path:
        message = f"{message} (see `{ctx.command_path} --help`)"
    return message


def main(argv: list[str] | None = None, runtime: Any = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args == ["--version"]:  # the fast path: no click import
        output.emit_text(__version__)
        return EXIT_OK
    import click

    output.register_secret(os.environ.get("CARGO_API_TOKEN"))
    try:
        from cargo_cli.cli.root import run

        code = run(args, runtime)  # an int only when a command exits on purpose (--exit-status)
        return code if isinstance(code, int) else EXIT_OK
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
