"""Secret variables in task keys and in what `workflow info` shows: never in clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.secrets import remember
from quicketl.plan.keys import masked_vars
from quicketl.plan.model import Plan
from quicketl.plan.shown import shown_variables

KEY = b"k" * 32


def test_secret_names_are_keyed_hashes_and_others_stay() -> None:
    masked = masked_vars({"DB_PASSWORD": "pw-1", "secret:X": "x-1", "RUN_DATE": "2025"}, KEY)
    assert masked["RUN_DATE"] == "2025"
    assert masked["DB_PASSWORD"].startswith("secret:hmac:")
    assert "pw-1" not in str(masked)
    assert masked_vars({"DB_PASSWORD": "pw-1"}, b"other" * 8) != masked_vars(
        {"DB_PASSWORD": "pw-1"}, KEY
    )


def test_masking_is_idempotent_for_restored_plans() -> None:
    once = masked_vars({"API_TOKEN": "tok-1"}, KEY)
    assert masked_vars(once, KEY) == once


def test_a_value_holding_a_remembered_secret_is_masked_whatever_its_name() -> None:
    remember("plan-test-secret-9")
    masked = masked_vars({"DB_URL": "pg://h/plan-test-secret-9"}, KEY)
    assert masked["DB_URL"].startswith("secret:hmac:")


def test_info_shows_a_secret_as_its_expression_or_masked() -> None:
    remember("plan-test-secret-8")
    plan = Plan(
        name="wf",
        root=Path(),
        workflow_path=None,
        tasks=(),
        edges=(),
        stages=(),
        variables={"DB_URL": "plan-test-secret-8", "DB_PASSWORD": "lit", "RUN_DATE": "2025"},
        expressions={"DB_URL": "${PLAN_PW}"},
    )
    assert shown_variables(plan) == {
        "DB_URL": "${PLAN_PW}",
        "DB_PASSWORD": "***",
        "RUN_DATE": "2025",
    }


def test_the_config_in_a_key_masks_url_passwords_with_no_secret_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quicketl.config import secrets
    from quicketl.config.pipeline import PipelineConfig
    from quicketl.plan.tasks import config_component

    monkeypatch.setattr(secrets, "_values", set())
    config = PipelineConfig.model_validate(
        {
            "name": "p",
            "source": {"type": "database", "connection": "postgresql://u:pw-77@h/db", "table": "t"},
            "transforms": [{"op": "filter", "predicate": "x = 'pw-66'"}],
            "sink": {"type": "file", "path": "out/o.parquet"},
        }
    )
    component = config_component(config)
    assert component["source"]["connection"] == "postgresql://u:***@h/db"
    assert "pw-66" in str(component)  # not a secret: nothing remembered it
    secrets.remember("pw-66")
    assert "pw-66" not in str(config_component(config))
