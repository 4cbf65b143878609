"""Close-match suggestions for misspelt names ("did you mean ...?")."""

from __future__ import annotations

from collections.abc import Iterable


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word`, if any is close enough to be a likely typo."""
    import difflib  # only when a name is wrong

    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A "; did you mean 'x'?" suffix, or the empty string."""
    match = close_match(word, candidates)
    return f"; did you mean '{match}'?" if match else ""


def format_loc(loc: Iterable[str | int]) -> str:
    """Render a data path as `transforms[0].predicate`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
