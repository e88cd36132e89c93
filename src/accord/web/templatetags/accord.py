"""Template helpers shared by every page: what the viewer's standing allows, and accessible form widgets.

Each permission filter wraps one predicate of accord.coalitions.permissions, so a page offers exactly what the
action will accept; none decides anything itself.

{% load accord %}
{% if standing|can:"manage_members" %}…{% endif %}
{% if standing|delegate_of:group %}…{% endif %}                a delegate of this (active) member group
{% if standing|may_edit_group:group %}…{% endif %}             a coordinator, or a delegate of the group
{% if standing|may_edit_person:person %}…{% endif %}           the person themselves, or a coordinator
{% if standing|may_end_affiliation:affiliation %}…{% endif %}  the person, a coordinator or the group's delegate
{% if standing|may_switch_delegate:affiliation %}…{% endif %}  may turn the affiliation's delegate role around
{% if standing|may_invite_to:group %}…{% endif %}              may invite people into this member group
{% if standing|may_invite_someone %}…{% endif %}               may invite anyone at all (the Invitations page)
{% if standing|is_person:person %}…{% endif %}                 the viewer is this person (for wording, not rights)
{{ field|widget }}                                             the field's widget with aria-describedby / aria-invalid
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from accord.coalitions import permissions
from accord.coalitions.permissions import Standing

register = template.Library()


@register.filter
def can(standing: Standing | None, ability: str) -> bool:
    """Whether the viewer's role in this coalition includes the ability (see coalitions.permissions.ABILITIES)."""
    return standing is not None and standing.can(ability)


@register.filter
def delegate_of(standing: Standing | None, member_group: Any) -> bool:
    return standing is not None and member_group is not None and permissions.may_act_for_group(standing, member_group)


@register.filter
def may_edit_group(standing: Standing | None, member_group: Any) -> bool:
    return standing is not None and member_group is not None and permissions.may_edit_group(standing, member_group)


@register.filter
def may_edit_person(standing: Standing | None, person: Any) -> bool:
    return standing is not None and person is not None and permissions.may_edit_person(standing, person)


@register.filter
def may_end_affiliation(standing: Standing | None, affiliation: Any) -> bool:
    return standing is not None and affiliation is not None and permissions.may_end_affiliation(standing, affiliation)


@register.filter
def may_switch_delegate(standing: Standing | None, affiliation: Any) -> bool:
    """Whether the viewer may turn this affiliation's delegate role to the other value: make a delegate, or end
    the role (a delegate may end only their own)."""
    return (
        standing is not None
        and affiliation is not None
        and permissions.may_set_delegate(standing, affiliation, not affiliation.is_delegate)
    )


@register.filter
def may_invite_to(standing: Standing | None, member_group: Any) -> bool:
    return standing is not None and member_group is not None and permissions.may_invite_to(standing, member_group)


@register.filter
def may_invite_someone(standing: Standing | None) -> bool:
    return standing is not None and permissions.may_invite_someone(standing)


@register.filter
def may_see_contact_details(standing: Standing | None, person: Any) -> bool:
    return standing is not None and person is not None and permissions.may_see_contact_details(standing, person)


@register.filter
def is_person(standing: Standing | None, person: Any) -> bool:
    return (
        standing is not None and standing.person is not None and person is not None and standing.person.pk == person.pk
    )


def described_by(field: forms.BoundField) -> str:
    """The ids of the help text and error message that describe this field, as aria-describedby wants them."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def widget(field: forms.BoundField) -> SafeString:
    """Render the field's widget linked to its help text and errors, and marked invalid when it has errors."""
    attrs: dict[str, Any] = {}
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    """Checkbox lists and radio buttons are a group of inputs: they get a fieldset and legend, not one label."""
    return isinstance(field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
