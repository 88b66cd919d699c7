"""State: one DuckDB database (a file under ``--data-dir``, else in memory)
plus a directory of blobs (under ``--data-dir``, else a temporary directory).

- ``docs``: every entity that is read and written whole (datasets, models,
  segments, tools, workflows, releases, agents, messages, ...), as JSON.
- ``runs``, ``batches``, ``spans``: typed tables, so that ``orchestration query
  execute`` can read them with SQL (``records`` is a view over ``runs``).
- ``segment_members`` (each segment's last membership, to diff) and
  ``change_records`` (the records of each segment change, by kind).
- one ``rec_<model>`` table per model, typed from the model's columns, so
  that segment filters and ``storage query execute`` run in SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid as uuid_module
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from cargo_cli.sandbox import query_tables

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS secrets (
    token VARCHAR PRIMARY KEY, userUuid VARCHAR, workspaceUuid VARCHAR, tokenUuid VARCHAR);
CREATE TABLE IF NOT EXISTS docs (
    kind VARCHAR, uuid VARCHAR, workspaceUuid VARCHAR, body JSON, createdAt TIMESTAMP,
    PRIMARY KEY (kind, uuid));
CREATE TABLE IF NOT EXISTS runs (
    uuid VARCHAR PRIMARY KEY, workspaceUuid VARCHAR, workflowUuid VARCHAR, userUuid VARCHAR,
    releaseUuid VARCHAR, batchUuid VARCHAR, traceUuid VARCHAR, recordId VARCHAR, recordTitle VARCHAR,
    status VARCHAR, errorMessage VARCHAR, creditsUsedCount INTEGER,
    createdAt TIMESTAMP, updatedAt TIMESTAMP, finishedAt TIMESTAMP,
    input JSON, nodes JSON, plan JSON, runningAt TIMESTAMP, doneAt TIMESTAMP,
    finalStatus VARCHAR, finalError VARCHAR, planCredits INTEGER, spansWritten BOOLEAN);
CREATE TABLE IF NOT EXISTS batches (
    uuid VARCHAR PRIMARY KEY, workspaceUuid VARCHAR, workflowUuid VARCHAR, userUuid VARCHAR,
    releaseUuid VARCHAR, traceUuid VARCHAR, data JSON, nodes JSON, status VARCHAR, errorMessage VARCHAR,
    runsStatus VARCHAR, runsCount INTEGER, executedRunsCount INTEGER, failedRunsCount INTEGER,
    creditsUsedCount INTEGER, createdAt TIMESTAMP, updatedAt TIMESTAMP, finishedAt TIMESTAMP);
CREATE TABLE IF NOT EXISTS spans (
    workspaceUuid VARCHAR, workflowUuid VARCHAR, userUuid VARCHAR, batchUuid VARCHAR,
    traceUuid VARCHAR, recordId VARCHAR, recordTitle VARCHAR, runUuid VARCHAR, nodeUuid VARCHAR,
    nodeKind VARCHAR, nodeSlug VARCHAR, nodeActionSlug VARCHAR, nodeConnectorUuid VARCHAR,
    nodeIntegrationSlug VARCHAR, executionIndex INTEGER, executionStatus VARCHAR,
    executionErrorMessage VARCHAR, executionTitle VARCHAR, executionCreditsUsedCount INTEGER,
    executionStartedAt TIMESTAMP, executionUpdatedAt TIMESTAMP, executionFinishedAt TIMESTAMP);
CREATE TABLE IF NOT EXISTS segment_members (segmentUuid VARCHAR, recordId VARCHAR, digest VARCHAR, data JSON);
CREATE TABLE IF NOT EXISTS change_records (
    changeUuid VARCHAR, position INTEGER, recordId VARCHAR, kind VARCHAR, data JSON);
CREATE OR REPLACE VIEW q_runs AS SELECT uuid, workspaceUuid, workflowUuid, userUuid, releaseUuid,
    batchUuid, traceUuid, recordId, recordTitle, status, errorMessage, creditsUsedCount,
    createdAt, updatedAt, finishedAt FROM runs;
CREATE OR REPLACE VIEW q_batches AS SELECT uuid, workspaceUuid, workflowUuid, userUuid, releaseUuid,
    traceUuid, data, status, errorMessage, runsStatus, runsCount, executedRunsCount, failedRunsCount,
    creditsUsedCount, createdAt, updatedAt, finishedAt FROM batches;
CREATE OR REPLACE VIEW q_spans AS SELECT * FROM spans;
CREATE OR REPLACE VIEW q_records AS SELECT workspaceUuid, workflowUuid, userUuid, recordId AS id,
    recordTitle AS title, uuid AS runUuid, traceUuid, releaseUuid, batchUuid, status, errorMessage,
    createdAt, updatedAt, finishedAt FROM runs
    QUALIFY row_number() OVER (PARTITION BY workflowUuid, recordId ORDER BY createdAt DESC, uuid) = 1;
"""

# Column types of a model (storage ColumnType) -> DuckDB.
SQL_TYPES = {
    "string": "VARCHAR",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "TIMESTAMP",
    "object": "JSON",
    "array": "JSON",
    "any": "JSON",
    "vector": "JSON",
}


