"""The storage domain: datasets, models, columns, relationships, records and
SQL over workspace storage.

Choices where the spec is silent (and where commands.md and api.json
disagree) are written down in docs/filters-and-pagination.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

from cargo_cli.api.resources import storage
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import JSON, SQL, UUID, choice
from cargo_cli.cli.row_helpers import expect_json, something_to_update, uuid_arg
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.errors import CargoError, UsageError

RELATIONS = ("oneToOne", "oneToMany", "manyToOne")
# Fields of a listed relationship that the set payload does not take (the
# output of `relationship list` can be fed back as it is).
READ_ONLY_RELATIONSHIP_FIELDS = ("fromDatasetUuid", "toDatasetUuid", "workspaceUuid")
NULLABLE_RELATIONSHIP_FIELDS = (
    "fromPropertySlug", "toPropertySlug", "fromSelectedColumnSlugs", "toSelectedColumnSlugs",
)  # fmt: skip
SINGLE_RELATIONSHIP_FLAGS = {
    "fromModelUuid": "--from-model-uuid",
    "toModelUuid": "--to-model-uuid",
    "fromColumnSlug": "--from-column-slug",
    "toColumnSlug": "--to-column-slug",
    "relation": "--relation",
}


MODEL_UUID = Opt("--model-uuid", UUID, required=True, help="The model's uuid.")


# -- client-side checks (prepare steps) --------------------------------------
def _column_object(payload: dict[str, Any]) -> dict[str, Any]:
    column = payload["column"]
    if not isinstance(column, Mapping):
        raise UsageError("--column must be a JSON object")
    if not isinstance(column.get("slug"), str) or not column["slug"]:
        raise UsageError('--column needs a "slug" (the column is identified by its slug)')
    return payload


def _records_have_data(payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload["records"], list):
        raise UsageError("--records must be a JSON array")
    for index, record in enumerate(payload["records"]):
        if not isinstance(record, Mapping) or not isinstance(record.get("data"), Mapping):
            raise UsageError(
                f'--records[{index}] must be {{"data": {{...}}}} (each record\'s fields go under "data")'
            )
    return payload


def _relationship_set(payload: dict[str, Any]) -> dict[str, Any]:
    """Build the whole set: ``--relationships`` and/or one relationship from
    the single-relationship flags (appended to it)."""
    given = payload.pop("relationships", None)
    if given is not None and not isinstance(given, list):
        raise UsageError("--relationships must be a JSON array (the whole set)")
    items = [_settable(item, index) for index, item in enumerate(given or [])]
    single = payload.pop("relationship", None)
    if single is not None:
        missing = [flag for name, flag in SINGLE_RELATIONSHIP_FLAGS.items() if name not in single]
        if missing:
            raise UsageError(f"One relationship from flags also needs {', '.join(missing)}")
        items.append({**single, **dict.fromkeys(NULLABLE_RELATIONSHIP_FIELDS)})
    elif given is None:
        raise UsageError(
            "Nothing to set: pass --relationships <json> (the whole set) and/or one relationship with "
            + ", ".join(SINGLE_RELATIONSHIP_FLAGS.values())
        )
    if "datasetUuid" not in payload:
        if not items:
            raise UsageError(
                "An empty set needs --dataset-uuid (the dataset whose relationships are removed)"
            )
        if not isinstance(items[0].get("fromModelUuid"), str):
            raise UsageError(
                "Pass --dataset-uuid (the first relationship has no fromModelUuid to find it from)"
            )
    payload["relationships"] = items
    return payload


def _settable(item: Any, index: int) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise UsageError(f"--relationships[{index}] must be a JSON object")
    return {key: value for key, value in item.items() if key not in READ_ONLY_RELATIONSHIP_FIELDS}


# -- handlers ------------------------------------------------------------------
@dataclass(frozen=True)
class RelationshipListOptions:
    model_uuid: str | None


def _list_relationships(inv: Invocation) -> Any:
    result = inv.call()
    model = inv.options.typed(RelationshipListOptions).model_uuid
    if model and isinstance(result, Mapping) and isinstance(result.get("relationships"), list):
        kept = [
            item
            for item in result["relationships"]
            if isinstance(item, Mapping) and model in (item.get("fromModelUuid"), item.get("toModelUuid"))
        ]
        result = {**result, "relationships": kept}
    return result


def _set_relationships(inv: Invocation) -> Any:
    payload = dict(inv.payload)
    if "datasetUuid" not in payload:
        # The set belongs to a dataset: the one of the first relationship's from-model.
        found = inv.call(storage.Model.get, {"uuid": payload["relationships"][0].get("fromModelUuid")})
        model = found.get("model") if isinstance(found, Mapping) else None
        dataset = model.get("datasetUuid") if isinstance(model, Mapping) else None
        if not dataset:
            raise CargoError("Could not find the dataset of the from-model; pass --dataset-uuid")
        payload = {"datasetUuid": dataset, **payload}
    return inv.call(payload=payload)


# -- the commands --------------------------------------------------------------
COMMANDS: list[Cmd] = [
    Cmd("dataset list", storage.Dataset.all, "List datasets.", examples=("cargo-ai storage dataset list",)),
    Cmd("dataset get", storage.Dataset.get, "Get a dataset.", args=(uuid_arg("dataset-uuid"),),
        examples=("cargo-ai storage dataset get <dataset-uuid>",)),
    Cmd(
        "model list", storage.Model.all, "List models (of every dataset).",
        epilog="Takes no options: there is no --dataset-uuid filter; select on each model's datasetUuid.",
        examples=("cargo-ai storage model list",),
    ),
    Cmd("model get", storage.Model.get, "Get a model, including its columns.", args=(uuid_arg("model-uuid"),),
        examples=("cargo-ai storage model get <model-uuid>",)),
    Cmd(
        "model create", storage.Model.create, "Create a model.",
        opts=(
            Opt("--config", JSON, help="The extractor's configuration (JSON object; inline, @file or -)."),
            Opt("--dataset-uuid", UUID, help="The dataset the model belongs to."),
            Opt("--extractor-slug", help="The extractor, e.g. listenHook."),
            Opt("--name", help="Display name."),
            Opt("--slug", help="Slug, unique in the dataset (used in SQL as <datasetSlug>.<modelSlug>)."),
        ),
        prepare=expect_json(config=(dict, "--config")),
        examples=("cargo-ai storage model create --config '{}' --dataset-uuid <dataset-uuid>",),
    ),
    Cmd(
        "model update", storage.Model.update, "Update a model.",
        opts=(Opt("--uuid", UUID, required=True, help="The model's uuid."), Opt("--name", help="New name.")),
        prepare=something_to_update("--name"),
        examples=("cargo-ai storage model update --uuid <model-uuid> --name 'New Name'",),
    ),
    Cmd("model remove", storage.Model.remove, "Remove a model.", args=(uuid_arg("model-uuid"),),
        examples=("cargo-ai storage model remove <model-uuid>",)),
    Cmd(
        "model refresh", storage.Model.refresh, "Refresh (re-sync) a model from its source.",
        args=(uuid_arg("model-uuid"),),
        examples=("cargo-ai storage model refresh <model-uuid>",),
    ),
    Cmd(
        "model get-ddl", storage.Model.get_ddl, "Get a model's DDL ({ddl, language}).",
        args=(uuid_arg("model-uuid"),),
        examples=("cargo-ai storage model get-ddl <model-uuid>",),
    ),
    Cmd("column list", storage.Column.list, "List the columns of a model.", opts=(MODEL_UUID,),
        examples=("cargo-ai storage column list --model-uuid <model-uuid>",)),
    Cmd(
        "column create", storage.Column.create, "Create a column (custom, computed, metric or lookup).",
        opts=(
            Opt("--column", JSON, required=True,
                help='The column (JSON object), e.g. {"slug":"website_url","type":"string",'
                     '"label":"Website URL","kind":"custom"}.'),
            MODEL_UUID,
        ),
        prepare=_column_object,
        examples=("cargo-ai storage column create --column '{\"slug\":\"my_column\",\"type\":\"string\",\"label\":\"My Column\",\"kind\":\"custom\"}' --model-uuid <model-uuid>",),
    ),
    Cmd(
        "column update", storage.Column.update,
        "Update a column: the full column object, identified by its slug.",
        opts=(Opt("--column", JSON, required=True, help="The whole column (JSON object) with its slug."),
              MODEL_UUID),
        prepare=_column_object,
        examples=("cargo-ai storage column update --column '{\"slug\":\"my_column\",\"type\":\"string\",\"label\":\"Updated Label\",\"kind\":\"custom\"}' --model-uuid <model-uuid>",),
    ),
    Cmd(
        "column remove", storage.Column.remove, "Remove a column.",
        opts=(Opt("--column-slug", required=True, help="The column's slug."), MODEL_UUID),
        examples=("cargo-ai storage column remove --column-slug website_url --model-uuid <model-uuid>",),
    ),
    Cmd(
        "column reorder", storage.Column.reorder, "Move a column to an index.",
        opts=(
            Opt("--column-slug", required=True, help="The column's slug."),
            MODEL_UUID,
            Opt("--to-index", click.IntRange(min=0), required=True, help="The new 0-based position."),
        ),
        examples=("cargo-ai storage column reorder --column-slug website_url --model-uuid <model-uuid> --to-index 2",),
    ),
    Cmd(
        "relationship list", storage.Relationship.all, "List relationships.",
        opts=(Opt("--model-uuid", UUID, local=True,
                  help="Only the relationships from or to this model (filtered client-side)."),),
        handler=_list_relationships,
        options=RelationshipListOptions,
        examples=("cargo-ai storage relationship list --model-uuid <model-uuid>",),
    ),
    Cmd(
        "relationship set", storage.Relationship.set,
        "Replace the relationship set of a dataset.\n\n"
        "REPLACES THE WHOLE SET: relationships of the dataset that are not passed are removed. "
        "Pass the whole set with --relationships (the output of `relationship list` can be "
        "passed back as is), and/or describe one relationship with --from-model-uuid, "
        "--to-model-uuid, --from-column-slug, --to-column-slug and --relation (appended to the set).",
        opts=(
            Opt("--relationships", JSON,
                help="The whole set (JSON array of {fromModelUuid, fromColumnSlug, toModelUuid, "
                     "toColumnSlug, relation, fromPropertySlug, toPropertySlug, fromSelectedColumnSlugs, "
                     "toSelectedColumnSlugs})."),
            Opt("--dataset-uuid", UUID,
                help="The dataset whose set is replaced (default: the dataset of the first from-model)."),
            Opt("--from-model-uuid", UUID, field="relationship.fromModelUuid", help="One relationship: from model."),
            Opt("--to-model-uuid", UUID, field="relationship.toModelUuid", help="One relationship: to model."),
            Opt("--from-column-slug", field="relationship.fromColumnSlug", help="One relationship: from column."),
            Opt("--to-column-slug", field="relationship.toColumnSlug", help="One relationship: to column."),
            Opt("--relation", choice(*RELATIONS), field="relationship.relation",
                help="One relationship: its cardinality."),
        ),
        prepare=_relationship_set,
        handler=_set_relationships,
        examples=(
            "cargo-ai storage relationship set --from-model-uuid <from-model-uuid> --from-column-slug company_id --to-model-uuid <to-model-uuid> --to-column-slug id --relation manyToOne",
            "cargo-ai storage relationship set --relationships @relationships.json",
        ),
    ),
    paginated(Cmd(
        "record list", storage.Record.list, "List records of a model.", opts=(MODEL_UUID,),
                                                                        examples=("cargo-ai storage record list --model-uuid <model-uuid>",),
    ), "records"),
    Cmd(
        "record create", storage.Record.create, "Create one record.",
        opts=(MODEL_UUID,
              Opt("--data", JSON, required=True, help='The record\'s fields (JSON object), e.g. {"id":"acc-1"}.')),
        prepare=expect_json(data=(dict, "--data")),
        examples=("cargo-ai storage record create --model-uuid <model-uuid> --data '{\"id\":\"acc-1\",\"name\":\"Acme\"}'",),
    ),
    Cmd(
        "record create-bulk", storage.Record.create_bulk, "Create records in bulk.",
        opts=(
            MODEL_UUID,
            Opt("--records", JSON, required=True,
                help='The records (JSON array), each {"data": {...}}: [{"data":{"id":"acc-1","name":"Acme"}}].'),
        ),
        prepare=_records_have_data,
        examples=("cargo-ai storage record create-bulk --model-uuid <accounts-uuid> --records <records>",),
    ),
    Cmd(
        "query execute", storage.Query.execute,
        "Run SQL over workspace storage (tables are <datasetSlug>.<modelSlug>); prints {rows}.",
        args=(Arg("sql", field="query", type=SQL),),
        epilog="The SQL may also be read from a file (@query.sql) or stdin (-).",
        examples=(
            "cargo-ai storage query execute <sql>",
            "cargo-ai storage query execute @query.sql",
        ),
    ),
    Cmd(
        "query download", storage.Query.download,
        "Export a SQL result: signed URL(s) to CSV (default) or Parquet.",
        opts=(
            Opt("--query", SQL, required=True, help="The SQL (inline, @file or - for stdin)."),
            Opt("--format", choice("csv", "parquet"), help="File format (the API's default: csv)."),
        ),
        download=True,
        examples=(
            "cargo-ai storage query download --query 'SELECT * FROM default.companies'",
            "cargo-ai storage query download --query 'SELECT * FROM default.companies' --format parquet",
        ),
    ),
]  # fmt: skip

group = build_domain(
    "storage",
    COMMANDS,
    areas={
        "dataset": "Datasets (a connector's or the native storage).",
        "model": "Models: the tables of a dataset.",
        "column": "Columns of a model.",
        "relationship": "Relationships between models.",
        "record": "Records of a model.",
        "query": "SQL over workspace storage.",
    },
)
