"""``make demo``: start a sandbox on a free port, log in to it with ``cargo-ai
login --token`` in a throw-away HOME, run the README's session (printing
each command's JSON), then stop the sandbox. Exits non-zero if a step fails.

    python -m cargo_cli.sandbox.demo [--cargo-ai PATH] [--speed N]
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.launcher import Running, sandbox


def say(text: str) -> None:
    """Narration goes to stderr: stdout carries only the commands' JSON."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _step(number: int, title: str, argv: list[str], sbx: Running, home: Path, cli: str) -> str:
    shown = " ".join(shlex.quote(a) for a in argv)
    say(f"\n# {number}. {title}\n$ cargo-ai {shown}")
    done = subprocess.run([cli, *argv], env=sbx.env(home), capture_output=True, text=True, timeout=120)
    sys.stdout.write(done.stdout)
    sys.stdout.flush()
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"demo: step {number} failed (exit {done.returncode})")
    return done.stdout


def main() -> None:
    p = argparse.ArgumentParser(prog="cargo-ai-demo", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--cargo-ai", default=str(Path(sys.executable).with_name("cargo-ai")), help="The CLI to run."
    )
    p.add_argument("--speed", default="20", help="Sandbox speed (default 20).")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="cargo-demo-") as tmp:
        home = Path(tmp)
        with (home / "sandbox.log").open("w") as log, sandbox(["--speed", args.speed], log=log) as sbx:
            say(f"# Sandbox at {sbx.url} (workspace {sbx.workspace_uuid}); HOME={home}")
            login = subprocess.run(
                [args.cargo_ai, "login", "--token", "-"], input=sbx.token + "\n", env=sbx.env(home),
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            if login.returncode != 0:
                sys.stderr.write(login.stdout + login.stderr)
                raise SystemExit("demo: login failed")
            say("# Logged in (cargo-ai login --token -)")
            poll = ["--wait-until-finished", "--polling-interval", "250"]
            steps: list[tuple[str, list[str]]] = [
                ("Who am I?", ["whoami"]),
                ("The workspace's tools", ["orchestration", "tool", "list"]),
                ("Run the 'Enrich company' tool on one record", [
                    "orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW,
                    "--data", json.dumps({"domain": "acme.com"}), *poll]),
                ("Download that run's results", [
                    "orchestration", "run", "download-outputs", "--workflow-uuid", seed.TOOL_WORKFLOW,
                    "--format", "json", "--limit", "1", "--output", str(home / "run-results.json")]),
                ("The workspace's models", ["storage", "model", "list"]),
                ("French software companies (a filter on the companies model)", [
                    "segmentation", "segment", "fetch", "--model-uuid", seed.COMPANIES,
                    "--filter", json.dumps(seed.DEMO_FILTER), "--fetching-limit", "3"]),
                ("Enrich that segment in a batch (one run per record)", [
                    "orchestration", "batch", "create", "--workflow-uuid", seed.PLAY_WORKFLOW,
                    "--data", json.dumps({"kind": "segment", "segmentUuid": seed.SEGMENT_FR}), *poll]),
                ("Runs by status (ClickHouse SQL)", [
                    "orchestration", "query", "execute", "SELECT status, count() FROM runs GROUP BY status ORDER BY status"]),
            ]  # fmt: skip
            for number, (title, argv) in enumerate(steps, start=1):
                _step(number, title, argv, sbx, home, args.cargo_ai)
                if number == 4:
                    say(f"# {home / 'run-results.json'}:")
                    print((home / "run-results.json").read_text(), flush=True)
        say("\n# Demo finished; the sandbox is stopped.")


if __name__ == "__main__":
    main()
