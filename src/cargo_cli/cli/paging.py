"""``--all`` on list commands whose endpoint pages (``limit`` / ``offset``):
every page, streamed as one JSON array (the framework streams a handler's
iterator; one page in memory at a time). See docs/filters-and-pagination.md.

A declaration opts in with ``paginated(Cmd(...), "runs")``: it adds ``--all``
and a handler that, with ``--all``, walks the pages from ``offset`` (or 0) in
pages of ``limit`` (or ``DEFAULT_PAGE_SIZE``) until a short or empty page;
without ``--all`` the command is unchanged (one call, the answer as is).

``--ndjson`` (with ``--all``) prints one record per line as the pages arrive
instead of the array (output.emit_ndjson: constant memory; a failing later
page leaves the printed lines, then the error object with ``recordsPrinted``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cargo_cli.cli.rows import Cmd, Invocation, Opt
from cargo_cli.cli.wait import ResourceMethod
from cargo_cli.errors import CargoError, UsageError

DEFAULT_PAGE_SIZE = 100

Call = Callable[[ResourceMethod, dict[str, Any]], Any]


@dataclass(frozen=True)
class Pages:
    """How an endpoint pages: the array in each answer, the page-size and
    offset fields, and an optional field capping the total (``limit`` of a
    segment fetch, whose pages are ``fetchingLimit`` / ``fetchingOffset``)."""

    items_key: str
    limit_field: str = "limit"
    offset_field: str = "offset"
    cap_field: str | None = None
    default_size: int = DEFAULT_PAGE_SIZE


def iter_pages(
    call: Call, endpoint: ResourceMethod, payload: Mapping[str, Any], pages: Pages
) -> Iterator[Any]:
    """Every item, page after page; a page shorter than the page size (or
    empty) ends it, and so does reaching the cap."""
    from cargo_cli.api import models

    page = dict(payload)
    size = int(page.setdefault(pages.limit_field, pages.default_size))
    offset = int(page.setdefault(pages.offset_field, 0))
    cap = page.get(pages.cap_field) if pages.cap_field else None
    while cap is None or offset < cap:
        page[pages.offset_field] = offset
        result = call(endpoint, dict(page))
        items = models.items(result, pages.items_key)
        if items is None:
            raise CargoError(f"The API answer has no {pages.items_key} array", extra={"result": result})
        yield from items
        if len(items) < size or not items:
            return
        offset += len(items)


def all_opt(what: str, size_flag: str = "--limit") -> Opt:
    return Opt(
        "--all", is_flag=True, local=True,
        help=f"Fetch every page and print one JSON array of {what} (streamed; {size_flag} is the page "
        f"size, default {DEFAULT_PAGE_SIZE}).",
    )  # fmt: skip


NDJSON_OPT = Opt(
    "--ndjson", is_flag=True, local=True,
    help="With --all: one record per line (one-line JSON), printed as each page arrives.",
)  # fmt: skip


@dataclass(frozen=True)
class PageOptions:
    """A paginated row's local options (``--all``, ``--ndjson``)."""

    all: bool | None
    ndjson: bool | None = None


def page_all(pages: Pages) -> Callable[[Invocation], Any]:
    """The handler: one call, or with ``--all`` an iterator over every page."""

    def handler(inv: Invocation) -> Any:
        opts = inv.options.typed(PageOptions)
        if opts.ndjson and not opts.all:
            raise UsageError("--ndjson needs --all (it prints the records of every page, one per line)")
        if not opts.all:
            return inv.call()
        if inv.cmd.endpoint is None:
            raise ValueError(f"{inv.cmd.name} has no endpoint")
        from cargo_cli.cli.dryrun import note

        note(
            inv.runtime,
            f"the next pages: {pages.offset_field} += {pages.limit_field} until a page has fewer than "
            f"{inv.payload.get(pages.limit_field, pages.default_size)} {pages.items_key}",
        )
        return iter_pages(inv.call, inv.cmd.endpoint, inv.payload, pages)

    return handler


def paginated(cmd: Cmd, items_key: str, **pages: Any) -> Cmd:
    """``cmd`` with ``--all`` (see the module docstring)."""
    spec = Pages(items_key, **pages)
    size_flag = "--" + "".join("-" + c.lower() if c.isupper() else c for c in spec.limit_field)
    return replace(
        cmd,
        opts=(*cmd.opts, all_opt(items_key, size_flag), NDJSON_OPT),
        handler=page_all(spec),
        options=PageOptions,
    )
