"""The cache folder: task records, content hashing with a stat cache, atomic writes, the lock."""

from quicketl.state.atomic import cleanup_temps, commit_path, is_temp_name, temp_path_beside
from quicketl.state.cachedir import CACHE_DIR_ENV, resolve_cache_dir
from quicketl.state.hashing import (
    MISSING,
    StatCache,
    StatEntry,
    canonical_json,
    hash_bytes,
    hash_dir,
    hash_file,
    hash_path,
    hash_paths,
    key_of,
)
from quicketl.state.lock import CacheLock
from quicketl.state.outputs import OutputChange, OutputRecord, output_record, outputs_changed
from quicketl.state.store import StateStore, TaskRecord

__all__ = [
    "CACHE_DIR_ENV",
    "MISSING",
    "CacheLock",
    "OutputChange",
    "OutputRecord",
    "StatCache",
    "StatEntry",
    "StateStore",
    "TaskRecord",
    "canonical_json",
    "cleanup_temps",
    "commit_path",
    "hash_bytes",
    "hash_dir",
    "hash_file",
    "hash_path",
    "hash_paths",
    "is_temp_name",
    "key_of",
    "output_record",
    "outputs_changed",
    "resolve_cache_dir",
    "temp_path_beside",
]
