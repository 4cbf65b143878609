"""--mode, --execution and --deployment: what is refused, with which message, and which template."""

from __future__ import annotations

import pytest

from quicketl.errors import ExportError
from quicketl.export.modes import airflow_template, check_target, default_requirements
from quicketl.export.options import ExportOptions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "live"}, "--mode must be static or dynamic, not 'live'"),
        (
            {"execution": "ssh"},
            "--execution must be local, virtualenv, docker or kubernetes, not 'ssh'",
        ),
        ({"execution": "docker"}, "--execution docker needs --image: an image with quicketl"),
        ({"execution": "kubernetes", "image": " "}, "--execution kubernetes needs --image"),
        ({"image": "etl:1"}, "--image is only for --execution docker or kubernetes"),
        (
            {"execution": "virtualenv", "image": "etl:1"},
            "--image is only for --execution docker or kubernetes",
        ),
        ({"requirements": ("quicketl",)}, "--requirements is only for --execution virtualenv"),
        (
            {"execution": "virtualenv", "requirements": ("quicketl", "")},
            "--requirements has an empty requirement",
        ),
        (
            {"execution": "virtualenv", "requirements": ("/src/quicketl",)},
            "--requirements '/src/quicketl': give a requirement that starts with the package name",
        ),
        ({"work_pool": "pool"}, "--work-pool is only for --deployment"),
        ({"deployment": True}, "--deployment needs --work-pool NAME"),
        ({"deployment": True, "work_pool": ""}, "--work-pool is empty"),
    ],
)
def test_mode_and_execution_options_are_refused_with_a_message(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ExportError) as refused:
        ExportOptions(**kwargs)  # type: ignore[arg-type]
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("kwargs", "target", "message"),
    [
        ({"mode": "dynamic"}, "prefect", "--mode dynamic is for --target airflow"),
        (
            {"execution": "docker", "image": "etl:1"},
            "prefect",
            "--execution is for --target airflow: with Prefect, the work pool decides",
        ),
        (
            {"deployment": True, "work_pool": "pool"},
            "airflow",
            "--deployment is for --target prefect",
        ),
    ],
)
def test_options_of_the_other_orchestrator_are_refused(
    kwargs: dict[str, object], target: str, message: str
) -> None:
    with pytest.raises(ExportError) as refused:
        check_target(ExportOptions(**kwargs), target)  # type: ignore[arg-type]
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("kwargs", "template"),
    [
        ({}, "airflow.py.j2"),
        ({"execution": "virtualenv"}, "airflow.py.j2"),
        ({"execution": "docker", "image": "etl:1"}, "airflow.py.j2"),
        ({"mode": "dynamic"}, "airflow_dynamic.py.j2"),
        ({"mode": "dynamic", "execution": "kubernetes", "image": "e"}, "airflow_dynamic.py.j2"),
    ],
)
def test_the_template_follows_mode_and_execution(kwargs: dict[str, object], template: str) -> None:
    assert airflow_template(ExportOptions(**kwargs)) == template  # type: ignore[arg-type]


def test_a_virtualenv_installs_this_quicketl_version_by_default() -> None:
    from quicketl import __version__

    assert default_requirements() == (f"quicketl=={__version__}",)
