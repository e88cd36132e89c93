"""Whatever a person types, an action either does the whole thing or refuses with a message naming the field;
never another exception, never half a write."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.coalitions import actions
from accord.errors import ActionError

from .conftest import World, snapshot

anything = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)

fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(name=anything, size=anything, description=anything, contact_email=anything)
def test_adding_a_member_group_never_fails_badly(world: World, name, size, description, contact_email) -> None:
    before = snapshot()
    try:
        group = actions.add_member_group(
            actor=world.coordinator,
            coalition=world.coalition,
            name=name,
            size=size,
            description=description if description is not None else "",
            contact_email=contact_email if contact_email is not None else "",
        )
    except ActionError as refusal:
        assert refusal.field in {"name", "size", "description", "contact_email"}
        assert refusal.message
        assert snapshot() == before
    else:
        assert group.pk and 1 <= group.size <= 10_000_000 and group.name == group.name.strip() != ""


@fuzz
@given(
    kind=st.sampled_from(["group", "individual", "", "other"]),
    answers=st.lists(anything, max_size=3),
    group_name=anything,
    group_size=anything,
)
def test_applying_never_fails_badly(world: World, kind, answers, group_name, group_size) -> None:
    before = snapshot()
    try:
        application = actions.submit_application(
            actor=world.outsider,
            coalition=world.coalition,
            kind=kind,
            answers=answers,
            group_name=group_name if group_name is not None else "",
            group_size=group_size,
        )
    except ActionError as refusal:
        assert refusal.message
        assert snapshot() == before
    else:
        assert application.status == "pending"
        actions.withdraw_application(actor=world.outsider, application=application)


@pytest.mark.parametrize("bad", ["Leeds\x00Action", "Leeds Action\x00"])
def test_nul_characters_are_refused_not_crashed_on(world: World, bad: str) -> None:
    with pytest.raises(ActionError) as refusal:
        actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name=bad, size=3)
    assert refusal.value.field == "name"


@pytest.mark.parametrize("size", [float("inf"), float("-inf"), float("nan"), 10**30, "1e3", [3]])
def test_odd_sizes_are_refused_with_the_size_message(world: World, size) -> None:
    with pytest.raises(ActionError) as refusal:
        actions.add_member_group(actor=world.coordinator, coalition=world.coalition, name="York", size=size)
    assert refusal.value.field == "size"
