"""Member groups, people and their group memberships (affiliations): each endpoint's happy path, field by field."""

from __future__ import annotations

from django.db.models import F

from accord.coalitions import actions
from accord.coalitions.models import Affiliation, AuditEvent, MemberGroup, Person

from .conftest import assert_error, snapshot
from .test_coalitions import iso


def ref(thing) -> dict:
    return {"id": thing.pk, "name": thing.name, "label": thing.label, "is_active": thing.is_active}


def refreshed(row):
    row.refresh_from_db()
    return row


def last_event(coalition) -> AuditEvent:
    return AuditEvent.objects.filter(coalition=coalition).order_by("-pk").first()


# --- member groups ---------------------------------------------------------------------------------------------


def test_list_member_groups(api, demo):
    response = api(demo.member).get(f"/coalitions/{demo.coalition.slug}/member-groups")

    assert response.status_code == 200
    body = response.json()
    active = MemberGroup.objects.filter(coalition=demo.coalition, left_at__isnull=True).order_by("name")
    assert body["count"] == 20
    assert [item["name"] for item in body["items"]] == [group.name for group in active]
    leeds = next(item for item in body["items"] if item["id"] == demo.delegate_group.pk)
    group = demo.delegate_group
    delegates = Person.objects.filter(
        affiliations__member_group=group, affiliations__is_delegate=True, affiliations__ended_at__isnull=True
    ).order_by("name")
    assert leeds == {
        "id": group.pk,
        "name": "Leeds Climate Action",
        "label": "Leeds Climate Action",
        "is_active": True,
        "description": group.description,
        "size": 85,
        "contact_name": group.contact_name,
        "contact_email": group.contact_email,
        "joined_at": iso(group.joined_at),
        "left_at": None,
        "leave_reason": "",
        "people_count": Affiliation.objects.filter(member_group=group, ended_at__isnull=True).count(),
        "delegates": [ref(person) for person in delegates],
    }
    assert demo.delegate_person.pk in [person["id"] for person in leeds["delegates"]]


def test_list_member_groups_with_former_ones_and_search(api, demo):
    client = api(demo.member)
    slug = demo.coalition.slug

    with_former = client.get(f"/coalitions/{slug}/member-groups", {"include_former": "true"}).json()
    assert with_former["count"] == 21
    former = next(item for item in with_former["items"] if not item["is_active"])
    assert (former["id"], former["is_active"], former["label"]) == (
        demo.left_group.pk,
        False,
        "Scarborough Coastal Watch (former member)",
    )
    assert former["left_at"] == iso(demo.left_group.left_at)
    assert former["leave_reason"] == demo.left_group.leave_reason

    found = client.get(f"/coalitions/{slug}/member-groups", {"search": "leeds"}).json()
    assert [item["name"] for item in found["items"]] == ["Leeds Climate Action"]


def test_add_a_member_group(api, demo):
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/member-groups",
        {"name": "Sheffield Tree Action", "size": 30, "contact_email": "Trees@Sheffield.example"},
    )

    assert response.status_code == 201
    group = MemberGroup.objects.get(name="Sheffield Tree Action")
    assert response.json() == {
        "id": group.pk,
        "name": "Sheffield Tree Action",
        "label": "Sheffield Tree Action",
        "is_active": True,
        "description": "",
        "size": 30,
        "contact_name": "",
        "contact_email": "trees@sheffield.example",
        "joined_at": iso(group.joined_at),
        "left_at": None,
        "leave_reason": "",
        "people_count": 0,
        "delegates": [],
        "people": [],
    }
    assert last_event(demo.coalition).verb == "member_group.added"


def test_get_a_member_group_with_its_people_delegates_first(api, demo):
    response = api(demo.member).get(f"/coalitions/{demo.coalition.slug}/member-groups/{demo.delegate_group.pk}")

    assert response.status_code == 200
    body = response.json()
    current = (
        Affiliation.objects.filter(member_group=demo.delegate_group, ended_at__isnull=True)
        .select_related("person")
        .order_by("-is_delegate", "person__name")
    )
    assert body["people"] == [
        {
            "affiliation_id": affiliation.pk,
            "person": ref(affiliation.person),
            "is_delegate": affiliation.is_delegate,
            "started_at": iso(affiliation.started_at),
        }
        for affiliation in current
    ]
    assert body["people_count"] == len(current)
    assert body["delegates"] == [ref(a.person) for a in current if a.is_delegate]


