"""Ids that arrive from addresses and forms: anything that is not a positive key a database can hold is simply not
found, never a 500."""

from __future__ import annotations

from typing import Any

from accord.errors import NotFound

KEY_MAX = 2**63  # a BigAutoField holds less, on every database


def existing_id(value: Any, *, missing: str = "There is no such item in this coalition.") -> int:
    """`value` as an id, or NotFound(`missing`)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise NotFound(missing) from None
    if not 0 < number < KEY_MAX:
        raise NotFound(missing)
    return number
