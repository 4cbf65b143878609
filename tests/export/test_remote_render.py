"""`workflow generate --remote-cache`: one more argument in the api call, nothing else; no
credential ever baked into a generated file."""

from __future__ import annotations

import ast
import difflib

import pytest

from quicketl.errors import ExportError
from quicketl.export import ExportOptions, render_airflow, render_prefect

from . import plans


@pytest.mark.parametrize("render", [render_airflow, render_prefect])
def test_the_remote_cache_adds_one_argument_and_nothing_else(render: object) -> None:
    plan = plans.medallion()
    plain = render(plan, ExportOptions())  # type: ignore[operator]
    remote = render(plan, ExportOptions(remote_cache="s3://team/it's"))  # type: ignore[operator]
    added = [
        line
        for line in difflib.unified_diff(plain.splitlines(), remote.splitlines(), lineterm="")
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    # The call is indented one level deeper in the Airflow task (inside its try block).
    assert len(added) == 1
    assert added[0].startswith("+ ")
    assert added[0][1:].strip() == 'remote_cache="s3://team/it\'s",'
    ast.parse(remote)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "s3://AKIA:wJalrXUtnFEMI@team/cache",
            "--remote-cache s3://***@team/cache: a URL must not carry credentials",
        ),
        ("gs://team/cache", "--remote-cache 'gs://team/cache': use a folder or an s3:// URL"),
        ("  ", "--remote-cache '  ': use a folder or an s3:// URL"),
    ],
)
def test_an_unusable_remote_cache_generates_nothing(url: str, message: str) -> None:
    with pytest.raises(ExportError) as raised:
        ExportOptions(remote_cache=url)
    assert str(raised.value).startswith(message)
    assert "wJalrXUtnFEMI" not in str(raised.value)
