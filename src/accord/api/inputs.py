"""The base of every JSON body the API reads: strict types, no unknown fields, no NUL characters; and `Id`.

Strict: a JSON number where a number is asked (not "12"), true/false for flags (not "yes"). Unknown fields are
refused, so a misspelt field is an error rather than silently ignored. A NUL character cannot be stored by
PostgreSQL and only arrives by mistake, so it is refused here, for every text field, before any action runs.

`Id` is the type of every id the API reads, in a body, a query or the address: a whole number from 1 to 2**63-1,
the range of the tables' keys. A number outside it names no row, and would not reach the database intact (SQLite
cannot even compare with it), so it is refused as invalid input naming its field. (In the address, what is not
a whole number at all, such as -1 or 1.5, does not match the route and is answered 404 like any unknown address.)
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

ID_MAX = 2**63 - 1  # the largest key a BigAutoField holds, on every database

Id = Annotated[int, Field(ge=1, le=ID_MAX)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class StrictInput(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise PydanticCustomError("nul_character", "Remove the invisible NUL characters from this text.")
        return value
