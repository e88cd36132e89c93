"""The decision-kind table a new coalition starts from, drawn from the guides (Anarchic Agreements, 2.4).

Hard to change what would be hard to undo (the name, the bank and social-media accounts, the constitution
itself); easy to change conduct at meetings; day-to-day matters decided by the groups they affect.
"""

from __future__ import annotations

from typing import Any

RADICAL_ROUTES = {
    "method": "consensus",
    "unit": "groups",
    "blocks_per_units": 12,
    "quorum": "1/2",
    "fallback": {"after_failed_rounds": 3, "rule": {"method": "supermajority", "unit": "groups", "threshold": "9/10"}},
}

DEFAULT_KINDS: list[dict[str, Any]] = [
    {
        "key": "amend_constitution",
        "name": "Amend the constitution",
        "description": "Changing the coalition's agreements, including this table of decision kinds and their rules.",
        "rule": RADICAL_ROUTES,
        "scope": "coalition",
    },
    {
        "key": "admit_member",
        "name": "Admit a member",
        "description": "Admitting a member group or an individual member who applied to join.",
        "rule": {"method": "consensus", "unit": "groups_and_individuals", "blocks_allowed": 1, "quorum": "1/3"},
        "scope": "coalition",
    },
    {
        "key": "ask_member_to_leave",
        "name": "Ask a member to leave",
        "description": "Asking a member group or individual member to leave the coalition.",
        "rule": {"method": "supermajority", "unit": "groups_and_individuals", "threshold": "9/10", "quorum": "2/3"},
        "scope": "coalition",
    },
    {
        "key": "name_and_shared_accounts",
        "name": "The coalition's name and shared accounts",
        "description": "Renaming the coalition or changing who holds its bank and social-media accounts.",
        "rule": {"method": "supermajority", "unit": "groups", "threshold": "9/10", "quorum": "2/3"},
        "scope": "coalition",
    },
    {
        "key": "budget_and_strategy",
        "name": "Budget and strategy",
        "description": "The annual budget, the coalition's strategy and anything with a far-reaching impact.",
        "rule": {
            "method": "consensus",
            "unit": "groups",
            "blocks_allowed": 1,
            "quorum": "1/2",
            "fallback": {
                "after_failed_rounds": 2,
                "rule": {"method": "supermajority", "unit": "groups", "threshold": "3/4", "quorum": "1/2"},
            },
        },
        "scope": "coalition",
    },
    {
        "key": "meeting_conduct",
        "name": "Meeting conduct",
        "description": "How meetings run: times, places, facilitation, conduct.",
        "rule": {"method": "majority", "unit": "people", "quorum": "1/4"},
        "scope": "coalition",
    },
    {
        "key": "affected_groups",
        "name": "Matters for the groups they affect",
        "description": "Decisions that affect only some member groups, made by those groups (subsidiarity).",
        "rule": {"method": "consensus", "unit": "groups", "blocks_allowed": 1},
        "scope": "affected_groups",
    },
    {
        "key": "choose_between_options",
        "name": "Choosing between options",
        "description": "Picking one of several options: a date, a name, a priority.",
        "rule": {"method": "ranked_irv", "unit": "people"},
        "scope": "coalition",
    },
]
