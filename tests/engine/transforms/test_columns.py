"""select, rename, derive_column, cast, fill_null, hash_key and coalesce: exact results."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..helpers import Output

Transformed = Callable[..., Output]
PEOPLE = (
    "SELECT * FROM (VALUES (1, 'ann', 10.5), (2, 'bob', NULL), (3, NULL, 7.0)) t(id, name, score)"
)


def test_select_keeps_the_listed_columns_in_that_order(transformed: Transformed) -> None:
    assert transformed(PEOPLE, "- {op: select, columns: [score, id]}") == (
        ["score", "id"],
        [(10.5, 1), (None, 2), (7.0, 3)],
    )


def test_rename_with_mapping_or_columns_spelling(transformed: Transformed) -> None:
    expected = (["id", "full_name", "points"], [(1, "ann", 10.5), (2, "bob", None), (3, None, 7.0)])
    assert (
        transformed(PEOPLE, "- {op: rename, mapping: {name: full_name, score: points}}") == expected
    )
    assert (
        transformed(PEOPLE, "- {op: rename, columns: {name: full_name, score: points}}") == expected
    )


def test_rename_can_swap_names(transformed: Transformed) -> None:
    columns, rows = transformed(PEOPLE, "- {op: rename, mapping: {id: name, name: id}}")
    assert columns == ["name", "id", "score"]
    assert rows[0] == (1, "ann", 10.5)


def test_derive_column_adds_a_column(transformed: Transformed) -> None:
    columns, rows = transformed(PEOPLE, "- {op: derive_column, name: double, expr: score * 2}")
    assert columns == ["id", "name", "score", "double"]
    assert [row[3] for row in rows] == [21.0, None, 14.0]


def test_derive_column_replaces_an_existing_column_in_place(transformed: Transformed) -> None:
    columns, rows = transformed(PEOPLE, "- {op: derive_column, name: name, expr: upper(name)}")
    assert columns == ["id", "name", "score"]
    assert [row[1] for row in rows] == ["ANN", "BOB", None]


def test_cast_with_quicketl_and_duckdb_type_names(transformed: Transformed) -> None:
    steps = """
    - op: cast
      columns: {id: string, score: int, name: varchar}
    """
    _, rows = transformed(PEOPLE, steps)
    assert rows == [("1", "ann", 11), ("2", "bob", None), ("3", None, 7)]


def test_cast_keeps_column_order(transformed: Transformed) -> None:
    columns, _ = transformed(PEOPLE, "- {op: cast, columns: {id: 'DECIMAL(10, 2)'}}")
    assert columns == ["id", "name", "score"]


def test_fill_null_fills_with_values_of_the_columns_type(transformed: Transformed) -> None:
    steps = "- {op: fill_null, columns: {name: unknown, score: 0}}"
    _, rows = transformed(PEOPLE, steps)
    assert rows == [(1, "ann", 10.5), (2, "bob", 0.0), (3, "unknown", 7.0)]


def test_fill_null_dates_and_booleans(transformed: Transformed) -> None:
    data = "SELECT * FROM (VALUES (DATE '2025-01-01', TRUE), (NULL, NULL)) t(d, ok)"
    _, rows = transformed(data, "- {op: fill_null, columns: {d: 2000-01-01, ok: false}}")
    assert [(str(d), ok) for d, ok in rows] == [("2025-01-01", True), ("2000-01-01", False)]


@settings(
    deadline=None, max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_fill_null_keeps_any_text_exactly(transformed: Transformed, fill: str) -> None:
    _, rows = transformed(PEOPLE, "- op: fill_null\n  columns:\n    name: " + _yaml_string(fill))
    assert rows[2][1] == fill


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar for any text."""
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in text)
    return f'"{escaped}"'


def test_hash_key_hashes_the_joined_text(transformed: Transformed) -> None:
    steps = "- {op: hash_key, name: key, columns: [id, name], algorithm: sha256, separator: '||'}"
    columns, rows = transformed(PEOPLE, steps)
    assert columns[-1] == "key"
    assert rows[0][-1] == hashlib.sha256(b"1||ann").hexdigest()


def test_hash_key_nulls_hash_as_a_marker_never_null(transformed: Transformed) -> None:
    _, rows = transformed(PEOPLE, "- {op: hash_key, name: key, columns: [id, name]}")
    assert rows[2][-1] == hashlib.md5(b"3|\\N").hexdigest()
    empty = "SELECT * FROM (VALUES (1, ''), (1, NULL)) t(id, name)"
    _, rows = transformed(
        empty, "- {op: hash_key, name: key, columns: [id, name], algorithm: sha1}"
    )
    assert rows[0][-1] == hashlib.sha1(b"1|").hexdigest()
    assert rows[0][-1] != rows[1][-1]


@settings(
    deadline=None, max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=12,
    ),
    # No `$` in the separator: in YAML `$${` is the escape for `${` and `${X}` a variable,
    # both substituted before the transform sees the text (tests/config/test_variables.py).
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="$"),
        max_size=3,
    ),
)
def test_hash_key_escapes_values_and_separator(
    transformed: Transformed, value: str, separator: str
) -> None:
    data = "SELECT 7 AS id, " + "'" + value.replace("'", "''") + "' AS v"
    steps = (
        f"- op: hash_key\n  name: key\n  columns: [id, v]\n  separator: {_yaml_string(separator)}"
    )
    _, rows = transformed(data, steps)
    assert rows[0][-1] == hashlib.md5(f"7{separator}{value}".encode()).hexdigest()


def test_coalesce_takes_the_first_non_null_then_the_default(transformed: Transformed) -> None:
    data = "SELECT * FROM (VALUES ('a', 'b'), (NULL, 'c'), (NULL, NULL)) t(nick, first)"
    steps = "- {op: coalesce, name: display, columns: [nick, first], default: anonymous}"
    assert transformed(data, steps) == (
        ["nick", "first", "display"],
        [("a", "b", "a"), (None, "c", "c"), (None, None, "anonymous")],
    )
