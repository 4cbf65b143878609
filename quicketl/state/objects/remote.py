"""The remote cache: task entries pulled into the local store before a task would run, and
pushed from it after the task succeeds (docs/ci.md, docs/deploy.md).

The remote is a blob backend like the local store's: another folder (a shared disk) or an
S3 bucket. It is only a cache. When it cannot be reached the run says so once and goes on with
the local store alone; nothing it holds is trusted unverified (a pulled blob must hash to its
name before it enters the local store).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

from quicketl.errors import ConfigError
from quicketl.locations.urls import url_scheme
from quicketl.state.atomic import temp_path_beside
from quicketl.state.hashing import hash_file
from quicketl.state.notices import cache_warning
from quicketl.state.objects.backend import Backend, BackendUnavailable, entry_name, object_name
from quicketl.state.objects.localdir import LocalDirBackend
from quicketl.state.objects.manifest import Manifest, ManifestError, parse_manifest
from quicketl.state.objects.store import OutputStore

Mode = Literal["read", "write", "readwrite"]
MODES: tuple[Mode, ...] = ("read", "write", "readwrite")
_T = TypeVar("_T")

UNREACHABLE = "the remote cache {label} cannot be reached ({reason}); this run goes on without it"
CORRUPT = "blob {digest} in the remote cache {label} is corrupt; its task runs instead"


def open_remote(url: str, root: Path) -> Backend:
    """The backend of a remote cache URL: `s3://bucket/prefix`, `file:///path`, or a folder
    (relative to the project root). ConfigError for any other URL, or one with credentials."""
    text = url.strip()
    scheme = url_scheme(text)
    if scheme is not None and "@" in text.partition("://")[2].split("/", 1)[0]:
        raise ConfigError(
            f"remote cache {masked_url(text)}: a URL must not carry credentials; they come "
            "from the environment (AWS_* variables, AWS_PROFILE)"
        )
    if scheme == "s3":
        return _s3_backend(text)
    if scheme == "file":
        return LocalDirBackend(Path(text.partition("://")[2]), f"file://{text.partition('://')[2]}")
    if scheme is not None:
        raise ConfigError(
            f"remote cache {masked_url(text)}: use a folder or an s3:// URL, not {scheme}://"
        )
    if not text:
        raise ConfigError("remote cache: the URL is empty; give a folder or an s3:// URL")
    return LocalDirBackend(Path(os.path.normpath(root / Path(text).expanduser())))


def masked_url(url: str) -> str:
    """The URL with any user and password replaced by `***` (never echo a credential)."""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    if not sep or "@" not in host:
        return url
    return f"{scheme}://***@{host.rsplit('@', 1)[1]}{slash}{path}"


def _s3_backend(url: str) -> Backend:
    bucket, _, prefix = url.partition("://")[2].partition("/")
    if not bucket:
        raise ConfigError(f"remote cache {url}: name a bucket (s3://BUCKET/PREFIX)")
    try:
        from quicketl.state.objects.s3 import S3Backend
    except ImportError:
        raise ConfigError(
            f"remote cache {url}: S3 needs boto3; install it with pip install 'quicketl[s3]'"
        ) from None
    return S3Backend(bucket, prefix, url)


class RemoteCache:
    """One run's view of the remote: what it may do (`mode`), and whether it is still
    reachable (after the first failure the run stops asking, having warned once)."""

    def __init__(self, backend: Backend, mode: Mode = "readwrite") -> None:
        if mode not in MODES:
            raise ConfigError(f"remote cache mode must be read, write or readwrite, not {mode!r}")
        self.backend = backend
        self.mode = mode
        self.label = backend.label
        self._down = False
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        """The remote as a restore's reason names it."""
        return f"the remote cache {self.label}"

    @property
    def readable(self) -> bool:
        return self.mode in ("read", "readwrite") and not self._down

    @property
    def writable(self) -> bool:
        return self.mode in ("write", "readwrite") and not self._down

    def pull(self, task_key: str, local: OutputStore) -> Manifest | None:
        """Copy the entry of `task_key` and its blobs into the local store; its manifest, or
        None when the remote has no usable entry (or cannot be read)."""
        if not self.readable:
            return None
        return self._guard(lambda: self._pull(task_key, local), None)

    def peek(self, task_key: str) -> Manifest | None:
        """The remote's entry of `task_key`, read without its blobs (for `status`); None
        when it has none that reads (or cannot be read)."""
        if not self.readable:
            return None
        found = self._guard(lambda: self._entry(task_key), None)
        return found[1] if found is not None else None

    def _entry(self, task_key: str) -> tuple[bytes, Manifest] | None:
        data = self.backend.get_bytes(entry_name(task_key))
        if data is None:
            return None
        try:
            return data, parse_manifest(data, task_key)
        except ManifestError:
            return None

    def push(self, task_key: str, local: OutputStore) -> bool:
        """Copy the local entry of `task_key` to the remote: its blobs first, the entry last,
        so that an entry is never visible before what it names. True when pushed."""
        if not self.writable:
            return False
        return self._guard(lambda: self._push(task_key, local), False)

    def _pull(self, task_key: str, local: OutputStore) -> Manifest | None:
        found = self._entry(task_key)
        if found is None:
            return None
        data, manifest = found
        for output in manifest.outputs:
            for blob in output.blobs():
                if not self._pull_blob(blob.hash, local):
                    return None
        local.backend.put_bytes(entry_name(task_key), data)
        return manifest

    def _pull_blob(self, digest: str, local: OutputStore) -> bool:
        name = object_name(digest)
        if local.backend.exists(name):
            return True
        tmp = temp_path_beside(_staging_dir(local) / digest)
        try:
            if not self.backend.get(name, tmp):
                return False
            if hash_file(tmp) != digest:  # truncated or bit-flipped on the remote
                cache_warning(CORRUPT.format(digest=digest, label=self.label))
                if self.writable:
                    self.backend.delete(name)
                return False
            local.backend.put(name, tmp)
        finally:
            tmp.unlink(missing_ok=True)
        return True

    def _push(self, task_key: str, local: OutputStore) -> bool:
        data = local.backend.get_bytes(entry_name(task_key))
        if data is None:
            return False
        manifest = parse_manifest(data, task_key)
        for output in manifest.outputs:
            for blob in output.blobs():
                self._push_blob(object_name(blob.hash), local)
        self.backend.put_bytes(entry_name(task_key), data)
        return True

    def _push_blob(self, name: str, local: OutputStore) -> None:
        if isinstance(local.backend, LocalDirBackend):  # put itself skips a name that exists
            self.backend.put(name, local.backend.path_of(name))
            return
        if self.backend.exists(name):
            return
        tmp = temp_path_beside(_staging_dir(local) / name.rsplit("/", 1)[-1])
        try:
            if local.backend.get(name, tmp):
                self.backend.put(name, tmp)
        finally:
            tmp.unlink(missing_ok=True)

    def _guard(self, action: Callable[[], _T], fallback: _T) -> _T:
        """`action()`, or `fallback` once the remote fails: then one warning for the run."""
        try:
            return action()
        except (BackendUnavailable, OSError) as error:
            self._went_down(error)
            return fallback

    def _went_down(self, error: Exception) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        reason = getattr(error, "strerror", None) or str(error)
        reason = reason.removeprefix(f"{self.label}: ")
        cache_warning(UNREACHABLE.format(label=self.label, reason=reason))


def _staging_dir(local: OutputStore) -> Path:
    """Where pulled blobs wait to be checked: beside the local store, so that publishing
    them is a rename (or a reflink), not a copy across filesystems."""
    if isinstance(local.backend, LocalDirBackend):
        return local.backend.root / "incoming"
    import tempfile

    return Path(tempfile.gettempdir()) / "quicketl-incoming"
