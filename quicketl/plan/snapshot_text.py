"""The text of a stored plan: one JSON object whose last member lists the tasks' configs, one
canonical JSON text a line, so that reading it gives each config's dict and its exact text.

A task is keyed by the canonical text of its config (plan/keys.py). Format 5 kept that text
as an escaped JSON string beside the config's dict: 40% of a 10,000-task snapshot and the
slowest part of it to parse. Here the config is written once, as that very text: `json.loads`
reads it as the dict, and its line in the file is the text. The file stays one JSON value
(anything reading a snapshot as plain JSON still can); a file whose closing lines are not
laid out as written here (edited by hand, rewritten by another tool) is `Unreadable`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from quicketl.plan.stored import Unreadable, need, text_map

# 5: each task's canonical config text (`config_json`), which its key is made of. 6: those
# texts close the file, one a line, and are each task's stored config too.
SNAPSHOT_FORMAT = 6
# A raw line break only ever appears between JSON tokens: never inside a string, so this
# text occurs once, where the configs begin.
_CONFIGS = '"configs":[\n'
_CLOSING = ["]}", ""]
# Lone surrogates can be in a config (key_of encodes them the same way): kept as they are.
_ERRORS = "surrogatepass"
# The members a snapshot opens with, in the order `snapshot_text` writes them (json.dumps
# keeps the body's order, and separates with ", " and ": ").
_HEAD = ("format", "tool", "files")
_DECODER = json.JSONDecoder()


def snapshot_text(body: dict[str, Any], texts: list[str]) -> str:
    """`body` as JSON, then a last member "configs": each config's canonical text, one a line."""
    head = json.dumps(body, default=str)
    lines = "".join(f"{text},\n" for text in texts[:-1]) + (f"{texts[-1]}\n" if texts else "")
    return f"{head[:-1]},{_CONFIGS}{lines}]}}\n"


def write_snapshot_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors=_ERRORS)


def read_snapshot_text(path: Path) -> str:
    """A snapshot's text. Raises OSError or ValueError when the file cannot be read."""
    return path.read_text(encoding="utf-8", errors=_ERRORS)


def read_snapshot(path: Path) -> tuple[Any, str]:
    """The parsed snapshot and its text (for `give_configs`). Raises OSError, ValueError or
    RecursionError when the file cannot be read."""
    text = read_snapshot_text(path)
    return json.loads(text), text


def snapshot_head(text: str) -> dict[str, Any] | None:
    """The format, tool versions and file hashes a snapshot's text opens with, parsed without
    the rest: the plan after them is most of the file, and of no use once a file has changed
    (after an edit, the no-op check and planning each looked at it). None when the text does
    not open as written here: the caller parses it whole (and finds what is wrong with it)."""
    if not text.startswith("{"):
        return None
    head: dict[str, Any] = {}
    position = 1
    try:
        for name in _HEAD:
            key, position = _DECODER.raw_decode(text, position)
            if key != name or text[position : position + 2] != ": ":
                return None
            head[name], position = _DECODER.raw_decode(text, position + 2)
            if text[position : position + 2] != ", ":
                return None
            position += 2
        if type(head["format"]) is not int:
            return None
        need(head["tool"], dict)
        text_map(head["files"])
    except (ValueError, RecursionError):  # Unreadable is a ValueError
        return None
    return head


def read_snapshot_body(path: Path) -> Any:
    """The parsed snapshot with its configs given back to its tasks (`give_configs`)."""
    body, text = read_snapshot(path)
    give_configs(body, text)
    return body


def give_configs(body: Any, text: str) -> None:
    """In this format, give each stored task of `body` (parsed from `text`) its `config` and
    its `config_json`; `Unreadable` if they are not laid out as written. Other formats are
    left as they are."""
    if type(body) is dict and body.get("format") == SNAPSHOT_FORMAT:
        try:
            _give_configs(body, text)
        except (KeyError, TypeError) as exc:
            raise Unreadable(f"no configs where expected: {exc}") from exc


def _give_configs(body: dict[str, Any], text: str) -> None:
    configs = need(body.pop("configs"), list)
    tasks = need(need(body["plan"], dict)["tasks"], list)
    texts = _config_lines(text, len(tasks))
    if len(configs) != len(tasks):
        raise Unreadable("not one config per task")
    for task, config, config_text in zip(tasks, configs, texts, strict=True):
        need(task, dict).update(config=config, config_json=config_text)


def _config_lines(text: str, count: int) -> list[str]:
    """The configs' texts: the lines after the marker, all but the last ending in a comma."""
    start = text.find(_CONFIGS)
    if start < 0:
        raise Unreadable("no configs")
    lines = text[start + len(_CONFIGS) :].split("\n")
    if len(lines) != count + len(_CLOSING) or lines[count:] != _CLOSING:
        raise Unreadable("the configs are not one a line")
    texts = lines[:count]
    for index in range(count - 1):
        line = texts[index]
        if not line.endswith(","):
            raise Unreadable("the configs are not one a line")
        texts[index] = line[:-1]
    return texts
