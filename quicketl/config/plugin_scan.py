"""pydantic's plugin loader, imported only when plugins are wanted.

pydantic asks `pydantic.plugin._loader.get_plugins()` when it builds a validator. That module
imports `importlib.metadata` at its top (with email, zipfile, csv, tempfile...: about 11 ms of
CPU, a twentieth of a cold `workflow run`) even when `PYDANTIC_DISABLE_PLUGINS` says there is
nothing to look for, as the `quicketl` command sets it (cli/main.py). A stand-in takes its
place in `sys.modules` before pydantic first needs it: it answers what pydantic's own
`get_plugins` answers for the values pydantic documents as "no plugins at all", and for
anything else (plugins wanted, or any other name asked of it) it hands over to the real
module, which then replaces it. So pydantic behaves exactly as before; only the import of
what it does not use is left out.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

_LOADER = "pydantic.plugin._loader"
_NO_PLUGINS = ("__all__", "1", "true")  # what pydantic's get_plugins takes as "none at all"


def _real_loader() -> types.ModuleType:
    """pydantic's own loader, imported in the stand-in's place."""
    if getattr(sys.modules.get(_LOADER), "_quicketl_stand_in", False):
        del sys.modules[_LOADER]
    return importlib.import_module(_LOADER)


def _get_plugins() -> Iterable[Any]:
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") in _NO_PLUGINS:
        return ()
    plugins: Iterable[Any] = _real_loader().get_plugins()
    return plugins


def _anything_else(name: str) -> Any:
    if name.startswith("__"):  # the import system's questions (`__path__`: a package?)
        raise AttributeError(name)
    return getattr(_real_loader(), name)


def install() -> None:
    """Put the stand-in in place when plugins are off for this process (the `quicketl`
    command turns them off before importing the models), unless pydantic's loader is imported
    already. A program using the API without that setting keeps pydantic's loader untouched."""
    if _LOADER in sys.modules or os.getenv("PYDANTIC_DISABLE_PLUGINS") not in _NO_PLUGINS:
        return
    stand_in = types.ModuleType(_LOADER, __doc__)
    stand_in.__dict__.update(
        get_plugins=_get_plugins, __getattr__=_anything_else, _quicketl_stand_in=True
    )
    sys.modules[_LOADER] = stand_in
