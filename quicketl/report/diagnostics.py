"""Warnings are diagnostics: on stderr, one whole line each, never wrapped (a `FILE:LINE`
message stays clickable and greppable when piped)."""

from __future__ import annotations

import sys
from collections.abc import Iterable


def print_warnings(warnings: Iterable[object]) -> None:
    sys.stdout.flush()  # what came before on stdout shows before them on a terminal
    for warning in warnings:
        sys.stderr.write(f"warning: {warning}\n")
    sys.stderr.flush()
