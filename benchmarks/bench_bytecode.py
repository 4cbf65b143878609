"""quicketl's bytecode compiled before it is timed, as an installed package has it.

An editable install (`pip install -e`) never compiles quicketl, and with
PYTHONDONTWRITEBYTECODE set (as on this project's machines) every start compiles the ~140
modules a run imports from source again: 60-100 ms of CPU on the loaded machine. QuickETL
1.x, installed from its wheel, has its bytecode; so does quicketl once installed. The
benchmarks time it that way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "quicketl"


def compile_quicketl() -> None:
    """Write quicketl's `__pycache__` (idempotent: only changed modules are compiled)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True)
