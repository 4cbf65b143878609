"""The key under which secret values are hashed (HMAC) for task keys: the cache's own, or one
shared by several caches through $QUICKETL_SECRET_KEY.

A plain hash of a short password is easy to reverse by guessing; a keyed hash is not, without
the key, which never leaves the cache folder (mode 0600). A new cache gets a new key, so keys
holding secrets do not match across caches: such tasks re-run once in a fresh cache, and a
remote cache never serves them. Caches that must agree (CI runners sharing a remote cache) set
$QUICKETL_SECRET_KEY, kept where the runners keep their other secrets, and use it instead
(docs/ci.md, "Secrets and a shared cache").
"""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.errors import ConfigError
from quicketl.state.atomic import commit_path, temp_path_beside

KEY_FILE = "secret.key"
SHARED_KEY_VARIABLE = "QUICKETL_SECRET_KEY"
_KEY_BYTES = 32
# As many characters as the 32 random bytes of a cache's own key take in hex: a key anyone can
# guess lets them test guesses of the secrets against the task keys.
SHARED_KEY_MIN_CHARS = 32


def shared_secret_key() -> bytes | None:
    """$QUICKETL_SECRET_KEY as a key, None when unset or empty; too short a one is refused
    (its value is never shown)."""
    value = os.environ.get(SHARED_KEY_VARIABLE, "")
    if not value:
        return None
    if len(value) < SHARED_KEY_MIN_CHARS:
        raise ConfigError(
            f"{SHARED_KEY_VARIABLE}: expected a key of at least {SHARED_KEY_MIN_CHARS} "
            f"characters, got {len(value)} (make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    return value.encode()


def cache_secret_key(cache_dir: Path) -> bytes:
    """$QUICKETL_SECRET_KEY when set, else the key of the cache at `cache_dir` (an existing
    folder), made on first use."""
    shared = shared_secret_key()
    if shared is not None:
        return shared
    path = cache_dir / KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    tmp = temp_path_beside(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(os.urandom(_KEY_BYTES))
    # Two first runs may race: whichever key lands last is read back by both from here on.
    commit_path(tmp, path)
    return path.read_bytes()
