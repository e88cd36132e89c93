"""The proposal page costs the same number of SQL queries however many stances there are (DESIGN.md, Budgets)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.coalitions import actions as coalition_actions
from accord.coalitions import queries as coalition_queries
from accord.decisions import actions
from accord.decisions.models import EligibleUnit, Stance

from .conftest import kind

TARGET = 300


def test_the_proposal_page_makes_as_many_queries_at_300_stances_as_at_3(demo, client_for) -> None:
    # One more eligible than stances, so the "not responded yet" list is never empty (an empty page needs no query).
    # (members still in their induction period are not counted, so they are not eligible)
    extra = TARGET + 1 - coalition_queries.current_people(demo.coalition, counted_at=timezone.now()).count()
    for number in range(extra):
        coalition_actions.record_person(
            actor=demo.coordinator,
            coalition=demo.coalition,
            name=f"Extra member {number:03d}",
            is_individual_member=True,
        )
    proposal = actions.open_proposal(
        actor=demo.member,
        coalition=demo.coalition,
        kind=kind(demo, "meeting_conduct"),  # counted by people
        title="Meet on Tuesdays",
        text="We meet on Tuesdays.",
        closes_at=timezone.now() + timedelta(days=7),
    )
    keys = list(EligibleUnit.objects.filter(round__proposal=proposal).order_by("pk").values_list("key", flat=True))
    assert len(keys) == TARGET + 1
    own = f"p{demo.member_person.pk}"
    others = [key for key in keys if key != own]
    positions = ["agree", "disagree", "abstain"]

    def record(chosen: list[str]) -> None:  # a coordinator records them, as a facilitator would in the room
        for index, key in enumerate(chosen):
            actions.record_stance(
                actor=demo.coordinator, proposal=proposal, unit_key=key, position=positions[index % 3]
            )

    record([own, *others[:2]])
    client = client_for(demo.member)
    path = f"/c/{demo.coalition.slug}/decisions/{proposal.pk}/"
    assert client.get(path).status_code == 200  # the session is read once and cached like any other page
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    record(others[2 : TARGET - 1])  # 300 in all
    assert Stance.objects.filter(round__proposal=proposal, is_current=True).count() == TARGET
    with CaptureQueriesContext(connection) as many:
        response = client.get(path)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        query["sql"] for query in many.captured_queries
    )
    assert f"Responded: {TARGET} of {TARGET + 1}" in response.content.decode()
