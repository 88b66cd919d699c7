"""Run the unit suite (``pytest -m 'not e2e'``) on every supported Python
that is installed here, each in its own virtualenv (``.venv-3.X``).

The versions come from the package classifiers in pyproject.toml. The one the
main ``.venv`` runs is skipped (``make pytest`` already ran it there), and so
is a version with no interpreter on this machine (a message says so): CI
machines need not have them all. Exits 1 when a suite fails.

    python scripts/test_pythons.py [--extras dev,sandbox]

``--extras`` are the package extras to install (the Makefile passes the ones
its own ``.venv`` gets); a venv is reinstalled when pyproject.toml or the
extras change.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def supported_versions() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text()
    return re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text)


def find_interpreter(version: str) -> str | None:
    """``pythonX.Y`` on PATH (working, e.g. not a pyenv shim for a missing
    version), else a pyenv installation."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True)
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def ensure_venv(version: str, interpreter: str, extras: str) -> Path:
    venv = ROOT / f".venv-{version}"
    stamp = venv / ".installed"
    python = venv / "bin" / "python"
    pyproject = ROOT / "pyproject.toml"
    fresh = stamp.exists() and stamp.stat().st_mtime >= pyproject.stat().st_mtime
    if fresh and python.exists() and stamp.read_text() == extras:
        return python
    print(f"Python {version}: installing into {venv.name} ...", flush=True)
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[{extras}]"], check=True)
    stamp.write_text(extras)
    return python


def main(argv: list[str]) -> int:
    extras = argv[argv.index("--extras") + 1] if "--extras" in argv else "dev"
    current = f"{sys.version_info[0]}.{sys.version_info[1]}"
    failed = []
    for version in supported_versions():
        if version == current:
            print(f"Python {version}: the main suite ran on it", flush=True)
            continue
        interpreter = find_interpreter(version)
        if interpreter is None:
            print(f"Python {version}: not installed here, skipped", flush=True)
            continue
        python = ensure_venv(version, interpreter, extras)
        print(f"Python {version}: unit suite", flush=True)
        result = subprocess.run(
            [str(python), "-m", "pytest", "-m", "not e2e", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            failed.append(version)
    if failed:
        print(f"unit suite failed on Python {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
