"""Personal API tokens: make one (shown once), see when each was last used, revoke one.

The new token is shown in the answer to the POST that made it, and nowhere else: it is never kept (not in the
session, not in an address), and these pages are never cached, so going back or reloading cannot show it again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accord.accounts import actions, queries
from accord.errors import NotFound
from accord.web.action_forms import attempt
from accord.web.membership_forms import ApiTokenForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        created = attempt(form, actions.create_api_token, actor=request.user, name=form.cleaned_data["name"])
        if created is not None:
            token, raw = created
            new_token = {"id": token.pk, "name": token.name, "raw": raw}
            messages.success(request, f"API token “{token.name}” created.")
            form = ApiTokenForm()  # a fresh form for the next token
    return render(
        request,
        "web/tokens/index.html",
        {
            "form": form,
            "tokens": queries.api_tokens(request.user),
            "new_token": new_token,
        },
        status=201 if new_token else 422 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = queries.api_tokens(request.user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("You have no such API token.")
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        revoked = attempt(form, actions.revoke_api_token, actor=request.user, token_id=token.pk)
        if revoked is not None:
            messages.success(request, f"API token “{revoked.name}” revoked: it no longer works.")
            return redirect("web:tokens")
    return render(request, "web/tokens/revoke.html", {"token": token, "form": form}, status=422 if form.errors else 200)