def test_a_delegate_changes_their_group(api, demo):
    response = api(demo.delegate).patch(
        f"/coalitions/{demo.coalition.slug}/member-groups/{demo.delegate_group.pk}", {"size": 90}
    )

    assert response.status_code == 200
    assert (response.json()["size"], response.json()["name"]) == (90, "Leeds Climate Action")
    demo.delegate_group.refresh_from_db()
    assert demo.delegate_group.size == 90
    event = last_event(demo.coalition)
    assert (event.verb, event.data) == ("member_group.updated", {"changed": ["size"], "size": {"from": 85, "to": 90}})


def test_a_delegate_takes_their_group_out(api, demo):
    group = demo.delegate_group
    response = api(demo.delegate).post(
        f"/coalitions/{demo.coalition.slug}/member-groups/{group.pk}/leave", {"reason": "Merging with another"}
    )

    assert response.status_code == 200
    group.refresh_from_db()
    body = response.json()
    assert (body["is_active"], body["label"], body["leave_reason"]) == (
        False,
        "Leeds Climate Action (former member)",
        "Merging with another",
    )
    assert (body["people"], body["people_count"], body["left_at"]) == ([], 0, iso(group.left_at))
    assert not Affiliation.objects.filter(member_group=group, ended_at__isnull=True).exists()


# --- people ----------------------------------------------------------------------------------------------------


def test_list_people_hides_addresses_from_members(api, demo):
    body = api(demo.member).get(f"/coalitions/{demo.coalition.slug}/people", {"page_size": 200}).json()

    assert body["count"] == Person.objects.filter(coalition=demo.coalition, left_at__isnull=True).count()
    me = next(item for item in body["items"] if item["id"] == demo.member_person.pk)
    leeds = demo.delegate_group
    affiliation = Affiliation.objects.get(person=demo.member_person, member_group=leeds)
    assert me == {
        "id": demo.member_person.pk,
        "name": "Daniel Murphy",
        "label": "Daniel Murphy",
        "is_active": True,
        "email": "member@demo.example",  # their own
        "has_account": True,
        "is_coordinator": False,
        "is_individual_member": False,
        "joined_at": iso(demo.member_person.joined_at),
        "left_at": None,
        "member_groups": [{"affiliation_id": affiliation.pk, "member_group": ref(leeds), "is_delegate": False}],
    }
    others = [item for item in body["items"] if item["id"] != demo.member_person.pk]
    assert {item["email"] for item in others} == {None}


def test_list_people_shows_addresses_to_coordinators_and_former_members_on_request(api, demo):
    body = (
        api(demo.coordinator)
        .get(f"/coalitions/{demo.coalition.slug}/people", {"include_former": "true", "page_size": 200})
        .json()
    )

    assert body["count"] == Person.objects.filter(coalition=demo.coalition).count()
    delegate = next(item for item in body["items"] if item["id"] == demo.delegate_person.pk)
    assert delegate["email"] == "delegate@demo.example"
    former = next(item for item in body["items"] if item["id"] == demo.former_member_person.pk)
    assert (former["is_active"], former["label"]) == (False, "Oliver Bennett (former member)")


