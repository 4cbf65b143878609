"""Temporary paths beside a sink's target: removed on failure, renamed into place on success."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from quicketl.state.atomic import temp_path_beside


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh temporary path beside `target`; whatever is left there on an error is removed."""
    tmp = temp_path_beside(target)
    try:
        yield tmp
    except BaseException:
        remove(tmp)
        raise


@contextmanager
def scratch(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` that is always removed afterwards."""
    tmp = temp_path_beside(target)
    try:
        yield tmp
    finally:
        remove(tmp)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def link_tree(source: Path, destination: Path) -> None:
    """Copy a folder as hard links: instant, and the old files are never modified in place."""
    shutil.copytree(source, destination, copy_function=_link_or_copy)


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
