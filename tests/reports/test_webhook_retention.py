"""Webhook deliveries name participants: they go with the programme's personal data, with
an erased participant's data, and after a month in any case."""

from datetime import timedelta

from django.utils import timezone

from programs.models import WebhookDelivery
from programs.tasks import sweep_webhook_deliveries_task
from reports.retention import erase_participant, purge_programme
from tests.factories import ParticipantFactory, WebhookDeliveryFactory, WebhookFactory


def _delivery(webhook, event: str, data: dict, **fields) -> WebhookDelivery:
    return WebhookDeliveryFactory(
        webhook=webhook, event=event, payload={"event": event, "data": data}, **fields
    )


def test_erasure_deletes_the_deliveries_about_the_person(
    programme, django_capture_on_commit_callbacks
):
    person, other = ParticipantFactory.create_batch(2, programme=programme)
    webhook = WebhookFactory(programme=programme)
    _delivery(webhook, "participant.created", {"id": person.pk, "full_name": "A"})
    _delivery(webhook, "attendance.recorded", {"participant": {"id": person.pk}})
    _delivery(webhook, "certificate.issued", {"participant": {"id": person.pk}})
    kept = [
        _delivery(webhook, "participant.created", {"id": other.pk}),
        _delivery(webhook, "attendance.recorded", {"participant": {"id": other.pk}}),
        # A job's ID is not a participant's.
        _delivery(webhook, "job.finished", {"id": person.pk}),
        # Another programme's participant with the same ID cannot exist, but its deliveries stay.
        _delivery(WebhookFactory(), "participant.created", {"id": person.pk}),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        erase_participant(participant=person, by=None, keep_certificate=False)

    assert set(WebhookDelivery.objects.all()) == set(kept)


def test_purge_deletes_the_programmes_deliveries_and_keeps_the_webhooks(programme):
    webhook = WebhookFactory(programme=programme)
    _delivery(webhook, "participant.created", {"id": 1, "email": "someone@example.org"})
    elsewhere = _delivery(WebhookFactory(), "participant.created", {"id": 2})

    record = purge_programme(programme=programme)

    assert record is not None
    assert list(WebhookDelivery.objects.all()) == [elsewhere]
    assert list(programme.webhooks.all()) == [webhook]


def test_finished_deliveries_are_forgotten_after_a_month(db):
    old = timezone.now() - timedelta(days=31)
    _delivery(WebhookFactory(), "job.finished", {"id": "a"}, status="succeeded", created_at=old)
    _delivery(WebhookFactory(), "job.finished", {"id": "b"}, status="failed", created_at=old)
    waiting = _delivery(
        WebhookFactory(),
        "job.finished",
        {"id": "c"},
        status="pending",
        created_at=old,
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    recent = _delivery(WebhookFactory(), "job.finished", {"id": "d"}, status="succeeded")

    sweep_webhook_deliveries_task()

    assert set(WebhookDelivery.objects.all()) == {waiting, recent}
