"""``cargo-ai-sandbox`` / ``python -m cargo_cli.sandbox``: start the sandbox.

When it is ready it prints exactly one JSON line on stdout,
``{"url", "token", "workspaceUuid"}``, then logs requests on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from cargo_cli.sandbox import seed as seeding
from cargo_cli.sandbox.app import Sandbox, create_app
from cargo_cli.sandbox.routes import build_router
from cargo_cli.sandbox.store import Store


def _rate(value: str) -> float:
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*s)?\s*", value)
    if not found or float(found.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"expected N/s with N > 0, e.g. 5/s (got {value!r})")
    return float(found.group(1))


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0 (got {value!r})")
    return number


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535 (got {value!r})")
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number (got {value!r})")
    return int(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cargo-ai-sandbox",
        description="A local, stateful emulator of the Cargo /v1 API. Prints one JSON line "
        '{"url", "token", "workspaceUuid"} on stdout when ready; logs requests on stderr.',
    )
    p.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
    p.add_argument("--port", type=_port, default=0, help="Port (default 0: a free port).")
    p.add_argument("--data-dir", type=Path, help="Keep state here across restarts (default: a temp dir).")
    p.add_argument(
        "--speed",
        type=_positive,
        default=1.0,
        help="Time multiplier for runs, batches and messages (default 1; 100 = 100x faster).",
    )
    p.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="N/s",
        help="Answer 429 with Retry-After beyond N requests per second.",
    )
    p.add_argument(
        "--seed", dest="seed", action="store_true", default=True, help="Seed the demo workspace (default)."
    )
    p.add_argument("--no-seed", dest="seed", action="store_false",
                   help="Start with an empty workspace (it still has its native dataset, crm).")  # fmt: skip
    p.add_argument("--seed-file", type=Path, metavar="FILE.json|DIR",
                   help="Seed your own datasets, models, records, relationships, segments, tools and agents "
                   "instead of the demo data (format: docs/sandbox.md; a directory: every *.json in it).")  # fmt: skip
    for flag, env, what in (
        ("--seed-records", "CARGO_SANDBOX_SEED_RECORDS", "a model crm.big_companies of N records"),
        ("--seed-runs", "CARGO_SANDBOX_SEED_RUNS", "N finished runs of the demo tool"),
    ):
        p.add_argument(flag, type=_count, default=_count(os.environ.get(env, "0")), metavar="N",
                       help=f"Also seed {what} (benchmarks; env {env}).")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="Do not log requests on stderr.")
    return p  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    import duckdb
    import uvicorn

    with contextlib.ExitStack() as stack:
        if args.data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cargo-sandbox-")))
        else:
            data_dir = args.data_dir
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            store = Store(data_dir, persistent=args.data_dir is not None)
        except (OSError, duckdb.Error) as exc:  # e.g. another sandbox holds the --data-dir
            print(json.dumps({"errorMessage": f"Cannot open the sandbox state in {data_dir}: {exc}"}))
            raise SystemExit(1) from None
        stack.callback(store.close)
        with store.transaction():
            token = seeding.base(store, seed=args.seed and args.seed_file is None)
        if args.seed_file is not None:
            from cargo_cli.sandbox import seed_file  # pydantic: only when asked

            try:
                with store.transaction():
                    seed_file.load(store, args.seed_file)
            except seed_file.SeedFileError as exc:
                print(json.dumps({"errorMessage": f"Invalid --seed-file: {exc}"}))
                raise SystemExit(2) from None
        with store.transaction():
            if args.seed_records:
                seeding.big_model(store, args.seed_records)
            if args.seed_runs:
                seeding.big_runs(store, args.seed_runs)
        if args.data_dir is not None:
            store.db.execute("CHECKPOINT")
        store.lock_down()
        secret = (store.meta("signing_secret") or "").encode()
        if not secret:
            secret = secrets.token_bytes(32)

        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # so asyncio sets TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((args.host, args.port))
        except OSError as exc:
            print(json.dumps({"errorMessage": f"Cannot listen on {args.host}:{args.port}: {exc}"}))
            raise SystemExit(1) from None
        sock.listen(128)
        port = sock.getsockname()[1]
        shown_host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
        url = f"http://{shown_host}:{port}"
        sandbox = Sandbox(store=store, router=build_router(), secret=secret, speed=args.speed,
                          rate_limit=args.rate_limit, base_url=url, quiet=args.quiet)  # fmt: skip
        ready = {"url": url, "token": token, "workspaceUuid": store.meta("workspace_uuid")}
        app = create_app(sandbox)

        @contextlib.asynccontextmanager
        async def lifespan(_app: object) -> AsyncIterator[None]:
            sys.stdout.write(json.dumps(ready) + "\n")
            sys.stdout.flush()
            yield

        app.router.lifespan_context = lifespan
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        server.run(sockets=[sock])
