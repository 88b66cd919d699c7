"""hosting deployment create: the source walk, the ignore list and the refusals."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from cargo_cli.cli.hosting import bundle
from tests.helpers import UUID1, UUID2, assert_request, body_of, check_usage_error

CREATE = "/hosting/deployments"
ANSWER = {"deployment": {"uuid": UUID2, "appUuid": UUID1, "status": "pending"}}


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    return write(tmp_path / "my-app", {
        "package.json": '{"name":"my-app"}',
        "index.html": "<div id=app></div>",
        "src/main.ts": "console.log('héllo')\n",
        "node_modules/vite/index.js": "x",
        "dist/index.html": "built",
        "build/out.js": "built",
        ".git/HEAD": "ref: refs/heads/main",
        ".next/cache": "x",
        "src/nested/node_modules/x.js": "x",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    })  # fmt: skip


def test_app_deployment_sends_text_files_minus_default_ignores(cli, api, app_dir):
    route = api.post(CREATE).respond(json=ANSWER)
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir))
    assert result.code == 0, result.out
    assert result.json == ANSWER
    assert_request(route, "POST", CREATE, query="", body={
        "files": [
            {"path": "index.html", "content": "<div id=app></div>"},
            {"path": "package.json", "content": '{"name":"my-app"}'},
            {"path": "src/main.ts", "content": "console.log('héllo')\n"},
        ],
        "kind": "app",
        "appUuid": UUID1,
    })  # fmt: skip
    assert route.call_count == 1


def test_worker_deployment(cli, api, tmp_path):
    source = write(tmp_path / "w", {"package.json": "{}", "src/index.js": "export default {}"})
    route = api.post(CREATE).respond(json=ANSWER)
    result = cli("hosting", "deployment", "create", "--worker-uuid", UUID2, "--source", str(source))
    assert result.code == 0, result.out
    body = body_of(route.calls[0].request)
    assert body["kind"] == "worker"
    assert body["workerUuid"] == UUID2
    assert "appUuid" not in body
    assert [f["path"] for f in body["files"]] == ["package.json", "src/index.js"]


def test_ignore_replaces_the_default_list_and_takes_globs_and_paths(cli, api, app_dir):
    write(app_dir, {"coverage/lcov.info": "x", "debug.log": "x", "src/generated/a.ts": "x"})
    route = api.post(CREATE).respond(json=ANSWER)
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir),
                 "--ignore", "node_modules,dist,build,.git,.next,coverage,*.log,src/generated")  # fmt: skip
    assert result.code == 0, result.out
    paths = [f["path"] for f in body_of(route.calls[0].request)["files"]]
    assert paths == ["index.html", "package.json", "src/main.ts"]
    # Without the defaults in --ignore, dist/ is sent.
    cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir), "--ignore", ".git")
    paths = [f["path"] for f in body_of(route.calls[1].request)["files"]]
    assert "dist/index.html" in paths
    assert "node_modules/vite/index.js" in paths


def test_wait_until_finished_polls_the_deployment(cli, api, app_dir, clock):
    api.post(CREATE).respond(json=ANSWER)
    done = {"deployment": {**ANSWER["deployment"], "status": "success"}}
    building = {"deployment": {"uuid": UUID2, "status": "building"}}
    get = api.get(f"/hosting/deployments/{UUID2}").mock(
        side_effect=[httpx.Response(200, json=building), httpx.Response(200, json=done)]
    )
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir),
                 "--wait-until-finished", "--polling-interval", "500")  # fmt: skip
    assert result.code == 0, result.out
    assert result.json == done
    assert get.call_count == 2
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ({"index.html": "<p>", "assets/app.js": "x"}, "not a built dist/"),
        ({"src/main.ts": "x"}, "has no package.json"),
        ({"package.json": "{}", "public/logo.png": b"\x89PNG\r\n\x1a\n\x00"}, "Cannot deploy binary files"),
        (
            {"package.json": "{}", "latin1.txt": b"caf\xe9"},
            "Cannot deploy binary files (a deployment sends text sources only): latin1.txt",
        ),
        ({"dist/index.html": "x"}, "Nothing to deploy"),
    ],
)
def test_refusals_send_nothing(cli, api, tmp_path, files, fragment):
    source = write(tmp_path / "src-dir", files)
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(source)],
                      fragment)  # fmt: skip


def test_a_dist_directory_as_source_is_refused_with_the_package_root_hint(cli, api, tmp_path):
    dist = write(tmp_path / "dist", {"index.html": "<p>", "assets/index.js": "x"})
    route = api.route()
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(dist))
    assert result.code == 2
    message = result.json["errorMessage"]
    assert "no package.json" in message
    assert "--source is the package root (where package.json lives), not a built dist/" in message
    assert not route.called


def test_worker_without_entrypoint_is_refused(cli, api, tmp_path):
    source = write(tmp_path / "w", {"package.json": "{}", "src/main.mjs": "x"})
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--worker-uuid", UUID2, "--source", str(source)],
                      "has no worker entrypoint")  # fmt: skip


def test_symlinks_are_refused(cli, api, app_dir, tmp_path):
    outside = write(tmp_path / "outside", {"secret.txt": "x"})
    (app_dir / "linked").symlink_to(outside, target_is_directory=True)
    (app_dir / "alias.ts").symlink_to(app_dir / "src" / "main.ts")
    route = api.route()
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir))
    assert result.code == 2
    assert result.json["errorMessage"].startswith("Symbolic links are not deployed: linked/, alias.ts")
    assert not route.called


def test_unreadable_files_and_names_are_refused(cli, api, app_dir, monkeypatch):
    blocked = app_dir / "src" / "main.ts"
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # chmod 000 does not stop root: fail the read instead
        if self == blocked:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir)],
                      "Cannot read (permissions, or a file name that is not UTF-8): src/main.ts")  # fmt: skip
    monkeypatch.undo()
    (app_dir / os.fsdecode(b"caf\xe9.ts")).write_text("x")
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir)],
                      "Cannot read (permissions, or a file name that is not UTF-8): caf?.ts")  # fmt: skip


def test_limits(cli, api, app_dir, monkeypatch):
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 10)
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir)],
                      "Files over 0.0 MiB are not deployed: index.html")  # fmt: skip
    monkeypatch.setattr(bundle, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(bundle, "MAX_FILES", 2)
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir)],
                      "is too large to deploy")  # fmt: skip
    monkeypatch.setattr(bundle, "MAX_FILES", 100)
    monkeypatch.setattr(bundle, "MAX_TOTAL_BYTES", 30)
    check_usage_error(cli, api, ["hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(app_dir)],
                      "is too large to deploy")  # fmt: skip


def test_binary_refusal_names_at_most_five_paths(cli, api, tmp_path):
    source = write(tmp_path / "a", {"package.json": "{}", **{f"img/{i}.png": b"\x00" for i in range(7)}})
    route = api.route()
    result = cli("hosting", "deployment", "create", "--app-uuid", UUID1, "--source", str(source))
    assert result.code == 2
    assert "img/0.png, img/1.png, img/2.png, img/3.png, img/4.png (and 2 more)" in result.json["errorMessage"]
    assert not route.called


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--app-uuid", UUID1], "Missing option '--source'"),
        (["--source", "."], "Pass exactly one of --app-uuid or --worker-uuid"),
        (["--source", ".", "--app-uuid", UUID1, "--worker-uuid", UUID2], "mutually exclusive"),
        (["--source", "/no/such/dir", "--app-uuid", UUID1], "does not exist"),
        (["--source", __file__, "--app-uuid", UUID1], "is a file"),
    ],
)
def test_flag_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["hosting", "deployment", "create", *argv], fragment)
