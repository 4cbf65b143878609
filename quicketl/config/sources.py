"""Source models: files (csv, parquet, json) and database tables or queries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from quicketl.config.base import StrictModel, as_list

FileFormat = Literal["csv", "parquet", "json"]
_EXTENSIONS: dict[str, FileFormat] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}


def format_from_path(path: str) -> FileFormat | None:
    """The file format an extension implies, ignoring compression suffixes."""
    name = path.lower().rstrip("/")
    for suffix in (".gz", ".zst", ".bz2"):
        name = name.removesuffix(suffix)
    # Each extension has one dot, its first character: a name ends with one exactly when
    # that is all from its last dot on.
    return _EXTENSIONS.get(name[name.rfind(".") :]) if "." in name else None


class FileOptions(StrictModel):
    """Reader options. The CSV ones apply to CSV files only.

    QuickETL 1.x's `quote_char` and DuckDB's own names (`delim`, `skip`, `nullstr`) are
    accepted as other spellings of the same option.
    """

    delimiter: str | None = Field(default=None, validation_alias=AliasChoices("delimiter", "delim"))
    header: bool | None = None
    skip_rows: int | None = Field(
        default=None, ge=0, validation_alias=AliasChoices("skip_rows", "skip")
    )
    null_values: list[str] | None = Field(
        default=None, validation_alias=AliasChoices("null_values", "nullstr")
    )
    quote: str | None = Field(default=None, validation_alias=AliasChoices("quote", "quote_char"))
    columns: dict[str, str] | None = None
    encoding: str | None = None

    _null_values = field_validator("null_values", mode="before")(as_list)


# Made without validating (every field is its default): validating here would build the
# models' validators at import, which defer_build (config/base.py) leaves to the first use.
_NO_OPTIONS = FileOptions.model_construct()


class FileSource(StrictModel):
    """Files on disk; `path` may be a glob."""

    type: Literal["file"] = "file"
    path: str = Field(min_length=1)
    format: FileFormat | None = None
    # One instance for every source without options (it is frozen): validating an empty
    # FileOptions for each of 10,000 sources was a tenth of validating the pipelines.
    options: FileOptions = Field(default_factory=lambda: _NO_OPTIONS)

    @model_validator(mode="after")
    def _known_format(self) -> FileSource:
        if self.format is None and format_from_path(self.path) is None:
            raise ValueError(
                f"cannot infer the format of '{self.path}' from its extension; "
                "set format: csv, parquet or json"
            )
        if self.resolved_format != "csv" and self.options.model_fields_set:
            names = ", ".join(sorted(self.options.model_fields_set))
            raise ValueError(f"options {names} apply to csv files only")
        return self

    @property
    def resolved_format(self) -> FileFormat:
        fmt = self.format or format_from_path(self.path)
        assert fmt is not None
        return fmt


class DatabaseSource(StrictModel):
    """A table or query read from a database connection URL."""

    type: Literal["database"] = "database"
    connection: str = Field(min_length=1)
    query: str | None = None
    table: str | None = None
    freshness: str | None = None

    @model_validator(mode="after")
    def _query_or_table(self) -> DatabaseSource:
        if (self.query is None) == (self.table is None):
            raise ValueError("give exactly one of 'query' or 'table'")
        return self


def default_source_type(data: Any) -> Any:
    """`type` inferred when omitted, as QuickETL 1.x allows: a `connection` means a database."""
    if isinstance(data, dict) and "type" not in data:
        return {**data, "type": "database" if "connection" in data else "file"}
    return data


Source = Annotated[FileSource | DatabaseSource, Field(discriminator="type")]
