"""Who may do what with the constitution, declared in one place.

Before the founding decision the constitution is a draft its coordinators prepare; after it, no one changes it
directly: any member proposes an amendment and the coalition decides.
"""

from __future__ import annotations

from accord.coalitions.models import Coalition, MemberGroup
from accord.coalitions.permissions import Role, Standing

from .models import Amendment, RedLineFlag


def may_view_constitution(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def may_edit_draft(standing: Standing, coalition: Coalition) -> bool:
    return standing.role >= Role.COORDINATOR and coalition.constitution_adopted_at is None


def may_propose_founding(standing: Standing, coalition: Coalition) -> bool:
    return standing.role >= Role.COORDINATOR and coalition.constitution_adopted_at is None


def may_propose_amendment(standing: Standing, coalition: Coalition) -> bool:
    return standing.role >= Role.MEMBER and coalition.constitution_adopted_at is not None


def may_rebase(standing: Standing, amendment: Amendment) -> bool:
    """The person who proposed it, or a coordinator: as for any proposal's new round."""
    if standing.role < Role.MEMBER:
        return False
    if standing.role >= Role.COORDINATOR:
        return True
    author_id = amendment.proposal.author_id
    return standing.person is not None and author_id is not None and author_id == standing.person.pk


def may_ask_member_to_leave(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def may_sign_for_group(standing: Standing, member_group: MemberGroup) -> bool:
    return standing.role >= Role.MEMBER and member_group.pk in standing.delegate_of


def may_record_sign_on(standing: Standing) -> bool:
    """A coordinator records that a member group (through its delegate, at a meeting) or an individual member
    confirmed the versions in force, for members who cannot sign on here themselves."""
    return standing.role >= Role.COORDINATOR


def may_keep_red_lines(standing: Standing, member_group: MemberGroup) -> bool:
    """A group states, confirms and withdraws its red lines through its delegates."""
    return standing.role >= Role.MEMBER and member_group.pk in standing.delegate_of


def may_flag_red_line(standing: Standing) -> bool:
    return standing.role >= Role.MEMBER


def may_withdraw_flag(standing: Standing, flag: RedLineFlag) -> bool:
    """The member who flagged it, a delegate of the group whose red line it is, or a coordinator."""
    if standing.role < Role.MEMBER:
        return False
    own = standing.person is not None and flag.flagged_by_id == standing.person.pk
    return own or flag.red_line.member_group_id in standing.delegate_of or standing.role >= Role.COORDINATOR
