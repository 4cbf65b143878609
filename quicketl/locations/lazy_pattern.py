"""A regular expression compiled when first used, not when its module is imported.

Most of quicketl's patterns read error messages, `.env` files, SQL or PostgreSQL output, which
a run seldom meets; compiled at import, some 35 of them cost a cold `workflow run` about 4 ms
for nothing. The stand-in has the compiled pattern's methods (each looked up once, then kept
as an attribute of its own, so a pattern used in a loop costs what a compiled one does).
Call its methods (`_NAME.search(text)`); `re.sub(_NAME, ...)` and the like want the compiled
pattern itself, which the type checker cannot tell apart.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any


class _LazyPattern:
    __slots__ = ("__dict__", "_source")

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # only names the instance does not have yet: `match`, `search`, `pattern`...
        value = getattr(self.__dict__.get("_compiled") or self._compile(), name)
        self.__dict__[name] = value
        return value

    def _compile(self) -> re.Pattern[str]:
        compiled = self.__dict__["_compiled"] = re.compile(*self._source)
        return compiled

    def __repr__(self) -> str:
        return f"lazy_pattern({self._source[0]!r})"


if TYPE_CHECKING:

    def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
        """For the type checker, what it stands for: the compiled pattern."""

else:

    def lazy_pattern(pattern: str, flags: int = 0) -> _LazyPattern:
        """`re.compile(pattern, flags)`, done when the pattern is first used."""
        return _LazyPattern(pattern, flags)
