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

import os
import sys
from collections.abc import Iterable
from typing import Any

from quicketl.locations.lazy_module import real_module, stand_in_module

_LOADER = "pydantic.plugin._loader"
_NO_PLUGINS = ("__all__", "1", "true")  # what pydantic's get_plugins takes as "none at all"


def _get_plugins() -> Iterable[Any]:
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") in _NO_PLUGINS:
        return ()
    plugins: Iterable[Any] = real_module(_LOADER).get_plugins()
    return plugins


def install() -> None:
    """Put the stand-in in place when plugins are off for this process (the `quicketl`
    command turns them off before importing the models), unless pydantic's loader is imported
    already. A program using the API without that setting keeps pydantic's loader untouched."""
    if _LOADER in sys.modules or os.getenv("PYDANTIC_DISABLE_PLUGINS") not in _NO_PLUGINS:
        return
    sys.modules[_LOADER] = stand_in_module(_LOADER, __doc__ or "", get_plugins=_get_plugins)
