"""Every write to accounts: creating users (for the `accord` command) and personal API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from accord.atomic import atomic_action
from accord.errors import Conflict, Invalid, NotFound, NotSignedIn

from .models import TOKEN_PREFIX, ApiToken, User, hash_token


@atomic_action
def create_user(*, email: str, password: str | None, name: str = "", is_admin: bool = False) -> User:
    """An account made by the operator. Without a password the person sets one by "forgot password"."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(f"Enter a valid email address, like name@example.org (got “{email}”).", field="email")
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(f"An account with the address {email} already exists.", field="email")
    user = User(email=email, name=(name or "").strip()[:200], is_staff=is_admin, is_superuser=is_admin)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise Invalid(" ".join(error.messages), field="password")
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@atomic_action
def create_api_token(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """A personal API token; returns the row and the token itself, which is shown once and never kept."""
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to create an API token.")
    if name is not None and not isinstance(name, str):
        raise Invalid("Give the token's name as text.", field="name")
    name = (name or "").strip() or f"Token made {timezone.now():%Y-%m-%d}"
    if "\x00" in name:
        raise Invalid("Remove the invisible NUL characters from the token's name.", field="name")
    if len(name) > 100:
        raise Invalid("Shorten the token's name to 100 characters or fewer.", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name, key_hash=hash_token(raw), hint=raw[:10])
    return token, raw


@atomic_action
def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    if not getattr(actor, "is_authenticated", False):
        raise NotSignedIn("Sign in to revoke an API token.")
    token = ApiToken.objects.select_for_update(of=("self",)).filter(pk=token_id).first()
    if token is None or token.user_id != actor.pk:
        raise NotFound("You have no such API token.")
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def touch_api_token(*, token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute so reads stay cheap."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


__all__ = ["create_api_token", "create_user", "revoke_api_token", "set_display_name", "touch_api_token"]


def set_display_name(*, actor: User, name: str) -> User:
    """The name other members see, given at sign-up."""
    cleaned = (name or "").strip()
    if not cleaned or len(cleaned) > 200 or "\x00" in cleaned:
        raise Invalid("Enter your name as others will see it, up to 200 characters.", field="name")
    actor.name = cleaned
    actor.save(update_fields=["name"])
    return actor
