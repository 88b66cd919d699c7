"""The content domain: knowledge libraries and the files in them.

Choices where the spec is silent are in docs/seeds-domains.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from cargo_cli.api.resources import content
from cargo_cli.cli.params import JSON_OBJECT, NULLABLE_UUID, UUID, choice
from cargo_cli.cli.row_helpers import defaults, something_to_update, uuid_arg
from cargo_cli.cli.rows import Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.transfer import transfer_progress

UPLOAD_ENDPOINT = content.File.upload
KINDS = ("native", "connector")
CONNECTOR_FILTER = Opt("--connector-uuid", UUID, help="Only those of this connector.")
KIND_FILTER = Opt("--kind", choice(*KINDS), help="Only native (uploaded) or connector ones.")


# -- file upload: multipart (file, then folderUuid, then uuid, as the vendor client sends them)
@dataclass(frozen=True)
class UploadOptions:
    file_path: str


def _upload_file(inv: Invocation) -> Any:
    path = inv.options.typed(UploadOptions).file_path
    fields = {name: inv.payload[name] for name in ("folderUuid", "uuid") if name in inv.payload}
    with transfer_progress(click.format_filename(path, shorten=True)) as on_progress:
        return content.File(inv.client).upload(file=path, on_progress=on_progress, **fields)


COMMANDS: list[Cmd] = [
    # files
    Cmd(
        "file list", content.File.all, "List content files → {files}.",
        opts=(
            Opt("--library-uuid", UUID, help="Only the files of this library."),
            Opt("--folder-uuid", UUID, help="Only the files in this folder."),
            CONNECTOR_FILTER,
            KIND_FILTER,
        ),
        examples=("cargo-ai content file list",),
    ),
    Cmd("file get", content.File.get, "Get a content file → {file}.", args=(uuid_arg("file-uuid"),),
        examples=("cargo-ai content file get <file-uuid>",)),
    Cmd(
        "file update", content.File.update, "Rename or move a content file → {file}.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The file's uuid."),
            Opt("--name", help="New name."),
            Opt("--folder-uuid", NULLABLE_UUID, help="New folder; null/none moves it to the top level."),
        ),
        prepare=something_to_update("--name", "--folder-uuid"),
        examples=("cargo-ai content file update --uuid <file-uuid> --folder-uuid <folder-uuid> --name 'Q1 Research Notes'",),
    ),
    Cmd("file remove", content.File.remove, "Remove a content file.", args=(uuid_arg("file-uuid"),),
        examples=("cargo-ai content file remove <file-uuid>",)),
    Cmd(
        "file upload", UPLOAD_ENDPOINT,
        "Upload a knowledge file (PDF, text, CSV...) → {uuid, s3Filename, contentType, name}.\n\n"
        "Sent as multipart/form-data (file, folderUuid, uuid), streamed from disk; a progress bar "
        "shows on stderr when it is a terminal.",
        opts=(
            Opt("--file-path", click.Path(exists=True, dir_okay=False, readable=True), required=True,
                local=True, metavar="PATH", help="The file to upload."),
            Opt("--folder-uuid", UUID, help="File it into this folder."),
            Opt("--uuid", UUID, help="Replace the content of this existing file in place (same uuid)."),
        ),
        handler=_upload_file,
        options=UploadOptions,
        examples=(
            "cargo-ai content file upload --file-path ./knowledge-base.pdf",
            "cargo-ai content file upload --file-path ./knowledge-base.pdf --folder-uuid <folder-uuid>",
        ),
    ),
    # libraries
    Cmd(
        "library list", content.Library.list, "List libraries → {libraries}.",
        opts=(CONNECTOR_FILTER, KIND_FILTER),
        examples=("cargo-ai content library list --kind native --connector-uuid <connector-uuid>",),
    ),
    Cmd("library get", content.Library.get, "Get a library → {library}.", args=(uuid_arg("library-uuid"),),
        examples=("cargo-ai content library get <library-uuid>",)),
    Cmd(
        "library create", content.Library.create, "Create a library → {library}.",
        opts=(
            Opt("--name", required=True, help="Library name."),
            Opt("--config", JSON_OBJECT, help="The extractor's configuration (JSON object; default {})."),
            Opt("--connector-uuid", UUID, help="The connector it syncs from (connector libraries)."),
            Opt("--extractor-slug", help="The connector's extractor that lists the documents."),
            Opt("--folder-uuid", UUID, help="File it into this folder."),
        ),
        prepare=defaults(config={}),
        examples=(
            "cargo-ai content library create --name 'Help Center'",
            "cargo-ai content library create --name 'Help Center' --config '{}' --connector-uuid <connector-uuid>",
        ),
    ),
    Cmd(
        "library update", content.Library.update, "Rename a library (or change its config/folder) → {library}.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The library's uuid."),
            Opt("--name", help="New name."),
            Opt("--config", JSON_OBJECT, help="New extractor configuration (JSON object)."),
            Opt("--folder-uuid", NULLABLE_UUID, help="New folder; null/none moves it to the top level."),
        ),
        prepare=something_to_update("--name", "--config", "--folder-uuid"),
        examples=("cargo-ai content library update --uuid <library-uuid> --name 'Updated Name'",),
    ),
    Cmd("library remove", content.Library.remove, "Remove a library.", args=(uuid_arg("library-uuid"),),
        examples=("cargo-ai content library remove <library-uuid>",)),
]  # fmt: skip

group = build_domain(
    "content",
    COMMANDS,
    areas={"file": "Knowledge files (upload, rename, move, remove).", "library": "Knowledge libraries."},
)
