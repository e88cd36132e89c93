"""Who may do what with meetings, declared in one place.

Any member schedules a meeting, replies, proposes agenda items and sees the full notes. The meeting's organisers
(whoever scheduled it, its facilitator, and coordinators) arrange the agenda, assign roles and cancel it; its
note-taker and facilitator (and coordinators) write the notes, attendance, decisions and tasks.
"""

from __future__ import annotations

from accord.coalitions.permissions import Role, Standing

from .models import Meeting, MeetingRole, Task


def may_view_meetings(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def _holds(standing: Standing, meeting: Meeting, roles: tuple[str, ...]) -> bool:
    if standing.person is None:
        return False
    return MeetingRole.objects.filter(meeting=meeting, role__in=roles, person=standing.person).exists()


def may_organise(standing: Standing, meeting: Meeting) -> bool:
    if standing.role < Role.MEMBER:
        return False
    if standing.role >= Role.COORDINATOR:
        return True
    if standing.person is not None and meeting.created_by_id == standing.person.pk:
        return True
    return _holds(standing, meeting, (MeetingRole.Role.FACILITATOR,))


def may_take_notes(standing: Standing, meeting: Meeting) -> bool:
    if standing.role < Role.MEMBER:
        return False
    if standing.role >= Role.COORDINATOR:
        return True
    return _holds(standing, meeting, (MeetingRole.Role.NOTE_TAKER, MeetingRole.Role.FACILITATOR))


def may_complete_task(standing: Standing, task: Task) -> bool:
    """The person it is assigned to, a member of the group it is assigned to, whoever set it, or a coordinator."""
    if standing.role < Role.MEMBER:
        return False
    if standing.role >= Role.COORDINATOR:
        return True
    me = standing.person.pk if standing.person is not None else None
    if me is not None and me in (task.owner_person_id, task.created_by_id):
        return True
    return task.owner_group_id is not None and task.owner_group_id in standing.member_of
