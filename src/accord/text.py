"""Cleaning text input the same way in every app: trimmed, bounded, and never holding what the database refuses."""

from __future__ import annotations

from accord.errors import Invalid


def clean_text(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    if value is not None and not isinstance(value, str):
        raise Invalid(f"Enter {label} as text.", field=field)
    cleaned = (value or "").strip()
    if "\x00" in cleaned:
        # PostgreSQL cannot store NUL characters; they only arrive by mistake (a pasted binary, a broken client).
        raise Invalid(f"Remove the invisible NUL characters from {label}.", field=field)
    if required and not cleaned:
        raise Invalid(f"Enter {label}.", field=field)
    if len(cleaned) > max_length:
        raise Invalid(f"Shorten {label} to {max_length} characters or fewer (it has {len(cleaned)}).", field=field)
    return cleaned
