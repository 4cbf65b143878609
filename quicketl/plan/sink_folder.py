"""What is in the folder a partitioned sink would replace, and whether it is that sink's own.

A partitioned sink rebuilds its whole folder, so anything else in there would be lost. The
folder may be replaced when it is empty, or when everything in it has the shape this sink
writes: `col=value/` folders for its partition columns, in order, holding only `data_N.<ext>`
or `part_<uuid>.<ext>` files. When the state store says this sink wrote the folder (and it is
still the folder written, by inode), any `col=value/` folders pass, so changing `partition_by`
works; a file of any other name is still foreign, so nothing a user put there is lost. The
shape rule keeps a folder usable after `quicketl cache clean`, which forgets those records.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.values import MutableValue

# Entries looked at before giving up: a sink pointed at a home folder must not walk it all.
SCAN_LIMIT = 10_000
_SHOWN = 3
_PART_FILE = lazy_pattern(r"^(data_\d+|part_[0-9a-fA-F-]+)\.(parquet|csv|json)(\.gz|\.zst)?$")


@dataclass(repr=False, eq=False)
class Foreign(MutableValue):
    """Entries of a folder that a partitioned write of the sink would not have left."""

    files: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.files or self.folders or self.truncated)

    def describe(self, shown: str) -> str:
        names = self.files or [f"{name}/" for name in self.folders]
        if not names:
            return f"{shown} is a folder too large to inspect"
        what = ("file" if self.files else "folder") + ("s" if len(names) > 1 else "")
        count = f"more than {len(names)}" if self.truncated else str(len(names))
        listed = ", ".join(sorted(names)[:_SHOWN]) + (", ..." if len(names) > _SHOWN else "")
        return f"{shown} is a folder holding {count} {what} quicketl did not write ({listed})"


def foreign_entries(
    folder: Path, partition_by: list[str], *, any_columns: bool = False, limit: int = SCAN_LIMIT
) -> Foreign:
    """Everything under `folder` that does not look like this sink's partition output
    (with `any_columns`, like any partitioned output)."""
    columns = None if any_columns else [name.lower() for name in partition_by]
    found, seen, shaped = Foreign(), 0, {Path()}
    for current, dirs, files in os.walk(folder):  # never follows links
        rel = Path(current).relative_to(folder)
        for name in dirs:
            if rel in shaped and _is_partition(folder / rel / name, name, columns, len(rel.parts)):
                shaped.add(rel / name)
            elif rel in shaped:  # only the top-most foreign folder is named
                found.folders.append((rel / name).as_posix())
        depth_ok = columns is None or len(rel.parts) == len(columns)
        ours = rel in shaped and depth_ok
        found.files += [(rel / n).as_posix() for n in files if not (ours and _PART_FILE.match(n))]
        seen += len(dirs) + len(files)
        if seen > limit:
            found.truncated = True
            break
    return found


def _is_partition(path: Path, name: str, columns: list[str] | None, depth: int) -> bool:
    column, eq, _ = name.partition("=")
    if not eq or not column or os.path.islink(path):
        return False
    return columns is None or (depth < len(columns) and column.lower() == columns[depth])
