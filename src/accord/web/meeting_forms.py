"""The forms of the meetings pages: scheduling a meeting, replying with access needs, proposing an agenda item,
arranging the agenda, assigning a role and cancelling.

As with the decisions pages, forms only parse what was typed into the types an action takes; the action checks it
and says what to change, and `place_error` puts that message beside the field it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from django import forms

from accord.coalitions.models import Person
from accord.meetings.models import AgendaItem, Meeting, MeetingRole, Reply
from accord.meetings.queries import Candidate

from .decision_forms import LocalMomentField, PlacesErrors, TimeZoneFields, moment_help


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MeetingForm(PlacesErrors, TimeZoneFields):
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=Meeting.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of meeting.",
            "invalid_choice": "Choose one of the kinds of meeting in the list.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words people recognise in their calendar, like “June general meeting”.",
        error_messages={"required": "Enter a title.", "max_length": "Keep the title to 200 characters."},
    )
    starts_at = LocalMomentField(
        label="Starts at", what="when it starts", error_messages={"required": "Enter when the meeting starts."}
    )
    ends_at = LocalMomentField(
        label="Ends at", what="when it ends", error_messages={"required": "Enter when the meeting ends."}
    )
    place = forms.CharField(
        label="Place",
        required=False,
        max_length=300,
        help_text="An address people can find, with the room; leave empty for a meeting held only online.",
        error_messages={"max_length": "Keep the place to 300 characters."},
    )
    online_link = forms.CharField(
        label="Online link",
        required=False,
        max_length=500,
        help_text="The full address of the call, starting with https://.",
        error_messages={"max_length": "Keep the link to 500 characters."},
    )
    languages = forms.CharField(
        label="Languages spoken",
        required=False,
        max_length=800,
        help_text="Separated by commas, like “English, Polish”.",
        error_messages={"max_length": "List fewer languages."},
    )
    audience = forms.CharField(
        label="Who it is for",
        required=False,
        max_length=300,
        help_text="In a few words, like “Everyone” or “Delegates of member groups”.",
        error_messages={"max_length": "Keep this to 300 characters."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=4000,
        help_text="What the meeting is for, and anything people should know before they come.",
        widget=_textarea(5),
        error_messages={"max_length": "Keep the description to 4,000 characters."},
    )
    field_order = [
        "kind", "title", "starts_at", "ends_at", "place", "online_link", "languages", "audience", "description",
    ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = moment_help()
        self.fields["ends_at"].help_text = moment_help()

    def place_error(self, error: Any) -> tuple[str | None, str]:
        if (error.field or "").startswith("languages."):
            return "languages", error.message
        return super().place_error(error)

    @classmethod
    def editing(cls, meeting: Meeting, data: Any = None) -> MeetingForm:
        """The form prefilled with the meeting as it is. The times are given in UTC, which the server reads without
        JavaScript; accord.js rewrites them into the browser's zone (data-utc-value), as the zone fields then say."""
        starts, ends = (moment.astimezone(UTC).replace(tzinfo=None) for moment in (meeting.starts_at, meeting.ends_at))
        form = cls(
            data,
            initial={
                "kind": meeting.kind,
                "title": meeting.title,
                "starts_at": starts,
                "ends_at": ends,
                "place": meeting.place,
                "online_link": meeting.online_link,
                "languages": ", ".join(meeting.languages or []),
                "audience": meeting.audience,
                "description": meeting.description,
            },
        )
        if data is None:
            for name, moment in (("starts_at", starts), ("ends_at", ends)):
                form.fields[name].widget.attrs["data-utc-value"] = moment.strftime("%Y-%m-%dT%H:%M")
        return form

    def changes(self) -> dict[str, Any]:
        """What update_meeting takes: every field, as typed (the action saves only what differs)."""
        return self.arguments()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": self.aware(data["starts_at"]),
            "ends_at": self.aware(data["ends_at"]),
            "place": data["place"],
            "online_link": data["online_link"],
            "languages": data["languages"],
            "audience": data["audience"],
            "description": data["description"],
        }


