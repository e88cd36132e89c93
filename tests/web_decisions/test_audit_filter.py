"""The audit log can be narrowed to decisions: proposals and rounds, stances, decision kinds, agreed weights."""

from __future__ import annotations

import pytest

from accord.coalitions.models import AuditEvent
from tests.web.markup import parse


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        ("proposal", "Proposals and their rounds"),
        ("stance", "Stances given"),
        ("decision_kind", "Decision kinds and their rules"),
    ],
)
def test_the_audit_log_shows_only_the_chosen_kind_of_decision_event(demo, client_for, open_proposal, kind, heading):
    open_proposal(title="Filter me")
    expected = AuditEvent.objects.filter(coalition=demo.coalition, verb__startswith=f"{kind}.").count()
    response = client_for(demo.member).get(f"/c/{demo.coalition.slug}/audit/", {"kind": kind})
    assert response.status_code == 200
    document = parse(response.content.decode())
    title = document.find(id="audit-results-title")
    assert title.text.strip() == f"{heading}: {expected} change{'s' if expected != 1 else ''}"
    # The rows are those events and no others (newest first, as many as fit on the first page).
    shown = [item.find("span", class_="audit-what").text for item in document.find("ol").find_all("li")]
    summaries = AuditEvent.objects.filter(coalition=demo.coalition, verb__startswith=f"{kind}.").order_by(
        "-created_at", "-id"
    )
    assert shown == [f"{event.actor_label} {event.summary}" for event in summaries[: len(shown)]]
    assert len(shown) == min(expected, 50)
