"""Page-number pagination for every list: `?page=1&page_size=50`, answered as `{count, page, page_size, items}`.

A list endpoint takes a query schema that extends `PageQuery` (so its filters and the page arrive together) and
returns `paginate(rows, query)`; its response schema is `page_of(ItemSchema)`. `rows` is a queryset from a
`queries.py` function, which fetches related rows up front: a page costs one COUNT and one SELECT (plus its
prefetches), however many items it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200


class PageQuery(Schema):
    """The page to return. Unknown query parameters are ignored."""

    page: int = Field(1, ge=1, description="Which page, counting from 1.")
    page_size: int = Field(
        PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX, description=f"How many items a page holds, 1 to {PAGE_SIZE_MAX}."
    )


_pages: dict[type[Schema], type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The response schema of a list of `item`: `{count, page, page_size, items: [item]}`, named `<Item>Page`."""
    if item not in _pages:
        name = item.__name__.removesuffix("Out") + "Page"
        _pages[item] = create_model(
            name,
            __base__=Schema,
            __doc__="One page of a list; `count` is the number of items on all pages.",
            count=(int, Field(..., description="How many items match, on all pages.")),
            page=(int, ...),
            page_size=(int, ...),
            items=(list[item], ...),  # type: ignore[valid-type]
        )
    return _pages[item]


def paginate(
    rows: QuerySet[Any] | list[Any], query: PageQuery, *, transform: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """One page of `rows`. A page past the end is empty (its `count` still says how many there are)."""
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (query.page - 1) * query.page_size
    items = list(rows[start : start + query.page_size]) if start < count else []
    if transform is not None:
        items = [transform(item) for item in items]
    return {"count": count, "page": query.page, "page_size": query.page_size, "items": items}
