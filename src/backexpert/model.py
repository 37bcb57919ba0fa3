"""The base of every document model: strict, closed and immutable.

Unknown fields are refused (a typo in a YAML key must never pass silently), and a validated
document cannot be changed afterwards, so what was checked is what is used.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

# Prose folded from YAML (`>`) keeps line breaks and a trailing newline: store it as one line.
Prose = Annotated[str, AfterValidator(lambda text: " ".join(text.split())), Field(min_length=1)]


class Model(BaseModel):
    """A strict, frozen pydantic model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sparse(Model):
    """A model written without its unset (None) fields, as rule files write conclusions."""

    @model_serializer(mode="wrap")
    def _set_fields_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}
