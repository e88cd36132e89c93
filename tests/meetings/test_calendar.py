"""iCalendar output (RFC 5545) and the calendar feeds read by token."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accord.coalitions import actions as coalition_actions
from accord.errors import NotFound
from accord.meetings import actions, queries
from accord.meetings.calendar import calendar

from .conftest import World, schedule


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_calendar_text_is_escaped_folded_and_crlf(world: World) -> None:
    title = "Rent; food, and \\ more – Łódź " * 3
    meeting = schedule(world, title=title.strip(), description="Line one\nLine two", place="Hall; back room")
    text = calendar([meeting], name="River Towns", now=timezone.now())
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode()) <= 75
        line.encode().decode("utf-8")  # never split inside a character
    lines = unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Accord//Meetings//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:River Towns",
    ]
    escaped = title.strip().replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert f"SUMMARY:{escaped}" in lines
    assert "LOCATION:Hall\\; back room" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Line one\\nLine two\\n")
    assert f"DTSTART:{meeting.starts_at:%Y%m%dT%H%M%SZ}" in lines
    assert "STATUS:CONFIRMED" in lines and lines[-2:] == ["END:VCALENDAR", ""]
    assert any(len(line.encode()) > 75 for line in lines)  # so folding was exercised


def test_folding_never_splits_a_multibyte_character(world: World) -> None:
    meeting = schedule(world, title="ł" * 120)
    text = calendar([meeting], name="Ł" * 50, now=timezone.now())
    physical = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical)
    assert f"SUMMARY:{'ł' * 120}" in unfold(text)
    assert f"X-WR-CALNAME:{'Ł' * 50}" in unfold(text)


def test_a_cancelled_meeting_is_marked_cancelled(world: World) -> None:
    meeting = actions.cancel_meeting(actor=world.member, meeting=schedule(world))
    assert "STATUS:CANCELLED" in unfold(calendar([meeting], name="x", now=timezone.now()))


def test_feeds_by_token(world: World) -> None:
    coming = schedule(world, title="Coming", days=2)
    skipping = schedule(world, title="Skipping", days=4)
    actions.reply_to_meeting(actor=world.facilitator, meeting=skipping, answer="no")
    mine = actions.calendar_feed(actor=world.facilitator, coalition=world.coalition)
    assert actions.calendar_feed(actor=world.facilitator, coalition=world.coalition).token == mine.token
    found, meetings = queries.feed(mine.token)
    assert found == mine and [m.title for m in meetings] == ["Coming"]
    everyone = actions.calendar_feed(actor=world.member, coalition=world.coalition, mine=False)
    assert [m.title for m in queries.feed(everyone.token)[1]] == ["Coming", "Skipping"]
    assert coming in queries.feed(everyone.token)[1]
    for token in ("", "short", "x" * 65, "a" * 20 + "/..", None, mine.token + "x"):
        with pytest.raises(NotFound):
            queries.feed(token)  # type: ignore[arg-type]
    renewed = actions.calendar_feed(actor=world.facilitator, coalition=world.coalition, renew=True)
    assert renewed.token != mine.token
    with pytest.raises(NotFound):
        queries.feed(mine.token)
    coalition_actions.leave_coalition(actor=world.facilitator, coalition=world.coalition)
    with pytest.raises(NotFound):
        queries.feed(renewed.token)


def test_another_persons_no_never_hides_a_meeting_from_your_feed(world: World) -> None:
    both = schedule(world, title="Both", days=2)
    actions.reply_to_meeting(actor=world.member, meeting=both, answer="yes")
    actions.reply_to_meeting(actor=world.facilitator, meeting=both, answer="no")
    mine = actions.calendar_feed(actor=world.member, coalition=world.coalition)
    assert [m.title for m in queries.feed(mine.token)[1]] == ["Both"]


@pytest.mark.parametrize("separator", ["\r", "\u2028", "\x85", "\x0b"])
def test_no_line_break_in_a_members_text_can_end_the_event(world: World, separator: str) -> None:
    meeting = schedule(world, description=f"a{separator}END:VEVENT{separator}BEGIN:VEVENT{separator}SUMMARY:evil")
    lines = calendar([meeting], name="River Towns", now=timezone.now()).replace("\r\n ", "").split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 1 and "SUMMARY:evil" not in lines
    assert not any(separator in line for line in lines)
    assert "DESCRIPTION:a\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:evil" in [line.split("\\nAgenda")[0] for line in lines]
