"""Secret values: remembered in this process when resolved, and masked wherever text leaves it.

A value is secret when it came through `${secret:NAME}`, when its variable or environment name
looks secret (PASSWORD, TOKEN, SECRET, KEY, CREDENTIAL ...), or when it is the password of a
connection URL. Stdlib only: the no-op fast path imports this.
"""

from __future__ import annotations

import re

from quicketl.locations.lazy_pattern import lazy_pattern

MASK = "***"
# Values this short would mask ordinary words and digits everywhere; they are still kept out of
# keys and snapshots by name, only not searched for in free text.
_MIN_MASKED = 4
SECRET_NAME = lazy_pattern(
    r"PASSWORD|PASSWD|PWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|(?:^|_)KEY(?:_|$)|KEY$", re.I
)
_URL_PASSWORD = lazy_pattern(r"([A-Za-z][A-Za-z0-9+.-]*://[^/:@\s]*:)([^@/\s]+)(@)")
_values: set[str] = set()


def looks_secret(name: str) -> bool:
    """A variable reference whose value is secret by its name (`secret:` refs always are)."""
    provider, _, bare = name.rpartition(":")
    return provider == "secret" or bool(SECRET_NAME.search(bare))


def remember(value: str) -> None:
    """From now on `value` is masked in every text `mask` sees."""
    if value:
        _values.add(value)


def remember_urls(text: str) -> None:
    """Remember the password of every `scheme://user:password@host` in `text`."""
    if "://" in text:
        for match in _URL_PASSWORD.finditer(text):
            remember(match.group(2))


def holds_secret(text: str) -> bool:
    return any(value in text for value in _values) or bool(_URL_PASSWORD.search(text))


def masks_only_urls() -> bool:
    """No secret value is remembered: `mask` changes only text that holds `://`."""
    return not _values


def mask(text: str) -> str:
    """`text` with every remembered secret value, and every URL password, replaced by ***."""
    for value in sorted(_values, key=len, reverse=True):
        if len(value) >= _MIN_MASKED or value == text:
            text = text.replace(value, MASK)
    return _URL_PASSWORD.sub(rf"\g<1>{MASK}\g<3>", text) if "://" in text else text


def keyed_hash(key: bytes, value: str) -> str:
    """The HMAC-SHA256 of a secret value under the cache's own random key."""
    # Imported here: hashlib loads OpenSSL (2-3 ms), which a no-op run without secrets never
    # needs, and this module is on its path (masking its output).
    import hashlib
    import hmac

    return "hmac:" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