def test_get_a_person_with_former_memberships(api, demo):
    stayer = Person.objects.get(coalition=demo.coalition, name="Ewan Clarke")
    affiliations = (
        Affiliation.objects.filter(person=stayer)
        .select_related("member_group")
        .order_by(F("ended_at").asc(nulls_first=True))  # current first, on every database
    )

    response = api(demo.coordinator).get(f"/coalitions/{demo.coalition.slug}/people/{stayer.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["leave_reason"] == ""
    assert body["affiliations"] == [
        {
            "id": affiliation.pk,
            "person": ref(stayer),
            "member_group": ref(affiliation.member_group),
            "is_delegate": affiliation.is_delegate,
            "is_active": affiliation.is_active,
            "started_at": iso(affiliation.started_at),
            "ended_at": iso(affiliation.ended_at),
            "end_reason": affiliation.end_reason,
        }
        for affiliation in affiliations
    ]
    assert sorted((a["member_group"]["label"], a["is_active"]) for a in body["affiliations"]) == [
        ("Scarborough Coastal Watch (former member)", False),
        ("Whitby Fishing Families", True),
    ]
    assert [group["member_group"]["name"] for group in body["member_groups"]] == ["Whitby Fishing Families"]


def test_record_a_person(api, demo):
    leeds, manchester = demo.delegate_group, demo.big_group
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/people",
        {"name": "Nia Jones", "email": "nia@example.org", "member_groups": [leeds.pk], "delegate_of": [manchester.pk]},
    )

    assert response.status_code == 201
    person = Person.objects.get(name="Nia Jones")
    in_leeds = Affiliation.objects.get(person=person, member_group=leeds)
    in_manchester = Affiliation.objects.get(person=person, member_group=manchester)
    body = response.json()
    assert {key: body[key] for key in ("id", "name", "email", "has_account", "is_individual_member")} == {
        "id": person.pk,
        "name": "Nia Jones",
        "email": "nia@example.org",
        "has_account": False,
        "is_individual_member": False,
    }
    assert body["member_groups"] == [
        {"affiliation_id": in_leeds.pk, "member_group": ref(leeds), "is_delegate": False},
        {"affiliation_id": in_manchester.pk, "member_group": ref(manchester), "is_delegate": True},
    ]
    assert [a["id"] for a in body["affiliations"]] == [in_leeds.pk, in_manchester.pk]
    assert last_event(demo.coalition).verb == "person.recorded"


def test_a_person_changes_their_own_name(api, demo):
    response = api(demo.member).patch(
        f"/coalitions/{demo.coalition.slug}/people/{demo.member_person.pk}", {"name": "Dan Murphy"}
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["email"]) == ("Dan Murphy", "member@demo.example")
    demo.member_person.refresh_from_db()
    assert demo.member_person.name == "Dan Murphy"


def test_only_a_coordinator_changes_individual_membership(api, demo):
    path = f"/coalitions/{demo.coalition.slug}/people/{demo.member_person.pk}"
    assert_error(
        api(demo.member).patch(path, {"is_individual_member": True}), 403, "not_allowed", field="is_individual_member"
    )
    response = api(demo.coordinator).patch(path, {"is_individual_member": True})
    assert response.json()["is_individual_member"] is True


def test_make_and_unmake_a_coordinator(api, demo):
    path = f"/coalitions/{demo.coalition.slug}/people/{demo.delegate_person.pk}/coordinator"
    client = api(demo.coordinator)

    made = client.put(path, {"is_coordinator": True})
    assert (made.status_code, made.json()["is_coordinator"]) == (200, True)
    assert last_event(demo.coalition).verb == "person.coordinator_added"
    unmade = client.put(path, {"is_coordinator": False})
    assert (unmade.status_code, unmade.json()["is_coordinator"]) == (200, False)
    demo.delegate_person.refresh_from_db()
    assert demo.delegate_person.is_coordinator is False


def test_add_a_person_to_a_member_group(api, demo):
    response = api(demo.coordinator).post(
        f"/coalitions/{demo.coalition.slug}/people/{demo.member_person.pk}/affiliations",
        {"member_group": demo.big_group.pk, "is_delegate": True},
    )

    assert response.status_code == 201
    affiliation = Affiliation.objects.get(person=demo.member_person, member_group=demo.big_group)
    assert response.json() == {
        "id": affiliation.pk,
        "person": ref(demo.member_person),
        "member_group": ref(demo.big_group),
        "is_delegate": True,
        "is_active": True,
        "started_at": iso(affiliation.started_at),
        "ended_at": None,
        "end_reason": "",
    }


