"""cargo_cli.files: the one safe way to write a file (atomic, 0600 temp file
removed on any failure, devices and FIFOs written in place, errors named)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cargo_cli import files
from cargo_cli.errors import FileWriteError, UsageError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_gets_the_umask_mode_and_no_temp_is_left(tmp_path):
    target = tmp_path / "a" / "b.csv"
    old = os.umask(0o027)
    try:
        with files.open_target(str(target)) as sink:
            sink.write(b"x,y\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"x,y\n"
    assert mode(target) == 0o640
    assert os.listdir(target.parent) == ["b.csv"]


def test_existing_file_keeps_its_mode_and_a_secret_is_0600(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"old")
    target.chmod(0o644)
    with files.open_target(str(target)) as sink:
        sink.write(b"new")
    assert (target.read_bytes(), mode(target)) == (b"new", 0o644)
    with files.open_target(str(target), mode=0o600) as sink:
        sink.write(b"secret")
    assert (target.read_bytes(), mode(target)) == (b"secret", 0o600)


def test_a_failure_in_the_block_keeps_the_old_content_and_removes_the_temp(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"old")
    seen: list[int] = []
    with pytest.raises(KeyboardInterrupt), files.open_target(str(target), mode=0o600) as sink:
        sink.write(b"half")
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        seen = [mode(p) for p in temps]
        raise KeyboardInterrupt
    assert seen == [0o600]  # the temp file is never readable by others
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f"]


def test_a_symlink_is_followed_not_replaced(tmp_path):
    real = tmp_path / "real"
    real.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to(real)
    with files.open_target(str(link)) as sink:
        sink.write(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with files.open_target(str(fifo)) as sink:
            sink.write(b"bytes")
        assert os.read(reader, 100) == b"bytes"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_write_errors_name_the_file():
    with pytest.raises(FileWriteError, match=r"^Cannot write /dev/full: No space left on device$"):
        with files.open_target("/dev/full") as sink:
            sink.write(b"x" * 100_000)


def test_an_oserror_from_the_block_is_not_relabelled(tmp_path):
    with pytest.raises(ConnectionResetError), files.open_target(str(tmp_path / "f")):
        raise ConnectionResetError("network")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("dir", "is a directory"), ("file/x", "Not a directory"), ("n" * 5000, "File name too long")],
)
def test_check_target_refuses(tmp_path, name, message):
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("")
    with pytest.raises(UsageError, match=message):
        files.check_target(str(tmp_path / name), "--output")


def test_check_target_accepts_stdout_devices_and_missing_directories(tmp_path):
    for target in ("-", "/dev/null", str(tmp_path / "new" / "dir" / "f")):
        files.check_target(target, "--output")


def test_is_stdout_names_and_the_file_fd_1_is_open_on(tmp_path, monkeypatch):
    for name in ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
        assert files.is_stdout(name), name
    mine, other = tmp_path / "out.bin", tmp_path / "other.bin"
    mine.write_bytes(b"")
    other.write_bytes(b"")
    real_fstat = os.fstat
    monkeypatch.setattr(files.os, "fstat", lambda fd: os.stat(mine) if fd == 1 else real_fstat(fd))
    assert files.is_stdout(str(mine))  # > out.bin, --output out.bin
    assert files.is_stdout(str(tmp_path / "." / "out.bin"))  # another spelling of the same file
    assert not files.is_stdout(str(other))
    assert not files.is_stdout(str(tmp_path / "missing.bin"))
    files.check_target(str(mine), "--output")  # stdout: nothing to check


def test_is_stdout_without_an_fd_1(tmp_path, monkeypatch):
    real_fstat = os.fstat

    def closed(fd):
        if fd != 1:
            return real_fstat(fd)
        raise OSError(9, "Bad file descriptor")

    monkeypatch.setattr(files.os, "fstat", closed)
    (tmp_path / "f").write_bytes(b"")
    assert not files.is_stdout(str(tmp_path / "f"))
