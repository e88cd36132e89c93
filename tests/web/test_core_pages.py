"""The core pages (home, coalition, member groups, people) through Django's test client, for each persona.

Personas (tests/personas.py, the demo coalition "Northern Climate Action Network"): `coordinator` Amara Okafor;
`delegate` Priya Shah, delegate of Leeds Climate Action; `member` Daniel Murphy, member of Leeds Climate Action;
`outsider` Sam Taylor, an account with no place in the coalition; and anonymous visitors (None).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accord.accounts.actions import create_user
from accord.coalitions import actions
from accord.coalitions.models import Affiliation, AuditEvent, Coalition, MemberGroup, Person

from .markup import Element, labelled_inputs_problems, parse

LEEDS = "Leeds Climate Action"


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def page_of(response) -> Element:
    return parse(response.content)


def main_text(response) -> str:
    return page_of(response).find("main").text


def assert_login_redirect(response, path: str) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert path.split("?")[0] in response["Location"].replace("%2F", "/")


def assert_refused(response, status: int, message: str) -> None:
    assert response.status_code == status
    document = page_of(response)
    assert document.find("p", class_="refusal").text == message


def audit_count(demo) -> int:
    return AuditEvent.objects.filter(coalition=demo.coalition).count()


def nav_links(response) -> list[str]:
    nav = page_of(response).find_all("nav", class_="coalition-nav")
    return [link.text for link in nav[0].find_all("a")] if nav else []


def field_error(document: Element, field_id: str) -> str:
    return document.find(id=f"{field_id}_error").text.removeprefix("Error: ")


# --- the layout on every page -----------------------------------------------------------------------------------


def every_page(demo) -> list[str]:
    group, person = demo.delegate_group.pk, demo.member_person.pk
    return [
        "/",
        "/c/new/",
        url(demo),
        url(demo, "settings/"),
        url(demo, "groups/"),
        url(demo, "groups/?former=1"),
        url(demo, "groups/new/"),
        url(demo, f"groups/{group}/"),
        url(demo, f"groups/{group}/edit/"),
        url(demo, f"groups/{demo.left_group.pk}/"),
        url(demo, "people/"),
        url(demo, "people/new/"),
        url(demo, f"people/{person}/"),
        url(demo, f"people/{person}/edit/"),
        url(demo, f"people/{demo.unclaimed_person.pk}/"),
    ]


def test_every_core_page_has_one_h1_a_title_a_skip_link_and_labels_on_every_input(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    for path in every_page(demo):
        response = client.get(path)
        assert response.status_code == 200, path
        document = page_of(response)
        assert len(document.find_all("h1")) == 1, path
        title = document.find("title").text
        assert title.endswith(" – Accord") and len(title) > len(" – Accord"), (path, title)
        first_link = document.find_all("a")[0]
        assert (first_link.attrs["href"], first_link.text) == ("#main", "Skip to main content"), path
        assert document.find("main").attrs["id"] == "main"
        assert document.find(id="messages").attrs["aria-live"] == "polite"
        assert labelled_inputs_problems(document) == [], path
        # The language, the viewport, no favicon request, htmx loaded without blocking.
        assert document.find("html").attrs["lang"] == "en"
        assert document.find("link", rel="icon").attrs["href"] == "data:,"
        assert "defer" in document.find("script", src="/static/web/htmx.min.js").attrs


def test_titles_say_what_the_page_is(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    name = demo.coalition.name
    expected = {
        url(demo): f"{name} – Accord",
        url(demo, "groups/"): f"Member groups – {name} – Accord",
        url(demo, f"groups/{demo.delegate_group.pk}/"): f"{LEEDS} – {name} – Accord",
        url(demo, f"groups/{demo.left_group.pk}/"): f"Scarborough Coastal Watch (former member) – {name} – Accord",
        url(demo, "people/new/"): f"Record a person – {name} – Accord",
        url(demo, f"people/{demo.former_member_person.pk}/"): f"Oliver Bennett (former member) – {name} – Accord",
    }
    for path, title in expected.items():
        assert page_of(client.get(path)).find("title").text == title


def test_the_account_menu_signs_out_by_post_and_links_to_api_tokens(demo, client_for) -> None:
    document = page_of(client_for(demo.member).get("/"))
    menu = document.find("nav", aria_label="Your account")
    assert "Signed in as Daniel Murphy" in menu.text
    assert menu.find("a", href="/account/tokens/").text == "API tokens"
    form = menu.find("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/accounts/logout/")
    assert form.find("button").text == "Sign out"

    anonymous = page_of(Client().get("/")).find("nav", aria_label="Your account")
    assert [link.text for link in anonymous.find_all("a")] == ["Sign in", "Sign up"]


def test_the_coalition_nav_shows_only_what_the_viewer_may_use(demo, client_for) -> None:
    assert nav_links(client_for(None).get(url(demo))) == ["Home", "Join"]
    assert nav_links(client_for(demo.outsider).get(url(demo))) == ["Home", "Join"]
    assert nav_links(client_for(demo.member).get(url(demo))) == [
        "Home",
        "Member groups",
        "People",
        "Decisions",
        "Constitution",
        "Red lines",
        "Induction",
        "Meetings",
        "Tasks",
        "Catch up",
        "Audit log",
    ]
    assert nav_links(client_for(demo.delegate).get(url(demo))) == [
        "Home",
        "Member groups",
        "People",
        "Decisions",
        "Constitution",
        "Red lines",
        "Induction",
        "Meetings",
        "Tasks",
        "Catch up",
        "Invitations",
        "Audit log",
    ]
    assert nav_links(client_for(demo.coordinator).get(url(demo))) == [
        "Home",
        "Member groups",
        "People",
        "Decisions",
        "Constitution",
        "Red lines",
        "Induction",
        "Meetings",
        "Tasks",
        "Catch up",
        "Applications",
        "Invitations",
        "Audit log",
    ]
    for path, here in (
        ("people/", "People"),
        ("meetings/", "Meetings"),
        ("tasks/", "Tasks"),
        ("catch-up/", "Catch up"),
    ):
        document = page_of(client_for(demo.member).get(url(demo, path)))
        nav = document.find("nav", class_="coalition-nav")
        assert [link.text for link in nav.find_all("a", aria_current="page")] == [here], path


# --- home ---------------------------------------------------------------------------------------------------------


def test_home_for_an_anonymous_visitor_says_what_accord_is(db) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    document = page_of(response)
    assert document.find("h1").text == "Accord: agree, decide and organise together"
    main = document.find("main")
    assert [link.text for link in main.find_all("a", class_="button")] == ["Sign up"]
    assert main.find("a", href="/accounts/login/").text == "Sign in"


def test_home_lists_your_coalitions_with_their_group_counts(demo, client_for) -> None:
    document = page_of(client_for(demo.coordinator).get("/"))
    assert document.find("h1").text == "Your coalitions"
    card = document.find("li", class_="card")
    assert card.find("a").attrs["href"] == url(demo)
    assert card.find("a").text == demo.coalition.name
    assert card.find("p", class_="meta").text == "20 member groups"
    assert document.find("a", href="/c/new/").text == "Start a coalition"


def test_home_lists_your_applications_and_not_other_peoples(demo, client_for) -> None:
    applicant = demo.pending_group_application.applicant
    text = main_text(client_for(applicant).get("/"))
    assert "You are not a member of any coalition yet." in text
    assert f"To join {demo.coalition.name} as Sheffield Tenants for Climate: Waiting for a decision" in text
    assert "You have not applied to join a coalition." in main_text(client_for(demo.outsider).get("/"))


# --- coalitions ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, "outsider"])
def test_an_outsider_sees_the_coalition_purpose_and_how_to_join_but_no_members(demo, client_for, persona) -> None:
    response = client_for(getattr(demo, persona) if persona else None).get(url(demo))
    assert response.status_code == 200
    document = page_of(response)
    assert document.find("h1").text == demo.coalition.name
    text = document.find("main").text
    assert demo.coalition.purpose in text
    assert "20 member groups." in text
    assert document.find("main").find("a", href=url(demo, "join/")).text == f"Apply to join {demo.coalition.name}"
    for private in ("Recent activity", "Member groups", LEEDS, "Priya Shah", "57 people"):
        assert private not in text


def test_an_applicant_sees_their_waiting_application_instead_of_apply(demo, client_for) -> None:
    application = demo.pending_individual_application
    document = page_of(client_for(application.applicant).get(url(demo)))
    link = document.find("main").find("a", href=url(demo, f"applications/{application.pk}/"))
    assert link.text == "See your application"
    assert document.find("main").find_all("a", href=url(demo, "join/")) == []


def test_a_member_sees_groups_people_activity_and_their_own_standing(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo))
    document = page_of(response)
    text = document.find("main").text
    assert "20 member groups and 57 people." in text
    assert f"You are a member of {LEEDS}." in text
    assert "You are a coordinator" not in text and "delegate of" not in text
    assert document.find("a", href=url(demo, "leave/")).text == "Leave the coalition"
    rows = document.find("section", aria_labelledby="groups-heading").find("tbody").find_all("tr")
    assert len(rows) == 12
    leeds = next(row for row in rows if row.find("th").text == LEEDS)
    assert [cell.text for cell in leeds.find_all("td")] == ["85", "Joseph Kamara, Priya Shah"]
    section = document.find("section", aria_labelledby="groups-heading")
    assert section.find("a", href=url(demo, "groups/")).text == "See all 20 member groups"
    assert section.find("a", href=url(demo, "people/")).text == "See all 57 people"
    activity = document.find("section", aria_labelledby="activity-heading").find("ul").find_all("li")
    assert len(activity) == 10
    newest = AuditEvent.objects.filter(coalition=demo.coalition).order_by("-created_at", "-id").first()
    # The demo ends by naming the facilitator of the upcoming spokescouncil.
    assert (newest.verb, newest.summary) == (
        "meeting.role_assigned",
        "asked Marcus Johnson to be the facilitator of “Spokescouncil: the budget, round 2”",
    )
    assert activity[0].text.startswith(f"{newest.actor_name} {newest.summary}")
    assert "Coordinating" not in text and "applications waiting" not in text


def test_a_delegate_is_told_which_group_they_carry(demo, client_for) -> None:
    text = main_text(client_for(demo.delegate).get(url(demo)))
    assert f"Delegate You are a delegate of {LEEDS}." in text


def test_a_coordinator_sees_the_waiting_applications_and_what_to_do(demo, client_for) -> None:
    document = page_of(client_for(demo.coordinator).get(url(demo)))
    text = document.find("main").text
    assert f"Coordinator You are a coordinator of {demo.coalition.name}." in text
    assert "You are an individual member." in text
    assert (
        document.find("main").find("a", href=url(demo, "applications/")).text == "2 applications waiting for a decision"
    )
    links = document.find("section", aria_labelledby="coordinate-heading").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in links] == [
        ("2 applications waiting for a decision", url(demo, "applications/")),
        ("Add a member group", url(demo, "groups/new/")),
        ("Record a person", url(demo, "people/new/")),
        ("Invite someone", url(demo, "invitations/")),
        ("Change the settings", url(demo, "settings/")),
    ]


def test_an_unknown_coalition_is_a_404_that_says_so(db) -> None:
    response = Client().get("/c/no-such-place/")
    assert_refused(response, 404, "There is no coalition at “no-such-place”. Check the address.")
    assert page_of(response).find("h1").text == "Not found"


def test_starting_a_coalition_makes_you_its_coordinator(demo, client_for) -> None:
    client = client_for(demo.outsider)
    assert client.get("/c/new/").status_code == 200
    response = client.post(
        "/c/new/",
        {
            "name": "Tees Valley Heat",
            "purpose": "Warm homes in the Tees valley.",
            "membership_questions": "Who are you?\nWhy join?",
        },
    )
    coalition = Coalition.objects.get(name="Tees Valley Heat")
    assert response.status_code == 302 and response["Location"] == f"/c/{coalition.slug}/"
    assert coalition.question_list == ["Who are you?", "Why join?"]
    person = Person.objects.get(coalition=coalition, user=demo.outsider)
    assert person.is_coordinator
    followed = client.get(response["Location"])
    assert page_of(followed).find(id="messages").text == "You started Tees Valley Heat. You are its first coordinator."


def test_starting_a_coalition_needs_an_account(db) -> None:
    assert_login_redirect(Client().get("/c/new/"), "/c/new/")
    assert_login_redirect(Client().post("/c/new/", {"name": "X", "purpose": "Y"}), "/c/new/")
    assert not Coalition.objects.filter(name="X").exists()


def test_starting_a_coalition_without_a_purpose_says_so_beside_the_field(demo, client_for) -> None:
    response = client_for(demo.outsider).post("/c/new/", {"name": "Tees Valley Heat", "purpose": "   "})
    assert response.status_code == 422
    document = page_of(response)
    assert field_error(document, "id_purpose") == "Enter the coalition's purpose."
    purpose = document.find("textarea", id="id_purpose")
    assert purpose.attrs["aria-invalid"] == "true"
    assert purpose.attrs["aria-describedby"] == "id_purpose_help id_purpose_error"
    summary = document.find("div", class_="error-summary")
    assert summary.attrs["role"] == "alert"
    assert summary.find("a", href="#id_purpose").text == "Enter the coalition's purpose."
    assert document.find("input", id="id_name").attrs["value"] == "Tees Valley Heat"
    assert "aria-invalid" not in document.find("input", id="id_name").attrs
    assert not Coalition.objects.filter(name="Tees Valley Heat").exists()


def test_a_coordinator_changes_the_settings(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    document = page_of(client.get(url(demo, "settings/")))
    assert document.find("input", id="id_name").attrs["value"] == demo.coalition.name
    response = client.post(
        url(demo, "settings/"), {"name": demo.coalition.name, "purpose": "Fair and fast.", "membership_questions": ""}
    )
    assert response.status_code == 302 and response["Location"] == url(demo)
    demo.coalition.refresh_from_db()
    assert (demo.coalition.purpose, demo.coalition.membership_questions) == ("Fair and fast.", "")
    event = AuditEvent.objects.filter(coalition=demo.coalition).first()
    assert event.summary == "changed the coalition's purpose, membership questions"


@pytest.mark.parametrize("persona", ["delegate", "member", "outsider"])
def test_only_a_coordinator_may_change_the_settings(demo, client_for, persona) -> None:
    client = client_for(getattr(demo, persona))
    before = audit_count(demo)
    message = "Only a coordinator of this coalition can do this."
    assert_refused(client.get(url(demo, "settings/")), 403, message)
    assert_refused(client.post(url(demo, "settings/"), {"name": "Taken", "purpose": "Over"}), 403, message)
    demo.coalition.refresh_from_db()
    assert demo.coalition.name == "Northern Climate Action Network"
    assert audit_count(demo) == before


def test_settings_need_an_account(demo) -> None:
    assert_login_redirect(
        Client().post(url(demo, "settings/"), {"name": "Taken", "purpose": "Over"}), url(demo, "settings/")
    )
    demo.coalition.refresh_from_db()
    assert demo.coalition.name == "Northern Climate Action Network"


# --- member groups ------------------------------------------------------------------------------------------------


def group_rows(response) -> list[list[str]]:
    rows = page_of(response).find(id="results").find("tbody").find_all("tr")
    return [[row.find("th").text] + [cell.text for cell in row.find_all("td")] for row in rows]


def test_the_member_group_list_shows_each_groups_size_people_and_delegates(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo, "groups/"))
    assert response.status_code == 200
    rows = group_rows(response)
    assert len(rows) == 20
    assert rows[0] == ["Bolton Climate Choir", "24", "1", "Ffion Parry"]
    assert [LEEDS, "85", "6", "Joseph Kamara, Priya Shah"] in rows
    assert page_of(response).find(id="results-status").text == "20 member groups."
    assert "Scarborough Coastal Watch" not in main_text(response)
    # Only a coordinator is offered to add one.
    assert page_of(response).find_all("a", href=url(demo, "groups/new/")) == []


def test_former_member_groups_show_under_the_toggle(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo, "groups/?former=1"))
    rows = group_rows(response)
    assert len(rows) == 21
    assert rows[-1] == ["Scarborough Coastal Watch (former member)", "10", "0", "None"]
    assert page_of(response).find("input", id="search-former").attrs.get("checked") == ""


def test_searching_member_groups_by_name(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo, "groups/?q=climate"))
    assert [row[0] for row in group_rows(response)] == [
        "Bolton Climate Choir",
        "Durham Climate Students",
        "Leeds Climate Action",
        "Manchester Climate Network",
        "Preston Faith and Climate",
        "Sunderland Youth Climate Strike",
        "Wakefield Trades Council Climate Committee",
    ]
    assert page_of(response).find(id="results-status").text == "7 member groups matching “climate”."
    empty = client_for(demo.member).get(url(demo, "groups/?q=zzz"))
    assert page_of(empty).find(id="results").text == "No member group’s name contains “zzz”."


def test_htmx_search_returns_only_the_results_and_updates_the_count(demo, client_for) -> None:
    response = client_for(demo.member).get(
        url(demo, "groups/?q=leeds"), headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content and b"<h1" not in response.content
    document = page_of(response)
    oob = document.find("div", hx_swap_oob="innerHTML:#results-status")
    assert oob.text == "1 member group matching “leeds”."
    assert [row.find("th").text for row in document.find("tbody").find_all("tr")] == [LEEDS]
    assert "HX-Request" in response["Vary"]


def test_the_search_box_updates_the_results_with_htmx_and_works_without_it(demo, client_for) -> None:
    form = page_of(client_for(demo.member).get(url(demo, "groups/"))).find("form", role="search")
    assert (form.attrs["method"], form.attrs["action"]) == ("get", url(demo, "groups/"))
    box = form.find("input", id="search-q")
    assert box.attrs["hx-trigger"] == "input changed delay:300ms, search"
    assert box.attrs["hx-target"] == "#results"
    assert form.find("button").text == "Search"


def add_groups_with_delegates(demo, count: int) -> None:
    for number in range(count):
        group = actions.add_member_group(
            actor=demo.coordinator, coalition=demo.coalition, name=f"Extra {number:02}", size=5
        )
        actions.record_person(
            actor=demo.coordinator,
            coalition=demo.coalition,
            name=f"Delegate {number:02}",
            member_groups=[group],
            delegate_of=[group],
        )


def test_the_member_group_list_makes_no_query_per_group(demo, client_for, django_assert_max_num_queries) -> None:
    client = client_for(demo.member)
    with django_assert_max_num_queries(12) as small:
        client.get(url(demo, "groups/?former=1"))
    add_groups_with_delegates(demo, 25)
    with django_assert_max_num_queries(12) as large:
        response = client.get(url(demo, "groups/?former=1"))
    assert len(group_rows(response)) == 46
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_member_group_list_is_paged_by_50(demo, client_for) -> None:
    add_groups_with_delegates(demo, 35)
    client = client_for(demo.member)
    first = client.get(url(demo, "groups/"))
    assert len(group_rows(first)) == 50
    pages = page_of(first).find("nav", class_="pagination")
    assert pages.find("a", rel="next").attrs["href"] == "?page=2"
    second = client.get(url(demo, "groups/?page=2&q="))
    assert len(group_rows(second)) == 5
    assert "Page 2 of 2" in page_of(second).find("nav", class_="pagination").text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("groups/", "Only members of this coalition can do this."),
        ("groups/new/", "Only a coordinator of this coalition can do this."),
        ("groups/{group}/", "Only members of this coalition can do this."),
        ("groups/{group}/edit/", "Only members of this coalition can do this."),
    ],
)
def test_member_group_pages_are_for_members(demo, client_for, path, message) -> None:
    path = url(demo, path.format(group=demo.delegate_group.pk))
    assert_refused(client_for(demo.outsider).get(path), 403, message)
    assert_login_redirect(Client().get(path), path)


def test_a_coordinator_adds_a_member_group(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    assert client.get(url(demo, "groups/new/")).status_code == 200
    response = client.post(
        url(demo, "groups/new/"),
        {
            "name": "Goole Green Streets",
            "size": "30",
            "description": "Street trees.",
            "contact_name": "Ada",
            "contact_email": "ada@example.org",
        },
    )
    group = MemberGroup.objects.get(coalition=demo.coalition, name="Goole Green Streets")
    assert response.status_code == 302 and response["Location"] == url(demo, f"groups/{group.pk}/")
    assert (group.size, group.contact_email) == (30, "ada@example.org")
    followed = client.get(response["Location"])
    assert page_of(followed).find(id="messages").text == "Added Goole Green Streets to the coalition."
    assert AuditEvent.objects.filter(coalition=demo.coalition).first().verb == "member_group.added"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "size": "3"}, "name", "Enter the group's name."),
        (
            {"name": "Goole", "size": "twelve"},
            "size",
            "Enter how many people the group represents as a whole number, like 12.",
        ),
        ({"name": "Goole", "size": "0"}, "size", "Enter a number of people between 1 and 10,000,000."),
        (
            {"name": "leeds climate action", "size": "3"},
            "name",
            "A member group called “leeds climate action” is already in this coalition: choose another name.",
        ),
        (
            {"name": "Goole", "size": "3", "contact_email": "not-an-address"},
            "contact_email",
            "Enter a valid email address, like name@example.org.",
        ),
    ],
)
def test_adding_a_member_group_with_bad_input_says_what_to_change(demo, client_for, data, field, message) -> None:
    before = MemberGroup.objects.count()
    response = client_for(demo.coordinator).post(url(demo, "groups/new/"), data)
    assert response.status_code == 422
    document = page_of(response)
    assert field_error(document, f"id_{field}") == message
    assert document.find(id=f"id_{field}").attrs["aria-invalid"] == "true"
    assert document.find("div", class_="error-summary").find("a", href=f"#id_{field}").text == message
    assert MemberGroup.objects.count() == before


@pytest.mark.parametrize("persona", ["delegate", "member"])
def test_only_a_coordinator_adds_member_groups(demo, client_for, persona) -> None:
    client = client_for(getattr(demo, persona))
    message = "Only a coordinator of this coalition can do this."
    assert_refused(client.get(url(demo, "groups/new/")), 403, message)
    assert_refused(client.post(url(demo, "groups/new/"), {"name": "Goole", "size": "3"}), 403, message)
    assert not MemberGroup.objects.filter(name="Goole").exists()


def test_a_member_group_page_shows_its_people_delegates_and_contact(demo, client_for) -> None:
    document = page_of(client_for(demo.member).get(url(demo, f"groups/{demo.delegate_group.pk}/")))
    assert document.find("h1").text == LEEDS
    text = document.find("main").text
    assert "Represents 85 people" in text
    assert "Priya Shah hello@leedsclimateaction.example" in text
    people = [item.text for item in document.find("main").find_all("ul")[0].find_all("li")]
    assert people == [
        "Joseph Kamara Delegate",
        "Priya Shah Delegate",
        "Daniel Murphy",
        "Hannah Lewis",
        "Jakub Kowalski",
        "Yusuf Rahman",
    ]
    # A plain member gets no editing links and no leaving button.
    assert (
        "Change the group’s details" not in text and "Take this group out" not in text and "Invite someone" not in text
    )


def test_a_delegate_may_edit_invite_to_and_take_their_group_out(demo, client_for) -> None:
    document = page_of(client_for(demo.delegate).get(url(demo, f"groups/{demo.delegate_group.pk}/")))
    main = document.find("main")
    group = demo.delegate_group.pk
    assert main.find("a", href=url(demo, f"groups/{group}/edit/")).text == "Change the group’s details"
    assert main.find("a", href=url(demo, f"invitations/?member_group={group}")).text == "Invite someone to this group"
    assert main.find("a", href=url(demo, f"groups/{group}/leave/")).text == "Take this group out of the coalition"
    # Not for another group.
    other = page_of(client_for(demo.delegate).get(url(demo, f"groups/{demo.big_group.pk}/"))).find("main").text
    assert "Change the group’s details" not in other and "Take this group out" not in other


def test_a_coordinator_may_edit_but_only_delegates_take_a_group_out(demo, client_for) -> None:
    text = main_text(client_for(demo.coordinator).get(url(demo, f"groups/{demo.big_group.pk}/")))
    assert "Change the group’s details" in text and "Invite someone to this group" in text
    assert "Record a person in this group" in text
    assert "Take this group out of the coalition" not in text


def test_a_former_group_shows_as_former_with_its_former_people(demo, client_for) -> None:
    document = page_of(client_for(demo.coordinator).get(url(demo, f"groups/{demo.left_group.pk}/")))
    assert document.find("h1").text == "Scarborough Coastal Watch (former member)"
    text = document.find("main").text
    assert "No one is recorded in this group now." in text
    assert "Former people" in text and "Fiona MacLeod (was a delegate)" in text
    assert "Change the group’s details" not in text


def test_a_delegate_edits_their_group(demo, client_for) -> None:
    client = client_for(demo.delegate)
    edit = url(demo, f"groups/{demo.delegate_group.pk}/edit/")
    assert page_of(client.get(edit)).find("input", id="id_size").attrs["value"] == "85"
    data = {"name": LEEDS, "size": "90", "description": "Bigger.", "contact_name": "Priya Shah", "contact_email": ""}
    response = client.post(edit, data)
    assert response.status_code == 302 and response["Location"] == url(demo, f"groups/{demo.delegate_group.pk}/")
    demo.delegate_group.refresh_from_db()
    assert (demo.delegate_group.size, demo.delegate_group.description, demo.delegate_group.contact_email) == (
        90,
        "Bigger.",
        "",
    )


@pytest.mark.parametrize(("persona", "group"), [("member", "delegate_group"), ("delegate", "big_group")])
def test_only_a_coordinator_or_the_groups_delegate_edits_it(demo, client_for, persona, group) -> None:
    target = getattr(demo, group)
    client = client_for(getattr(demo, persona))
    edit = url(demo, f"groups/{target.pk}/edit/")
    message = f"Only a coordinator or a delegate of {target.name} can do this."
    assert_refused(client.get(edit), 403, message)
    assert_refused(client.post(edit, {"name": "Renamed", "size": "1"}), 403, message)
    target.refresh_from_db()
    assert target.name != "Renamed"


def test_editing_a_group_with_a_bad_size_says_so(demo, client_for) -> None:
    edit = url(demo, f"groups/{demo.delegate_group.pk}/edit/")
    response = client_for(demo.coordinator).post(edit, {"name": LEEDS, "size": "-4"})
    assert response.status_code == 422
    assert field_error(page_of(response), "id_size") == "Enter a number of people between 1 and 10,000,000."
    demo.delegate_group.refresh_from_db()
    assert demo.delegate_group.size == 85


# --- people -------------------------------------------------------------------------------------------------------


def people_rows(response) -> list[list[str]]:
    rows = page_of(response).find(id="results").find("tbody").find_all("tr")
    return [[row.find("th").text] + [cell.text for cell in row.find_all("td")] for row in rows]


def test_the_people_list_shows_groups_badges_and_is_paged(demo, client_for) -> None:
    client = client_for(demo.member)
    first = client.get(url(demo, "people/"))
    rows = people_rows(first)
    assert len(rows) == 50
    assert page_of(first).find(id="results-status").text == "57 people."
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["Amara Okafor Coordinator"] == ["None", "Individual member"]
    assert by_name["Priya Shah"] == [f"{LEEDS} Delegate", "Through their group"]
    assert by_name["Jakub Kowalski"] == [f"{LEEDS}, York Cycle Coalition", "Through their groups"]
    second = client.get(url(demo, "people/?page=2"))
    assert len(people_rows(second)) == 7


def test_former_people_show_under_the_toggle_and_search_finds_them(demo, client_for) -> None:
    response = client_for(demo.member).get(url(demo, "people/?former=1&q=oliver"))
    rows = people_rows(response)
    assert len(rows) == 1
    assert rows[0][0] == "Oliver Bennett (former member)"
    assert rows[0][2].startswith("Left ")
    current_only = client_for(demo.member).get(url(demo, "people/?q=oliver"))
    assert page_of(current_only).find(id="results").text == "No one’s name contains “oliver”."


def test_htmx_search_of_people_returns_only_the_results(demo, client_for) -> None:
    response = client_for(demo.member).get(
        url(demo, "people/?q=shah"), headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert b"<html" not in response.content
    document = page_of(response)
    assert document.find("div", hx_swap_oob="innerHTML:#results-status").text == "1 person matching “shah”."
    assert [row.find("th").text for row in document.find("tbody").find_all("tr")] == ["Priya Shah"]


def test_the_people_list_makes_no_query_per_person(demo, client_for, django_assert_max_num_queries) -> None:
    client = client_for(demo.member)
    with django_assert_max_num_queries(12) as small:
        client.get(url(demo, "people/?former=1&q=a"))
    add_groups_with_delegates(demo, 25)
    with django_assert_max_num_queries(12) as large:
        response = client.get(url(demo, "people/?former=1"))
    assert len(people_rows(response)) == 50
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("people/", "Only members of this coalition can do this."),
        ("people/new/", "Only a coordinator of this coalition can do this."),
        ("people/{person}/", "Only members of this coalition can do this."),
        ("people/{person}/edit/", "Only members of this coalition can do this."),
    ],
)
def test_people_pages_are_for_members(demo, client_for, path, message) -> None:
    path = url(demo, path.format(person=demo.member_person.pk))
    assert_refused(client_for(demo.outsider).get(path), 403, message)
    assert_login_redirect(Client().get(path), path)


def test_a_coordinator_records_a_person_with_groups_and_a_delegate_role(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    leeds, hull = demo.delegate_group, MemberGroup.objects.get(name="Hull Heat Justice")
    document = page_of(client.get(url(demo, f"people/new/?member_group={leeds.pk}")))
    assert "checked" in document.find("input", name="member_groups", value=str(leeds.pk)).attrs
    assert document.find("legend", id="id_member_groups_legend").text == "Member groups they belong to"
    response = client.post(
        url(demo, "people/new/"),
        {
            "name": "Rhea Patel",
            "email": "rhea@example.org",
            "member_groups": [leeds.pk],
            "delegate_of": [hull.pk],
        },
    )
    person = Person.objects.get(coalition=demo.coalition, name="Rhea Patel")
    assert response.status_code == 302 and response["Location"] == url(demo, f"people/{person.pk}/")
    assert sorted(Affiliation.objects.filter(person=person).values_list("member_group__name", "is_delegate")) == [
        ("Hull Heat Justice", True),
        (LEEDS, False),
    ]
    followed = page_of(client.get(response["Location"]))
    assert followed.find(id="messages").text == "Recorded Rhea Patel."
    invite = followed.find("a", href=url(demo, f"invitations/?person={person.pk}"))
    assert invite.text == "Invite them to claim this record"


def test_recording_a_person_without_a_group_says_to_choose_one(demo, client_for) -> None:
    response = client_for(demo.coordinator).post(url(demo, "people/new/"), {"name": "Rhea Patel"})
    assert response.status_code == 422
    document = page_of(response)
    message = "Choose at least one member group for this person, or record them as an individual member."
    assert field_error(document, "id_member_groups") == message
    assert document.find("div", class_="error-summary").find("a", href="#id_member_groups_legend").text == message
    checkbox = document.find_all("input", name="member_groups")[0]
    assert checkbox.attrs["aria-invalid"] == "true"
    assert checkbox.attrs["aria-describedby"] == "id_member_groups_help id_member_groups_error"
    assert not Person.objects.filter(name="Rhea Patel").exists()


def test_recording_an_individual_member_with_no_group(demo, client_for) -> None:
    response = client_for(demo.coordinator).post(
        url(demo, "people/new/"), {"name": "Rhea Patel", "is_individual_member": "on"}
    )
    assert response.status_code == 302
    assert Person.objects.get(name="Rhea Patel").is_individual_member


@pytest.mark.parametrize("persona", ["delegate", "member"])
def test_only_a_coordinator_records_people(demo, client_for, persona) -> None:
    client = client_for(getattr(demo, persona))
    message = "Only a coordinator of this coalition can do this."
    assert_refused(client.get(url(demo, "people/new/")), 403, message)
    assert_refused(client.post(url(demo, "people/new/"), {"name": "Rhea", "is_individual_member": "on"}), 403, message)
    assert not Person.objects.filter(name="Rhea").exists()


def test_a_person_page_for_a_member_shows_groups_and_badges_but_no_switches(demo, client_for) -> None:
    document = page_of(client_for(demo.member).get(url(demo, f"people/{demo.delegate_person.pk}/")))
    assert document.find("h1").text == "Priya Shah"
    main = document.find("main")
    assert main.find("li", id=f"affiliation-{Affiliation.objects.get(person=demo.delegate_person).pk}").text.startswith(
        f"{LEEDS} Delegate since"
    )
    assert "Has an account" in main.text
    assert main.find_all("form") == []
    assert "delegate@demo.example" not in main.text  # a person's address is for them and coordinators


def test_a_person_page_for_a_coordinator_has_the_switches(demo, client_for) -> None:
    person = demo.member_person
    affiliation = Affiliation.objects.get(person=person)
    document = page_of(client_for(demo.coordinator).get(url(demo, f"people/{person.pk}/")))
    main = document.find("main")
    row = main.find("li", id=f"affiliation-{affiliation.pk}")
    switch = row.find("form")
    assert switch.attrs["hx-post"] == url(demo, f"affiliations/{affiliation.pk}/delegate/")
    assert switch.attrs["hx-target"] == f"#affiliation-{affiliation.pk}"
    assert switch.find("button").text == f"Make delegate of {LEEDS}"
    assert (
        row.find("a", href=url(demo, f"affiliations/{affiliation.pk}/end/")).text
        == f"Record that they left this group: {LEEDS}"
    )
    add = main.find("form", action=url(demo, f"people/{person.pk}/groups/"))
    options = [option.text for option in add.find("select").find_all("option")]
    assert options[0] == "Choose a member group" and LEEDS not in options and len(options) == 20
    coordinator_form = main.find("form", action=url(demo, f"people/{person.pk}/coordinator/"))
    assert coordinator_form.find("button").text == "Make Daniel Murphy a coordinator"
    assert "member@demo.example" in main.text


def test_a_person_recorded_without_an_account_can_be_invited_to_claim_it(demo, client_for) -> None:
    person = demo.unclaimed_person
    main = page_of(client_for(demo.coordinator).get(url(demo, f"people/{person.pk}/"))).find("main")
    assert "Recorded without an account" in main.text
    assert main.find("a", href=url(demo, f"invitations/?person={person.pk}")).text == "Invite them to claim this record"
    member_view = page_of(client_for(demo.member).get(url(demo, f"people/{person.pk}/"))).find("main")
    assert member_view.find_all("a", href=url(demo, f"invitations/?person={person.pk}")) == []


def test_a_former_member_shows_as_former(demo, client_for) -> None:
    main = page_of(client_for(demo.coordinator).get(url(demo, f"people/{demo.former_member_person.pk}/"))).find("main")
    assert main.find("h1").text == "Oliver Bennett"
    assert "(former member)" in main.text
    assert "Left the coalition on" in main.text and "moving to Glasgow" in main.text
    assert main.find_all("form") == []


def test_a_coordinator_adds_a_person_to_a_group(demo, client_for) -> None:
    person, hull = demo.member_person, MemberGroup.objects.get(name="Hull Heat Justice")
    response = client_for(demo.coordinator).post(
        url(demo, f"people/{person.pk}/groups/"), {"add-member_group": hull.pk, "add-is_delegate": "on"}
    )
    assert response.status_code == 302 and response["Location"] == url(demo, f"people/{person.pk}/")
    assert Affiliation.objects.get(person=person, member_group=hull).is_delegate


def test_adding_someone_to_a_group_they_are_in_says_so(demo, client_for) -> None:
    person = demo.member_person
    response = client_for(demo.coordinator).post(
        url(demo, f"people/{person.pk}/groups/"), {"add-member_group": demo.delegate_group.pk}
    )
    assert response.status_code == 422
    document = page_of(response)
    assert field_error(document, "id_add-member_group") == f"Daniel Murphy is already in {LEEDS}."
    assert Affiliation.objects.filter(person=person).count() == 1


def test_a_delegate_adds_people_only_to_their_own_group(demo, client_for) -> None:
    client = client_for(demo.delegate)
    person = Person.objects.get(name="Li Wei")  # in Manchester
    ok = client.post(url(demo, f"people/{person.pk}/groups/"), {"add-member_group": demo.delegate_group.pk})
    assert ok.status_code == 302
    assert Affiliation.objects.filter(person=person, member_group=demo.delegate_group, ended_at__isnull=True).exists()
    hull = MemberGroup.objects.get(name="Hull Heat Justice")
    refused = client.post(url(demo, f"people/{person.pk}/groups/"), {"add-member_group": hull.pk})
    assert_refused(refused, 403, "Only a coordinator or a delegate of Hull Heat Justice can do this.")
    assert not Affiliation.objects.filter(person=person, member_group=hull).exists()


def test_a_plain_member_adds_no_one_to_a_group(demo, client_for) -> None:
    person = Person.objects.get(name="Li Wei")
    response = client_for(demo.member).post(
        url(demo, f"people/{person.pk}/groups/"), {"add-member_group": demo.delegate_group.pk}
    )
    assert_refused(response, 403, "Only a coordinator, or a delegate of the member group, can add people to it.")
    assert not Affiliation.objects.filter(person=person, member_group=demo.delegate_group).exists()


def test_a_coordinator_makes_someone_a_coordinator_and_ends_it(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    person = demo.member_person
    switch = url(demo, f"people/{person.pk}/coordinator/")
    response = client.post(switch, {"value": "1"}, follow=True)
    assert page_of(response).find(id="messages").text == "Daniel Murphy is now a coordinator."
    person.refresh_from_db()
    assert person.is_coordinator
    response = client.post(switch, {"value": "0"}, follow=True)
    person.refresh_from_db()
    assert not person.is_coordinator
    assert page_of(response).find(id="messages").text == "Daniel Murphy is no longer a coordinator."


def test_the_last_coordinator_cannot_step_down(demo, client_for) -> None:
    client = client_for(demo.coordinator)
    client.post(url(demo, f"people/{demo.second_coordinator_person.pk}/coordinator/"), {"value": "0"}, follow=True)
    response = client.post(url(demo, f"people/{demo.coordinator_person.pk}/coordinator/"), {"value": "0"}, follow=True)
    assert page_of(response).find(id="messages").text == (
        "Amara Okafor is the only coordinator: make someone else a coordinator first."
    )
    demo.coordinator_person.refresh_from_db()
    assert demo.coordinator_person.is_coordinator


@pytest.mark.parametrize("persona", ["delegate", "member"])
def test_only_a_coordinator_names_coordinators(demo, client_for, persona) -> None:
    before = audit_count(demo)
    response = client_for(getattr(demo, persona)).post(
        url(demo, f"people/{demo.member_person.pk}/coordinator/"), {"value": "1"}
    )
    assert_refused(response, 403, "Only a coordinator of this coalition can do this.")
    demo.member_person.refresh_from_db()
    assert not demo.member_person.is_coordinator
    assert audit_count(demo) == before


def test_the_delegate_switch_without_htmx_redirects_with_a_message(demo, client_for) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = client_for(demo.coordinator).post(url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "1"})
    assert response.status_code == 302 and response["Location"] == url(demo, f"people/{demo.member_person.pk}/")
    affiliation.refresh_from_db()
    assert affiliation.is_delegate


def test_the_delegate_switch_with_htmx_returns_only_the_row_and_a_notice(demo, client_for) -> None:
    affiliation = Affiliation.objects.get(person=demo.member_person)
    response = client_for(demo.delegate).post(
        url(demo, f"affiliations/{affiliation.pk}/delegate/"),
        {"value": "1"},
        headers={"HX-Request": "true", "HX-Target": f"affiliation-{affiliation.pk}"},
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    document = page_of(response)
    row = document.find("li", id=f"affiliation-{affiliation.pk}")
    assert row.text.startswith(f"{LEEDS} Delegate since")
    # A delegate names more delegates but cannot end another's role: the row she gets back offers no switch now.
    assert row.find_all("button") == []
    assert (
        document.find("div", hx_swap_oob="innerHTML:#messages").text == f"Daniel Murphy is now a delegate of {LEEDS}."
    )
    affiliation.refresh_from_db()
    assert affiliation.is_delegate


@pytest.mark.parametrize(("persona", "person"), [("member", "delegate_person"), ("delegate", "Li Wei")])
def test_only_a_coordinator_or_the_groups_delegate_uses_the_delegate_switch(demo, client_for, persona, person) -> None:
    target = getattr(demo, person) if person.endswith("_person") else Person.objects.get(name=person)
    affiliation = Affiliation.objects.filter(person=target).first()
    was = affiliation.is_delegate
    response = client_for(getattr(demo, persona)).post(
        url(demo, f"affiliations/{affiliation.pk}/delegate/"), {"value": "0" if was else "1"}
    )
    assert_refused(response, 403, f"Only a coordinator or a delegate of {affiliation.member_group.name} can do this.")
    affiliation.refresh_from_db()
    assert affiliation.is_delegate == was


def test_a_member_edits_their_own_details_but_not_their_membership(demo, client_for) -> None:
    client = client_for(demo.member)
    edit = url(demo, f"people/{demo.member_person.pk}/edit/")
    document = page_of(client.get(edit))
    assert document.find("h1").text == "Change your details"
    assert document.find_all("input", name="is_individual_member") == []
    response = client.post(edit, {"name": "Dan Murphy", "email": "dan@example.org", "is_individual_member": "on"})
    assert response.status_code == 302
    demo.member_person.refresh_from_db()
    assert (demo.member_person.name, demo.member_person.email, demo.member_person.is_individual_member) == (
        "Dan Murphy",
        "dan@example.org",
        False,
    )


def test_a_member_may_not_edit_someone_else(demo, client_for) -> None:
    edit = url(demo, f"people/{demo.delegate_person.pk}/edit/")
    message = "Only the person themselves or a coordinator can change this person's details."
    client = client_for(demo.member)
    assert_refused(client.get(edit), 403, message)
    assert_refused(client.post(edit, {"name": "Renamed"}), 403, message)
    demo.delegate_person.refresh_from_db()
    assert demo.delegate_person.name == "Priya Shah"


def test_a_coordinator_edits_someones_individual_membership(demo, client_for) -> None:
    edit = url(demo, f"people/{demo.member_person.pk}/edit/")
    response = client_for(demo.coordinator).post(
        edit, {"name": "Daniel Murphy", "email": "", "is_individual_member": "on"}
    )
    assert response.status_code == 302
    demo.member_person.refresh_from_db()
    assert demo.member_person.is_individual_member and demo.member_person.email == ""


def test_editing_a_person_with_a_bad_email_says_so(demo, client_for) -> None:
    edit = url(demo, f"people/{demo.member_person.pk}/edit/")
    response = client_for(demo.member).post(edit, {"name": "Daniel Murphy", "email": "daniel@"})
    assert response.status_code == 422
    document = page_of(response)
    assert field_error(document, "id_email") == "Enter a valid email address, like name@example.org."
    assert document.find("input", id="id_email").attrs["aria-invalid"] == "true"


# --- the account pages (django-allauth) in our layout -------------------------------------------------------------


def test_sign_up_page_uses_our_layout_and_asks_for_a_name(db) -> None:
    response = Client().get("/accounts/signup/")
    document = page_of(response)
    assert document.find("title").text == "Sign up – Accord"
    assert document.find("h1").text == "Sign up for Accord"
    assert document.find("label", for_="id_name").text == "Your name"
    name = document.find("input", id="id_name")
    assert name.attrs["aria-describedby"] == "id_name_help"
    assert document.find("main").find("button").text == "Create your account"
    assert labelled_inputs_problems(document) == []


def test_sign_up_creates_an_account_with_the_name(db) -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "rosa@example.org",
            "name": "Rosa Parkes",
            "password1": "a-long-walk-together",
            "password2": "a-long-walk-together",
        },
    )
    assert response.status_code == 302
    from accord.accounts.models import User

    assert User.objects.get(email="rosa@example.org").name == "Rosa Parkes"


def test_sign_up_errors_are_shown_beside_the_field(db) -> None:
    response = Client().post(
        "/accounts/signup/", {"email": "rosa@example.org", "name": "", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    document = page_of(response)
    assert document.find("input", id="id_name").attrs["aria-invalid"] == "true"
    assert document.find("div", class_="error-summary").attrs["role"] == "alert"
    assert document.find(id="id_name_error").text == "Error: Enter your name as other members will see it."


def test_a_wrong_password_is_announced_at_the_top_of_the_sign_in_form(db) -> None:
    create_user(email="rosa@example.org", password="a-long-walk-together", name="Rosa")
    response = Client().post("/accounts/login/", {"login": "rosa@example.org", "password": "wrong"})
    document = page_of(response)
    assert document.find("title").text == "Sign in – Accord"
    summary = document.find("div", class_="error-summary")
    assert summary.attrs["role"] == "alert"
    assert "not correct" in summary.text


def test_password_reset_sends_an_email_and_says_so(db) -> None:
    create_user(email="rosa@example.org", password="a-long-walk-together", name="Rosa")
    client = Client()
    form = page_of(client.get("/accounts/password/reset/"))
    assert form.find("h1").text == "Password Reset"
    response = client.post("/accounts/password/reset/", {"email": "rosa@example.org"}, follow=True)
    assert page_of(response).find("h1").text == "Password Reset"
    assert "We have sent you an email" in main_text(response)
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]


def test_the_sign_out_page_confirms_with_a_post_button(demo, client_for) -> None:
    document = page_of(client_for(demo.member).get("/accounts/logout/"))
    assert document.find("h1").text == "Sign out"
    form = document.find("main").find("form")
    assert form.attrs["method"] == "post"
    assert form.find("button").text == "Sign out"


def test_an_address_with_no_page_gets_a_404_in_our_layout(db) -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    document = page_of(response)
    assert document.find("h1").text == "Page not found"
    assert document.find("title").text == "Page not found – Accord"
