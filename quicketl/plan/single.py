"""A one-task plan for `quicketl run PIPELINE`, so a single pipeline skips unchanged work too."""

from __future__ import annotations

from quicketl.config.loader import LoadedPipeline
from quicketl.plan.model import Plan, StageInfo
from quicketl.plan.tasks import task_for

STAGE = "pipeline"


def single_task_plan(loaded: LoadedPipeline) -> Plan:
    task = task_for(loaded, stage=STAGE, name=loaded.path.stem)
    return Plan(
        name=loaded.config.name,
        root=loaded.root,
        workflow_path=None,
        tasks=(task,),
        edges=(),
        stages=(StageInfo(STAGE, (task.id,)),),
        description=loaded.config.description,
    )
