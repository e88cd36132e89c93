"""The agreements a new coalition starts from, drawn from the guides (Anarchic Agreements 2 and 2.6, Starting a
coalition's "Align", the Blueprint interview). They are a draft the founders edit and then adopt by the founding
decision; the placeholders in brackets are there to be replaced."""

from __future__ import annotations

from typing import Any

DEFAULT_AGREEMENTS: list[dict[str, Any]] = [
    {
        "key": "unity_statement",
        "title": "Unity statement",
        "category": "unity",
        "members_confirm": True,
        "text": "We are a coalition of groups and individuals who come together to [what we want to change].\n\n"
        "We agree on [the change we seek], and we work towards it while each member group keeps its own "
        "identity, its own ways of working and its freedom to leave.",
    },
    {
        "key": "purpose",
        "title": "Purpose and goals",
        "category": "purpose",
        "members_confirm": False,
        "text": "## Purpose\n\n[What the coalition is for, in a sentence or two.]\n\n"
        "## Short-term goals (this year)\n\n- [A goal we can reach together this year]\n\n"
        "## Long-term goals\n\n- [The change we want to see in five years]",
    },
    {
        "key": "values",
        "title": "Values",
        "category": "values",
        "members_confirm": False,
        "text": "- Solidarity and mutual aid between member groups.\n- Equality: no group or person is able to "
        "dominate others because of the way the coalition is set up.\n- Openness about how we decide and why.",
    },
    {
        "key": "principles",
        "title": "Principles",
        "category": "values",
        "members_confirm": True,
        "text": "- Our agreements are **conscious** (discussed and decided explicitly), **consensual** (agreed by "
        "everyone they bind, never imposed) and **changeable** (changed by the coalition itself when "
        "circumstances or membership change, never dictated by founders).\n"
        "- Decisions are made at the level they affect: what affects some member groups is decided by them "
        "(subsidiarity).\n- Roles rotate and information is shared, so that no clique forms.",
    },
    {
        "key": "policy_joining_leaving",
        "title": "Joining and leaving",
        "category": "policy",
        "members_confirm": False,
        "text": "Any group or individual who shares the unity statement and meets the membership criteria can "
        "apply. Admission is a decision of the kind “Admit a member”. New members have an induction period "
        "before they count in decisions.\n\nMember groups are free to leave at any time. The coalition may ask a "
        "member to leave only if it acted against an agreement below, by a decision of the kind “Ask a member to "
        "leave”, which names that agreement.",
    },
    {
        "key": "policy_conflict",
        "title": "Conflict and accountability",
        "category": "policy",
        "members_confirm": False,
        "text": "When a conflict arises, those involved first try to resolve it directly. Either may ask for "
        "[two people not involved] to mediate. Where someone has been harmed, the priority is their safety, not "
        "reconciliation. Engaging with this process is a condition of membership.",
    },
    {
        "key": "policy_privacy",
        "title": "Privacy and data",
        "category": "policy",
        "members_confirm": False,
        "text": "We share information openly inside the coalition unless it puts someone at risk. Published "
        "notes do not name individuals. Each member can see, export and erase the data held about them.",
    },
    {
        "key": "policy_anti_oppression",
        "title": "Anti-oppression",
        "category": "policy",
        "members_confirm": False,
        "text": "We work to undo oppression inside our own coalition: we ask for and meet access needs at every "
        "meeting, share speaking time, and challenge discrimination when it happens.",
    },
    {
        "key": "membership_criteria",
        "title": "Membership criteria",
        "category": "membership",
        "members_confirm": True,
        "text": "- Agrees with the unity statement and principles.\n- [Works on the coalition's issue in its "
        "area.]\n- Is not a political party or a business.\n\nThese criteria apply to existing members as much "
        "as to new ones.",
    },
    {
        "key": "membership_expectations",
        "title": "What it means to be in",
        "category": "membership",
        "members_confirm": True,
        "text": "Each member group:\n\n- **shares resources**: [money, rooms, equipment it can offer];\n"
        "- **offers skills and capacity**: [hours a month, skills];\n- **staffs the coalition's structures**: "
        "sends a delegate to general meetings and takes a turn in a role;\n- **shows public solidarity**: signs "
        "the coalition's public statements unless it states a red line.",
    },
]
