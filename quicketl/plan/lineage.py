"""Which task writes what another reads, found through an index of outputs (stdlib only).

Comparing every reader with every writer is quadratic; a workflow of 10,000 pipelines made
planning take minutes. The index answers `reads_output` for one read pattern by exact lookup
(the path itself, and each folder above it, for partitioned sinks) and, for a glob, by
matching only the outputs that share its literal prefix.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from quicketl.locations.globbing import path_matches
from quicketl.plan.model import Task

_GLOB_CHARS = "*?["


class OutputIndex:
    """Every output of a list of tasks, as (task index, output index) per path."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self._where: dict[str, list[tuple[int, int]]] = {}
        for task_index, task in enumerate(tasks):
            for output_index, output in enumerate(task.outputs):
                self._where.setdefault(output, []).append((task_index, output_index))
        self._sorted = sorted(self._where)

    def writers_of(self, path: str) -> list[tuple[int, int]]:
        """The outputs equal to `path` or a folder above it (a partitioned sink's folder)."""
        found = list(self._where.get(path, ()))
        for cut in _folder_cuts(path):
            found += self._where.get(path[:cut], ())
        return found

    def read_by(self, patterns: Iterable[str]) -> list[tuple[int, int]]:
        """Sorted, distinct (task index, output index) of every output any pattern reads,
        exactly as `refs.reads_output` decides."""
        found: set[tuple[int, int]] = set()
        for pattern in patterns:
            found.update(self.writers_of(pattern))
            if any(char in pattern for char in _GLOB_CHARS):
                found.update(self._glob(pattern))
        return sorted(found)

    def _glob(self, pattern: str) -> Iterable[tuple[int, int]]:
        # Everything before the first wildcard is literal, so only outputs
        # starting with it can match; they sit together in the sorted list.
        prefix = pattern[: min(_find(pattern, char) for char in _GLOB_CHARS)]
        start = bisect_left(self._sorted, prefix)
        for output in self._sorted[start:]:
            if not output.startswith(prefix):
                break
            if path_matches(pattern, output):
                yield from self._where[output]


def _find(text: str, char: str) -> int:
    index = text.find(char)
    return len(text) if index == -1 else index


def _folder_cuts(path: str) -> Iterable[int]:
    """Where `path` can be cut into a folder above it: every `/` but a leading one."""
    cut = path.find("/", 1)
    while cut != -1:
        yield cut
        cut = path.find("/", cut + 1)
