"""The account's personal API tokens: made (the secret shown once), listed and revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.confirmation import confirmation_page
from programs.models import ApiToken
from programs.services import issue_api_token

from .forms import ApiTokenForm

# The new secret waits here between the POST and the page that shows it, then is dropped:
# reloading that page shows it no more and makes no second token.
NEW_SECRET_KEY = "api_token_secret"  # noqa: S105 (a session key, not a secret)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        _token, request.session[NEW_SECRET_KEY] = issue_api_token(
            user=request.user,
            name=form.cleaned_data["name"],
            programmes=form.cleaned_data["programmes"],
            can_write=form.cleaned_data["can_write"],
            can_see_passports=form.cleaned_data["can_see_passports"],
        )
        return redirect("accounts:api_tokens")
    tokens = request.user.api_tokens.prefetch_related("programmes")
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "secret": request.session.pop(NEW_SECRET_KEY, None),
            "tokens": tokens,
            "docs_url": reverse("api_docs"),
        },
        status=400 if form.is_bound else 200,
    )
    # The page may show a secret: no copy kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    asking = confirmation_page(
        request,
        question=_("Revoke the token “%(name)s”?") % {"name": token.name},
        consequence=_("Programs using it are refused from now on; this cannot be undone."),
        action=_("Revoke the token"),
        cancel_url=reverse("accounts:api_tokens"),
    )
    if asking:
        return asking
    token.revoke()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
