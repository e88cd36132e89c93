"""Input that once reached Python or the database unread and answered 500: JSON nested thousands deep or holding an
integer of thousands of digits, digits that are not ASCII ("²".isdigit() is True, but int("²") fails), NUL
characters (which PostgreSQL refuses). Each is answered with a clear message, and nothing changes. These run on
SQLite and on PostgreSQL (scripts/test.sh)."""

from __future__ import annotations

import json

import pytest

from accord.coalitions.models import AuditEvent
from accord.decisions import actions
from accord.decisions.models import AgreedWeight, DecisionKind, Stance
from tests.web.markup import parse

from .conftest import kind

DEEP = "[" * 5000 + "]" * 5000
LONG_NUMBER = '{"method": "consensus", "unit": "people", "max_stand_asides": ' + "9" * 5000 + "}"
TOO_DEEP = "This JSON is nested too deeply"
TOO_LONG = "A number in it is too long"


def url(demo, path: str = "") -> str:
    return f"/c/{demo.coalition.slug}/{path}"


def field_error(document, field_id: str) -> str:
    return document.find(id=f"{field_id}_error").text.removeprefix("Error: ")


def stored() -> tuple:
    return (
        tuple(DecisionKind.objects.order_by("pk").values_list("pk", "rule", "updated_at")),
        tuple(AgreedWeight.objects.order_by("pk").values_list("member_group_id", "weight")),
        Stance.objects.count(),
        AuditEvent.objects.count(),
    )


def kind_as_json(rule_json: str) -> dict[str, str]:
    return {
        "name": "Odd rule", "key": "", "scope": "coalition", "use_json": "on", "rule_json": rule_json,
        "method": "consensus", "unit": "people", "weighting": "equal", "base": "decided", "blocks": "none",
        "quorum_by": "count",
    }  # fmt: skip


@pytest.mark.parametrize(("rule_json", "message"), [(DEEP, TOO_DEEP), (LONG_NUMBER, TOO_LONG)])
def test_the_rule_editor_refuses_json_python_cannot_read(demo, draft_table, client_for, rule_json, message) -> None:
    before = stored()
    client = client_for(demo.coordinator)
    for path in ("decision-kinds/new/", f"decision-kinds/{kind(demo, 'meeting_conduct').pk}/edit/"):
        response = client.post(url(demo, path), kind_as_json(rule_json))
        assert response.status_code == 422, path
        document = parse(response.content)
        assert field_error(document, "id_rule_json").startswith(message)
        assert document.find("textarea", name="rule_json").attrs["aria-invalid"] == "true"
    assert stored() == before


@pytest.mark.parametrize(("field", "text", "message"), [
    ("rule", DEEP, TOO_DEEP),
    ("rule", LONG_NUMBER, TOO_LONG),
    ("ballots", DEEP, TOO_DEEP),
    ("ballots", '{"eligible": [{"unit": "a", "size": ' + "1" * 4301 + "}]}", TOO_LONG),
])  # fmt: skip
def test_the_simulator_refuses_json_python_cannot_read(demo, client_for, field, text, message) -> None:
    data = {"rule": json.dumps({"method": "consensus", "unit": "people"}), "ballots": '{"eligible": [{"unit": "a"}]}'}
    data[field] = text
    response = client_for(demo.member).post(url(demo, "decision-kinds/simulate/"), data)
    assert response.status_code == 422
    assert field_error(parse(response.content), f"id_{field}").startswith(message)


def test_a_member_group_named_by_a_digit_that_is_not_ascii_is_no_group(demo, draft_table, client_for) -> None:
    before = stored()
    client = client_for(demo.coordinator)
    for given in ("²", "١", "9" * 5000):
        response = client.post(url(demo, "decision-kinds/weights/"), {"member_group": given, "weight": "2"})
        assert response.status_code == 404, given
    assert stored() == before


def test_a_unit_with_a_nul_in_the_history_address_names_no_unit(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    actions.record_stance(actor=demo.member, proposal=proposal, position="agree")
    own = f"p{demo.member_person.pk}"
    client = client_for(demo.member)
    for given in (f"{own}\x00", f"\x00{own}", "p\x001", "x" * 30):
        response = client.get(url(demo, f"decisions/{proposal.pk}/history/"), {"unit": given})
        assert response.status_code == 200, repr(given)
        document = parse(response.content)
        assert document.find("p", class_="empty").text == "No stance has been given for this unit.", repr(given)
        assert document.find("h1").text == "Stance history"
    shown = parse(client.get(url(demo, f"decisions/{proposal.pk}/history/"), {"unit": own}).content)
    assert [item.find("strong").text for item in shown.find("ol", class_="plain-list history").find_all("li")] == [
        "Agree"
    ]


def test_a_stance_for_a_unit_named_with_a_nul_is_refused(demo, client_for, open_proposal) -> None:
    proposal = open_proposal()
    own = f"p{demo.member_person.pk}"
    before = stored()
    response = client_for(demo.member).post(
        url(demo, f"decisions/{proposal.pk}/stance/"), {"unit": f"{own}\x00", f"{own}-position": "agree"}
    )
    assert response.status_code == 403
    assert "only for yourself" in parse(response.content).find("p", class_="refusal").text
    assert stored() == before
