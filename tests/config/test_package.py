"""`quicketl.config` re-exports the models without importing pydantic up front."""

from __future__ import annotations

import subprocess
import sys

import pytest

import quicketl.config


def test_every_exported_name_resolves() -> None:
    for name in quicketl.config.__all__:
        assert getattr(quicketl.config, name).__name__ == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        quicketl.config.Nope  # noqa: B018


def test_light_submodules_do_not_import_pydantic() -> None:
    code = (
        "import sys, quicketl.config.yamlfile, quicketl.config.variables, "
        "quicketl.config.project; print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
