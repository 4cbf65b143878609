"""Task outputs by content: blob backends, output manifests, and the store over them."""

from pathlib import Path

from quicketl.state.objects.backend import (
    Backend,
    BackendUnavailable,
    BlobInfo,
    entry_name,
    object_name,
)
from quicketl.state.objects.localdir import LocalDirBackend
from quicketl.state.objects.manifest import Manifest, ManifestError, StoredFile, StoredOutput
from quicketl.state.objects.store import OutputSource, OutputStore, RestoreResult

OBJECTS_DIR = "objects"


def local_output_store(cache_dir: Path) -> OutputStore:
    """The cache folder's own store: blobs and entries under `<cache>/objects/`."""
    return OutputStore(LocalDirBackend(Path(cache_dir) / OBJECTS_DIR))


__all__ = [
    "OBJECTS_DIR",
    "Backend",
    "BackendUnavailable",
    "BlobInfo",
    "LocalDirBackend",
    "Manifest",
    "ManifestError",
    "OutputSource",
    "OutputStore",
    "RestoreResult",
    "StoredFile",
    "StoredOutput",
    "entry_name",
    "local_output_store",
    "object_name",
]
