"""The JSON API for the caller's personal API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from accord.api.inputs import Id
from accord.api.pagination import PageQuery, page_of, paginate

from . import actions, queries
from .schemas import ApiTokenCreatedOut, ApiTokenCreateIn, ApiTokenOut

router = Router(tags=["API tokens"])


@router.get(
    "/me/tokens",
    response=page_of(ApiTokenOut),
    summary="List my API tokens",
    description="The caller's personal API tokens, active ones first. The tokens themselves are never shown again.",
)
def list_tokens(request: HttpRequest, query: Query[PageQuery]) -> dict:
    return paginate(queries.api_tokens(request.auth), query)


@router.post(
    "/me/tokens",
    response={201: ApiTokenCreatedOut},
    summary="Create an API token",
    description=(
        "Creates a personal API token and returns it in `token`, this once only. Send it as "
        "`Authorization: Bearer <token>`. A token acts with all of its owner's rights; revoke it when it is no "
        "longer needed."
    ),
)
def create_token(request: HttpRequest, payload: ApiTokenCreateIn) -> dict:
    token, raw = actions.create_api_token(actor=request.auth, name=payload.name)
    return {**ApiTokenOut.model_validate(token).model_dump(), "token": raw}


@router.post(
    "/me/tokens/{int:token_id}/revoke",
    response=ApiTokenOut,
    summary="Revoke an API token",
    description="The token stops working at once. A token can revoke itself.",
)
def revoke_token(request: HttpRequest, token_id: Id) -> object:
    return actions.revoke_api_token(actor=request.auth, token_id=token_id)
