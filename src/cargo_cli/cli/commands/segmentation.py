"""The segmentation domain: segments (saved filters over a model), their
changes, and record fetches.

Filters and sorts are checked client-side (cli/filters.py); `segment fetch
--all` pages through every record. See docs/filters-and-pagination.md.
"""

from __future__ import annotations

from cargo_cli.api.resources import segmentation
from cargo_cli.cli.commands.storage import MODEL_UUID
from cargo_cli.cli.filters import check_filter_and_sort
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import CSV, JSON, LIMIT, OFFSET, UUID, csv_of
from cargo_cli.cli.row_helpers import something_to_update, uuid_arg
from cargo_cli.cli.rows import Cmd, Opt, build_domain

FETCH_ENDPOINT = segmentation.Segment.fetch
CHANGE_KINDS = ("added", "updated", "removed", "unchanged")

FILTER_HELP = (
    'The filter (JSON; inline, @file or -): {"conjonction":"and","groups":[{"conjonction":"and",'
    '"conditions":[...]}]} (spelled "conjonction"); groups [] matches every record.'
)
FILTER_EXAMPLE = (
    'Example: --filter \'{"conjonction":"and","groups":[{"conjonction":"and","conditions":'
    '[{"kind":"string","columnSlug":"country","operator":"is","values":["FR"]}]}]}\''
)
SORT_HELP = 'The order (JSON array): [{"columnSlug":"created_at","kind":"desc"}].'


def filter_opt(required: bool = True) -> Opt:
    return Opt("--filter", JSON, required=required, help=FILTER_HELP)


SORT = Opt("--sort", JSON, help=SORT_HELP)
SEGMENT_LIMIT = Opt("--limit", LIMIT, help="Cap the segment's membership to this many records.")


