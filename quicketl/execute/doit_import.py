"""doit imported without the modules it needs for its own command line and shell actions only.

`doit.plugin`, imported with doit, takes `entry_points` from `importlib.metadata` at its top;
that module brings email, zipfile, csv and tempfile with it: about 15 ms of CPU, a third of
importing doit, for a cold `workflow run` of several tasks. doit looks up entry points only
for plugins of its own command line, which quicketl's driver never starts. Likewise doit
imports `subprocess` (for shell actions) and `pdb` (for its `--pdb` option) and uses them
inside functions the driver never calls: about 4 ms more.

While doit is imported, a stand-in takes the place of each of those in `sys.modules` (one
already imported is left as it is): doit binds the stand-in, or `importlib.metadata`'s
`entry_points` from it, and whatever is asked of a stand-in imports the real module and
answers with it. The stand-ins are gone from `sys.modules` as soon as doit is imported, so
whoever imports one of those modules after (or already had it) gets the real one.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from quicketl.locations.lazy_module import real_module, stand_in_module

_METADATA = "importlib.metadata"
# What doit imports at its top and uses inside functions quicketl's driver never calls.
_ON_DEMAND = (_METADATA, "subprocess", "pdb")


@contextmanager
def entry_points_on_demand() -> Iterator[None]:
    """Within the block, the modules above are imported only when something is asked of them."""
    stand_ins = {name: _stand_in(name) for name in _ON_DEMAND if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def _stand_in(name: str) -> types.ModuleType:
    doc = f"Stands in for {name} until it is used ({__name__})."
    if name != _METADATA:
        return stand_in_module(name, doc)
    # doit.plugin takes `entry_points` at import: it must not import the module yet; and it
    # stays a package, should another thread import one of its modules meanwhile
    spec = importlib.util.find_spec(name)  # where it is, without importing it
    search = list(spec.submodule_search_locations or []) if spec else []
    return stand_in_module(name, doc, entry_points=_entry_points, __path__=search)


def _entry_points(**params: Any) -> Any:
    return real_module(_METADATA).entry_points(**params)
