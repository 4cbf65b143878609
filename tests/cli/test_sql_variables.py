"""Variables inside SQL, through the real command line: the two exploits of issue 7 (item 12),
the safe `|sql_string` form, and the warning for `--var` values that look like SQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "TOPSECRET-7f3a"
ORDERS = "id,region,amount\n1,north,10\n2,south,20\n3,north,30\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed `quicketl` console script, so warnings reach stderr as users see them."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("quicketl")), *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _project(tmp_path: Path, pipeline: str) -> Path:
    """A project in `tmp_path/proj` and a secret file beside it, outside the project."""
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    (root / "quicketl.yml").write_text("name: t\n")
    (root / "data" / "orders.csv").write_text(ORDERS)
    (root / "p.yml").write_text(pipeline)
    (tmp_path / "secret.csv").write_text(f"token\n{SECRET}\n")
    return root


def _outputs_text(root: Path) -> str:
    """Every byte the run left in the project, as text, to search for the secret."""
    files = [p for p in root.rglob("*") if p.is_file()]
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in files)


FILTER_BY_REGION = """\
name: p
source: {type: file, path: data/orders.csv}
transforms:
  - op: filter
    predicate: region = '${REGION}'
sink: {type: file, path: out/orders.csv}
"""

DERIVE_FROM_VAR = """\
name: p
source: {type: file, path: data/orders.csv}
transforms:
  - op: derive_column
    name: note
    expr: ${NOTE}
sink: {type: file, path: out/orders.csv}
"""


def test_a_quote_in_a_var_no_longer_bypasses_a_filter_written_safely(tmp_path: Path) -> None:
    safe = FILTER_BY_REGION.replace("'${REGION}'", "${REGION|sql_string}")
    root = _project(tmp_path, safe)
    done = cli("run", "p.yml", "--var", "REGION=x' OR '1'='1", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "out" / "orders.csv").read_text() == "id,region,amount\n"


def test_a_quote_in_a_var_spliced_raw_warns_and_names_the_safe_form(tmp_path: Path) -> None:
    root = _project(tmp_path, FILTER_BY_REGION)
    done = cli("run", "p.yml", "--var", "REGION=x' OR '1'='1", cwd=root)
    assert (
        "warning: p.yml:5: transforms[0].predicate: --var REGION is pasted into SQL as raw "
        "text and contains SQL syntax (a quote '); to pass it as a value, write "
        "${REGION|sql_string} (without quotes around it), which inserts it as a quoted SQL string"
    ) in done.stderr


def test_an_expression_cannot_copy_a_file_outside_the_project(tmp_path: Path) -> None:
    root = _project(tmp_path, DERIVE_FROM_VAR)
    stolen = f"(SELECT string_agg(token, ',') FROM read_csv('{tmp_path / 'secret.csv'}'))"
    done = cli("run", "p.yml", "--var", f"NOTE={stolen}", cwd=root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "file system operations are disabled" not in done.stderr
    assert f"cannot read {tmp_path / 'secret.csv'}: outside the project" in done.stderr
    assert SECRET not in _outputs_text(root)
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "expr",
    [
        "(SELECT content FROM read_text('{secret}'))",
        "(SELECT count(*) FROM glob('{outside}/*'))::VARCHAR",
        "(SELECT count(*) FROM read_csv_auto('{secret}'))::VARCHAR",
        "(SELECT count(*) FROM '{secret}')::VARCHAR",
    ],
)
def test_no_file_reading_function_reaches_outside(tmp_path: Path, expr: str) -> None:
    root = _project(tmp_path, DERIVE_FROM_VAR)
    note = expr.format(secret=tmp_path / "secret.csv", outside=tmp_path)
    done = cli("run", "p.yml", "--var", f"NOTE={note}", cwd=root)
    assert done.returncode != 0
    assert "outside the project" in done.stderr
    assert not (root / "out").exists()


def test_an_expression_cannot_turn_the_lock_off(tmp_path: Path) -> None:
    pipeline = DERIVE_FROM_VAR.replace("${NOTE}", "'x'") + (
        "checks:\n  - type: expression\n    expr: ${CHECK}\n"
    )
    root = _project(tmp_path, pipeline)
    sneaky = "true); SET enable_external_access = true; SELECT (1"
    done = cli("run", "p.yml", "--var", f"CHECK={sneaky}", cwd=root)
    assert done.returncode != 0
    assert not (root / "out").exists()


def test_a_declared_source_outside_the_project_still_reads(tmp_path: Path) -> None:
    outside = tmp_path / "shared" / "orders.csv"
    outside.parent.mkdir()
    outside.write_text(ORDERS)
    pipeline = FILTER_BY_REGION.replace("data/orders.csv", str(outside))
    root = _project(tmp_path, pipeline.replace("'${REGION}'", "'north'"))
    before = hashlib.sha256(outside.read_bytes()).hexdigest()
    done = cli("run", "p.yml", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "out" / "orders.csv").read_text().count("north") == 2
    assert hashlib.sha256(outside.read_bytes()).hexdigest() == before


def test_allowed_input_roots_let_expressions_read_there(tmp_path: Path) -> None:
    root = _project(tmp_path, DERIVE_FROM_VAR)
    (root / "quicketl.yml").write_text(f"name: t\nallowed_input_roots: ['{tmp_path}']\n")
    note = f"(SELECT string_agg(token, ',') FROM read_csv('{tmp_path / 'secret.csv'}'))"
    done = cli("run", "p.yml", "--var", f"NOTE={note}", cwd=root)
    assert done.returncode == 0, done.stderr
    assert SECRET in (root / "out" / "orders.csv").read_text()
