"""Load a generated prefect.yaml with Prefect's own deployment loader and report it, as JSON.

Runs inside .venv-prefect, driven by tests/export/test_prefect_deployment.py:

    prefect_deploy_driver.py load OUT.json PREFECT_YAML

The file is validated strictly (`PrefectYamlModel`, which `prefect deploy` uses), then loaded as
`prefect deploy` loads it; each deployment's entrypoint is loaded as a flow, its parameters are
validated against the flow's signature and its schedules are built as Prefect schedules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    out, prefect_yaml = argv[1], Path(argv[2])
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report(prefect_yaml), handle, indent=2, default=str)
    return 0


def report(prefect_yaml: Path) -> dict[str, Any]:
    import yaml
    from prefect.cli.deploy._config import _load_deploy_configs_and_actions
    from prefect.cli.deploy._models import PrefectYamlModel
    from rich.console import Console

    PrefectYamlModel.model_validate(yaml.safe_load(prefect_yaml.read_text("utf-8")))
    console = Console(file=sys.stderr)
    configs, actions = _load_deploy_configs_and_actions(prefect_yaml, console=console)
    return {
        "actions": actions,
        "deployments": [deployment(config, prefect_yaml.parent) for config in configs],
    }


def deployment(config: dict[str, Any], folder: Path) -> dict[str, Any]:
    from prefect.client.schemas.schedules import construct_schedule
    from prefect.flows import load_flow_from_entrypoint

    flow = load_flow_from_entrypoint(str(folder / config["entrypoint"]))
    parameters = flow.validate_parameters(config.get("parameters") or {})
    schedules = [
        construct_schedule(cron=s["cron"], timezone=s.get("timezone"))
        for s in config.get("schedules") or []
    ]
    return {
        "config": config,
        "flow_name": flow.name,
        "validated_parameters": parameters,
        "schedules": [s.model_dump(mode="json") for s in schedules],
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
