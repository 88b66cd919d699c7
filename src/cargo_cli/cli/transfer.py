"""Transfers on the command line: the signed-URL downloads of ``--output``
and the progress bar (rich, on a terminal stderr) of downloads and uploads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cargo_cli import files, output
from cargo_cli.cli.runtime import Runtime
from cargo_cli.errors import CargoError

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient


def part_path(destination: str, index: int) -> str:
    """FILE for the first URL, FILE-2, FILE-3... (same suffix) for the next."""
    if index == 0:
        return destination
    path = Path(destination)
    return str(path.with_name(f"{path.stem}-{index + 1}{path.suffix}"))


def download_result(result: Any, destination: str, rt: Runtime) -> list[dict[str, Any]]:
    """Stream the signed ``url`` (or every URL of ``urls``) of an API answer
    to ``destination`` (then ``destination-2``, ...), atomically."""
    from cargo_cli.api import downloads
    from cargo_cli.api.models import DownloadAnswer, read

    answer = read(DownloadAnswer, result)
    urls = answer.targets() if answer is not None else []
    if not urls:
        raise CargoError("The API answer has no url to download", extra={"result": result})
    if files.is_stdout(destination):  # every part, in order, as one stream
        with files.open_target(files.STDOUT) as sink, transfer_progress("stdout") as on_progress:
            return [downloads.stream_into(rt.client, url, sink, on_progress=on_progress) for url in urls]
    if len(urls) > 1 and output.stderr_is_tty():  # one display: the files, then the current file's bytes
        return _download_files(urls, destination, rt)
    written = []
    for index, url in enumerate(urls):
        target = part_path(destination, index)
        with transfer_progress(target) as on_progress:
            written.append(download_to(rt.client, url, target, on_progress=on_progress))
    return written


def _download_files(urls: list[str], destination: str, rt: Runtime) -> list[dict[str, Any]]:
    bar = ProgressBar(part_path(destination, 0), files=len(urls))
    written = []
    try:
        for index, url in enumerate(urls):
            bar.next_file(part_path(destination, index))
            written.append(download_to(rt.client, url, part_path(destination, index), on_progress=bar.update))
            bar.file_done()
    finally:
        bar.stop()
    return written


def download_to(
    client: CargoClient,
    url: str,
    destination: str,
    *,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> dict[str, Any]:
    """Stream ``url`` to ``destination`` in constant memory, atomically
    (temp file + rename; a device or FIFO is written in place, ``-`` is
    stdout: see cargo_cli.files). Returns ``{"path", "bytes"}``."""
    from cargo_cli.api import downloads  # httpx: not for --help

    with files.open_target(destination) as sink:
        return {"path": destination, **downloads.stream_into(client, url, sink, on_progress=on_progress)}


@contextmanager
def transfer_progress(label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress callback for a transfer: a rich bar on stderr when it is a
    terminal (stopped afterwards, whatever happens), else ``None``."""
    if not output.stderr_is_tty():
        yield None
        return
    bar = ProgressBar(label)
    try:
        yield bar.update
    finally:
        bar.stop()


class ProgressBar:
    """A transient rich transfer bar on stderr (bytes, speed); with
    ``files=N``, a first line counts the files written of N, with the
    elapsed time (a multi-file download)."""

    def __init__(self, destination: str, files: int | None = None) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TransferSpeedColumn,
        )

        columns = (
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
        )
        self._files: Any = None
        if files is None:
            self._progress = Progress(*columns, console=output.console(), transient=True)
        else:
            counter = Progress(
                TextColumn("Downloading"), BarColumn(), MofNCompleteColumn(), TextColumn("files ·"),
                TimeElapsedColumn(),
            )  # fmt: skip
            self._files = (counter, counter.add_task("files", total=files))

            class WithFiles(Progress):  # the file count above the byte bar, in one live display
                def get_renderables(self) -> Any:
                    yield counter.make_tasks_table(counter.tasks)
                    yield from super().get_renderables()

            self._progress = WithFiles(*columns, console=output.console(), transient=True)
        self._task = self._progress.add_task(destination, total=None)
        self._progress.start()

    def next_file(self, destination: str) -> None:
        self._progress.reset(self._task, total=None, description=destination)

    def file_done(self) -> None:
        if self._files is not None:
            counter, task = self._files
            counter.advance(task)

    def update(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def stop(self) -> None:
        self._progress.stop()
