"""The list pages and API lists at the reference scale: SQL queries per page, and time against a floor.

Each list is read through Django's test `Client`, signed in with `force_login` as a coordinator, the whole
request: middleware, session, the view, template or JSON rendering. The floor is the bare ORM reads of the same
data that page shows, with the same filters and ordering, materialised as values, timed in the same loop:

- the COUNT the page needs to paginate;
- the page's rows (`.values()` with `order_by(...)[offset:offset + 50]`);
- the related rows shown beside them, for those rows' ids only (a person's current groups; a group's current
  people count and delegates; the audit event's actor is joined into the rows query).

The query count is taken once per page under `CaptureQueriesContext` (on its own request: capturing slows the
cursor down), on the demo coalition (page 1 and its last page) and on the large one (page 1 and a deep page).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PER_PAGE = 50


@dataclass(frozen=True)
class ListSpec:
    name: str
    path: str  # with {slug}
    deep_page: int  # on the large coalition
    floor: Callable[[Any, int], tuple[int, list[dict[str, Any]]]]  # (coalition, offset) -> (count, rows)
    api: bool
    marker: Callable[[str, dict[str, Any]], str] | None = None  # for a page: text that shows a floor row is on it


# --- floors: the bare reads of the same rows ----------------------------------------------------------------------


def _people_floor(coalition: Any, offset: int) -> tuple[int, list[dict[str, Any]]]:
    from accord.coalitions.models import Affiliation, Person

    current = Person.objects.filter(coalition=coalition, left_at__isnull=True)
    count = current.count()
    rows = list(
        current.order_by("name", "pk").values(
            "pk", "name", "email", "user_id", "is_coordinator", "is_individual_member", "joined_at", "left_at"
        )[offset : offset + PER_PAGE]
    )
    list(
        Affiliation.objects.filter(person_id__in=[row["pk"] for row in rows], ended_at__isnull=True)
        .order_by("member_group__name")
        .values_list("pk", "person_id", "member_group_id", "member_group__name", "member_group__left_at", "is_delegate")
    )
    return count, rows


def _groups_floor(coalition: Any, offset: int) -> tuple[int, list[dict[str, Any]]]:
    from django.db.models import Count

    from accord.coalitions.models import Affiliation, MemberGroup

    current = MemberGroup.objects.filter(coalition=coalition, left_at__isnull=True)
    count = current.count()
    rows = list(
        current.order_by("name", "pk").values(
            "pk",
            "name",
            "description",
            "size",
            "contact_name",
            "contact_email",
            "joined_at",
            "left_at",
            "leave_reason",
        )[offset : offset + PER_PAGE]
    )
    ids = [row["pk"] for row in rows]
    list(
        Affiliation.objects.filter(member_group_id__in=ids, ended_at__isnull=True)
        .values("member_group_id")
        .annotate(people=Count("person_id", distinct=True))
        .order_by()
    )
    list(
        Affiliation.objects.filter(member_group_id__in=ids, ended_at__isnull=True, is_delegate=True)
        .order_by("person__name")
        .values_list("member_group_id", "person_id", "person__name", "person__left_at")
    )
    return count, rows


def _audit_floor(coalition: Any, offset: int) -> tuple[int, list[dict[str, Any]]]:
    from accord.coalitions.models import AuditEvent

    events = AuditEvent.objects.filter(coalition=coalition)
    count = events.count()
    rows = list(
        events.order_by("-created_at", "-id").values(
            "pk",
            "actor_name",
            "actor_person__left_at",
            "verb",
            "summary",
            "target_type",
            "target_id",
            "data",
            "created_at",
        )[offset : offset + PER_PAGE]
    )
    return count, rows


def _person_link(slug: str, row: dict[str, Any]) -> str:
    from django.urls import reverse

    return f'href="{reverse("web:person", args=[slug, row["pk"]])}"'


def _group_link(slug: str, row: dict[str, Any]) -> str:
    from django.urls import reverse

    return f'href="{reverse("web:group", args=[slug, row["pk"]])}"'


def _audit_summary(slug: str, row: dict[str, Any]) -> str:
    from django.utils.html import escape

    return escape(row["summary"])


LISTS = (
    ListSpec("people_page", "/c/{slug}/people/", 100, _people_floor, api=False, marker=_person_link),
    ListSpec("groups_page", "/c/{slug}/groups/", 25, _groups_floor, api=False, marker=_group_link),
    ListSpec("audit_page", "/c/{slug}/audit/", 500, _audit_floor, api=False, marker=_audit_summary),
    ListSpec("people_api", "/api/v1/coalitions/{slug}/people", 100, _people_floor, api=True),
    ListSpec("groups_api", "/api/v1/coalitions/{slug}/member-groups", 25, _groups_floor, api=True),
    ListSpec("audit_api", "/api/v1/coalitions/{slug}/audit-events", 500, _audit_floor, api=True),
)
NAMES = tuple(spec.name for spec in LISTS)


# --- measuring ----------------------------------------------------------------------------------------------------


class PageProblem(AssertionError):
    """A page did not answer 200 with the floor's rows: its figures would mean nothing."""


