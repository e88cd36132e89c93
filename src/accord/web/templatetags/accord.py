"""Template helpers shared by every page: what the viewer's standing allows, and accessible form widgets.

{% load accord %}
{% if standing|can:"manage_members" %}…{% endif %}
{% if standing|delegate_of:group %}…{% endif %}      a delegate of this (active) member group
{% if standing|may_edit_group:group %}…{% endif %}   a coordinator, or a delegate of the group
{% if standing|is_person:person %}…{% endif %}       the viewer is this person
{{ field|widget }}                                   the field's widget with aria-describedby / aria-invalid
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from accord.coalitions import permissions
from accord.coalitions.permissions import Standing, may_act_for_group, may_edit_group

register = template.Library()


@register.filter
def can(standing: Standing | None, ability: str) -> bool:
    """Whether the viewer's role in this coalition includes the ability (see coalitions.permissions.ABILITIES)."""
    return bool(standing) and standing.can(ability)  # type: ignore[union-attr]


@register.filter
def delegate_of(standing: Standing | None, member_group: Any) -> bool:
    return bool(standing) and member_group is not None and may_act_for_group(standing, member_group)  # type: ignore[arg-type]


@register.filter(name="may_edit_group")
def may_edit_group_filter(standing: Standing | None, member_group: Any) -> bool:
    return bool(standing) and member_group is not None and may_edit_group(standing, member_group)  # type: ignore[arg-type]


@register.filter
def may_see_contact_details(standing: Standing | None, person: Any) -> bool:
    return standing is not None and permissions.may_see_contact_details(standing, person)


@register.filter
def is_person(standing: Standing | None, person: Any) -> bool:
    return bool(standing) and standing.person is not None and person is not None and standing.person.pk == person.pk  # type: ignore[union-attr]


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
