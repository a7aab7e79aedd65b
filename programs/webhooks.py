"""Telling other systems about a programme's events: deliveries, signatures, retries.

`emit` is called by the services where things happen (participants, attendance, certificates,
jobs). After the transaction commits, each active webhook of the programme that subscribes to
the event gets a WebhookDelivery row, and a worker POSTs it (`programs.deliver_webhook`).

Every request carries `Tpbis-Event`, `Tpbis-Delivery` (the same on every attempt, for receivers
to ignore repeats) and `Tpbis-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
keyed with the webhook's secret>`. A 2xx answer is a success; anything else, a timeout or a
refused connection is retried with a doubling delay, WEBHOOKS_MAX_ATTEMPTS times in all. After
WEBHOOKS_DISABLE_AFTER deliveries in a row have failed every attempt, the webhook is turned off
until an organiser turns it on again.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Programme
from .webhook_http import UnsafeEndpoint, check_endpoint, post
from .webhook_models import EVENT_NAMES, PING, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

DELIVER_TASK = "programs.deliver_webhook"
SIGNATURE_HEADER = "Tpbis-Signature"
EVENT_HEADER = "Tpbis-Event"
DELIVERY_HEADER = "Tpbis-Delivery"
# A receiver should refuse a signature older than this (a replayed request).
SIGNATURE_TOLERANCE = 5 * 60
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
Status = WebhookDelivery.Status
FINISHED = (Status.SUCCEEDED, Status.FAILED)


# --- Signatures ------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Tpbis-Signature header value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """Whether `header` signs `body` with `secret`, made within SIGNATURE_TOLERANCE of `now`.

    What a receiver does (the README shows it on its own); here for the tests and the docs.
    """
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def request_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


# --- Recording deliveries --------------------------------------------------------------------


def emit(programme: Programme, event: str, data: dict[str, Any]) -> None:
    """Deliver `data` about `event` to the programme's webhooks, once the transaction commits.

    Side effects (after commit): a WebhookDelivery per active webhook subscribed to the event,
    each sent to the workers. Nothing when the transaction rolls back.
    """
    emit_many(programme, event, [data])


def emit_many(programme: Programme, event: str, items: list[dict[str, Any]]) -> None:
    """`emit` for several items of one event at once (one query for the webhooks)."""
    if event not in EVENT_NAMES:
        raise ValueError(f"Unknown webhook event {event!r}")
    if not items:
        return
    occurred_at = timezone.now().isoformat()
    programme_id, slug = programme.pk, programme.slug

    def record() -> None:
        record_deliveries(
            programme_id=programme_id,
            slug=slug,
            event=event,
            items=items,
            occurred_at=occurred_at,
        )

    # Robust: a failure to record deliveries is logged, never the error of the change itself.
    transaction.on_commit(record, robust=True)


def _envelope(
    delivery: WebhookDelivery, slug: str, occurred_at: str, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": occurred_at,
        "programme": slug,
        "data": data,
    }


def record_deliveries(
    *, programme_id: int, slug: str, event: str, items: list[dict[str, Any]], occurred_at: str
) -> list[WebhookDelivery]:
    """Side effects: creates the deliveries of the subscribed webhooks and sends them."""
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(programme_id=programme_id, active=True)
        if event in webhook.events
    ]
    deliveries = []
    for webhook in webhooks:
        for data in items:
            delivery = WebhookDelivery(webhook=webhook, event=event, next_attempt_at=timezone.now())
            delivery.payload = _envelope(delivery, slug, occurred_at, data)
            deliveries.append(delivery)
    if not deliveries:
        return []
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        send_delivery(delivery_id=delivery.pk)
    return deliveries


def send_delivery(*, delivery_id: int, countdown: float = 0) -> bool:
    """Hand a delivery to the workers; False when the broker is down (the sweep sends it)."""
    try:
        current_app.tasks[DELIVER_TASK].apply_async(
            kwargs={"delivery_id": delivery_id},
            countdown=countdown or None,
            queue=settings.CELERY_TASK_DEFAULT_QUEUE,
            retry_policy=PUBLISH_RETRY_POLICY,
        )
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        logger.warning("Broker unreachable: webhook delivery %s waits", delivery_id, exc_info=True)
        return False
    return True


def send_ping(*, webhook: Webhook) -> WebhookDelivery:
    """A test event for the webhook, whatever it subscribes to and even when it is off.

    Side effects: creates a delivery and sends it after commit.
    """
    delivery = WebhookDelivery(webhook=webhook, event=PING, next_attempt_at=timezone.now())
    delivery.payload = _envelope(
        delivery,
        webhook.programme.slug,
        timezone.now().isoformat(),
        {"webhook": webhook.pk, "url": webhook.url},
    )
    delivery.save()
    transaction.on_commit(lambda: send_delivery(delivery_id=delivery.pk), robust=True)
    return delivery


def redeliver(*, delivery: WebhookDelivery) -> bool:
    """Send a failed delivery again from its first attempt, with the same ID and body.

    Side effects: moves it back to pending and sends it after commit. False (nothing done)
    when the delivery has not failed.
    """
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: send_delivery(delivery_id=delivery.pk), robust=True)
    return bool(updated)


def enable_webhook(*, webhook: Webhook) -> None:
    """Side effects: turns the webhook on and forgets its failures."""
    Webhook.objects.filter(pk=webhook.pk).update(active=True, disabled_at=None, failure_count=0)
    webhook.active, webhook.disabled_at, webhook.failure_count = True, None, 0


def sweep_webhook_deliveries() -> int:
    """Send again the pending deliveries that no worker has taken up in time; how many.

    A broker that was down (or restarted without its data) lost their tasks.
    """
    late = timezone.now() - timedelta(seconds=settings.WEBHOOKS_RESEND_AFTER)
    waiting = WebhookDelivery.objects.filter(
        Q(next_attempt_at__lt=late) | Q(next_attempt_at__isnull=True, created_at__lt=late),
        status=Status.PENDING,
    )
    sent = 0
    for delivery_id in waiting.values_list("pk", flat=True)[:1000]:
        sent += send_delivery(delivery_id=delivery_id)
    return sent


# --- Delivering ------------------------------------------------------------------------------


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: doubling, capped."""
    return min(settings.WEBHOOKS_RETRY_DELAY * 2 ** (attempts - 1), 6 * 60 * 60)