def _url(spec: ListSpec, slug: str, page: int) -> str:
    return spec.path.format(slug=slug) + f"?page={page}"


def _check(spec: ListSpec, slug: str, page: int, response: Any, rows: list[dict[str, Any]]) -> None:
    url = _url(spec, slug, page)
    if response.status_code != 200:
        raise PageProblem(f"{url} answered {response.status_code}")
    if spec.api:
        ids = [item["id"] for item in response.json()["items"]]
        if ids != [row["pk"] for row in rows]:
            raise PageProblem(f"{url} shows other rows than its floor reads")
    elif spec.marker is not None:
        html = response.content.decode()
        for row in (rows[0], rows[-1]):
            if spec.marker(slug, row) not in html:
                raise PageProblem(f"{url} does not show {spec.marker(slug, row)!r}, which its floor reads")


def _count_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise PageProblem(f"{url} answered {response.status_code}")
    return len(captured.captured_queries)


def _query_log(client: Any, url: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [query["sql"] for query in captured.captured_queries]


def _timed(spec: ListSpec, client: Any, coalition: Any, page: int, repeat: int) -> dict[str, Any]:
    url = _url(spec, coalition.slug, page)
    offset = (page - 1) * PER_PAGE
    response = client.get(url)  # warm: templates compiled, URL resolver and connection ready
    _, rows = spec.floor(coalition, offset)
    _check(spec, coalition.slug, page, response, rows)
    page_times, floor_times = [], []
    for _ in range(repeat):  # interleaved, so that both see the same noise
        started = time.perf_counter()
        client.get(url)
        page_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        spec.floor(coalition, offset)
        floor_times.append(time.perf_counter() - started)
    median, floor = statistics.median(page_times), statistics.median(floor_times)
    return {
        "page": page,
        "median_ms": round(median * 1000, 2),
        "floor_ms": round(floor * 1000, 2),
        "ratio": round(median / floor, 1),
        "min_ms": round(min(page_times) * 1000, 2),
        "floor_min_ms": round(min(floor_times) * 1000, 2),
    }


def measure(
    *,
    small: Any,
    small_user: Any,
    large: Any,
    large_user: Any,
    large_member: Any,
    repeat: int,
    names: tuple[str, ...] = NAMES,
    show_queries: bool = False,
) -> dict[str, Any]:
    """Every list in `names`: query counts on the small and the large coalition, times against the floor on the large."""
    from django.conf import settings
    from django.test import Client, override_settings

    results: dict[str, Any] = {}
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        coordinator_small, coordinator_large, member_large = Client(), Client(), Client()
        coordinator_small.force_login(small_user)
        coordinator_large.force_login(large_user)
        member_large.force_login(large_member)
        for spec in LISTS:
            if spec.name not in names:
                continue
            small_count, _ = spec.floor(small, 0)
            small_last = max(1, math.ceil(small_count / PER_PAGE))
            large_count, _ = spec.floor(large, 0)
            deep = min(spec.deep_page, math.ceil(large_count / PER_PAGE))
            queries = {
                "small_page_1": _count_queries(coordinator_small, _url(spec, small.slug, 1)),
                f"small_page_{small_last}": _count_queries(coordinator_small, _url(spec, small.slug, small_last)),
                "large_page_1": _count_queries(coordinator_large, _url(spec, large.slug, 1)),
                f"large_page_{deep}": _count_queries(coordinator_large, _url(spec, large.slug, deep)),
            }
            member_queries = _count_queries(member_large, _url(spec, large.slug, 1))
            result = {
                "path": spec.path,
                "rows": {"small": small_count, "large": large_count},
                "queries": queries,
                "query_count_independent_of_size": len(set(queries.values())) == 1,
                "queries_as_plain_member_large_page_1": member_queries,
                "timings": [
                    _timed(spec, coordinator_large, large, 1, repeat),
                    _timed(spec, coordinator_large, large, deep, repeat),
                ],
            }
            if show_queries or not result["query_count_independent_of_size"]:
                result["query_log"] = {
                    "small_page_1": _query_log(coordinator_small, _url(spec, small.slug, 1)),
                    "large_page_1": _query_log(coordinator_large, _url(spec, large.slug, 1)),
                }
            results[spec.name] = result
    return results
