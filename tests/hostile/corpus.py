"""The hostile-input corpus: one YAML file per case under `cases/`, run through the real CLI.

A case names the project files to write, the commands to run, the exit code and message to
expect, and which files must stay byte-identical. See README.md beside this file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

QUICKETL = Path(sys.executable).with_name("quicketl")
CASES = Path(__file__).parent / "cases"
TIMEOUT_S = 60.0
ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


@dataclass(frozen=True)
class Case:
    """One hostile input and what must (and must not) happen to the files around it."""

    name: str
    files: dict[str, str]
    command: list[str]
    exit: int
    message: str | None = None
    setup: list[list[str]] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)
    fifos: list[str] = field(default_factory=list)
    unchanged: list[str] | None = None
    nothing_new: bool | None = None
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "."
    damage: dict[str, str] = field(default_factory=dict)
    damage_sql: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Case:
        doc: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc.pop("description", None)
        return cls(name=path.stem, **doc)

    @property
    def must_create_nothing(self) -> bool:
        """Refused input (exit 2) writes nothing at all, not even the cache folder."""
        return self.exit == 2 if self.nothing_new is None else self.nothing_new


def all_cases() -> list[Case]:
    return [Case.load(path) for path in sorted(CASES.glob("*.yml"))]


def build(case: Case, root: Path) -> None:
    """Write the case's project into `root`."""
    for rel, text in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel, target in case.symlinks.items():
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target.replace("{root}", str(root)))
    for rel in case.fifos:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)


def apply_damage(case: Case, root: Path) -> None:
    """After setup: overwrite files (a glob names every match) and run SQL on SQLite files."""
    for pattern, text in case.damage.items():
        matches = sorted(root.glob(pattern))
        assert matches, f"damage: nothing matches {pattern}"
        for path in matches:
            # Damage as a user with write access would do it: a read-only file (a blob of the
            # output store) is made writable first, so the case holds without root too.
            path.chmod(path.stat().st_mode | 0o200)
            path.write_text(text, encoding="utf-8")
    for rel, sql in case.damage_sql.items():
        raw = sqlite3.connect(root / rel)
        with raw:
            raw.executescript(sql)
        raw.close()


def run_cli(case: Case, root: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ENV, **{k: v.replace("{root}", str(root)) for k, v in case.env.items()}}
    return subprocess.run(
        [str(QUICKETL), *(a.replace("{root}", str(root)) for a in args)],
        cwd=root / case.cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )


def snapshot(root: Path) -> dict[str, str]:
    """Every regular file under `root` (links not followed) as a sha256, and every folder."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs:
            found[Path(folder, name).relative_to(root).as_posix() + "/"] = "folder"
        for name in files:
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                continue
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
    return found


def guarded(case: Case, before: dict[str, str]) -> dict[str, str]:
    """The files whose bytes must not change: those named, or every file there before."""
    if case.unchanged is None:
        return before
    return {rel: digest for rel, digest in before.items() if _matches(rel, case.unchanged)}


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(
        rel == p or rel.startswith(p.rstrip("/") + "/") or Path(rel).match(p) for p in patterns
    )
