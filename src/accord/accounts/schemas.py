"""The JSON API's shapes for accounts and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from accord.api.inputs import StrictInput


class ApiTokenCreateIn(StrictInput):
    name: str = Field("", description="What the token is for, up to 100 characters; defaults to the date.")


class ApiTokenOut(Schema):
    id: int
    name: str
    hint: str = Field(..., description="The token's first characters, to tell tokens apart.")
    is_active: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(..., description="The token itself. It is shown only this once: keep it somewhere safe.")