def test_a_delegate_makes_a_member_of_their_group_a_delegate(api, demo):
    affiliation = Affiliation.objects.get(person=demo.member_person, member_group=demo.delegate_group)
    response = api(demo.delegate).patch(
        f"/coalitions/{demo.coalition.slug}/affiliations/{affiliation.pk}", {"is_delegate": True}
    )
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["is_delegate"]) == (affiliation.pk, True)
    affiliation.refresh_from_db()
    assert affiliation.is_delegate is True


def test_a_person_leaves_one_of_their_groups(api, demo):
    second = actions.add_affiliation(actor=demo.coordinator, person=demo.member_person, member_group=demo.big_group)
    response = api(demo.member).post(
        f"/coalitions/{demo.coalition.slug}/affiliations/{second.pk}/end", {"reason": "Too far"}
    )
    assert response.status_code == 200
    second.refresh_from_db()
    body = response.json()
    assert (body["is_active"], body["ended_at"], body["end_reason"]) == (False, iso(second.ended_at), "Too far")


def test_ending_the_only_membership_is_a_conflict(api, demo):
    only = Affiliation.objects.get(person=demo.member_person, member_group=demo.delegate_group)
    body = assert_error(
        api(demo.member).post(f"/coalitions/{demo.coalition.slug}/affiliations/{only.pk}/end"), 409, "conflict"
    )
    assert "only membership" in body["message"]
    only.refresh_from_db()
    assert only.ended_at is None


# --- delegates: more may be named, one may step down, none may push another out --------------------------------


def leeds_affiliation(demo, name: str) -> Affiliation:
    return Affiliation.objects.get(person__name=name, member_group=demo.delegate_group, ended_at=None)


def test_a_delegate_cannot_end_another_delegates_role(api, demo):
    other = leeds_affiliation(demo, "Joseph Kamara")
    assert other.is_delegate
    client = api(demo.delegate)
    before = snapshot()

    response = client.patch(f"/coalitions/{demo.coalition.slug}/affiliations/{other.pk}", {"is_delegate": False})

    body = assert_error(response, 403, "not_allowed", field="is_delegate")
    assert body["message"] == (
        "A delegate can name more delegates of Leeds Climate Action and give up their own role, but only a "
        "coordinator can end someone else’s."
    )
    assert snapshot() == before
    assert refreshed(other).is_delegate is True


def test_a_delegate_steps_down_while_another_remains(api, demo):
    own = leeds_affiliation(demo, "Priya Shah")
    response = api(demo.delegate).patch(
        f"/coalitions/{demo.coalition.slug}/affiliations/{own.pk}", {"is_delegate": False}
    )

    assert response.status_code == 200
    assert (response.json()["is_delegate"], refreshed(own).is_delegate) == (False, False)
    assert leeds_affiliation(demo, "Joseph Kamara").is_delegate is True


def test_the_last_delegate_cannot_step_down(api, demo):
    other = leeds_affiliation(demo, "Joseph Kamara")
    actions.set_delegate(actor=demo.coordinator, affiliation=other, is_delegate=False)  # a coordinator may
    own = leeds_affiliation(demo, "Priya Shah")
    client = api(demo.delegate)
    before = snapshot()

    response = client.patch(f"/coalitions/{demo.coalition.slug}/affiliations/{own.pk}", {"is_delegate": False})

    body = assert_error(response, 409, "conflict", field="is_delegate")
    assert body["message"] == (
        "Priya Shah is the only delegate of Leeds Climate Action: name another delegate first, so the group can "
        "still act in the coalition."
    )
    assert snapshot() == before
    assert refreshed(own).is_delegate is True


def test_a_coordinator_may_end_the_last_delegates_role(api, demo):
    actions.set_delegate(
        actor=demo.coordinator, affiliation=leeds_affiliation(demo, "Joseph Kamara"), is_delegate=False
    )
    own = leeds_affiliation(demo, "Priya Shah")

    response = api(demo.coordinator).patch(
        f"/coalitions/{demo.coalition.slug}/affiliations/{own.pk}", {"is_delegate": False}
    )

    assert (response.status_code, response.json()["is_delegate"]) == (200, False)
    assert not Affiliation.objects.filter(member_group=demo.delegate_group, ended_at=None, is_delegate=True).exists()
