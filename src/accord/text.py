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


def clean_title(
    value: str | None,
    *,
    field: str = "title",
    label: str = "a title",
    max_length: int = 200,
    one_line: str = "Keep the title on one line.",
) -> str:
    """A title: cleaned text on one line (titles end up in mail headers, where a line break would end them)."""
    title = clean_text(value, field=field, label=label, max_length=max_length)
    if "\n" in title or "\r" in title:
        raise Invalid(one_line, field=field)
    return title
