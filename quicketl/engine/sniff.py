"""One CSV detection per run instead of two.

`read_csv` detects a file's dialect and types whenever a query using it is bound, which costs
a sample read (about 90 ms for a 200 MB file). The engine binds the source twice (to check the
pipeline, then to run it), so for a single CSV file it asks DuckDB's `sniff_csv` once for the
detected options and reads with those, detection off. Anything unusual (a glob, a failed
sniff, an unexpected answer) keeps the plain auto-detecting read.
"""

from __future__ import annotations

from quicketl.config.sources import FileSource
from quicketl.engine.locations import has_glob, is_remote
from quicketl.engine.readers import csv_options, file_reader
from quicketl.engine.session import Session
from quicketl.engine.sql import string_literal
from quicketl.engine.translate import PREPARE_ERRORS

SAMPLE_ROWS = 20480


def csv_reader(session: Session, source: FileSource, pattern: str) -> str:
    """The read_csv call for `source`, with detection done once up front when possible."""
    auto = file_reader(source, pattern)
    if has_glob(pattern) or is_remote(pattern) or source.options.header is False:
        return auto
    path = string_literal(pattern)
    try:
        prompt = session.scalar(
            # read_csv's own sample size: sniff_csv reads more by default, for nothing
            f"SELECT Prompt FROM sniff_csv({path}, sample_size={SAMPLE_ROWS}"
            f"{csv_options(source.options)})"
        )
    except PREPARE_ERRORS:
        return auto
    head = f"FROM read_csv({path}, "
    if not isinstance(prompt, str) or not prompt.startswith(head) or not prompt.endswith(");"):
        return auto
    return prompt.removeprefix("FROM ").removesuffix(";")
