"""Entry point, and the one place that turns every failure into the JSON
error contract and an exit code (see ``cargo_cli.errors`` for the table).

SIGINT, SIGTERM and SIGHUP all interrupt the same way: the first one raises
``Interrupted`` (a ``KeyboardInterrupt``) wherever the program is, so every
``finally`` / ``except BaseException`` cleans up (no ``*.part`` file, no
secret temp file), a wait names what it was waiting for, and the exit status
is 128 + the signal number (130, 143, 129). A signal the parent set to be
ignored (``nohup``) stays ignored.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from cargo_cli import __version__, output
from cargo_cli.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SIGNAL_BASE,
    EXIT_USAGE,
    ApiError,
    CargoError,
    OutputClosedError,
    error_json,
    exit_code_for,
    is_interruption,
)

HANDLED_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class Interrupted(KeyboardInterrupt):
    """A handled signal, raised like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """Install the handlers for one invocation, and restore the previous ones."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, _frame: Any) -> None:
        if self.received is None and self._previous:  # later signals must not interrupt the cleanup
            self.received = signum
            raise Interrupted(signum)

    def install(self) -> None:
        import signal

        for name in HANDLED_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                if signal.getsignal(signum) is signal.SIG_IGN:
                    continue  # nohup & co.: the parent asked for it to be ignored
                self._previous[signum] = signal.signal(signum, self._handler)
            except (ValueError, OSError):  # not the main thread
                continue

    def restore(self) -> None:
        import signal

        previous, self._previous = dict(self._previous), {}  # from here on, a signal raises nothing
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    def interrupted(self, payload: dict[str, Any]) -> tuple[dict[str, Any], int]:
        if self.received is None:
            return payload, EXIT_INTERRUPTED
        import signal

        return {**payload, "signal": signal.Signals(self.received).name}, EXIT_SIGNAL_BASE + self.received


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


def _undecodable_argument(args: list[str]) -> str | None:
    """Bytes that are not UTF-8 reach Python as lone surrogates: refuse them
    before they reach a URL, a JSON body or a file name."""
    for index, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(arg)[:60].decode("ascii", "backslashreplace")
            return f"Argument {index} is not valid UTF-8: {shown}"
    return None


def _report(emit: Callable[[], None]) -> int | None:
    """Print an error object; when stdout itself failed, say so on stderr."""
    try:
        emit()
    except OutputClosedError as exc:
        return _stdout_failed(exc)
    return None


def _stdout_failed(exc: OutputClosedError) -> int:
    if exc.broken_pipe:  # the reader went away (`| head`): not an error worth a word
        return EXIT_BROKEN_PIPE
    named = "".join(f", {key} {value}" for key, value in output.created().items())
    output.info(f"cargo-ai: {exc.message}{named}")
    return EXIT_ERROR


def main(argv: list[str] | None = None, runtime: Any = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    output.begin()
    signals = _Signals()
    signals.install()
    try:
        return _run(args, runtime, signals)
    except OutputClosedError as exc:
        return _stdout_failed(exc)
    except KeyboardInterrupt:  # a signal while the error itself was printed
        return signals.interrupted({})[1]
    finally:
        signals.restore()


def _run(args: list[str], runtime: Any, signals: _Signals) -> int:
    if args == ["--version"]:  # the fast path: no click import
        output.emit_text(__version__)
        return EXIT_OK
    problem = _undecodable_argument(args)
    if problem:
        output.emit_error({"errorMessage": problem})
        return EXIT_USAGE
    import click

    output.register_secret(os.environ.get("CARGO_API_TOKEN"))
    try:
        from cargo_cli.cli.root import run

        code = run(args, runtime)  # an int only when a command exits on purpose (--exit-status)
        return code if isinstance(code, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except OutputClosedError:
        raise
    except (click.exceptions.Abort, KeyboardInterrupt):
        payload, code = signals.interrupted({"errorMessage": "Interrupted"})
        return _report(lambda: output.emit_error(payload)) or code
    except click.ClickException as exc:
        message = _usage_message(exc)
        return _report(lambda: output.emit_error({"errorMessage": message})) or EXIT_USAGE
    except (CargoError, ApiError) as exc:
        payload, code = error_json(exc), exit_code_for(exc)
        if is_interruption(exc):
            payload, code = signals.interrupted(payload)
        return _report(lambda: output.emit_error(payload)) or code
    except OSError as exc:  # the environment (a file, a directory, the disk), not a bug
        message = exc.strerror or str(exc) or type(exc).__name__
        if exc.filename is not None:
            message = f"{message}: {os.fsdecode(exc.filename)[:200]}"
        return _report(lambda: output.emit_error({"errorMessage": message})) or EXIT_ERROR
    except Exception as exc:
        message = f"Internal error: {type(exc).__name__}: {exc}"
        return _report(lambda: output.emit_error({"errorMessage": message})) or EXIT_INTERNAL


def entrypoint() -> None:
    sys.exit(main())
