"""The decisions pages through Django's test client: the list, opening a proposal, a proposal's page, giving and
changing a stance, withdrawing, the next round, the stance history and the coalition home page's box.

Personas (tests/personas.py): `coordinator` Amara Okafor; `delegate` Priya Shah, delegate of Leeds Climate Action;
`member` Daniel Murphy, member of Leeds Climate Action; `outsider` Sam Taylor; and anonymous visitors (None).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from accord.coalitions.models import AuditEvent
from accord.decisions import actions, queries
from accord.decisions.models import Proposal, Round, Stance
from accord.governance import percent
from tests.web.markup import Element, labelled_inputs_problems, parse

from .conftest import kind


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def page(response) -> Element:
    return parse(response.content)


def main_text(response) -> str:
    return page(response).find("main").text


def field_error(document: Element, field_id: str) -> str:
    return document.find(id=f"{field_id}_error").text.removeprefix("Error: ")


def stored() -> tuple:
    return (
        Proposal.objects.count(),
        Round.objects.count(),
        Stance.objects.count(),
        tuple(Proposal.objects.order_by("pk").values_list("status", "round_number")),
        AuditEvent.objects.count(),
    )


def close(proposal: Proposal) -> Round:
    round_ = Round.objects.get(proposal=proposal, number=proposal.round_number)
    closed = actions.close_round_if_due(round_id=round_.pk, now=round_.closes_at + timedelta(seconds=1))
    assert closed is not None
    proposal.refresh_from_db()
    return closed


def eligible(proposal: Proposal) -> int:
    return Round.objects.get(proposal=proposal, number=proposal.round_number).eligible_count


def own_key(demo, user) -> str:
    person = {demo.member: demo.member_person, demo.delegate: demo.delegate_person}[user]
    return f"p{person.pk}"


# --- who may see what ----------------------------------------------------------------------------------------


def member_pages(demo, proposal: Proposal) -> list[str]:
    return [
        url(demo, "decisions/"),
        url(demo, "decisions/?status=closed"),
        url(demo, "decisions/new/"),
        url(demo, f"decisions/{proposal.pk}/"),
        url(demo, f"decisions/{proposal.pk}/history/?unit={own_key(demo, demo.member)}"),
        url(demo, "decision-kinds/"),
        url(demo, "decision-kinds/weights/"),
        url(demo, "decision-kinds/simulate/"),
    ]


def test_members_see_every_decisions_page_with_one_h1_and_labelled_inputs(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    for user in (demo.member, demo.delegate, demo.coordinator):
        client = client_for(user)
        for path in member_pages(demo, proposal):
            response = client.get(path)
            assert response.status_code == 200, (user, path)
            document = page(response)
            assert len(document.find_all("h1")) == 1, path
            assert labelled_inputs_problems(document) == [], path
            current = document.find("nav", class_="coalition-nav").find_all("a", aria_current="page")
            assert [link.text for link in current] == ["Decisions"], path


def test_anonymous_visitors_are_sent_to_sign_in_and_outsiders_are_refused(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    paths = [
        *member_pages(demo, proposal),
        url(demo, "decision-kinds/new/"),
        url(demo, f"decision-kinds/{proposal.kind_id}/edit/"),
        url(demo, f"decisions/{proposal.pk}/withdraw/"),
    ]
    for path in paths:
        response = client_for(None).get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
        refused = client_for(demo.outsider).get(path)
        assert refused.status_code == 403, path
        assert page(refused).find("p", class_="refusal").text == "Only members of this coalition can see its decisions."


def test_a_refused_stance_changes_nothing(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    before = stored()
    path = url(demo, f"decisions/{proposal.pk}/stance/")
    key = own_key(demo, demo.member)
    data = {"unit": key, f"{key}-position": "agree"}
    assert client_for(None).post(path, data).status_code == 302
    assert client_for(demo.outsider).post(path, data).status_code == 403
    # Another person's unit: only a facilitator records for others, and not from this form.
    other = client_for(demo.delegate).post(path, data)
    assert other.status_code == 403
    assert "only for yourself" in page(other).find("p", class_="refusal").text
    assert stored() == before


# --- the list ------------------------------------------------------------------------------------------------


def test_the_list_shows_open_proposals_first_and_what_waits_for_the_viewer(demo, client_for, open_proposal) -> None:
    closed = open_proposal(title="Closed already")
    close(closed)
    waiting = open_proposal(title="Meet on Thursdays", actor=demo.coordinator)
    answered = open_proposal(title="Meet on Mondays")
    actions.record_stance(actor=demo.member, proposal=answered, position="agree")
    response = client_for(demo.member).get(url(demo, "decisions/"))
    document = page(response)
    sections = document.find("main").find_all("section")
    mine = {"Meet on Mondays", "Meet on Thursdays", "Closed already"}  # the demo has proposals of its own
    open_rows = [row.find("th").text for row in sections[1].find("tbody").find_all("tr")]
    closed_rows = [row.find("th").text for row in sections[2].find("tbody").find_all("tr")]
    assert [title for title in open_rows if title in mine] == ["Meet on Mondays", "Meet on Thursdays"]
    assert [title for title in closed_rows if title in mine] == ["Closed already"]
    assert all(row.find("td", data_label="Status").text == "Open" for row in sections[1].find("tbody").find_all("tr"))
    awaiting = [link.text for link in sections[0].find_all("a")]
    assert "Meet on Thursdays" in awaiting and "Meet on Mondays" not in awaiting
    # Responded / eligible, the status in words, the closing time as <time> in UTC.
    row = sections[1].find("tbody").find_all("tr")[open_rows.index("Meet on Mondays")]
    assert row.find("td", data_label="Responded").text == f"1 of {eligible(answered)}"
    assert row.find("span", class_="badge badge--status-open").text == "Open"
    moment = row.find("time")
    assert moment.text.endswith(" UTC") and moment.attrs["datetime"].endswith("Z")
    waiting_links = {link.text: link.attrs["href"] for link in sections[0].find_all("a")}
    assert waiting_links["Meet on Thursdays"] == url(demo, f"decisions/{waiting.pk}/#your-stance")


def test_the_list_filters_by_status(demo, client_for, open_proposal) -> None:
    closed = open_proposal(title="Closed already")
    close(closed)
    open_proposal(title="Still open")
    document = page(client_for(demo.member).get(url(demo, "decisions/?status=closed")))
    titles = [row.find("th").text for row in document.find("main").find_all("tr") if row.find_all("a")]
    assert "Closed already" in titles and "Still open" not in titles
    assert all(row.find("td", data_label="Status").text != "Open" for row in document.find("tbody").find_all("tr"))
    tabs = document.find("nav", class_="status-tabs").find_all("a", aria_current="page")
    assert [tab.text for tab in tabs] == ["Closed"]


def test_the_coalition_home_page_counts_open_proposals_and_those_waiting(demo, client_for, open_proposal) -> None:
    open_before = Proposal.objects.filter(coalition=demo.coalition, status="open").count()
    waiting_before = queries.awaiting(demo.member, demo.coalition).count()
    open_proposal(actor=demo.coordinator)
    open_proposal(title="Another", actor=demo.coordinator)
    box = page(client_for(demo.member).get(url(demo))).find("section", aria_labelledby="decisions-open-heading")
    assert f"{open_before + 2} proposals open for decision." in box.text
    assert box.find("strong").text == f"{waiting_before + 2} waiting for your stance"


# --- opening a proposal ------------------------------------------------------------------------------------------


def next_july() -> datetime:
    """18:00 on the next 1 July (within a year, as a round must close; in British Summer Time)."""
    today = timezone.now()
    year = today.year + (1 if (today.month, today.day) >= (6, 1) else 0)
    return datetime(year, 7, 1, 18, 0)


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def proposal_data(demo, **changes) -> dict[str, str]:
    data = {
        "title": "Meet on Wednesdays",
        "text": "From June we meet on *Wednesdays*.",
        "kind": str(kind(demo, "meeting_conduct").pk),
        "closes_at": local(next_july()),
        "results_visibility": "live",
        "stance_visibility": "open",
        "tz": "",
        "tz_offset": "",
    }
    data.update(changes)
    return data


def test_a_member_opens_a_proposal_with_the_closing_time_in_their_time_zone(demo, client_for) -> None:
    client = client_for(demo.member)
    response = client.post(url(demo, "decisions/new/"), proposal_data(demo, tz="Europe/London"))
    proposal = Proposal.objects.get(title="Meet on Wednesdays")
    assert response.status_code == 302
    assert response["Location"] == url(demo, f"decisions/{proposal.pk}/")
    round_ = Round.objects.get(proposal=proposal)
    assert round_.closes_at == next_july().replace(hour=17, tzinfo=UTC)  # 18:00 British Summer Time
    assert proposal.author == demo.member_person
    assert proposal.rule == kind(demo, "meeting_conduct").rule


@pytest.mark.parametrize(("zone", "offset", "hour"), [("", "", 18), ("", "120", 16), ("Not/AZone", "", 18)])
def test_without_the_zone_the_closing_time_is_read_as_utc_or_by_offset(demo, client_for, zone, offset, hour) -> None:
    response = client_for(demo.member).post(url(demo, "decisions/new/"), proposal_data(demo, tz=zone, tz_offset=offset))
    assert response.status_code == 302
    expected = next_july().replace(hour=hour, tzinfo=UTC)
    assert Round.objects.get(proposal__title="Meet on Wednesdays").closes_at == expected


def test_the_new_proposal_form_shows_each_kinds_rule_and_says_how_times_are_read(demo, client_for) -> None:
    consensus = kind(demo, "budget_and_strategy")
    document = page(client_for(demo.member).get(url(demo, f"decisions/new/?kind={consensus.pk}")))
    select = document.find("select", name="kind")
    chosen = [option for option in select.find_all("option") if "selected" in option.attrs]
    assert [option.text for option in chosen] == ["Budget and strategy"]
    offered = {option.text for option in select.find_all("option")}
    assert not offered & {"Amend the constitution", "Admit a member", "Ask a member to leave"}  # opened elsewhere
    assert chosen[0].attrs["data-rule"].startswith("Consensus of member groups")
    assert document.find(id="kind-rule").text.startswith("Rule: Consensus of member groups")
    assert "Choosing between options" in document.find("details", class_="kinds-list").text
    assert document.find("input", name="closes_at").attrs["type"] == "datetime-local"
    assert document.find("input", name="tz").attrs["type"] == "hidden"
    assert "times are read as UTC" in document.find(id="id_closes_at_help").text


def test_bad_input_comes_back_beside_the_field_and_nothing_is_lost_or_stored(demo, client_for) -> None:
    before = stored()
    client = client_for(demo.member)
    text = "Keep this <b>text</b>"
    response = client.post(url(demo, "decisions/new/"), proposal_data(demo, title="", text=text, closes_at="soon"))
    assert response.status_code == 422
    document = page(response)
    assert field_error(document, "id_title") == "Enter a title."
    assert field_error(document, "id_closes_at") == "Enter the closing time as a date and time, like 2026-06-30 18:00."
    assert document.find("input", name="closes_at").attrs["aria-invalid"] == "true"
    assert document.find("textarea", name="text").text == text
    summary = document.find("div", class_="error-summary")
    assert "autofocus" in summary.attrs and summary.find("a", href="#id_title").text == "Enter a title."
    assert stored() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"closes_at": "2020-01-01T10:00"}, "id_closes_at", "Choose a closing time after the opening time"),
        ({"options": "Monday\nTuesday"}, "id_options", "takes no options"),
        ({"facilitators": "Nobody Here"}, "id_facilitators", "No current member is called “Nobody Here”"),
    ],
)
def test_refusals_of_the_action_show_beside_their_field(demo, client_for, changes, field, message) -> None:
    before = stored()
    response = client_for(demo.member).post(url(demo, "decisions/new/"), proposal_data(demo, **changes))
    assert response.status_code == 422
    assert message in field_error(page(response), field)
    assert stored() == before


def test_an_option_kind_needs_options_and_an_affected_groups_kind_needs_groups(demo, client_for) -> None:
    client = client_for(demo.member)
    choose = proposal_data(demo, kind=str(kind(demo, "choose_between_options").pk))
    assert "at least two" in field_error(page(client.post(url(demo, "decisions/new/"), choose)), "id_options")
    affected = proposal_data(demo, kind=str(kind(demo, "affected_groups").pk))
    assert "choose at least one" in field_error(
        page(client.post(url(demo, "decisions/new/"), affected)), "id_scope_groups"
    )
    affected["scope_groups"] = [str(demo.delegate_group.pk)]
    affected["facilitators"] = "Priya Shah"
    assert client.post(url(demo, "decisions/new/"), affected).status_code == 302
    proposal = Proposal.objects.get(kind__key="affected_groups", title="Meet on Wednesdays")
    assert list(proposal.scope_groups.all()) == [demo.delegate_group]
    assert list(proposal.facilitators.all()) == [demo.delegate_person]


# --- the proposal's page -----------------------------------------------------------------------------------------


def test_the_page_starts_with_the_rule_in_plain_words_then_the_text(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    document = page(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/")))
    sections = document.find("main").find_all("section")
    assert sections[0].find("h2").text == "How this is decided"
    assert "Simple majority of people: passes with more than half" in sections[0].text
    assert sections[1].find("h2").text == "The proposal"
    assert sections[1].find("div", class_="proposal-text").find("strong").text == "Tuesdays"


def test_markdown_is_rendered_and_sanitised(demo, client_for, open_proposal) -> None:
    text = (
        "# Heading\n\nSafe **bold** <script>alert('owned')</script> [bad](javascript:alert(1)) "
        '<img src="https://tracker.example/p.gif" onerror="alert(2)"> [good](https://example.org)'
    )
    proposal = open_proposal(text=text)
    response = client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/"))
    html = response.content.decode()
    assert "<script>alert" not in html and "alert('owned')" not in html
    assert "javascript:" not in html and "onerror" not in html and "tracker.example" not in html
    body = page(response).find("div", class_="proposal-text")
    assert body.find("h3").text == "Heading"  # moved below the page's own headings
    assert [link.attrs.get("href") for link in body.find_all("a")] == [None, "https://example.org"]


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("[x](//evil.example/login)", None),
        ("[x](/\\evil.example)", None),
        ('<a href="/&#9;/evil.example">x</a>', None),
        ('<a href=" //evil.example">x</a>', None),
        ("[x](relative/path)", None),
        ("[x](javascript:alert(1))", None),
        ("[x](/c/our-coalition/decisions/)", "/c/our-coalition/decisions/"),
        ("[x](#the-options)", "#the-options"),
        ("[x](https://example.org/a?b=c)", "https://example.org/a?b=c"),
        ("[x](mailto:hello@example.org)", "mailto:hello@example.org"),
    ],
)
def test_links_keep_only_web_mail_and_same_site_addresses(text, href) -> None:
    from accord.web.markdown import render_markdown

    link = parse(str(render_markdown(text))).find("a")
    assert link.attrs.get("href") == href
    assert link.text == "x"


def test_a_member_gives_then_changes_a_stance_and_the_history_keeps_both(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    client = client_for(demo.member)
    key = own_key(demo, demo.member)
    path = url(demo, f"decisions/{proposal.pk}/stance/")
    first = client.post(path, {"unit": key, f"{key}-position": "agree", f"{key}-reason": ""})
    assert first.status_code == 302
    assert first["Location"] == url(demo, f"decisions/{proposal.pk}/#unit-{key}")
    assert page(client.get(first["Location"])).find(id="messages").text == "Your stance is recorded: agree."
    second = client.post(path, {"unit": key, f"{key}-position": "disagree", f"{key}-reason": "Tuesdays clash."})
    document = page(client.get(second["Location"]))
    assert document.find(id="messages").text == (
        "Your stance is recorded: disagree. The earlier one is kept in the history."
    )
    unit = document.find(id=f"unit-{key}")
    assert "Your current stance: Disagree" in unit.text
    assert "Your earlier stance is kept in the history" in unit.text
    assert unit.find("input", value="disagree").attrs.get("checked") == ""
    stances = list(Stance.objects.filter(round__proposal=proposal).order_by("pk").values_list("position", "is_current"))
    assert stances == [("agree", False), ("disagree", True)]

    history = page(client.get(url(demo, f"decisions/{proposal.pk}/history/?unit={key}")))
    assert history.find("h1").text == "Stance history of Daniel Murphy"
    items = history.find("ol", class_="plain-list history").find_all("li")
    assert [item.find("strong").text for item in items] == ["Agree", "Disagree"]
    assert "Counts" in items[1].text and "Counts" not in items[0].text
    assert "Tuesdays clash." in items[1].text


def test_a_block_needs_a_reason_shown_beside_the_field(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(key="budget_and_strategy", actor=demo.coordinator)
    client = client_for(demo.delegate)
    key = f"g{demo.delegate_group.pk}"
    before = stored()
    response = client.post(
        url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key, f"{key}-position": "block", f"{key}-reason": " "}
    )
    assert response.status_code == 422
    document = page(response)
    assert field_error(document, f"id_{key}-reason").startswith("A block: say why")
    reason = document.find("textarea", name=f"{key}-reason")
    assert reason.attrs["data-reason-for"] == f"{key}-position" and reason.attrs["data-blocking"] == "block"
    assert stored() == before
    # With a reason, the group's block is recorded, given by its delegate.
    ok = client.post(
        url(demo, f"decisions/{proposal.pk}/stance/"),
        {"unit": key, f"{key}-position": "block", f"{key}-reason": "It breaks our agreement on safety."},
    )
    assert ok.status_code == 302
    stance = Stance.objects.get(round__proposal=proposal, is_current=True)
    assert (stance.unit_key, stance.position, stance.recorded_by) == (key, "block", demo.delegate_person)


def test_delegates_respond_for_their_group_and_members_are_told_who_does(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(key="budget_and_strategy", actor=demo.coordinator)
    delegate_page = page(client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/")))
    unit = delegate_page.find(id=f"unit-g{demo.delegate_group.pk}")
    assert unit.find("h3").text == "For Leeds Climate Action, as its delegate"
    labels = [label.find("span", class_="choice__label").text for label in unit.find("fieldset").find_all("label")]
    assert labels == ["Agree", "Abstain", "Stand aside", "Block"]
    member_page = main_text(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/")))
    assert "each group's delegates give its position" in member_page


def test_the_tally_shows_each_condition_with_what_was_required_and_found(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    document = page(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/")))
    rows = document.find("table", class_="table--stack conditions").find("tbody").find_all("tr")
    quorum = [cell.text for cell in rows[0].find_all("td")]
    assert rows[0].find("th").text == "Quorum"
    count = eligible(proposal)
    needed = -(-count // 4)
    assert quorum[:3] == [f"at least 25% of {count} people ({needed})", f"1 of {count}", "✗ Not met"]
    assert rows[1].find("td", data_label="Met?").text == "✓ Met"
    assert "If it closed now: No quorum" in document.find("section", aria_labelledby="tally-heading").text
    counts = document.find("table", class_="counts").find("tbody")
    assert [(row.find("th").text, row.find("td").text) for row in counts.find_all("tr")] == [
        ("Agree", "1"),
        ("Disagree", "0"),
        ("Abstain", "0"),
    ]
    took_part = f"1 of {count} eligible took part ({percent(Fraction(1, count))})."  # never rounded up
    assert took_part in document.find("section", aria_labelledby="participation-heading").text


def test_hidden_results_and_secret_stances_are_not_shown(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(results_visibility="after_close", stance_visibility="secret")
    actions.record_stance(actor=demo.member, proposal=proposal, position="disagree")
    document = page(client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/")))
    tally = document.find("section", aria_labelledby="tally-heading").text
    assert "The tally is hidden until the round closes" in tally and f"1 of {eligible(proposal)} have" in tally
    responses = document.find("section", aria_labelledby="responses-heading").text
    assert "Stances are secret; only the totals are shown." in responses
    assert "Daniel Murphy" not in responses and "Disagree" not in tally
    # After closing, the totals and the outcome show; who said what still does not.
    close(proposal)
    closed = page(client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/")))
    assert closed.find("p", class_="outcome-summary").text.startswith("No quorum:")
    assert "Stances are secret" in closed.find("section", aria_labelledby="responses-heading").text


def test_an_overdue_round_is_closed_when_its_page_is_visited(demo, client_for, open_proposal, monkeypatch) -> None:
    proposal = open_proposal()
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    document = page(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/")))
    proposal.refresh_from_db()
    assert proposal.status == "no_quorum"
    assert document.find("p", class_="proposal-status").find_all("span")[0].text == "No quorum"
    assert not document.find_all("form", class_="stance-form")


# --- withdrawing and the next round --------------------------------------------------------------------------


def test_the_author_withdraws_with_a_reason_and_others_may_not(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    path = url(demo, f"decisions/{proposal.pk}/withdraw/")
    before = stored()
    assert client_for(demo.delegate).get(path).status_code == 403
    assert client_for(demo.delegate).post(path, {"reason": "No"}).status_code == 403
    assert stored() == before
    confirm = page(client_for(demo.member).get(path))
    assert confirm.find("h1").text == "Withdraw “Meet on Tuesdays”?"
    response = client_for(demo.member).post(path, {"reason": "We found a room on Mondays."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdrawn_reason) == ("withdrawn", "We found a room on Mondays.")
    document = page(client_for(demo.member).get(response["Location"]))
    assert "Withdrawn: We found a room on Mondays." in document.find("main").text


def test_after_a_failed_round_the_author_starts_the_next_with_amended_text(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(key="budget_and_strategy", text="Spend £500 on banners.")
    close(proposal)  # no one responded: no quorum
    client = client_for(demo.member)
    document = page(client.get(url(demo, f"decisions/{proposal.pk}/")))
    manage = document.find("section", aria_labelledby="manage-heading")
    assert manage.find("a", class_="button").text == "Start round 2"
    assert "fallback" not in manage.text  # budget and strategy falls back after 2 failed rounds
    form_page = page(client.get(url(demo, f"decisions/{proposal.pk}/next-round/")))
    assert form_page.find("textarea", name="text").text == "Spend £500 on banners."
    assert "Round 2 is decided under the same rule" in form_page.find("main").text

    bad = client.post(url(demo, f"decisions/{proposal.pk}/next-round/"), {"text": "x", "closes_at": ""})
    assert bad.status_code == 422 and field_error(page(bad), "id_closes_at") == "Enter the closing time."
    response = client.post(
        url(demo, f"decisions/{proposal.pk}/next-round/"),
        {"text": "Spend £300 on banners.", "closes_at": local(next_july())},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round_number) == ("open", 2)
    close(proposal)
    after = page(client.get(url(demo, f"decisions/{proposal.pk}/")))
    manage = after.find("section", aria_labelledby="manage-heading").text
    assert "The next round will be decided under the fallback rule: Super-majority of member groups" in manage
    rounds = [item.text for item in after.find("ol", class_="plain-list rounds").find_all("li")]
    assert len(rounds) == 2 and rounds[0].startswith("Round 1 No quorum")
    nothing = client_for(demo.delegate).get(url(demo, f"decisions/{proposal.pk}/next-round/"))
    assert nothing.status_code == 403


def test_the_history_of_a_secret_proposal_shows_only_ones_own(demo, client_for, open_proposal) -> None:
    proposal = open_proposal(stance_visibility="secret")
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    path = url(demo, f"decisions/{proposal.pk}/history/?unit={own_key(demo, demo.member)}")
    own = page(client_for(demo.member).get(path))
    assert [item.find("strong").text for item in own.find("ol", class_="plain-list history").find_all("li")] == [
        "Agree"
    ]
    other = page(client_for(demo.delegate).get(path))
    assert "you can see only your own history" in other.find("main").text


# --- stances on options -------------------------------------------------------------------------------------------


def test_a_ranking_is_given_with_one_select_per_rank_and_mistakes_show_beside_the_rank(
    demo, client_for, open_proposal
) -> None:
    proposal = open_proposal(key="choose_between_options", title="Where to meet", options=["Leeds", "York", "Hull"])
    client = client_for(demo.member)
    key = own_key(demo, demo.member)
    document = page(client.get(url(demo, f"decisions/{proposal.pk}/")))
    form = document.find("form", class_="stance-form")
    labels = [label.text.removesuffix(" (optional)") for label in form.find_all("label")]
    assert labels == ["1st choice", "2nd choice", "3rd choice"]
    assert [option.text for option in form.find("select", name=f"{key}-ranking_0").find_all("option")] == [
        "No choice", "Leeds", "York", "Hull"
    ]  # fmt: skip
    path = url(demo, f"decisions/{proposal.pk}/stance/")
    before = stored()
    twice = client.post(path, {"unit": key, f"{key}-ranking_0": "1", f"{key}-ranking_1": "1"})
    assert twice.status_code == 422
    assert field_error(page(twice), f"id_{key}-ranking_1") == "'York' appears twice; list each option once."
    assert stored() == before
    assert client.post(path, {"unit": key, f"{key}-ranking_0": "1", f"{key}-ranking_1": "0"}).status_code == 302
    assert Stance.objects.get(round__proposal=proposal, is_current=True).choice == {"ranking": ["York", "Leeds"]}
    assert client.post(path, {"unit": key, f"{key}-abstain": "1"}).status_code == 302
    current = Stance.objects.get(round__proposal=proposal, is_current=True)
    assert (current.position, current.choice) == ("abstain", None)


def test_dots_are_numbers_per_option_within_the_total(demo, draft_table, client_for, open_proposal) -> None:
    actions.set_decision_kind(
        actor=demo.coordinator, coalition=demo.coalition, key="priorities", name="Priorities",
        rule={"method": "dots", "unit": "people", "dots": 5},
    )  # fmt: skip
    proposal = open_proposal(key="priorities", title="What first", options=["Buses", "Trees"])
    client = client_for(demo.member)
    key = own_key(demo, demo.member)
    path = url(demo, f"decisions/{proposal.pk}/stance/")
    form = page(client.get(url(demo, f"decisions/{proposal.pk}/"))).find("form", class_="stance-form")
    assert form.find("legend").text == "Spread up to 5 dots over the options"
    assert form.find("input", name=f"{key}-dots_0").attrs["max"] == "5"
    before = stored()
    too_many = client.post(path, {"unit": key, f"{key}-dots_0": "4", f"{key}-dots_1": "3"})
    assert too_many.status_code == 422
    summary = page(too_many).find("div", class_="error-summary")
    assert "Spread at most 5 dots (this stance spreads 7)." in summary.text
    assert stored() == before
    assert client.post(path, {"unit": key, f"{key}-dots_0": "4", f"{key}-dots_1": ""}).status_code == 302
    assert Stance.objects.get(round__proposal=proposal, is_current=True).choice == {"dots": {"Buses": 4}}
    shown = page(client.get(url(demo, f"decisions/{proposal.pk}/")))
    assert "Your current stance: Dots: Buses 4" in shown.find(id=f"unit-{key}").text


def test_coordinators_and_named_facilitators_get_the_facilitator_links(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    path = url(demo, f"decisions/{proposal.pk}/")
    links = page(client_for(demo.coordinator).get(path)).find("section", aria_labelledby="manage-heading")
    hrefs = [link.attrs["href"] for link in links.find_all("a")]
    assert url(demo, f"decisions/{proposal.pk}/facilitate/") in hrefs
    member = page(client_for(demo.delegate).get(path))
    assert not member.find_all("section", aria_labelledby="manage-heading")
    # The projector shows only what every member may see, so any member can put it on a screen.
    tally = member.find("section", aria_labelledby="tally-heading")
    assert url(demo, f"decisions/{proposal.pk}/projector/") in [link.attrs["href"] for link in tally.find_all("a")]


def test_a_stance_after_closing_is_refused_with_a_message_and_nothing_stored(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    close(proposal)
    before = stored()
    key = own_key(demo, demo.member)
    client = client_for(demo.member)
    response = client.post(url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": key, f"{key}-position": "agree"})
    assert response.status_code == 302
    message = page(client.get(response["Location"])).find(id="messages").text
    assert message == "This round has closed (no quorum); stances can no longer change."
    assert stored() == before


def test_the_page_warns_gently_when_it_is_mostly_the_same_people(demo, client_for, open_proposal, monkeypatch) -> None:
    proposal = open_proposal()
    same_few = queries.Participation(
        eligible=57, responded=6, recent=4, took_part_in_any=7, took_part_in_all=6, average_share=Fraction(1, 10)
    )
    assert same_few.same_people
    monkeypatch.setattr(queries, "participation", lambda *args, **kwargs: same_few)
    section = page(client_for(demo.member).get(url(demo, f"decisions/{proposal.pk}/"))).find(
        "section", aria_labelledby="participation-heading"
    )
    assert "6 of 57 eligible took part (10.5%)." in section.text
    assert "Across the last 4 decisions counted the same way, 7 took part in at least one and 6 took part in all" in (
        section.text
    )
    warning = section.find("p", class_="message message--warning").text
    assert warning.startswith("It is mostly the same people taking part. The guides suggest asking who is missing")
