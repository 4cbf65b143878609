"""No config model takes a builtin as a default factory (config/base.py, `new_list`): pydantic
reads every factory's signature when it builds a validator, and a builtin's is parsed from its
text with tokenize, which compiles tokenize's large pattern on a cold run."""

from __future__ import annotations

import importlib
import pkgutil
import types

import quicketl.config
from quicketl.config.base import StrictModel


def every_model() -> list[type[StrictModel]]:
    for module in pkgutil.iter_modules(quicketl.config.__path__):
        importlib.import_module(f"quicketl.config.{module.name}")
    found: list[type[StrictModel]] = []
    todo = [StrictModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_no_default_factory_is_a_builtin() -> None:
    models = every_model()
    assert len(models) > 30
    builtin = [
        f"{model.__name__}.{name}"
        for model in models
        for name, info in model.model_fields.items()
        if isinstance(info.default_factory, type | types.BuiltinFunctionType)
    ]
    assert builtin == []


def test_each_instance_gets_its_own_empty_list() -> None:
    from quicketl.config.workflow import StageConfig

    one = StageConfig.model_validate({"name": "a", "pipelines": [{"path": "p.yml"}]})
    two = StageConfig.model_validate({"name": "b", "pipelines": [{"path": "p.yml"}]})
    assert one.depends_on == [] and one.depends_on is not two.depends_on
