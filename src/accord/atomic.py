"""The transaction every action runs in."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, OperationalError, transaction

from accord.errors import Conflict

SIMULTANEOUS = "Someone else changed this at the same moment, so nothing was saved. Reload and try again."
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure

Params = ParamSpec("Params")
Result = TypeVar("Result")


def atomic_action(action: Callable[Params, Result]) -> Callable[Params, Result]:
    """All of the action or none of it.

    Actions check their rules before writing, but two people acting at the same moment can still both pass the
    check; the database's constraints then refuse the second write. That is a conflict the person can resolve by
    trying again, not a server error.
    """

    @functools.wraps(action)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            with transaction.atomic():
                return action(*args, **kwargs)
        except IntegrityError as error:
            raise Conflict(SIMULTANEOUS) from error
        except OperationalError as error:
            # PostgreSQL breaks a deadlock or a serialization conflict by failing one side: that side can retry.
            if getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
                raise Conflict(SIMULTANEOUS) from error
            raise

    return run