def attempt_delivery(*, delivery_id: int) -> int | None:
    """Make the next attempt of a pending delivery; seconds until a retry, or None when done.

    Side effects: records the attempt (response code, an excerpt of the answer or the error).
    A success resets the webhook's failure count; a delivery that fails its last attempt adds
    one to it and turns the webhook off at WEBHOOKS_DISABLE_AFTER. Deliveries of a webhook
    that is off fail at once (test events excepted).
    """
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Status.PENDING:
        return None
    webhook = delivery.webhook
    if not webhook.active and delivery.event != PING:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.PENDING).update(
            status=Status.FAILED, error="The webhook is off.", next_attempt_at=None
        )
        return None
    # Claimed by its attempt number: a task sent twice (the sweep) makes one request.
    now = timezone.now()
    attempts = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=Status.PENDING, attempts=delivery.attempts
    ).update(attempts=attempts, last_attempt_at=now)
    if not claimed:
        return None
    body = request_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "tpbis-webhooks/1",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.delivery_id),
        SIGNATURE_HEADER: signature(webhook.secret, int(time.time()), body),
    }
    code, excerpt, error = None, "", ""
    try:
        response = post(check_endpoint(webhook.url), body, headers)
        code, excerpt = response.status, response.excerpt
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except UnsafeEndpoint as refusal:
        error = str(refusal)
    except (OSError, http.client.HTTPException) as failure:
        error = str(failure) or failure.__class__.__name__
    fields = {"response_code": code, "response_excerpt": excerpt, "error": error[:500]}
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.SUCCEEDED, next_attempt_at=None, **fields
        )
        Webhook.objects.filter(pk=webhook.pk).exclude(failure_count=0).update(failure_count=0)
        return None
    if attempts < settings.WEBHOOKS_MAX_ATTEMPTS:
        delay = retry_delay(attempts)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=now + timedelta(seconds=delay), **fields
        )
        return delay
    logger.info("Webhook delivery %s failed after %s attempts: %s", delivery.pk, attempts, error)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.FAILED, next_attempt_at=None, **fields
    )
    if delivery.event != PING:
        _count_failure(webhook)
    return None


def _count_failure(webhook: Webhook) -> None:
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).update(failure_count=F("failure_count") + 1)
        turned_off = Webhook.objects.filter(
            pk=webhook.pk, active=True, failure_count__gte=settings.WEBHOOKS_DISABLE_AFTER
        ).update(active=False, disabled_at=timezone.now())
    if turned_off:
        logger.warning("Webhook %s turned off after repeated failures", webhook.pk)


# --- Personal data ---------------------------------------------------------------------------

# Finished deliveries are kept this long for the organisers to see, then deleted.
DELIVERY_LOG_DAYS = 30


def delete_old_deliveries(*, now) -> int:
    """Side effects: deletes the finished deliveries older than DELIVERY_LOG_DAYS."""
    old = WebhookDelivery.objects.filter(
        created_at__lt=now - timedelta(days=DELIVERY_LOG_DAYS), status__in=FINISHED
    )
    return old.delete()[0]


def delete_programme_deliveries(*, programme: Programme) -> int:
    """Side effects: deletes every delivery of the programme's webhooks (their bodies name
    participants); the webhooks stay."""
    return WebhookDelivery.objects.filter(webhook__programme=programme).delete()[0]


def delete_participant_deliveries(*, programme_id: int, participant_id: int) -> int:
    """Side effects: deletes the programme's deliveries about this participant."""
    about = Q(event__startswith="participant.", payload__data__id=participant_id) | Q(
        payload__data__participant__id=participant_id
    )
    return WebhookDelivery.objects.filter(about, webhook__programme_id=programme_id).delete()[0]
