"""The task graph as Mermaid or Graphviz dot text, optionally with each task's status."""

from __future__ import annotations

import json
import re

from quicketl.plan.model import Plan

_NODE = re.compile(r"[^A-Za-z0-9_]")


def node_id(task_id: str) -> str:
    return "t_" + _NODE.sub("_", task_id)


def mermaid(plan: Plan, status: dict[str, str] | None = None) -> str:
    lines = ["flowchart LR"]
    for stage in plan.stages:
        lines.append(f"  subgraph {node_id(stage.name)}[{_mermaid_label(stage.name)}]")
        for task_id in stage.task_ids:
            label = _label(plan.task(task_id).name, status, task_id)
            lines.append(f"    {node_id(task_id)}[{_mermaid_label(label)}]")
        lines.append("  end")
    for edge in plan.edges:
        arrow = "-.->" if edge.reason == "lineage" else "-->"
        lines.append(f"  {node_id(edge.upstream)} {arrow} {node_id(edge.downstream)}")
    return "\n".join(lines) + "\n"


def dot(plan: Plan, status: dict[str, str] | None = None) -> str:
    lines = [f"digraph {json.dumps(plan.name)} {{", "  rankdir=LR;"]
    for index, stage in enumerate(plan.stages):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={json.dumps(stage.name)};")
        for task_id in stage.task_ids:
            label = _label(plan.task(task_id).name, status, task_id)
            lines.append(f"    {node_id(task_id)} [label={json.dumps(label)}];")
        lines.append("  }")
    for edge in plan.edges:
        style = " [style=dashed]" if edge.reason == "lineage" else ""
        lines.append(f"  {node_id(edge.upstream)} -> {node_id(edge.downstream)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label(name: str, status: dict[str, str] | None, task_id: str) -> str:
    if status is None:
        return name
    return f"{name} ({status.get(task_id, 'unknown')})"


def _mermaid_label(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'
