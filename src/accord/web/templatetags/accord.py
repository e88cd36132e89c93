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
{% for radio in field|choice_inputs %}…{% endfor %}            a choice group's inputs one by one, linked the same way
{% page_query "page" 2 %}                                      this page's query string with page=2, the rest kept
{{ text|markdown }}                                            a member's Markdown, rendered and sanitised
{{ moment|moment }}                                            <time> in UTC, shown in local time by accord.js
{{ rule|rule_words }}                                          a decision rule (or its JSON) in plain words
{{ part|share:whole }}                                         a whole percentage
{{ stance|stance_words }}                                      a recorded stance in words
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundWidget
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accord.coalitions import permissions
from accord.coalitions.permissions import Standing
from accord.governance import percent

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


def aria_attributes(field: forms.BoundField) -> dict[str, str]:
    """aria-describedby (any ids the widget names itself, then the help text's and the error's) and aria-invalid."""
    attrs: dict[str, str] = {}
    ids = " ".join(part for part in (field.field.widget.attrs.get("aria-describedby", ""), described_by(field)) if part)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


@register.filter
def widget(field: forms.BoundField) -> SafeString:
    """Render the field's widget linked to its help text and errors, and marked invalid when it has errors."""
    return field.as_widget(attrs=aria_attributes(field))


@register.filter
def choice_inputs(field: forms.BoundField) -> list[BoundWidget]:
    """A radio group's or checkbox list's inputs one by one, for a page that lays them out with words of its own,
    each linked to the group's help text and error and marked invalid as `widget` does:
    {% for radio in form.score|choice_inputs %}{{ radio.tag }} <label for="{{ radio.id_for_label }}">…{% endfor %}"""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id  # as BoundField.subwidgets does
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    attrs |= aria_attributes(field)
    return [
        BoundWidget(widget, subwidget, field.form.renderer)
        for subwidget in widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]


@register.simple_tag(takes_context=True)
def page_query(context: template.Context, parameter: str, number: Any) -> str:
    """The page's query string with `parameter` set to `number`, every other parameter kept (a page with two paged
    lists keeps the other list's page, a list keeps its filter): {% page_query "page" page.next_page_number %}."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[parameter] = str(number)
    return "?" + query.urlencode()


@register.filter
def is_choice_group(field: forms.BoundField) -> bool:
    """Checkbox lists and radio buttons are a group of inputs: they get a fieldset and legend, not one label."""
    return isinstance(field.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


# --- decisions ------------------------------------------------------------------------------------------------


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """A member's Markdown (a proposal's text) as sanitised HTML: {{ round.text|markdown }}."""
    from accord.web.markdown import render_markdown

    return render_markdown(text)


@register.filter
def moment(value: datetime | None, style: str = "") -> SafeString:
    """A moment as <time>, its text in UTC; accord.js rewrites the text in the viewer's own time zone.

    {{ round.closes_at|moment }} -> 3 Jun 2026, 18:00 UTC;  {{ value|moment:"date" }} -> 3 Jun 2026
    """
    if value is None:
        return SafeString("")
    in_utc = value.astimezone(UTC)
    shown = f"{in_utc.day} {in_utc:%b %Y}" if style == "date" else f"{in_utc.day} {in_utc:%b %Y, %H:%M} UTC"
    return format_html(
        '<time datetime="{}" data-local-time="{}">{}</time>',
        in_utc.isoformat(timespec="seconds").replace("+00:00", "Z"),
        style or "datetime",
        shown,
    )


@register.filter
def rule_words(rule: Any) -> str:
    """A rule (a governance Rule, or its JSON form) in plain words; a rule that cannot be read says so."""
    from accord.governance import GovernanceError, Rule, describe_rule, parse_rule

    try:
        return describe_rule(rule if isinstance(rule, Rule) else parse_rule(rule))
    except GovernanceError as error:
        return f"This rule cannot be read ({error.message})"


@register.filter
def share(part: Any, whole: Any) -> str:
    """`part` of `whole` as a percentage, never rounded up: {{ responded|share:eligible }} -> 66.6%."""
    try:
        part, whole = int(part or 0), int(whole or 0)
    except (TypeError, ValueError):
        return ""
    return percent(Fraction(part, whole)) if whole > 0 else "0%"


@register.filter
def stance_words(stance: Any) -> str:
    """A recorded stance in words: "Stand aside", "Score 3 of 5", "Ranking: Leeds, York" (decision_words)."""
    from accord.web.decision_words import stance_of

    return stance_of(stance)
