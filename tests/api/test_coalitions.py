"""The caller (`/me`) and coalitions: list mine, found one, read one (the public basics for anyone), change, leave."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from accord.coalitions.models import AuditEvent, Coalition, MemberGroup, Person

from .conftest import assert_error, snapshot


def iso(moment: Any) -> str | None:
    return None if moment is None else DjangoJSONEncoder().default(moment)


def test_me_shows_the_account_and_each_coalition_with_role(api, demo, elsewhere):
    # The demo's coordinator is also made a member of the second coalition, to see two roles side by side.
    from accord.coalitions import actions

    invitation = actions.create_invitation(
        actor=elsewhere.coordinator, coalition=elsewhere.coalition, member_group=elsewhere.group
    )
    far_person = actions.accept_invitation(actor=demo.coordinator, token=invitation.token)

    response = api(demo.coordinator).get("/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": demo.coordinator.pk,
        "email": "coordinator@demo.example",
        "name": "Amara Okafor",
        "display_name": "Amara Okafor",
        "coalitions": [
            {
                "id": elsewhere.coalition.pk,
                "slug": elsewhere.coalition.slug,
                "name": "Elsewhere Alliance",
                "purpose": "Other things",
                "active_member_group_count": 1,
                "my_role": "member",
                "my_person_id": far_person.pk,
            },
            {
                "id": demo.coalition.pk,
                "slug": demo.coalition.slug,
                "name": "Northern Climate Action Network",
                "purpose": demo.coalition.purpose,
                "active_member_group_count": 20,
                "my_role": "coordinator",
                "my_person_id": demo.coordinator_person.pk,
            },
        ],
    }


def test_me_of_an_outsider_lists_no_coalitions(api, outsider):
    body = api(outsider).get("/me").json()
    assert body["coalitions"] == []
    assert body["email"] == "outsider@demo.example"


def test_me_needs_a_caller(api, demo):
    assert_error(api(None).get("/me"), 401, "not_signed_in")


def test_list_my_coalitions(api, demo):
    response = api(demo.member).get("/coalitions")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "page": 1,
        "page_size": 50,
        "items": [
            {
                "id": demo.coalition.pk,
                "slug": demo.coalition.slug,
                "name": demo.coalition.name,
                "purpose": demo.coalition.purpose,
                "active_member_group_count": 20,
                "my_role": "member",
                "my_person_id": demo.member_person.pk,
            }
        ],
    }
    assert api(demo.outsider).get("/coalitions").json() == {"count": 0, "page": 1, "page_size": 50, "items": []}
    # A former member no longer lists it.
    assert api(demo.former_member).get("/coalitions").json()["count"] == 0


def test_found_a_coalition(api, outsider):
    response = api(outsider).post(
        "/coalitions",
        {"name": "  Tenants Together ", "purpose": "Fair rents", "membership_questions": ["Who are you?", " Why?  "]},
    )

    assert response.status_code == 201
    coalition = Coalition.objects.get(name="Tenants Together")
    founder = Person.objects.get(coalition=coalition)
    assert response.json() == {
        "id": coalition.pk,
        "slug": "tenants-together",
        "name": "Tenants Together",
        "purpose": "Fair rents",
        "membership_questions": ["Who are you?", "Why?"],
        "active_member_group_count": 0,
        "created_at": iso(coalition.created_at),
        "my_role": "coordinator",
        "my_person_id": founder.pk,
        "my_delegate_of": [],
        "people_count": 1,
        "pending_application_count": 0,
    }
    assert (founder.user, founder.is_coordinator) == (outsider, True)
    assert list(AuditEvent.objects.filter(coalition=coalition).order_by("pk").values_list("verb", flat=True)) == [
        "coalition.created",
        "decision_kind.adopted_defaults",
        "constitution.drafted",  # founding seeds the draft constitution (accord.agreements.actions.found_coalition)
    ]
    assert coalition.constitution_adopted_at is None


def test_get_a_coalition_anonymously_shows_the_public_basics_only(api, demo):
    response = api(None).get(f"/coalitions/{demo.coalition.slug}")

    assert response.status_code == 200
    assert response.json() == {
        "id": demo.coalition.pk,
        "slug": "northern-climate-action-network",
        "name": "Northern Climate Action Network",
        "purpose": demo.coalition.purpose,
        "membership_questions": demo.coalition.question_list,
        "active_member_group_count": 20,
        "created_at": iso(demo.coalition.created_at),
        "my_role": "anonymous",
        "my_person_id": None,
        "my_delegate_of": [],
        "people_count": None,
        "pending_application_count": None,
    }


def test_get_a_coalition_as_outsider_delegate_and_coordinator(api, demo):
    slug = demo.coalition.slug
    people = Person.objects.filter(coalition=demo.coalition, left_at__isnull=True).count()

    outsider = api(demo.outsider).get(f"/coalitions/{slug}").json()
    assert (outsider["my_role"], outsider["people_count"], outsider["my_person_id"]) == ("outsider", None, None)

    delegate = api(demo.delegate).get(f"/coalitions/{slug}").json()
    assert delegate["my_role"] == "member"
    assert delegate["my_person_id"] == demo.delegate_person.pk
    assert delegate["my_delegate_of"] == [demo.delegate_group.pk]
    assert delegate["people_count"] == people
    assert delegate["pending_application_count"] is None

    coordinator = api(demo.coordinator).get(f"/coalitions/{slug}").json()
    assert coordinator["my_role"] == "coordinator"
    assert coordinator["pending_application_count"] == 2


def test_get_an_unknown_coalition(api, demo):
    body = assert_error(api(None).get("/coalitions/no-such-place"), 404, "not_found")
    assert body["message"] == "There is no coalition at “no-such-place”. Check the address."


def test_change_a_coalition(api, demo):
    response = api(demo.coordinator).patch(
        f"/coalitions/{demo.coalition.slug}", {"name": "Northern Climate Network", "membership_questions": ["Why?"]}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["purpose"], body["membership_questions"]) == (
        "Northern Climate Network",
        demo.coalition.purpose,  # omitted: unchanged
        ["Why?"],
    )
    demo.coalition.refresh_from_db()
    assert (demo.coalition.name, demo.coalition.membership_questions) == ("Northern Climate Network", "Why?")
    assert demo.coalition.slug == "northern-climate-action-network"  # the address does not move
    event = AuditEvent.objects.filter(coalition=demo.coalition).order_by("-pk").first()
    assert (event.verb, event.data) == ("coalition.updated", {"changed": ["membership_questions", "name"]})


def test_leave_the_coalition(api, demo):
    response = api(demo.member).post(f"/coalitions/{demo.coalition.slug}/leave", {"reason": "Moving away"})

    assert response.status_code == 200
    body = response.json()
    demo.member_person.refresh_from_db()
    assert body == {
        "id": demo.member_person.pk,
        "name": "Daniel Murphy",
        "label": "Daniel Murphy (former member)",
        "is_active": False,
        "email": "member@demo.example",
        "has_account": True,
        "is_coordinator": False,
        "is_individual_member": False,
        "joined_at": iso(demo.member_person.joined_at),
        "left_at": iso(demo.member_person.left_at),
        "member_groups": [],
    }
    assert demo.member_person.leave_reason == "Moving away"
    # Now an outsider: the member lists are closed to them.
    assert_error(api(demo.member).get(f"/coalitions/{demo.coalition.slug}/people"), 403, "not_allowed")


def test_leave_without_a_body(api, demo):
    client = api(demo.member)
    response = client.client.generic(
        "POST", f"/api/v1/coalitions/{demo.coalition.slug}/leave", "", headers=client.headers
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False


def test_the_only_coordinator_cannot_leave_while_others_remain(api, demo):
    from accord.coalitions import actions

    actions.set_coordinator(actor=demo.coordinator, person=demo.second_coordinator_person, is_coordinator=False)
    body = assert_error(api(demo.coordinator).post(f"/coalitions/{demo.coalition.slug}/leave"), 409, "conflict")
    assert body["message"].startswith("You are the only coordinator.")
    assert MemberGroup.objects.filter(coalition=demo.coalition, left_at__isnull=True).count() == 20


def test_leaving_twice_is_a_conflict_that_says_when(api, demo):
    client = api(demo.member)
    path = f"/coalitions/{demo.coalition.slug}/leave"
    assert client.post(path, {"reason": "Moving away"}).status_code == 200
    demo.member_person.refresh_from_db()
    before = snapshot()

    body = assert_error(client.post(path, {"reason": "Again"}), 409, "conflict")

    assert body["message"] == (
        f"You already left Northern Climate Action Network, on {demo.member_person.left_at:%d %B %Y}."
    )
    assert snapshot() == before