class ReplyForm(PlacesErrors, forms.Form):
    prefix = "reply"
    answer = forms.ChoiceField(
        label="Are you coming?",
        choices=[(Reply.Answer.YES, "Yes"), (Reply.Answer.MAYBE, "Maybe"), (Reply.Answer.NO, "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you are coming: yes, maybe or no."},
    )
    childcare = forms.IntegerField(
        label="Children to look after",
        min_value=0,
        max_value=20,
        required=False,
        help_text="How many children you would bring who need looking after during the meeting; 0 if none.",
        error_messages={
            "invalid": "Give the number of children to look after, as a number such as 2.",
            "min_value": "Give the number of children to look after, between 0 and 20.",
            "max_value": "Give the number of children to look after, between 0 and 20.",
        },
    )
    travel_cost = forms.BooleanField(label="I need help with travel costs", required=False)
    interpretation = forms.CharField(
        label="Interpretation into a language",
        required=False,
        max_length=60,
        help_text="The language you need the meeting interpreted into, if any.",
        error_messages={"max_length": "Name the language in at most 60 characters."},
    )
    step_free = forms.BooleanField(label="I need step-free access", required=False)
    quiet_room = forms.BooleanField(label="I need a quiet room to step out to", required=False)
    other_needs = forms.CharField(
        label="Anything else you need",
        required=False,
        max_length=1000,
        widget=_textarea(3),
        error_messages={"max_length": "Keep this to 1,000 characters."},
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "answer": data["answer"],
            "childcare": data["childcare"] or 0,
            "travel_cost": data["travel_cost"],
            "interpretation": data["interpretation"],
            "step_free": data["step_free"],
            "quiet_room": data["quiet_room"],
            "other_needs": data["other_needs"],
        }

    @classmethod
    def initial_from(cls, reply: Reply | None) -> dict[str, Any]:
        if reply is None:
            return {}
        return {
            "answer": reply.answer,
            "childcare": reply.childcare,
            "travel_cost": reply.travel_cost,
            "interpretation": reply.interpretation,
            "step_free": reply.step_free,
            "quiet_room": reply.quiet_room,
            "other_needs": reply.other_needs,
        }


class AgendaItemForm(PlacesErrors, forms.Form):
    prefix = "item"
    title = forms.CharField(
        label="Item",
        max_length=200,
        help_text="What you want the meeting to discuss or decide, in a few words.",
        error_messages={"required": "Enter the item, in a few words.", "max_length": "Keep it to 200 characters."},
    )
    description = forms.CharField(
        label="Details",
        required=False,
        max_length=4000,
        help_text="Why it matters and what you hope the meeting will do about it.",
        widget=_textarea(3),
        error_messages={"max_length": "Keep the details to 4,000 characters."},
    )
    minutes = forms.CharField(
        label="Minutes needed",
        required=False,
        max_length=6,
        help_text="Roughly how long it needs, like 15. The facilitator sets the final time.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={"max_length": "Give the time as a number of minutes, such as 15."},
    )

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"], "minutes": data["minutes"] or None}


class ArrangeForm(forms.Form):
    """One position and one time per agenda item; up and down buttons (name `move`, value `<id>:up`) move one item
    by one place, so the agenda can be ordered without typing numbers or running JavaScript."""

    prefix = "arrange"

    def __init__(self, *args: Any, items: Sequence[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for index, item in enumerate(self.items, start=1):
            self.fields[f"position_{item.pk}"] = forms.IntegerField(
                label=f"Position of “{item.title}”",
                initial=index,
                min_value=1,
                max_value=999,
                error_messages={
                    "required": "Give this item a position, such as 1 for the first item.",
                    "invalid": "Give the position as a whole number, such as 1 for the first item.",
                    "min_value": "Give a position from 1 up.",
                    "max_value": "Give a position of at most 999.",
                },
                widget=forms.NumberInput(attrs={"class": "input--short"}),
            )
            self.fields[f"minutes_{item.pk}"] = forms.CharField(
                label=f"Minutes for “{item.title}”",
                required=False,
                initial=item.minutes or "",
                max_length=6,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
                error_messages={"max_length": "Give the time as a number of minutes, such as 15."},
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"item": item, "position": self[f"position_{item.pk}"], "minutes": self[f"minutes_{item.pk}"]}
            for item in self.items
        ]

    def place_error(self, error: Any) -> tuple[str | None, str]:
        name = error.field or ""
        if name.startswith("minutes."):
            field = "minutes_" + name.split(".", 1)[1]
            if field in self.fields:
                return field, error.message
        return None, error.message

    def arguments(self, move: str = "") -> dict[str, Any]:
        """The order (by the typed positions, ties kept in the current order) with `move` applied, and the times."""
        data = self.cleaned_data
        ranked = sorted(enumerate(self.items), key=lambda pair: (data[f"position_{pair[1].pk}"], pair[0]))
        order = [item.pk for _index, item in ranked]
        item_id, _sep, direction = move.partition(":")
        if (
            item_id.isascii()
            and item_id.isdigit()
            and len(item_id) < 20
            and int(item_id) in order
            and direction
            in (
                "up",
                "down",
            )
        ):
            at = order.index(int(item_id))
            to = at - 1 if direction == "up" else at + 1
            if 0 <= to < len(order):
                order[at], order[to] = order[to], order[at]
        minutes = {item.pk: data[f"minutes_{item.pk}"] or None for item in self.items}
        return {"order": order, "minutes": minutes}


def _candidate_words(candidate: Candidate) -> str:
    times = "1 time" if candidate.times_held == 1 else f"{candidate.times_held} times"
    words = f"{candidate.person.name}: held it {times}"
    if candidate.group is not None:
        group_times = "1 time" if candidate.group_times_held == 1 else f"{candidate.group_times_held} times"
        words += f"; their group ({candidate.group.name}) {group_times}"
    else:
        words += "; an individual member"
    replied = {Reply.Answer.YES: "; coming", Reply.Answer.MAYBE: "; maybe coming"}.get(candidate.replied, "")
    return words + replied


class RoleForm(PlacesErrors, forms.Form):
    person = forms.ChoiceField(
        label="Who",
        required=False,
        error_messages={"invalid_choice": "Choose a current member of this coalition from the list."},
    )

    def __init__(
        self,
        *args: Any,
        role: str,
        suggestions: Sequence[Candidate],
        people: Sequence[Person],
        held: Person | None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"role-{role}")
        kwargs.setdefault("initial", {"person": str(held.pk) if held else ""})
        super().__init__(*args, **kwargs)
        self.role = role
        self.label = MeetingRole.Role(role).label
        field = self.fields["person"]
        field.label = f"Who is the {self.label.lower()}"
        field.help_text = "Suggested first: those who (and whose groups) have held this role least."
        field.choices = [
            ("", "Nobody yet"),
            ("Suggested (rotation)", [(str(c.person.pk), _candidate_words(c)) for c in suggestions]),
            ("Every member", [(str(person.pk), person.name) for person in people]),
        ]
        self.people = {str(person.pk): person for person in people}

    def chosen(self) -> Person | None:
        return self.people.get(self.cleaned_data.get("person") or "")


class CancelForm(PlacesErrors, forms.Form):
    prefix = "cancel"
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        help_text="Told to everyone who sees the meeting, so they know why and what happens instead.",
        widget=_textarea(2),
        error_messages={"max_length": "Keep the reason to 2,000 characters."},
    )
