"""The packaged templates (scaffolding is tested through ``hosting app
init``, tests/cli/commands/test_hosting_local.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

from cargo_cli.cli.hosting import scaffold


def test_templates_are_package_data_and_extensions_override_their_base():
    for kind, templates in scaffold.TEMPLATES.items():
        for slug in templates:
            files = scaffold.template_files(kind, slug)
            assert {"package.json", "package-lock.json", "README.md"} <= {p.as_posix() for p in files}
    blank = scaffold.template_files("app", "blank")
    territories = scaffold.template_files("app", "territories-overview")
    main = PurePosixPath("src/main.ts")
    assert territories[main].read_text() != blank[main].read_text()
    assert set(territories) == {*blank, PurePosixPath("src/api.ts")}
