"""Reads of accounts: a user's own tokens, and who a bearer token belongs to."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import TOKEN_PREFIX, ApiToken, User, hash_token


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    return token.user, token


def api_tokens(actor: User) -> QuerySet[ApiToken]:
    if not getattr(actor, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor).order_by("revoked_at", "-created_at")


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()
