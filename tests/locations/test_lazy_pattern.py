"""A lazy pattern is compiled on first use and then behaves as the compiled one."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from quicketl.locations.lazy_pattern import lazy_pattern


def test_nothing_is_compiled_before_first_use() -> None:
    broken = lazy_pattern("(unclosed")  # re.compile would raise here
    with pytest.raises(re.error):
        broken.match("x")


def test_it_answers_as_the_compiled_pattern() -> None:
    lazy = lazy_pattern(r"KEY(_\w+)?", re.I)
    compiled = re.compile(r"KEY(_\w+)?", re.I)
    for text in ("api_key_id", "Key", "none"):
        assert bool(lazy.search(text)) == bool(compiled.search(text))
    assert lazy.sub("*", "a key_x b") == compiled.sub("*", "a key_x b")
    assert (lazy.pattern, lazy.flags, lazy.groups) == (compiled.pattern, compiled.flags, 1)
    assert [m.group(1) for m in lazy.finditer("key_a KEY")] == ["_a", None]


def test_the_error_translation_patterns_wait_for_an_error() -> None:
    # the engine's error translation, the SQL checks and the secret masking read messages a
    # run seldom meets: importing them compiles none of their patterns
    code = (
        "from quicketl.config import rawsql, secrets\n"
        "from quicketl.engine import translate\n"
        "lazy = [translate._SYNTAX, translate._DENIED, rawsql._KEYWORD, secrets._URL_PASSWORD]\n"
        "print(sum('_compiled' in vars(p) for p in lazy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "0", out.stderr
