"""The one error the kernel raises: what is wrong, and where in the rule or ballots it is."""

from __future__ import annotations


class GovernanceError(ValueError):
    """A rule, ballot or stance that cannot be used as given.

    `path` names the field at fault the way a person would find it in the JSON, for example
    `rule.fallback.rule.threshold` or `ballots.stances[3].position`.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path
