"""Transform models, one per `op`, as QuickETL users write them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from quicketl.config.base import StrictModel, as_list, new_list


class Select(StrictModel):
    op: Literal["select"] = "select"
    columns: list[str] = Field(min_length=1)


class Rename(StrictModel):
    op: Literal["rename"] = "rename"
    mapping: dict[str, str] = Field(
        min_length=1, validation_alias=AliasChoices("mapping", "columns")
    )


class Filter(StrictModel):
    op: Literal["filter"] = "filter"
    predicate: str = Field(min_length=1)


class DeriveColumn(StrictModel):
    op: Literal["derive_column"] = "derive_column"
    name: str = Field(min_length=1)
    expr: str = Field(min_length=1)


class Cast(StrictModel):
    op: Literal["cast"] = "cast"
    columns: dict[str, str] = Field(min_length=1)


class FillNull(StrictModel):
    op: Literal["fill_null"] = "fill_null"
    columns: dict[str, Any] = Field(min_length=1)


class Dedup(StrictModel):
    op: Literal["dedup"] = "dedup"
    columns: list[str] | None = None

    _columns = field_validator("columns", mode="before")(as_list)


class SortKey(StrictModel):
    column: str
    order: Literal["asc", "desc"] = "asc"


class Sort(StrictModel):
    op: Literal["sort"] = "sort"
    by: list[str | SortKey] = Field(min_length=1)
    descending: bool | list[bool] = False

    _by = field_validator("by", mode="before")(as_list)

    @model_validator(mode="after")
    def _one_flag_per_key(self) -> Sort:
        if isinstance(self.descending, list) and len(self.descending) != len(self.by):
            raise ValueError(
                f"descending has {len(self.descending)} entries but by has {len(self.by)}"
            )
        return self

    def keys(self) -> list[tuple[str, bool]]:
        """(column, descending) pairs, whichever spelling was used."""
        flags = self.descending if isinstance(self.descending, list) else None
        out = []
        for index, key in enumerate(self.by):
            if isinstance(key, SortKey):
                out.append((key.column, key.order == "desc"))
            else:
                desc = flags[index] if flags is not None else bool(self.descending)
                out.append((key, desc))
        return out


class Limit(StrictModel):
    op: Literal["limit"] = "limit"
    n: int = Field(ge=0)


class Join(StrictModel):
    op: Literal["join"] = "join"
    right: str = Field(min_length=1)
    on: list[str] | dict[str, str] = Field(min_length=1)
    how: Literal["inner", "left", "right", "outer", "full", "semi", "anti"] = "inner"

    _on = field_validator("on", mode="before")(as_list)


class Aggregate(StrictModel):
    op: Literal["aggregate"] = "aggregate"
    group_by: list[str] = Field(default_factory=new_list)
    aggs: dict[str, str] = Field(
        min_length=1, validation_alias=AliasChoices("aggs", "aggregations")
    )

    _group_by = field_validator("group_by", mode="before")(as_list)


class Union(StrictModel):
    op: Literal["union"] = "union"
    sources: list[str] = Field(min_length=1)
    distinct: bool = False

    _sources = field_validator("sources", mode="before")(as_list)


class WindowOrder(StrictModel):
    """An `order_by` entry as QuickETL 1.x writes it: `{column: day, descending: true}`."""

    column: str = Field(min_length=1)
    descending: bool = False


class WindowColumn(StrictModel):
    name: str = Field(min_length=1)
    func: str = Field(min_length=1)
    column: str | None = None
    offset: int = Field(default=1, ge=0)
    partition_by: list[str] = Field(default_factory=new_list)
    order_by: list[str | WindowOrder] = Field(default_factory=new_list)
    default: Any = None

    _lists = field_validator("partition_by", "order_by", mode="before")(as_list)


class Window(StrictModel):
    op: Literal["window"] = "window"
    columns: list[WindowColumn] = Field(min_length=1)


class Pivot(StrictModel):
    op: Literal["pivot"] = "pivot"
    index: list[str] = Field(min_length=1)
    columns: str = Field(min_length=1)
    values: str = Field(min_length=1)
    aggfunc: str = "first"  # 1.x's documented default

    _index = field_validator("index", mode="before")(as_list)


class Unpivot(StrictModel):
    op: Literal["unpivot"] = "unpivot"
    id_vars: list[str] = Field(default_factory=new_list)
    value_vars: list[str] = Field(min_length=1)
    var_name: str = "variable"
    value_name: str = "value"

    _lists = field_validator("id_vars", "value_vars", mode="before")(as_list)


class HashKey(StrictModel):
    op: Literal["hash_key"] = "hash_key"
    name: str = Field(min_length=1)
    columns: list[str] = Field(min_length=1)
    algorithm: Literal["md5", "sha256", "sha1"] = "md5"
    separator: str = "|"

    _columns = field_validator("columns", mode="before")(as_list)


class Coalesce(StrictModel):
    op: Literal["coalesce"] = "coalesce"
    name: str = Field(min_length=1)
    columns: list[str] = Field(min_length=1)
    default: Any = None


Transform = Annotated[
    Select
    | Rename
    | Filter
    | DeriveColumn
    | Cast
    | FillNull
    | Dedup
    | Sort
    | Limit
    | Join
    | Aggregate
    | Union
    | Window
    | Pivot
    | Unpivot
    | HashKey
    | Coalesce,
    Field(discriminator="op"),
]
