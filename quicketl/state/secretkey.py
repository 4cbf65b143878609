"""The cache's own random key, under which secret values are hashed (HMAC) for task keys.

A plain hash of a short password is easy to reverse by guessing; a keyed hash is not, without
the key, which never leaves the cache folder (mode 0600). A new cache gets a new key, so keys
holding secrets do not match across caches: such tasks re-run once in a fresh cache.
"""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.state.atomic import commit_path, temp_path_beside

KEY_FILE = "secret.key"
_KEY_BYTES = 32


def cache_secret_key(cache_dir: Path) -> bytes:
    """The key of the cache at `cache_dir` (an existing folder), made on first use."""
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