def iso(value: dt.datetime | None) -> str | None:
    """A naive UTC timestamp as the API writes dates (ISO 8601, milliseconds, Z)."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def record_table(model_uuid: str) -> str:
    return "rec_" + model_uuid.replace("-", "")


class Store:
    def __init__(
        self, data_dir: Path, *, persistent: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        """``persistent``: the database is ``data_dir/sandbox.duckdb``; else it
        lives in memory (blobs are always files under ``data_dir``)."""
        self.data_dir = data_dir
        self.blob_dir = data_dir / "blobs"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self.lock = threading.RLock()
        self.db = duckdb.connect(str(data_dir / "sandbox.duckdb") if persistent else ":memory:")
        self.db.execute("SET TimeZone = 'UTC'")
        self.db.execute(SCHEMA)
        query_tables.create_views(self.db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One commit for many statements (each commit syncs the file)."""
        with self.lock:
            self.db.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def lock_down(self) -> None:
        """No file or network access from SQL from here on (user SQL runs here)."""
        self.db.execute("SET enable_external_access = false")
        self.db.execute("SET lock_configuration = true")

    # -- time ---------------------------------------------------------------
    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).replace(tzinfo=None)

    def now_iso(self) -> str:
        return iso(self.now()) or ""

    # -- SQL helpers ----------------------------------------------------------
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.db.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    # -- meta -----------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # -- tokens ---------------------------------------------------------------
    def add_secret(self, token: str, user_uuid: str, workspace_uuid: str, token_uuid: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO secrets VALUES (?, ?, ?, ?)",
            [token, user_uuid, workspace_uuid, token_uuid],
        )

    def identity(self, token: str) -> tuple[str, str] | None:
        row = self.db.execute(
            "SELECT userUuid, workspaceUuid FROM secrets WHERE token = ?", [token]
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    def remove_secret(self, token_uuid: str) -> None:
        self.db.execute("DELETE FROM secrets WHERE tokenUuid = ?", [token_uuid])

    # -- documents --------------------------------------------------------------
    def put(self, kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
        data = dict(body)
        created = self.scalar("SELECT createdAt FROM docs WHERE kind = ? AND uuid = ?", [kind, data["uuid"]])
        self.db.execute(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)",
            [kind, data["uuid"], data.get("workspaceUuid"), json.dumps(data), created or self.now()],
        )
        return data

    def get(self, kind: str, uuid: str, workspace_uuid: str | None = None) -> dict[str, Any] | None:
        sql = "SELECT body FROM docs WHERE kind = ? AND uuid = ?"
        params: list[Any] = [kind, uuid]
        if workspace_uuid is not None:
            sql += " AND (workspaceUuid = ? OR workspaceUuid IS NULL)"
            params.append(workspace_uuid)
        value = self.scalar(sql, params)
        return None if value is None else dict(json.loads(value))

    def all(self, kind: str, workspace_uuid: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT body FROM docs WHERE kind = ?"
        params: list[Any] = [kind]
        if workspace_uuid is not None:
            sql += " AND (workspaceUuid = ? OR workspaceUuid IS NULL)"
            params.append(workspace_uuid)
        sql += " ORDER BY createdAt, rowid"
        return [dict(json.loads(row[0])) for row in self.db.execute(sql, params).fetchall()]

    def find(self, kind: str, workspace_uuid: str | None = None, **equal: Any) -> list[dict[str, Any]]:
        return [
            doc
            for doc in self.all(kind, workspace_uuid)
            if all(doc.get(key) == value for key, value in equal.items())
        ]

    # -- model records ------------------------------------------------------------
    def create_record_table(self, model_uuid: str, columns: Sequence[Mapping[str, Any]]) -> None:
        defs = ", ".join(f"{quote(str(c['slug']))} {SQL_TYPES.get(str(c['type']), 'JSON')}" for c in columns)
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {record_table(model_uuid)} ({defs})")

    def insert_records(
        self, model_uuid: str, columns: Sequence[Mapping[str, Any]], records: Iterable[Mapping[str, Any]]
    ) -> int:
        slugs = [str(c["slug"]) for c in columns]
        json_cols = {str(c["slug"]) for c in columns if SQL_TYPES.get(str(c["type"]), "JSON") == "JSON"}
        rows = [
            [
                json.dumps(record.get(slug)) if slug in json_cols and record.get(slug) is not None
                else record.get(slug)
                for slug in slugs
            ]
            for record in records
        ]  # fmt: skip
        self.insert_many(record_table(model_uuid), rows, [quote(s) for s in slugs])
        return len(rows)

    def insert_many(self, table: str, rows: list[list[Any]], names: list[str] | None = None) -> None:
        """Many rows in a few statements (DuckDB's executemany is one round per row)."""
        if not rows:
            return
        width = len(rows[0])
        mark = "(" + ", ".join("?" * width) + ")"
        target = f"{table} ({', '.join(names)})" if names else table
        chunk = max(1, 2000 // width)
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(mark for _ in part)
            self.db.execute(f"INSERT INTO {target} VALUES {values}", [v for row in part for v in row])

    # -- blobs ------------------------------------------------------------------
    def blob_path(self, key: str) -> Path:
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)
        return self.blob_dir / safe

    def write_blob(self, key: str, data: bytes) -> Path:
        path = self.blob_path(key)
        path.write_bytes(data)
        return path
