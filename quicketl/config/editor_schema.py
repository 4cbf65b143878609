"""JSON Schemas of pipeline and workflow files, adjusted for YAML editors.

Pydantic's schema is the base. Three things are added so that the editor accepts what
quicketl accepts: the older spellings of aliased fields (`rename.columns`), `${VAR}` text
where a number or boolean is expected (substitution happens before validation), and the
`op` / `type` tags of transforms and checks as required keys (they pick the model).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel

DRAFT = "https://json-schema.org/draft/2020-12/schema"
VARIABLE_TEXT = {
    "type": "string",
    "pattern": r"\$\{(?:(?:env|secret|var):)?[A-Za-z_][A-Za-z0-9_]*(\s*\|[^}]*|:-[^}]*)?\}",
}
_SCALARS = ("integer", "number", "boolean")


def editor_schema(kind: Literal["pipeline", "workflow"]) -> dict[str, Any]:
    """The schema of one kind of file, with a title and the `$schema` draft."""
    model = _root_model(kind)
    schema = model.model_json_schema()
    for name, definition in schema.get("$defs", {}).items():
        _adjust_model(definition, _models_by_name(model).get(name))
    _adjust_model(schema, model)
    schema = _allow_variables(schema)
    return {"$schema": DRAFT, **schema, "title": f"quicketl {kind} file"}


def _root_model(kind: str) -> type[BaseModel]:
    if kind == "workflow":
        from quicketl.config.workflow import WorkflowConfig

        return WorkflowConfig
    from quicketl.config.pipeline import PipelineConfig

    return PipelineConfig


def _models_by_name(root: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `root`'s fields, by class name (the `$defs` key)."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item.__name__ in found:
                continue
            found[item.__name__] = item
            pending += [field.annotation for field in item.model_fields.values()]
        pending += list(getattr(item, "__args__", ()))
        pending += list(getattr(item, "__metadata__", ()))
    return found


def _adjust_model(definition: dict[str, Any], model: type[BaseModel] | None) -> None:
    if model is None:
        return
    tag = _required_tag(model)
    required: list[str] = definition.setdefault("required", [])
    if tag and tag not in required:
        required.insert(0, tag)
    for name, field in model.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices) and name in definition.get("properties", {}):
            _add_alias_spellings(definition, name, [a for a in alias.choices if a != name])
    if not required:
        del definition["required"]


def _required_tag(model: type[BaseModel]) -> str | None:
    """`op` of transforms and `type` of checks must be written; a source's `type` may not be."""
    if "op" in model.model_fields:
        return "op"
    if model.__module__.endswith(".checks") and "type" in model.model_fields:
        return "type"
    return None


def _add_alias_spellings(definition: dict[str, Any], name: str, spellings: list[Any]) -> None:
    """Accept `columns` wherever `mapping` is accepted, with exactly one of them required."""
    properties = definition["properties"]
    names = [name, *(s for s in spellings if isinstance(s, str))]
    for spelling in names[1:]:
        properties[spelling] = properties[name]
    required = definition.get("required", [])
    if name in required:
        required.remove(name)
        definition["oneOf"] = [{"required": [spelling]} for spelling in names]


def _allow_variables(node: Any) -> Any:
    """Wherever a number or boolean is expected, also accept `${VAR}` text."""
    if isinstance(node, list):
        return [_allow_variables(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _allow_variables(value) for key, value in node.items()}
    if node.get("type") in _SCALARS and "const" not in node:
        return {"anyOf": [node, VARIABLE_TEXT]}
    return node
