"""The public API is typed for its users: mypy sees real signatures, and catches misuse."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[1]

SNIPPET = """\
from quicketl import api

reveal_type(api.run_pipeline)
reveal_type(api.execute_plan)
reveal_type(api.cache_status)
reveal_type(api.Workflow.run)
api.execute_plan(1, 2, 3, bogus=True)
api.Workflow.from_yaml("wf.yml").run(worker=2)
api.Pipeline("p", descripton="a typo")
"""


def mypy_output(tmp_path: Path) -> list[str]:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    # From the repository, so pyproject's settings apply and its .mypy_cache is reused.
    command = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(snippet)]
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    return out.stdout.splitlines()


def lines_at(output: list[str], line: int) -> str:
    return "\n".join(text for text in output if re.search(rf"snippet\.py:{line}: ", text))


def test_public_functions_have_real_types_and_misuse_is_an_error(tmp_path: Path) -> None:
    output = mypy_output(tmp_path)
    run_pipeline, execute_plan, cache_status, workflow_run = (
        lines_at(output, n) for n in (3, 4, 5, 6)
    )
    assert "-> quicketl.engine.pipeline_result.PipelineResult" in run_pipeline
    assert "plan: quicketl.plan.model.Plan" in execute_plan
    assert "-> quicketl.execute.outcomes.WorkflowResult" in execute_plan
    assert "-> quicketl.state.maintenance.CacheReport" in cache_status
    assert re.search(r"workers: (builtins\.)?int \| None", workflow_run), workflow_run
    for revealed in (run_pipeline, execute_plan, cache_status, workflow_run):
        assert "Revealed type is" in revealed and "Any" not in revealed, revealed
    misuse = lines_at(output, 7)
    assert "Too many positional arguments" in misuse
    assert 'Unexpected keyword argument "bogus"' in misuse
    assert 'Unexpected keyword argument "worker"' in lines_at(output, 8)
    assert 'Unexpected keyword argument "descripton"' in lines_at(output, 9)
