"""``--wait-until-finished``: poll a get endpoint until a terminal status.

- the final object is printed in the same envelope as the get command;
- a terminal ``error`` status is data (exit 0), unless ``--exit-status``
  asks for exit 1 when the final status is not ``success`` (see
  ``exit_status_of``; the result is printed either way);
- a failed poll (5xx, 429, network, an answer that is not JSON, an answer
  without a status) is survived, up to ``MAX_CONSECUTIVE_FAILURES`` in a row
  (each already retried by the client); then the wait ends with exit 1 and the
  uuid;
- ``--timeout`` gives up with an errorMessage carrying the uuid (exit 1);
- Ctrl-C exits 130 with the uuid in the errorMessage and cancels nothing;
- on a terminal stderr, a live line with the status and an elapsed time that
  advances every second (a progress bar of the runs for a batch); see
  cli/progress.py. Elsewhere nothing is added to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cargo_cli.errors import (
    EXIT_ERROR,
    ApiError,
    InterruptedCliError,
    InvalidResponseError,
    NetworkError,
    ServerError,
    UsageError,
    WaitFailedError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from cargo_cli.cli.flags import WaitFlags

# A typed resource method (api/resources), naming the call to make.
ResourceMethod = Callable[..., Any]

MAX_CONSECUTIVE_FAILURES = 5
TERMINAL = frozenset({"success", "error", "cancelled"})


@dataclass(frozen=True)
class WaitSpec:
    label: str  # "run", "batch", "message"
    get_endpoint: ResourceMethod  # a resource method, e.g. orchestration.Run.get
    uuid_of: Callable[[Any], str | None]  # from the create result
    status_of: Callable[[Any], str | None]  # from a get result
    default_interval_ms: int = 2000
    terminal: frozenset[str] = TERMINAL
    backoff: bool = False  # grow the interval gently (long batches)
    max_interval_ms: int = 30000
    get_payload: Callable[[str], dict[str, Any]] = field(default=lambda uuid: {"uuid": uuid})
    success: frozenset[str] = frozenset({"success"})  # what --exit-status accepts

    def succeeded(self, result: Any) -> bool:
        return self.status_of(result) in self.success


def field_of(key: str, attribute: Literal["uuid", "status"]) -> Callable[[Any], str | None]:
    """Read ``answer[key][attribute]`` through the answer models
    (``{"run": {"uuid": ...}}``): the usual ``uuid_of`` / ``status_of``."""

    def read(answer: Any) -> str | None:
        from cargo_cli.api.models import Status, entity

        found = entity(answer, key, Status)
        return None if found is None else getattr(found, attribute)

    return read


def _is_transient(exc: ApiError) -> bool:
    if isinstance(exc, (ServerError, NetworkError, InvalidResponseError)):
        return True
    return exc.status == 429


def wait_for(
    spec: WaitSpec,
    uuid: str,
    *,
    call: Callable[[ResourceMethod, dict[str, Any]], Any],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    interval_ms: int | None = None,
    timeout_s: float | None = None,
    show_spinner: bool | None = None,
) -> Any:
    interval = (interval_ms if interval_ms is not None else spec.default_interval_ms) / 1000.0
    started = clock()
    status: str | None = None
    failures = 0
    from cargo_cli.cli import progress

    spinner = (
        progress.wait_display(spec.label, uuid)
        if show_spinner is None
        else (progress.BatchBar if spec.label == "batch" else progress.WaitLine)(spec.label, uuid)
        if show_spinner
        else None
    )
    try:
        while True:
            failure: str | None = None
            try:
                result = call(spec.get_endpoint, spec.get_payload(uuid))
            except ApiError as exc:
                if not _is_transient(exc):
                    raise
                failure = exc.message
            else:
                polled = spec.status_of(result)
                if spinner and polled is not None:
                    spinner.update(polled, result)
                if polled is None:
                    failure = f"the answer to {spec.get_endpoint} has no {spec.label} status"
                else:
                    status = polled
                    if status in spec.terminal:
                        return result
            failures = failures + 1 if failure else 0
            if failure and failures >= MAX_CONSECUTIVE_FAILURES:
                raise WaitFailedError(
                    f"Gave up waiting for {spec.label} {uuid} after {failures} failed polls in a row "
                    f"(last: {failure}); it may still be running",
                    extra={"uuid": uuid, "status": status},
                )
            elapsed = clock() - started
            if timeout_s is not None and elapsed + interval > timeout_s:
                raise WaitTimeoutError(
                    f"Timed out after {timeout_s:g}s waiting for {spec.label} {uuid} "
                    f"(last status: {status or 'unknown'}); it is still running",
                    extra={"uuid": uuid, "status": status},
                )
            sleep(interval)
            if spec.backoff:
                interval = min(interval * 1.25, spec.max_interval_ms / 1000.0)
    except KeyboardInterrupt:
        raise InterruptedCliError(
            f"Interrupted while waiting for {spec.label} {uuid}; it was not cancelled",
            extra={"uuid": uuid, "status": status},
        ) from None
    finally:
        if spinner:
            spinner.stop()


def check_exit_status(waiting: WaitFlags) -> None:
    """``--exit-status`` judges the status a wait ends on: it needs the wait."""
    if waiting.exit_status and not waiting.wait_until_finished:
        raise UsageError("--exit-status needs --wait-until-finished")


def exit_status_of(spec: WaitSpec | None, waiting: WaitFlags, result: Any) -> int | None:
    """``--exit-status``: the exit code after printing ``result`` (1 when the
    waited-for status is not a success), or ``None`` (not asked: exit 0)."""
    if spec is None or not waiting.exit_status or not waiting.wait_until_finished:
        return None
    return None if spec.succeeded(result) else EXIT_ERROR