# -- the commands --------------------------------------------------------------
COMMANDS: list[Cmd] = [
    Cmd("segment list", segmentation.Segment.all, "List segments.",
        examples=("cargo-ai segmentation segment list",)),
    Cmd(
        "segment get", segmentation.Segment.get, "Get a segment (with recordsCount and lastChange).",
        args=(uuid_arg("segment-uuid"),),
        examples=("cargo-ai segmentation segment get <segment-uuid>",),
    ),
    Cmd(
        "segment create", segmentation.Segment.create, "Create a segment.",
        opts=(
            filter_opt(),
            MODEL_UUID,
            Opt("--name", required=True, help="The segment's name."),
            Opt("--column-slugs", CSV, help="Columns to keep on the records (comma-separated)."),
            Opt("--tracking-column-slugs", CSV,
                help="Columns whose changes count as 'updated' in changes (comma-separated)."),
        ),
        prepare=check_filter_and_sort,
        epilog=FILTER_EXAMPLE,
        examples=(
            "cargo-ai segmentation segment create --filter <filter> --model-uuid <model-uuid> --name 'Mid-market accounts'",
            "cargo-ai segmentation segment create --filter <filter> --model-uuid <model-uuid> --name 'Mid-market accounts' --column-slugs name,domain,employee_count --tracking-column-slugs employee_count,funding_stage",
            "cargo-ai segmentation segment create --model-uuid <model-uuid> --name 'French accounts' --filter '{\"conjonction\":\"and\",\"groups\":[{\"conjonction\":\"and\",\"conditions\":[{\"kind\":\"string\",\"columnSlug\":\"country\",\"operator\":\"is\",\"values\":[\"FR\"]}]}]}'",
        ),
    ),
    Cmd(
        "segment update", segmentation.Segment.update, "Update a segment.",
        opts=(Opt("--uuid", UUID, required=True, help="The segment's uuid."), filter_opt(required=False),
              Opt("--name", help="New name.")),
        prepare=something_to_update("--filter", "--name", then=check_filter_and_sort),
        epilog=FILTER_EXAMPLE,
        examples=("cargo-ai segmentation segment update --uuid <segment-uuid> --filter <filter> --name 'Updated Name'",),
    ),
    Cmd(
        "segment remove", segmentation.Segment.remove,
        "Remove a segment (refused while a workflow uses it).", args=(uuid_arg("segment-uuid"),),
                                                                examples=("cargo-ai segmentation segment remove <segment-uuid>",),
    ),
    paginated(Cmd(
        "segment fetch", FETCH_ENDPOINT,
        "Fetch the records matching a filter on a model (no saved segment needed).\n\n"
        "--fetching-limit/--fetching-offset page through the records; --limit caps the membership. "
        "--all prints one JSON array of every record, fetched page after page.",
        opts=(
            filter_opt(),
            Opt("--model-uuid", UUID, required=True, help="The model's uuid (not a segment uuid)."),
            Opt("--enrich", is_flag=True, help="Ask for enriched records (sends enrich: true)."),
            Opt("--fetching-limit", LIMIT, help="Page size (with --all: default 100)."),
            Opt("--fetching-offset", OFFSET, help="Page start (with --all: where to start)."),
            SEGMENT_LIMIT,
            SORT,
            Opt("--sync", is_flag=True, help="Ask for a synchronous fetch (sends sync: true)."),
        ),
        prepare=check_filter_and_sort,
        epilog=FILTER_EXAMPLE,
        examples=(
            "cargo-ai segmentation segment fetch --filter '{\"conjonction\":\"and\",\"groups\":[]}' --model-uuid <model-uuid>",
            "cargo-ai segmentation segment fetch --filter '{\"conjonction\":\"and\",\"groups\":[]}' --model-uuid <model-uuid> --fetching-limit 100 --fetching-offset 0",
            "cargo-ai segmentation segment fetch --model-uuid <model-uuid> --filter '{\"conjonction\":\"and\",\"groups\":[{\"conjonction\":\"and\",\"conditions\":[{\"kind\":\"string\",\"columnSlug\":\"country\",\"operator\":\"is\",\"values\":[\"FR\"]}]}]}' --all",
        ),
    ), "records", limit_field="fetchingLimit", offset_field="fetchingOffset", cap_field="limit"),
    Cmd(
        "segment download", segmentation.Segment.download,
        "Signed URL(s) to the full filtered dataset; --output also downloads it.",
        opts=(filter_opt(), MODEL_UUID, SEGMENT_LIMIT, SORT),
        prepare=check_filter_and_sort,
        epilog=FILTER_EXAMPLE,
        download=True,
        examples=(
            "cargo-ai segmentation segment download --filter <filter> --model-uuid <model-uuid>",
            "cargo-ai segmentation segment download --filter <filter> --model-uuid <model-uuid> --sort '[{\"columnSlug\":\"created_at\",\"kind\":\"desc\"}]' --limit 1000",
        ),
    ),
    paginated(Cmd(
        "change list", segmentation.Change.list, "List the changes (deltas) of a segment.",
        opts=(Opt("--segment-uuid", UUID, required=True, help="The segment's uuid."),),
        examples=("cargo-ai segmentation change list --segment-uuid <segment-uuid>",),
    ), "changes"),
    paginated(Cmd(
        "change fetch", segmentation.Change.fetch, "Fetch the records of a change.",
        opts=(
            Opt("--kinds", csv_of(*CHANGE_KINDS), required=True,
                help=f"Which records (comma-separated): {', '.join(CHANGE_KINDS)}."),
            Opt("--uuid", UUID, required=True, help="The change's uuid."),
            Opt("--limit", LIMIT, help="At most this many records."),
            Opt("--offset", OFFSET, help="Skip this many records."),
        ),
        examples=(
            "cargo-ai segmentation change fetch --kinds added --uuid <change-uuid>",
            "cargo-ai segmentation change fetch --kinds added --uuid <change-uuid> --limit 50",
        ),
    ), "records"),
    Cmd(
        "record fetch", segmentation.Record.fetch, "Fetch records of a model by id.",
        opts=(Opt("--ids", CSV, required=True, help="Record ids (comma-separated)."), MODEL_UUID),
        examples=("cargo-ai segmentation record fetch --ids <id[,id…]> --model-uuid <model-uuid>",),
    ),
]  # fmt: skip

group = build_domain(
    "segmentation",
    COMMANDS,
    areas={
        "segment": "Segments: saved filters over a model, and inline filter fetches.",
        "change": "Changes: what entered, left or changed in a segment.",
        "record": "Records of a model, by id.",
    },
)
