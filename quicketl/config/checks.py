"""Quality check models, one per `type`, each with a severity."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from quicketl.config.base import StrictModel, as_list

Severity = Literal["error", "warn"]


class _Check(StrictModel):
    severity: Severity = "error"
    name: str | None = None


class NotNull(_Check):
    type: Literal["not_null"] = "not_null"
    columns: list[str] = Field(min_length=1)

    _columns = field_validator("columns", mode="before")(as_list)


class Unique(_Check):
    type: Literal["unique"] = "unique"
    columns: list[str] = Field(min_length=1)

    _columns = field_validator("columns", mode="before")(as_list)


class RowCount(_Check):
    type: Literal["row_count"] = "row_count"
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _bounds(self) -> RowCount:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class AcceptedValues(_Check):
    type: Literal["accepted_values"] = "accepted_values"
    column: str = Field(min_length=1)
    values: list[Any] = Field(min_length=1)


class Expression(_Check):
    type: Literal["expression"] = "expression"
    expr: str = Field(min_length=1)


Check = Annotated[
    NotNull | Unique | RowCount | AcceptedValues | Expression, Field(discriminator="type")
]
