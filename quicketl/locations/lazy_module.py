"""A module imported when something is first asked of it, not when it is imported.

A stand-in takes the module's place in `sys.modules` for as long as the code that would
import it for nothing is being imported (execute/doit_import.py: doit's command-line
modules; config/plugin_scan.py: pydantic's plugin loader). Any attribute asked of the
stand-in imports the real module, which then replaces it in `sys.modules`, and answers from
it. The import system's own questions (`__path__`, `__spec__`...) are not handed over, so
holding a stand-in never imports anything.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_MARK = "_quicketl_stand_in"


def stand_in_module(name: str, doc: str, **answers: Any) -> types.ModuleType:
    """A stand-in for module `name`: `answers` are its own attributes (given before the real
    module is imported); everything else is the real module's."""

    def anything_else(attribute: str) -> Any:
        if attribute.startswith("__"):  # the import system's questions
            raise AttributeError(attribute)
        return getattr(real_module(name), attribute)

    stand_in = types.ModuleType(name, doc)
    stand_in.__dict__.update(answers, __getattr__=anything_else, **{_MARK: True})
    return stand_in


def is_stand_in(module: object) -> bool:
    return bool(getattr(module, _MARK, False))


def real_module(name: str) -> types.ModuleType:
    """Module `name` itself, imported in place of its stand-in if one holds its place."""
    if is_stand_in(sys.modules.get(name)):
        del sys.modules[name]
    return importlib.import_module(name)
