"""Two conflicting amendments closing at the same moment, in two threads (two requests, two connections), on
PostgreSQL: exactly one takes effect, the other ends "passed, but could not take effect", and no version number is
lost or doubled."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from accord.agreements import actions
from accord.agreements.models import AgreementVersion, Amendment
from accord.decisions import actions as decision_actions
from accord.decisions.models import Status

from .conftest import agreement, build_world, current_round, found, in_days, respond


@pytest.mark.django_db(transaction=True)
def test_two_conflicting_amendments_closing_at_once_apply_exactly_one() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (scripts/test.sh runs it there): SQLite's test database is one connection")
    world = build_world()
    actions.seed_draft(world.coalition)
    found(world)
    unity = agreement(world, "unity_statement")
    rivals = [
        actions.propose_amendment(
            actor=world.member,
            coalition=world.coalition,
            target="agreement",
            agreement=unity,
            change={"text": text},
            title=text,
            closes_at=in_days(1),
        )
        for text in ("Rivers first.", "People first.")
    ]
    for amendment in rivals:
        respond(world, amendment.proposal)
    rounds = [current_round(amendment.proposal) for amendment in rivals]
    moment = max(round_.closes_at for round_ in rounds) + timedelta(seconds=1)
    start = threading.Barrier(len(rounds))
    errors: list[BaseException] = []

    def close(round_id: int) -> None:
        try:
            start.wait()
            decision_actions.close_round_if_due(round_id=round_id, now=moment)
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(round_.pk,)) for round_ in rounds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert errors == []
    statuses = sorted(Amendment.objects.get(pk=amendment.pk).proposal.status for amendment in rivals)
    assert statuses == sorted([Status.PASSED, Status.NOT_APPLIED])
    numbers = list(AgreementVersion.objects.filter(agreement=unity).order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2]
    winner = next(amendment for amendment in rivals if Amendment.objects.get(pk=amendment.pk).applied_at is not None)
    assert actions.current_version(unity).text == winner.change["text"]
