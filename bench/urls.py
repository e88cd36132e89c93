"""Accord's URLs plus `bench/floor/`: the floor that recording a stance over HTTP is measured against.

The floor is the bare Django view DESIGN.md's budget names ("authenticates and inserts one row"): it reads the
bearer token exactly as the API does (`accord.accounts.queries.user_for_token`, then `touch_api_token`, as
`accord.api.auth.PersonalToken` does), parses the JSON body, and inserts one row into the same table the action
writes to, in a transaction of its own: a `Stance` with `is_current=False` in the same round, for a unit named in
the body by its id, so it needs no other read. It answers 201 with the new row's id as JSON. Served only by the
benchmarks' server (`bench.settings`), never by Accord.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accord.accounts.actions import touch_api_token
from accord.accounts.queries import user_for_token
from accord.decisions.models import Stance
from accord.urls import urlpatterns as accord_urlpatterns


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        return JsonResponse({"status": 401, "code": "not_signed_in", "message": "Send a valid token."}, status=401)
    _user, api_token = found
    touch_api_token(token=api_token)
    body = json.loads(request.body)
    with transaction.atomic():
        stance = Stance.objects.create(
            round_id=body["round"],
            unit_id=body["unit_id"],
            unit_key=body["unit"],
            position=body["position"],
            is_current=False,
        )
    return JsonResponse({"id": stance.pk}, status=201)


urlpatterns = [path("bench/floor/", floor), *accord_urlpatterns]
