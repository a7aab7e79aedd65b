"""Organisers' pages of the programme's webhooks: endpoints, their deliveries, test events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .confirmation import confirmation_page
from .models import Programme
from .permissions import MANAGERS, get_programme_for_user
from .webhook_forms import WebhookForm
from .webhook_models import Webhook, WebhookDelivery
from .webhooks import enable_webhook, redeliver, send_ping

# Deliveries shown on a webhook's page, newest first.
RECENT_DELIVERIES = 30


def _webhook_of(programme: Programme, pk: int) -> Webhook:
    return get_object_or_404(programme.webhooks.all(), pk=pk)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@login_required
def webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = WebhookForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        webhook = form.save(commit=False)
        webhook.programme = programme
        webhook.created_by = request.user
        webhook.save()
        messages.success(
            request,
            _("The webhook was added. Check the signatures of its deliveries with its secret."),
        )
        return redirect("programs:webhook_edit", slug=programme.slug, pk=webhook.pk)
    return render(
        request,
        "programs/webhooks.html",
        {"programme": programme, "webhooks": programme.webhooks.all(), "form": form},
    )


@login_required
def webhook_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    webhook = _webhook_of(programme, pk)
    form = WebhookForm(_posted(request), instance=webhook)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The webhook was saved."))
        return redirect("programs:webhook_edit", slug=programme.slug, pk=webhook.pk)
    # The page shows the saved webhook, not the values of a form with errors.
    webhook.refresh_from_db()
    deliveries = webhook.deliveries.defer("payload")[:RECENT_DELIVERIES]
    return render(
        request,
        "programs/webhook_form.html",
        {
            "programme": programme,
            "webhook": webhook,
            "form": form,
            "deliveries": deliveries,
            "last_failure": webhook.deliveries.filter(status=WebhookDelivery.Status.FAILED)
            .only("response_code", "error", "last_attempt_at")
            .first()
            if webhook.disabled_at
            else None,
        },
    )


@login_required
@require_POST
def webhook_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    webhook = _webhook_of(programme, pk)
    asking = confirmation_page(
        request,
        question=_("Delete the webhook to %(url)s?") % {"url": webhook.url},
        consequence=_("Its deliveries are deleted with it; the receiver hears of nothing more."),
        action=_("Delete the webhook"),
        cancel_url=reverse("programs:webhook_edit", args=[programme.slug, webhook.pk]),
    )
    if asking:
        return asking
    webhook.delete()
    messages.success(request, _("The webhook was deleted."))
    return redirect("programs:webhooks", slug=programme.slug)


@login_required
@require_POST
def webhook_enable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    webhook = _webhook_of(programme, pk)
    enable_webhook(webhook=webhook)
    messages.success(request, _("The webhook is on again."))
    return redirect("programs:webhook_edit", slug=programme.slug, pk=webhook.pk)


@login_required
@require_POST
def webhook_ping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    webhook = _webhook_of(programme, pk)
    send_ping(webhook=webhook)
    messages.success(
        request, _("A test event is on its way; reload the page to see how it was answered.")
    )
    return redirect("programs:webhook_edit", slug=programme.slug, pk=webhook.pk)


@login_required
@require_POST
def webhook_redeliver(request: HttpRequest, slug: str, pk: int, delivery_pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    webhook = _webhook_of(programme, pk)
    delivery = get_object_or_404(webhook.deliveries.all(), pk=delivery_pk)
    if redeliver(delivery=delivery):
        messages.success(request, _("The delivery is sent again."))
    else:
        messages.error(request, _("Only a failed delivery can be sent again."))
    return redirect("programs:webhook_edit", slug=programme.slug, pk=webhook.pk)
