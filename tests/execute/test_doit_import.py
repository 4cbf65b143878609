"""doit is imported without importlib.metadata, which it needs only for its own command line;
the entry points it may still ask for are the real ones (execute/doit_import.py)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from quicketl.execute.doit_import import entry_points_on_demand
with entry_points_on_demand():
    import doit.plugin
print("importlib.metadata" in sys.modules)
import importlib.metadata
print(type(importlib.metadata.version("doit")).__name__)
found = doit.plugin.entry_points(group="console_scripts")
real = importlib.metadata.entry_points(group="console_scripts")
print(sorted(e.name for e in found) == sorted(e.name for e in real), "doit" in found.names)
module = sys.modules["importlib.metadata"]
print(module is importlib.metadata, hasattr(module, "_quicketl_stand_in"))
"""


def test_doit_is_imported_without_the_entry_point_reader() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert out.stdout.split("\n") == ["False", "str", "True True", "True False", ""], out.stderr


def test_a_reader_imported_already_is_left_alone() -> None:
    code = (
        "import importlib.metadata as real, sys\n"
        "from quicketl.execute.doit_import import entry_points_on_demand\n"
        "with entry_points_on_demand():\n"
        "    import doit.plugin\n"
        "print(doit.plugin.entry_points is real.entry_points, sys.modules[real.__name__] is real)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True"], out.stderr


def test_doit_gets_subprocess_and_pdb_when_it_uses_them() -> None:
    code = (
        "import sys\n"
        "from quicketl.execute.doit_import import entry_points_on_demand\n"
        "with entry_points_on_demand():\n"
        "    import doit.action\n"
        "print(sorted(m for m in ('subprocess', 'pdb') if m in sys.modules))\n"
        "print(doit.action.subprocess.PIPE == -1, callable(doit.action.pdb.Pdb))\n"
        "import subprocess as real\n"
        "print(hasattr(real, '_quicketl_stand_in'), real.run is sys.modules['subprocess'].run)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = out.stdout.splitlines()
    assert lines == ["[]", "True True", "False True"], out.stderr
