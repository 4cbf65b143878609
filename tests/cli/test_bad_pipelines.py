"""A corpus of broken pipelines: each gives one clear located message, exit 2, no output.

Every case is run through `quicketl run` and `quicketl validate`. The message is pinned as
`FILE:LINE: FIELD: MESSAGE` (the parts known for that mistake), and the run must leave no
output behind and print no traceback.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import Invoke

ORDERS_CSV = "order_id,customer_id,amount,status\n1,10,12.5,paid\n2,11,30.0,open\n"
CUSTOMERS_CSV = "customer_id,name\n10,Ana\n11,Ben\n"
SOURCE = "source:\n  type: file\n  path: data/orders.csv\n  format: csv\n"
SINK = "sink:\n  type: file\n  path: out/result.parquet\n"
TWO_SOURCES = (
    "name: bad\nsources:\n  orders: {path: data/orders.csv}\n"
    "  customers: {path: data/customers.csv}\n"
)


@dataclass(frozen=True)
class Bad:
    """A broken pipeline and the message it must produce."""

    id: str
    text: str
    message: str
    line: int | None = None
    field: str | None = None
    files: dict[str, str] = dataclasses.field(default_factory=dict)

    def expected(self, path: Path, root: Path) -> str:
        where = f"{path}:{self.line}" if self.line else str(path)
        prefix = f"{where}: {self.field}: " if self.field else f"{where}: "
        return prefix + self.message.replace("{root}", str(root))


def steps(*lines: str) -> str:
    """A valid pipeline around the given `transforms:` items (line 7 is the first item)."""
    return "name: bad\n" + SOURCE + "transforms:\n" + "".join(f"{x}\n" for x in lines) + SINK


def checks(*lines: str) -> str:
    """A valid pipeline around the given `checks:` items (line 7 is the first item)."""
    return "name: bad\n" + SOURCE + "checks:\n" + "".join(f"{x}\n" for x in lines) + SINK


CASES = [
    # YAML itself
    Bad(
        "yaml_unclosed_flow",
        "name: bad\nsource: {path: a.csv\nsink: x\n",
        "YAML syntax error at line 3, column 5: expected ',' or '}', but got ':'",
        3,
    ),
    Bad(
        "yaml_bad_indent",
        "name: bad\nsource:\n  path: a.csv\n    format: csv\n",
        "YAML syntax error at line 4, column 11: mapping values are not allowed here",
        4,
    ),
    Bad(
        "yaml_tab",
        "name: bad\nsource:\n\tpath: a.csv\n",
        "YAML syntax error at line 3, column 1: found character '\\t' that cannot start any token",
        3,
    ),
    Bad(
        "duplicate_key",
        "name: bad\n" + SOURCE + SINK + "name: again\n",
        "duplicate key (first written at line 1)",
        9,
        "name",
    ),
    Bad("empty_file", "", "expected a mapping of keys, found an empty file"),
    Bad("comments_only", "# name: bad\n", "expected a mapping of keys, found an empty file"),
    Bad(
        "list_not_mapping", "- name: bad\n- source: x\n", "expected a mapping of keys, found a list"
    ),
    # unknown names, with close matches
    Bad(
        "unknown_op_close_match",
        steps("  - op: filtr", "    predicate: amount > 0"),
        "unknown op 'filtr'; did you mean 'filter'?",
        7,
        "transforms[0]",
    ),
    Bad(
        "unknown_op_lists_ops",
        steps("  - op: explode", "    column: tags"),
        "unknown op 'explode' (expected one of: select, rename, filter,",
        7,
        "transforms[0]",
    ),
    Bad("missing_op", steps("  - predicate: amount > 0"), "missing 'op'", 7, "transforms[0]"),
    Bad(
        "unknown_check_type",
        checks("  - type: not_nul", "    columns: [order_id]"),
        "unknown type 'not_nul'; did you mean 'not_null'?",
        7,
        "checks[0]",
    ),
    Bad(
        "unknown_top_level_key",
        "name: bad\n" + SOURCE + SINK + "transfroms: []\n",
        "unknown key 'transfroms'; did you mean 'transforms'?",
        9,
        "transfroms",
    ),
    Bad(
        "unknown_source_key",
        "name: bad\nsource:\n  pth: data/orders.csv\n" + SINK,
        "unknown key 'pth'; did you mean 'path'?",
        3,
        "source.pth",
    ),
    Bad(
        "unknown_csv_option",
        "name: bad\n" + SOURCE + "  options:\n    delimter: ';'\n" + SINK,
        "unknown key 'delimter'; did you mean 'delimiter'?",
        7,
        "source.options.delimter",
    ),
    Bad(
        "unknown_transform_key",
        steps("  - op: filter", "    predicat: amount > 0"),
        "unknown key 'predicat'; did you mean 'predicate'?",
        8,
        "transforms[0].predicat",
    ),
    Bad(
        "unknown_check_key",
        checks("  - type: not_null", "    column: [order_id]"),
        "unknown key 'column'; did you mean 'columns'?",
        8,
        "checks[0].column",
    ),
    Bad(
        "unknown_sink_key",
        "name: bad\n" + SOURCE + SINK + "  partiton_by: [status]\n",
        "unknown key 'partiton_by'; did you mean 'partition_by'?",
        9,
        "sink.partiton_by",
    ),
    # missing fields and wrong types
    Bad(
        "missing_required_field",
        steps("  - op: filter"),
        "required field is missing",
        7,
        "transforms[0].predicate",
    ),
    Bad("missing_sink", "name: bad\n" + SOURCE, "required field is missing", 1, "sink"),
    Bad("missing_name", SOURCE + SINK, "required field is missing", 1, "name"),
    Bad(
        "wrong_type_integer",
        steps("  - op: limit", "    n: many"),
        "expected an integer, got 'many'",
        8,
        "transforms[0].n",
    ),
    Bad(
        "wrong_type_list",
        "name: bad\n" + SOURCE + "transforms:\n  op: filter\n" + SINK,
        "expected a list, got a mapping",
        6,
        "transforms",
    ),
    Bad(
        "wrong_type_list_item",
        steps("  - op: dedup", "    columns: 3"),
        "expected a list, got 3",
        8,
        "transforms[0].columns",
    ),
    Bad(
        "wrong_type_boolean",
        "name: bad\nvolatile: maybe\n" + SOURCE + SINK,
        "expected true or false, got 'maybe'",
        2,
        "volatile",
    ),
    Bad(
        "transform_is_a_string",
        steps("  - filter"),
        "expected a mapping of keys, got 'filter'",
        7,
        "transforms[0]",
    ),
    Bad(
        "unknown_format",
        "name: bad\nsource:\n  path: data/orders.dat\n" + SINK,
        "cannot infer the format of 'data/orders.dat' from its extension; "
        "set format: csv, parquet or json",
        2,
        "source",
    ),
    Bad(
        "bad_severity",
        checks("  - type: not_null", "    columns: [order_id]", "    severity: fatal"),
        "must be one of 'error' or 'warn'",
        9,
        "checks[0].severity",
    ),
    Bad(
        "row_count_without_bounds",
        checks("  - type: row_count"),
        "give 'min', 'max' or both",
        7,
        "checks[0]",
    ),
    Bad(
        "source_and_sources",
        "name: bad\n" + SOURCE + "sources:\n  b: {path: b.csv}\n" + SINK,
        "give either 'source' or a non-empty 'sources' map",
        1,
    ),
    Bad(
        "sort_flags_mismatch",
        steps("  - op: sort", "    by: [amount, order_id]", "    descending: [true]"),
        "descending has 1 entries but by has 2",
        7,
        "transforms[0]",
    ),
    # cross-references, variables, engines, sinks
    Bad(
        "unresolved_variable",
        "name: bad\nsource:\n  path: data/${RUN_DATE}.csv\n" + SINK,
        "unresolved variable ${RUN_DATE}: pass --var RUN_DATE=... or set it",
        3,
        "source.path",
    ),
    Bad(
        "unsupported_engine",
        "name: bad\nengine: spark\n" + SOURCE + SINK,
        "quicketl runs on DuckDB only; engine 'spark' is not supported",
        2,
        "engine",
    ),
    Bad(
        "join_unknown_source",
        TWO_SOURCES
        + "transforms:\n  - op: join\n    right: customer\n    on: [customer_id]\n"
        + SINK,
        "unknown source 'customer'; did you mean 'customers'? (sources: orders, customers)",
        7,
        "transforms[0].right",
    ),
    Bad(
        "bad_sink_mode",
        "name: bad\n" + SOURCE + SINK + "  mode: merge\n",
        "must be one of 'overwrite' or 'append'",
        9,
        "sink.mode",
    ),
    Bad(
        "upsert_without_keys",
        "name: bad\n"
        + SOURCE
        + "sink:\n  type: database\n  connection: duckdb:///w.duckdb\n"
        + "  table: orders\n  mode: upsert\n",
        "mode upsert needs upsert_keys",
        6,
        "sink",
    ),
    Bad(
        "csv_options_on_parquet",
        "name: bad\nsource:\n  path: data/orders.parquet\n  options: {delimiter: ';'}\n" + SINK,
        "options delimiter apply to csv files only",
        2,
        "source",
    ),
    # checked against the real sources (the engine)
    Bad(
        "missing_input_file",
        "name: bad\nsource:\n  path: data/nope.csv\n" + SINK,
        "file not found: {root}/data/nope.csv",
        3,
        "source.path",
    ),
    Bad(
        "glob_matches_nothing",
        "name: bad\nsource:\n  path: data/orders_*.parquet\n" + SINK,
        "no file matches {root}/data/orders_*.parquet",
        3,
        "source.path",
    ),
    Bad(
        "unknown_column_in_filter",
        steps("  - op: filter", "    predicate: amout > 0"),
        "unknown column 'amout'; did you mean 'amount'?",
        8,
        "transforms[0].predicate",
    ),
    Bad(
        "unknown_column_in_derive",
        steps("  - op: derive_column", "    name: total", "    expr: amount * quantity"),
        "unknown column 'quantity'",
        9,
        "transforms[0].expr",
    ),
    Bad(
        "unknown_column_in_select",
        steps("  - op: select", "    columns: [order_id, amont]"),
        "unknown column 'amont'; did you mean 'amount'?",
        8,
        "transforms[0].columns[1]",
    ),
    Bad(
        "unknown_column_in_group_by",
        steps("  - op: aggregate", "    group_by: [stauts]", "    aggs:", "      n: count(*)"),
        "unknown column 'stauts'; did you mean 'status'?",
        8,
        "transforms[0].group_by[0]",
    ),
    Bad(
        "unknown_column_in_aggregate",
        steps(
            "  - op: aggregate", "    group_by: [status]", "    aggs:", "      total: sum(amout)"
        ),
        "unknown column 'amout'; did you mean 'amount'?",
        10,
        "transforms[0].aggs.total",
    ),
    Bad(
        "unknown_column_after_a_rename",
        steps(
            "  - op: rename",
            "    columns: {amount: total}",
            "  - op: filter",
            "    predicate: amount > 0",
        ),
        "unknown column 'amount'",
        10,
        "transforms[1].predicate",
    ),
    Bad(
        "unknown_column_in_sort",
        steps("  - op: sort", "    by: [amout]"),
        "unknown column 'amout'; did you mean 'amount'?",
        8,
        "transforms[0].by[0]",
    ),
    Bad(
        "unknown_column_in_check",
        checks("  - type: not_null", "    columns: [order_id, amout]"),
        "unknown column 'amout'; did you mean 'amount'?",
        8,
        "checks[0].columns[1]",
    ),
    Bad(
        "unknown_column_in_check_expression",
        checks("  - type: expression", "    expr: amout >= 0"),
        "unknown column 'amout'; did you mean 'amount'?",
        8,
        "checks[0].expr",
    ),
    Bad(
        "sql_syntax_error",
        steps("  - op: filter", "    predicate: amount >> > 0"),
        "SQL syntax error at or near '>'",
        8,
        "transforms[0].predicate",
    ),
    Bad(
        "unknown_function",
        steps("  - op: derive_column", "    name: root", "    expr: sqrtt(amount)"),
        "unknown function 'sqrtt'; did you mean 'sqrt'?",
        9,
        "transforms[0].expr",
    ),
    Bad(
        "unsupported_database_scheme",
        "name: bad\nsource:\n  connection: mysql://me@db/shop\n  table: orders\n" + SINK,
        "unsupported connection scheme 'mysql' (supported: duckdb:///path/to/file.duckdb",
        3,
        "source.connection",
    ),
    Bad(
        "duckdb_url_without_a_file",
        "name: bad\nsource:\n  connection: 'duckdb://'\n  table: orders\n" + SINK,
        "a DuckDB URL names a file: three slashes before a relative path (duckdb:///data/w.duckdb)",
        3,
        "source.connection",
    ),
    Bad(  # two slashes, as 1.x writes it: relative to the project root
        "duckdb_url_with_two_slashes_is_relative",
        "name: bad\nsource:\n  connection: duckdb://w.duckdb\n  table: orders\n" + SINK,
        "DuckDB database not found: {root}/w.duckdb",
        3,
        "source.connection",
    ),
    Bad(
        "database_file_missing",
        "name: bad\nsource:\n  connection: duckdb:///w.duckdb\n  table: orders\n" + SINK,
        "DuckDB database not found: {root}/w.duckdb",
        3,
        "source.connection",
    ),
]


def write_case(case: Bad, root: Path) -> Path:
    (root / "quicketl.yml").write_text("{}\n")
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "orders.csv").write_text(ORDERS_CSV)
    (root / "data" / "customers.csv").write_text(CUSTOMERS_CSV)
    for relative, text in case.files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    path = root / "pipelines" / "bad.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(case.text)
    return path


def test_the_corpus_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
@pytest.mark.parametrize("command", ["run", "validate"])
def test_bad_pipeline(cli: Invoke, tmp_path: Path, case: Bad, command: str) -> None:
    path = write_case(case, tmp_path)
    result = cli(command, path)
    assert result.exit_code == 2, result.output
    assert case.expected(path, tmp_path.resolve()) in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
