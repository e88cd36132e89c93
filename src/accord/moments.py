"""Moments that arrive from forms and the API: a datetime with its time zone, stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from accord.errors import Invalid


def aware_utc(value: Any, *, field: str, label: str, too_far: str) -> datetime:
    """`value` in UTC, or Invalid naming `field`: not a datetime, without a time zone, or beyond what UTC holds
    (`too_far` says which range to keep to)."""
    if not isinstance(value, datetime):
        raise Invalid(f"Give {label} as a date and time.", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(f"Give {label} with its time zone.", field=field)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise Invalid(f"Give {label} {too_far}.", field=field) from None
