"""Meetings as iCalendar (RFC 5545) text, for calendar feeds and invitation attachments. Plain and small: one
VEVENT per meeting, times in UTC, text escaped and lines folded at 75 octets."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse

from .models import Meeting

# Every line break a calendar app may honour: a bare CR, or a Unicode separator, must not end the event early.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    text = LINE_BREAKS.sub("\n", text)
    text = CONTROL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        limit = 75 if not parts else 74
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting: Meeting, *, now: datetime) -> list[str]:
    link = settings.BASE_URL + reverse("web:meeting", args=[meeting.coalition.slug, meeting.pk])
    where = ", ".join(part for part in (meeting.place, meeting.online_link) if part)
    description = "\n".join(
        part
        for part in (
            meeting.description,
            f"Languages: {', '.join(meeting.languages)}" if meeting.languages else "",
            f"For: {meeting.audience}" if meeting.audience else "",
            f"Agenda, replies and access needs: {link}",
        )
        if part
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{settings.BASE_URL.split('://')[-1].split('/')[0] or 'accord'}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.ends_at)}",
        f"SUMMARY:{_escape(meeting.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{link}",
        f"STATUS:{'CANCELLED' if meeting.is_cancelled else 'CONFIRMED'}",
    ]
    if where:
        lines.append(f"LOCATION:{_escape(where)}")
    lines.append("END:VEVENT")
    return lines


def calendar(meetings: Iterable[Meeting], *, name: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Accord//Meetings//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for meeting in meetings:
        lines.extend(event_lines(meeting, now=now))
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
