"""Names become safe, readable, unique identifiers and Airflow ids."""

from __future__ import annotations

import keyword
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quicketl.export.names import Namer, dag_id, identifier, prefect_name

SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ingest_users", "ingest_users"),
        ("ingest-users", "ingest_users"),
        ("ingest.users", "ingest_users"),
        ("ingest  users", "ingest_users"),
        ('it\'s "quoted"', "it_s_quoted"),
        ("données", "donnees"),
        ("数据", "u6570_u636e"),
        ("class", "class_"),
        ("123start", "x_123start"),
        ("", "x"),
        ("---", "x"),
        ("{{ ds }}", "ds"),
    ],
)
def test_identifier_reads_like_the_name(name: str, expected: str) -> None:
    assert identifier(name) == expected


def test_identifier_uses_the_fallback_for_empty_or_leading_digits() -> None:
    assert identifier("", fallback="stage") == "stage"
    assert identifier("1st", fallback="stage") == "stage_1st"


def test_identifier_is_capped_in_length() -> None:
    assert identifier("x" * 300) == "x" * 64


@given(st.text())
def test_identifier_is_always_a_safe_ascii_identifier(name: str) -> None:
    result = identifier(name)
    assert SAFE.fullmatch(result)
    assert not keyword.iskeyword(result)


@given(st.lists(st.text(max_size=8), max_size=20))
def test_namer_never_hands_out_a_name_twice(names: list[str]) -> None:
    namer = Namer(reserved={"print", "DAG"})
    taken = [namer.take(name) for name in names]
    assert len(set(taken)) == len(taken)
    assert not {"print", "DAG"} & set(taken)


def test_namer_numbers_clashes_after_sanitising() -> None:
    namer = Namer(reserved={"dag"})
    taken = [namer.take(n) for n in ["a-b", "a_b", "a.b", "dag"]]
    assert taken == ["a_b", "a_b_2", "a_b_3", "dag_2"]


def test_namer_claims_a_ready_identifier_as_is() -> None:
    assert Namer().claim("bronze__ingest") == "bronze__ingest"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("medallion_etl", "medallion_etl"),
        ("my-flow.v2", "my-flow.v2"),
        ('my workflow: "x"', "my_workflow_x"),
        ("ünïcode", "unicode"),
        ("...", "quicketl_workflow"),
    ],
)
def test_dag_id_keeps_only_what_airflow_allows(name: str, expected: str) -> None:
    assert dag_id(name) == expected


def test_prefect_name_drops_the_characters_prefect_refuses() -> None:
    assert prefect_name("a/b%c&d>e<f.g") == "a_b_c_d_e_f.g"
