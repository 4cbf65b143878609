"""`quicketl info`: versions and platform."""

from __future__ import annotations

import platform

from quicketl import __version__

from .conftest import Invoke


def test_info_lists_versions_and_platform(cli: Invoke) -> None:
    result = cli("info")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert lines["quicketl"] == __version__
    assert lines["python"].startswith(platform.python_version())
    assert lines["duckdb"][0].isdigit()
    assert lines["platform"] == platform.platform()
