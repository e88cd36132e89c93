"""Spokescouncil pages: opening one, the four-position form, positions side by side, sending back, a group's rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accord.decisions import actions
from accord.decisions.models import GroupMemberView, GroupRule, Proposal, Stance
from tests.decisions.conftest import World, add_kind, build_world, close, in_days

CONSENSUS = {"method": "consensus", "unit": "groups"}


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def client(user: Any) -> Client:
    signed_in = Client()
    signed_in.force_login(user)
    return signed_in


def spokes(world: World) -> Proposal:
    kind = add_kind(world, "spokes_kind", CONSENSUS)
    return actions.open_proposal(
        actor=world.member,
        coalition=world.coalition,
        kind=kind,
        title="Meet on Tuesdays",
        text="We meet on Tuesdays.",
        closes_at=in_days(7),
        process="spokescouncil",
        close_when_all_responded=False,
    )


def page(world: World, proposal: Proposal) -> str:
    return reverse("web:spokescouncil", args=[world.coalition.slug, proposal.pk])


def test_new_proposal_form_opens_a_spokescouncil_and_refuses_people_counted_kinds(world: World) -> None:
    kind = add_kind(world, "spokes_kind", CONSENSUS)
    url = reverse("web:proposal_create", args=[world.coalition.slug])
    form = client(world.member).get(url)
    assert "Run as a spokescouncil" in form.content.decode()
    data = {
        "title": "Meet on Tuesdays",
        "text": "We meet on Tuesdays.",
        "closes_at": in_days(7).strftime("%Y-%m-%dT%H:%M"),
        "results_visibility": "live",
        "stance_visibility": "open",
        "spokescouncil": "on",
    }
    refused = client(world.member).post(url, {**data, "kind": world.kind("meeting_conduct").pk})
    assert refused.status_code == 422
    assert "counted by people, so it cannot run as a spokescouncil" in refused.content.decode()
    assert not Proposal.objects.filter(title="Meet on Tuesdays").exists()
    opened = client(world.member).post(url, {**data, "kind": kind.pk})
    assert opened.status_code == 302
    proposal = Proposal.objects.get(title="Meet on Tuesdays")
    assert (proposal.process, proposal.close_when_all_responded) == ("spokescouncil", True)
    shown = client(world.member).get(opened["Location"]).content.decode()
    assert "Give your group's position and see all positions" in shown


def test_delegate_gives_positions_and_errors_show_beside_the_field(world: World) -> None:
    proposal = spokes(world)
    as_delegate = client(world.delegate)
    shown = as_delegate.get(page(world, proposal)).content.decode()
    assert "Give your group's position" in shown
    assert "Agree with amendments" in shown
    key = f"g{world.group.pk}"
    refused = as_delegate.post(page(world, proposal), {"form": "position", "unit": key, "spokes_position": "amend"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'id="p-' + key + '-amendment-error"' in body
    assert "Write the amendment the group asks for." in body
    assert Stance.objects.filter(round__proposal=proposal).count() == 0
    done = as_delegate.post(
        page(world, proposal),
        {"form": "position", "unit": key, "spokes_position": "amend", "amendment": "Wednesdays, please."},
    )
    assert done.status_code == 302
    stance = Stance.objects.get(round__proposal=proposal)
    assert (stance.spokes_position, stance.position, stance.amendment) == (
        "amend",
        "stand_aside",
        "Wednesdays, please.",
    )
    table = client(world.member).get(page(world, proposal)).content.decode()
    assert "<caption>Positions in round 1</caption>" in table
    assert "Wednesdays, please." in table
    assert "No position yet" in table  # Hull Heat has not answered


def test_send_back_after_a_failed_round_keeps_earlier_rounds(world: World) -> None:
    proposal = spokes(world)
    actions.record_stance(actor=world.delegate, proposal=proposal, spokes_position="block", reason="Not Tuesdays.")
    close(proposal)
    as_author = client(world.member)
    shown = as_author.get(page(world, proposal)).content.decode()
    assert "Send the amended text back to the groups" in shown
    sent = as_author.post(
        page(world, proposal),
        {"form": "send_back", "text": "We meet on Wednesdays.", "closes_at": in_days(5).strftime("%Y-%m-%dT%H:%M")},
    )
    assert sent.status_code == 302, sent.content.decode()
    proposal.refresh_from_db()
    assert (proposal.round_number, proposal.status) == (2, "open")
    after = as_author.get(page(world, proposal)).content.decode()
    assert "We meet on Wednesdays." in after
    assert "<caption>Positions in round 1</caption>" in after
    assert "Not Tuesdays." in after


def test_group_rule_page_and_member_views(world: World) -> None:
    url = reverse("web:group_rule", args=[world.coalition.slug, world.group.pk])
    assert "No internal rule" in client(world.member).get(url).content.decode()
    assert client(world.member).post(url, {"preset": "majority"}).status_code == 403
    refused = client(world.delegate).post(url, {"preset": "nonsense"})
    assert refused.status_code == 422
    assert "Choose how your group settles its position." in refused.content.decode()
    assert GroupRule.objects.count() == 0
    assert client(world.delegate).post(url, {"preset": "consensus"}).status_code == 302
    assert GroupRule.objects.get().rule["method"] == "consensus"
    proposal = spokes(world)
    as_member = client(world.member)
    shown = as_member.get(page(world, proposal)).content.decode()
    assert "Your view for Leeds Action" in shown
    given = as_member.post(
        page(world, proposal),
        {"form": "member_view", "group": world.group.pk, "spokes_position": "block", "reason": "Unsafe."},
    )
    assert given.status_code == 302
    assert GroupMemberView.objects.get().spokes_position == "block"
    settled = client(world.delegate).post(page(world, proposal), {"form": "settle", "group": world.group.pk})
    assert settled.status_code == 302
    stance = Stance.objects.get(round__proposal=proposal)
    assert (stance.spokes_position, stance.reason, stance.recorded_by.name) == ("block", "Unsafe.", "Dev")


def test_the_close_early_button_shows_to_whoever_the_action_lets_close_the_round(world: World) -> None:
    proposal = spokes(world)  # proposed by Mo; Ana coordinates; Fay is neither
    button = "Every group has responded: close the round now"
    actions.record_stance(actor=world.delegate, proposal=proposal, spokes_position="agree")
    assert button not in client(world.coordinator).get(page(world, proposal)).content.decode()  # not everyone yet
    actions.record_stance(actor=world.other_delegate, proposal=proposal, spokes_position="agree")
    shown = {
        name: button in client(user).get(page(world, proposal)).content.decode()
        for name, user in (("coordinator", world.coordinator), ("proposer", world.member), ("other", world.facilitator))
    }
    assert shown == {"coordinator": True, "proposer": True, "other": False}
