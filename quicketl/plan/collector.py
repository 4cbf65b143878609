"""Pausing the cyclic garbage collector around work that makes many long-lived objects.

Planning, deciding a stored plan and printing its answer make hundreds of thousands of objects,
next to none of them in cycles (reference counting frees them); the collector would walk them
again and again as they are made. Paused, and only what was on is turned back on, so a host
process finds the collector as it left it (docs/incremental.md, "Where the time goes").
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, to_oldest: bool = False) -> Iterator[None]:
    """The collector off inside. `to_oldest`: afterwards, move what exists to its oldest
    generation as it is (`freeze` then `unfreeze`: no walk), so its next pass over the young
    ones does not walk what was made either (a full pass still finds any cycle); skipped when
    something else keeps objects frozen, which that would thaw."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if to_oldest and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_on:
            gc.enable()
