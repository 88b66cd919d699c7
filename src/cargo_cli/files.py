"""Writing a file the safe way: the one mechanism behind ``--output`` and the
credentials file (docs/output-and-signals.md).

- ``-`` is stdout: the bytes are spooled and copied out once complete
  (``--output`` also takes /dev/stdout, /dev/fd/1 or the file stdout is open
  on as stdout, :func:`is_stdout`);
- an existing non-regular file (``/dev/null``, a FIFO, a terminal) is written
  in place: it is never replaced by a regular file;
- anything else gets a temporary file in the same directory (created, with
  any missing parent directory, when needed; the temporary file is 0600,
  so a secret is never readable by others, even for a moment) that is renamed
  over the target only once complete, and removed on every failure (errors,
  Ctrl-C, SIGTERM). A symlink is followed, not replaced. The final mode is
  ``mode`` when given (0600 for a secret), else the existing file's, else the
  usual ``0666 & ~umask``;
- every ``OSError`` (missing or read-only directory, disk full, file too
  large, ...) becomes a ``FileWriteError`` naming the file (exit 1).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from cargo_cli import output
from cargo_cli.errors import FileWriteError, UsageError

STDOUT = "-"
STDOUT_NAMES = frozenset({STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def is_stdout(path: str) -> bool:
    """``path`` is the stdout stream: ``-``, /dev/stdout, /dev/fd/1, or a
    path to the very file fd 1 is open on (the same st_dev and st_ino: the
    terminal, the pipe, the file that ``> out.bin`` opened)."""
    if path in STDOUT_NAMES:
        return True
    try:
        target, out = os.stat(path), os.fstat(1)
    except (OSError, ValueError):
        return False
    return (target.st_dev, target.st_ino) == (out.st_dev, out.st_ino)


def check_target(path: str, flag: str) -> None:
    """Refuse (exit 2, before anything is sent) a target that cannot be
    written: a directory, a read-only directory, a path through a file, a bad
    name. Missing directories are fine: they get created."""
    if is_stdout(path):
        return
    try:
        found = _stat(path)
        if found is not None and stat.S_ISDIR(found.st_mode):
            raise UsageError(f"{flag} {path}: is a directory")
        if found is not None and not stat.S_ISREG(found.st_mode):
            return  # a device or a FIFO: written in place
        directory = os.path.dirname(os.path.realpath(path))
        while not os.path.lexists(directory):  # missing directories get created: check the first that exists
            directory = os.path.dirname(directory)
        if not os.path.isdir(directory):
            raise UsageError(f"{flag} {path}: {directory} is not a directory")
        if not os.access(directory, os.W_OK | os.X_OK):
            raise UsageError(f"{flag} {path}: the directory {directory} is not writable")
    except OSError as exc:  # a name too long, a file used as a directory, ...
        raise UsageError(f"{flag} {path[:200]}: {_reason(exc)}") from None


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Checked:
    """A binary writer whose write errors name the file."""

    def __init__(self, handle: _Writable, path: str) -> None:
        self._handle = handle
        self._path = path

    def write(self, data: bytes) -> int:
        try:
            return self._handle.write(data)
        except OSError as exc:
            raise _write_error(self._path, exc) from None


def _write_error(path: str, exc: OSError) -> FileWriteError:
    return FileWriteError(f"Cannot write {path[:200]}: {_reason(exc)}", extra={"path": path[:200]})


def _final_mode(existing: os.stat_result | None, mode: int | None) -> int:
    if mode is not None:
        return mode
    if existing is not None:
        return stat.S_IMODE(existing.st_mode)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def open_target(path: str, *, mode: int | None = None) -> Iterator[_Checked]:
    """A binary writer for ``path`` (see the module doc). The content counts
    only when the block ends without an error."""
    if path == STDOUT:
        with output.spool() as scratch:
            yield _Checked(scratch, "stdout")
        return
    try:
        existing = _stat(path)
    except OSError as exc:
        raise _write_error(path, exc) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise FileWriteError(f"Cannot write {path}: it is a directory", extra={"path": path})
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        try:
            handle = open(path, "wb")
        except OSError as exc:
            raise _write_error(path, exc) from None
        with handle:
            yield _Checked(handle, path)
            try:
                handle.flush()
            except OSError as exc:
                raise _write_error(path, exc) from None
        return
    yield from _atomic(path, existing, mode)


def _atomic(path: str, existing: os.stat_result | None, mode: int | None) -> Iterator[_Checked]:
    import tempfile

    real = os.path.realpath(path)  # a symlink stays a symlink to the new content
    directory, name = os.path.split(real)
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name[:100]}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise _write_error(path, exc) from None
    written = False  # an OSError from the caller's block is the caller's to name
    try:
        with os.fdopen(fd, "wb") as handle:
            yield _Checked(handle, path)
            written = True
            handle.flush()
        os.chmod(tmp, _final_mode(existing, mode))
        os.replace(tmp, real)
    except OSError as exc:
        _unlink(tmp)
        if not written:
            raise
        raise _write_error(path, exc) from None
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
