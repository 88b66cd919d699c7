"""The one retry policy of the API layer, in the shape of the Anthropic SDK's
``_should_retry`` / ``_calculate_retry_timeout`` (docs/hardening.md,
"Retries"):

- ``should_retry``: the server's ``x-should-retry: true|false`` header wins;
  else 408, 429, 502, 503 and 504 are transient; else a storage error whose
  ``<Code>`` says "try again" (S3's ``InternalError``, ``SlowDown``,
  ``ServiceUnavailable``, ``RequestTimeout``, whatever its status). A plain
  500 from the API is a bug on the server, not retried.
- ``retry_timeout``: the server's ``Retry-After`` (seconds or an HTTP-date)
  when it sends one, else exponential backoff from 0.5 s, doubling, capped
  at 8 s, with jitter over its upper half.

The caller decides *whether it may* re-send (the attempt budget, the call's
deadline, and whether the call is safe to re-send after the server answered);
this module only says whether it is worth it and how long to wait.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
STORAGE_RETRY_CODES = frozenset({"InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout"})
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0


def storage_code(body: Any) -> str | None:
    """The ``<Code>`` of an S3-style XML error body, if any."""
    match = re.search(r"<Code>([^<]{1,100})</Code>", body) if isinstance(body, str) else None
    return match.group(1) if match else None


def should_retry(status: int, headers: Mapping[str, str] | None = None, body: Any = None) -> bool:
    """Whether an answer with ``status`` is worth sending again."""
    hint = (headers or {}).get("x-should-retry")
    if hint == "true":
        return True
    if hint == "false":
        return False
    return status in RETRY_STATUSES or storage_code(body) in STORAGE_RETRY_CODES


def backoff(attempt: int, jitter: float) -> float:
    """The wait before retry ``attempt`` (0-based) without a Retry-After:
    ``min(8, 0.5 * 2**attempt)``, of which the upper half is jittered
    (``jitter`` in [0, 1])."""
    delay: float = min(BACKOFF_MAX, BACKOFF_BASE * (2.0**attempt))
    return delay / 2 + float(jitter) * delay / 2


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait (not capped: the caller compares it with its budget)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import datetime  # an HTTP-date: rare, and not for start-up
        import email.utils

        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):  # not an HTTP-date either: use the backoff
            return None
        if parsed.tzinfo is None:  # "-0000": an HTTP-date is always GMT
            parsed = parsed.replace(tzinfo=datetime.UTC)
        seconds = parsed.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def retry_timeout(attempt: int, retry_after: float | None, jitter: float) -> float:
    """How long to wait before retry ``attempt``: the server's wish, else the backoff."""
    return retry_after if retry_after is not None else backoff(attempt, jitter)
