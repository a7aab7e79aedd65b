"""Webhooks: signed deliveries to a receiver on 127.0.0.1, the address check, retries and
turning off, and the organisers' pages. Tasks run in-process here; test_webhook_worker.py
delivers through a real worker."""

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Participant
from participants.services import change_status, save_participant
from programs.models import Webhook, WebhookDelivery
from programs.webhook_models import EVENT_NAMES, new_webhook_secret
from programs.webhooks import (
    attempt_delivery,
    emit,
    retry_delay,
    signature,
    sweep_webhook_deliveries,
    verify_signature,
)
from reports.certificates import issue_certificates, revoke_certificate
from reports.jobs import _fail, start_job
from reports.models import GenerationJob
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    ParticipantFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)
from tests.participants.test_import import preview_url, staged
from tests.test_settings import PRODUCTION, read_settings, run
from visits.assignments import record_attendance

from .webhook_receiver import start_receiver

Status = WebhookDelivery.Status


@pytest.fixture
def allow_local(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_DISABLE_AFTER = 2


@pytest.fixture
def receiver(allow_local):
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def organiser(programme):
    return MembershipFactory(programme=programme, role="organiser").user


def _verified(request, secret: str) -> bool:
    return verify_signature(secret, request.headers["Tpbis-Signature"], request.body)


# --- Deliveries of each event ----------------------------------------------------------------


def test_every_event_reaches_the_receiver_signed(
    programme, receiver, organiser, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    webhook = WebhookFactory(programme=programme, url=receiver.url, events=EVENT_NAMES)
    # Each change is committed on its own, as each request or task does.
    with django_capture_on_commit_callbacks(execute=True):
        participant = save_participant(
            participant=Participant(
                programme=programme,
                category=Participant.Category.INTERNATIONAL,
                full_name="Nguyễn Thị Thu Hà",
                email="thu.ha@example.org",
                country=ParticipantFactory.build().country,
                passport_number="C1234567",
            ),
            photo=None,
            by=organiser,
        )
    participant.institution = "National Library of Viet Nam"
    with django_capture_on_commit_callbacks(execute=True):
        save_participant(participant=participant, photo=None, by=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(participant=participant, to_status="confirmed", by=organiser)
    booking = AssignmentFactory(session__programme=programme, participant=participant)
    with django_capture_on_commit_callbacks(execute=True):
        record_attendance(assignment=booking, attended=True, by=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        issue_certificates(participant_ids=[participant.pk])
    with django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(certificate=participant.certificate, reason="Issued by mistake")
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            programme=programme, kind=GenerationJob.Kind.BADGES, language="en", by=organiser
        )

    assert receiver.events() == EVENT_NAMES
    for request in receiver.requests:
        assert request.path == "/hooks/tpbis"
        assert request.headers["Content-Type"] == "application/json"
        assert _verified(request, webhook.secret)
        assert request.headers["Tpbis-Delivery"] == request.json["id"]
        assert request.json["programme"] == programme.slug
        assert request.json["event"] == request.headers["Tpbis-Event"]
        assert b"C1234567" not in request.body  # no passport data
    created, updated, moved, attended, issued, revoked, finished = (
        request.json["data"] for request in receiver.requests
    )
    assert created["id"] == participant.pk
    assert created["full_name"] == "Nguyễn Thị Thu Hà"
    assert created["country"] == "VN"
    assert created["status"] == "invited"
    assert updated["institution"] == "National Library of Viet Nam"
    assert (moved["from_status"], moved["to_status"]) == ("invited", "confirmed")
    assert moved["status"] == "confirmed"
    assert attended["booking_id"] == booking.pk
    assert attended["attended"] is True
    assert attended["participant"] == {"id": participant.pk, "full_name": "Nguyễn Thị Thu Hà"}
    assert issued["code"] == participant.certificate.code
    assert issued["verification_url"].endswith(f"/{participant.certificate.code}/")
    assert issued["revoked_at"] is None
    assert revoked["revocation_reason"] == "Issued by mistake"
    assert finished["id"] == str(job.pk)
    assert (finished["kind"], finished["status"]) == ("badges", "done")
    assert (
        list(webhook.deliveries.order_by("pk").values_list("status", "response_code", "attempts"))
        == [("succeeded", 200, 1)] * 7
    )


def test_only_active_webhooks_subscribed_to_the_event_get_it(
    programme, receiver, django_capture_on_commit_callbacks
):
    listening = WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    WebhookFactory(programme=programme, url=receiver.url + "/other", events=["certificate.issued"])
    WebhookFactory(
        programme=programme, url=receiver.url + "/off", events=["job.finished"], active=False
    )
    WebhookFactory(url=receiver.url + "/elsewhere", events=["job.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        emit(programme, "job.finished", {"id": "x"})

    assert [request.path for request in receiver.requests] == ["/hooks/tpbis"]
    assert WebhookDelivery.objects.get().webhook == listening


def test_nothing_is_delivered_when_the_change_is_rolled_back(programme, receiver):
    WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    # The test's transaction is never committed: on_commit callbacks do not run.
    emit(programme, "job.finished", {"id": "x"})
    assert not WebhookDelivery.objects.exists()
    assert receiver.requests == []


def test_an_unknown_event_is_a_programming_error(programme):
    with pytest.raises(ValueError, match="Unknown webhook event"):
        emit(programme, "participant.deleted", {})


# --- Signatures ------------------------------------------------------------------------------


def test_a_wrong_signature_is_detected():
    secret, body, now = new_webhook_secret(), b'{"event":"ping"}', int(time.time())
    header = signature(secret, now, body)

    assert verify_signature(secret, header, body)
    assert not verify_signature(new_webhook_secret(), header, body)  # another secret
    assert not verify_signature(secret, header, body.replace(b"ping", b"pong"))  # another body
    assert not verify_signature(secret, header.replace(f"t={now}", f"t={now + 1}"), body)
    assert not verify_signature(secret, signature(secret, now - 600, body), body)  # too old
    assert not verify_signature(secret, "v1=" + header.split("v1=")[1], body)  # no time
    assert not verify_signature(secret, "", body)


# --- The address check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/",  # not HTTPS
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://no-such-host.invalid/hook",
    ],
)
def test_registration_refuses_addresses_outside_the_internet(programme, organiser, url):
    response = client_for(organiser).post(
        reverse("programs:webhooks", args=[programme.slug]),
        {"url": url, "events": ["participant.created"]},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["url"]
    assert not Webhook.objects.exists()


def test_registration_needs_an_event(programme, organiser):
    response = client_for(organiser).post(
        reverse("programs:webhooks", args=[programme.slug]), {"url": "https://93.184.215.14/"}
    )

    assert response.context["form"].errors == {"events": ["Choose at least one event."]}
    assert not Webhook.objects.exists()


def test_delivery_refuses_a_private_address_when_the_setting_is_off(
    programme, receiver, settings, django_capture_on_commit_callbacks
):
    webhook = WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with django_capture_on_commit_callbacks(execute=True):
        emit(programme, "job.finished", {"id": "x"})

    delivery = webhook.deliveries.get()
    assert receiver.requests == []
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, None)
    assert delivery.error == "The address must start with https://."


def test_private_addresses_are_refused_by_default_and_cannot_be_allowed_in_production():
    allowed = "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"
    assert read_settings({}, allowed) == {allowed: "False"}
    result = run(["manage.py", "check"], {**PRODUCTION, allowed: "true"})
    assert result.returncode != 0
    assert "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is for tests, not production." in result.stderr


# --- Retries, turning off --------------------------------------------------------------------


def test_failed_attempts_are_retried_later_then_the_webhook_is_turned_off(
    programme, settings, django_capture_on_commit_callbacks
):
    receiver, server = start_receiver([500])
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_MAX_ATTEMPTS, settings.WEBHOOKS_DISABLE_AFTER = 3, 2
    settings.WEBHOOKS_RETRY_DELAY = 60
    webhook = WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            emit(programme, "job.finished", {"id": "first"})
            emit(programme, "job.finished", {"id": "second"})
        first, second = webhook.deliveries.order_by("pk")
        # In-process, the first attempt is made at once and the next one waits for a worker.
        first.refresh_from_db()
        assert (first.status, first.attempts, first.response_code) == ("pending", 1, 500)
        assert first.response_excerpt == "answer 500 " + "x" * 289
        assert first.next_attempt_at - first.last_attempt_at == timedelta(seconds=60)

        assert attempt_delivery(delivery_id=first.pk) == 120  # the delay doubles
        assert attempt_delivery(delivery_id=first.pk) is None  # the last attempt
        webhook.refresh_from_db()
        assert (webhook.active, webhook.failure_count) == (True, 1)

        attempt_delivery(delivery_id=second.pk)
        attempt_delivery(delivery_id=second.pk)
    finally:
        server.shutdown()
        server.server_close()

    webhook.refresh_from_db()
    assert (webhook.active, webhook.failure_count) == (False, 2)
    assert webhook.disabled_at is not None
    assert list(webhook.deliveries.values_list("status", "attempts")) == [("failed", 3)] * 2
    # Every attempt of a delivery carries its ID and a fresh signature.
    ids = [request.headers["Tpbis-Delivery"] for request in receiver.requests]
    assert ids == [str(first.delivery_id), str(second.delivery_id)] + (
        [str(first.delivery_id)] * 2 + [str(second.delivery_id)] * 2
    )
    assert all(_verified(request, webhook.secret) for request in receiver.requests)


def test_a_success_resets_the_count_of_failures(programme, receiver):
    webhook = WebhookFactory(programme=programme, url=receiver.url, failure_count=1)
    delivery = WebhookDeliveryFactory(webhook=webhook, status="pending", attempts=0)

    assert attempt_delivery(delivery_id=delivery.pk) is None

    webhook.refresh_from_db()
    assert webhook.failure_count == 0


def test_a_delivery_of_a_webhook_turned_off_fails_without_a_request(programme, receiver):
    webhook = WebhookFactory(programme=programme, url=receiver.url, active=False)
    delivery = WebhookDeliveryFactory(webhook=webhook, status="pending", attempts=0)

    assert attempt_delivery(delivery_id=delivery.pk) is None

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (
        "failed",
        0,
        "The webhook is off.",
    )
    assert receiver.requests == []


def test_redirects_are_not_followed(programme, allow_local):
    receiver, server = start_receiver([302])
    webhook = WebhookFactory(programme=programme, url=receiver.url)
    delivery = WebhookDeliveryFactory(webhook=webhook, status="pending", attempts=0)
    try:
        attempt_delivery(delivery_id=delivery.pk)
    finally:
        server.shutdown()
        server.server_close()

    delivery.refresh_from_db()
    assert (delivery.response_code, delivery.error) == (302, "HTTP 302")
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_recorded_as_an_error(programme, allow_local):
    webhook = WebhookFactory(programme=programme, url="http://127.0.0.1:9/closed")
    delivery = WebhookDeliveryFactory(webhook=webhook, status="pending", attempts=0)

    assert attempt_delivery(delivery_id=delivery.pk) == retry_delay(1)

    delivery.refresh_from_db()
    assert delivery.response_code is None
    assert "refused" in delivery.error.lower()


def test_the_sweep_sends_deliveries_that_waited_too_long(programme, receiver):
    webhook = WebhookFactory(programme=programme, url=receiver.url)
    late = WebhookDeliveryFactory(
        webhook=webhook,
        status="pending",
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    WebhookDeliveryFactory(
        webhook=webhook, status="pending", attempts=1, next_attempt_at=timezone.now()
    )

    assert sweep_webhook_deliveries() == 1

    late.refresh_from_db()
    assert (late.status, late.attempts) == ("succeeded", 2)
    assert len(receiver.requests) == 1


# --- Pages -----------------------------------------------------------------------------------


def test_an_organiser_adds_a_webhook_and_sees_its_secret(programme, organiser, receiver):
    response = client_for(organiser).post(
        reverse("programs:webhooks", args=[programme.slug]),
        {"url": receiver.url, "events": ["participant.created", "attendance.recorded"]},
        follow=True,
    )

    webhook = Webhook.objects.get()
    assert (webhook.programme, webhook.created_by, webhook.active) == (programme, organiser, True)
    assert webhook.events == ["participant.created", "attendance.recorded"]
    assert webhook.secret.startswith("whsec_") and len(webhook.secret) == 54
    assert response.redirect_chain == [
        (reverse("programs:webhook_edit", args=[programme.slug, webhook.pk]), 302)
    ]
    assert webhook.secret in response.content.decode()


def test_an_organiser_replaces_the_secret_and_pauses_the_webhook(programme, organiser, receiver):
    webhook = WebhookFactory(programme=programme, url=receiver.url)
    old_secret = webhook.secret

    client_for(organiser).post(
        reverse("programs:webhook_edit", args=[programme.slug, webhook.pk]),
        {"url": receiver.url, "events": ["job.finished"], "new_secret": "on"},
    )

    webhook.refresh_from_db()
    assert webhook.secret != old_secret
    assert (webhook.events, webhook.active) == (["job.finished"], False)


def test_the_test_event_reaches_the_receiver(
    programme, organiser, receiver, django_capture_on_commit_callbacks
):
    webhook = WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(
            reverse("programs:webhook_ping", args=[programme.slug, webhook.pk])
        )

    (request,) = receiver.requests
    assert request.headers["Tpbis-Event"] == "ping"
    assert request.json["data"] == {"webhook": webhook.pk, "url": receiver.url}
    assert _verified(request, webhook.secret)
    page = client_for(organiser).get(
        reverse("programs:webhook_edit", args=[programme.slug, webhook.pk])
    )
    assert list(page.context["deliveries"]) == [webhook.deliveries.get()]
    assert "HTTP 200" in page.content.decode()


def test_a_failed_delivery_is_sent_again_with_the_same_id_and_body(
    programme, organiser, receiver, django_capture_on_commit_callbacks
):
    webhook = WebhookFactory(programme=programme, url=receiver.url)
    failed = WebhookDeliveryFactory(webhook=webhook, payload={"id": "same", "data": {"n": 1}})
    url = reverse("programs:webhook_redeliver", args=[programme.slug, webhook.pk, failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(url)

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.response_code) == ("succeeded", 1, 200)
    (request,) = receiver.requests
    assert request.headers["Tpbis-Delivery"] == str(failed.delivery_id)
    assert json.loads(request.body) == {"id": "same", "data": {"n": 1}}
    # A delivery that succeeded is not sent again.
    response = client_for(organiser).post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Only a failed delivery can be sent again."
    ]


def test_a_webhook_turned_off_shows_why_and_is_turned_on_again(programme, organiser):
    webhook = WebhookFactory(
        programme=programme, active=False, disabled_at=timezone.now(), failure_count=5
    )
    WebhookDeliveryFactory(webhook=webhook, response_code=503)
    client = client_for(organiser)
    page = client.get(reverse("programs:webhook_edit", args=[programme.slug, webhook.pk]))
    text = " ".join(page.content.decode().split())
    assert "because 5 deliveries in a row failed every attempt. The last answer: HTTP 503" in text

    client.post(reverse("programs:webhook_enable", args=[programme.slug, webhook.pk]))

    webhook.refresh_from_db()
    assert (webhook.active, webhook.disabled_at, webhook.failure_count) == (True, None, 0)


def test_deleting_a_webhook_asks_first(programme, organiser):
    webhook = WebhookFactory(programme=programme)
    WebhookDeliveryFactory(webhook=webhook)
    url = reverse("programs:webhook_delete", args=[programme.slug, webhook.pk])
    client = client_for(organiser)

    asking = client.post(url)
    assert asking.context["action"] == "Delete the webhook"
    assert Webhook.objects.exists()

    client.post(url, {"confirmed": "1"})
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_another_programmes_webhook_is_not_found(programme, organiser):
    other = WebhookFactory()
    response = client_for(organiser).get(
        reverse("programs:webhook_edit", args=[programme.slug, other.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_list_and_webhook_pages_run_a_fixed_number_of_queries(
    programme, organiser, count, django_assert_num_queries
):
    webhooks = WebhookFactory.create_batch(count, programme=programme)
    for webhook in webhooks:
        WebhookDeliveryFactory.create_batch(count, webhook=webhook)
    client = client_for(organiser)
    client.get(reverse("programs:webhooks", args=[programme.slug]))  # the session, warmed
    # Session, user, programme, role, the menu's memberships and participations, webhooks.
    with django_assert_num_queries(7):
        response = client.get(reverse("programs:webhooks", args=[programme.slug]))
    assert len(response.context["webhooks"]) == count
    # Session, user, programme, role, the menu's two, webhook, its refresh, deliveries.
    with django_assert_num_queries(9):
        response = client.get(
            reverse("programs:webhook_edit", args=[programme.slug, webhooks[0].pk])
        )
    assert len(response.context["deliveries"]) == count


def test_an_import_announces_new_changed_and_moved_participants(
    programme, organiser, receiver, django_capture_on_commit_callbacks
):
    events = ["participant.created", "participant.updated", "participant.status_changed"]
    webhook = WebhookFactory(programme=programme, url=receiver.url, events=events)
    existing = ParticipantFactory(programme=programme, email="lan@example.org")
    header = ["Category", "Full name (as in passport)", "E-mail", "Status"]
    rows = [
        {
            "Category": "international",
            "Full name (as in passport)": "Nguyễn Thị Lan",
            "E-mail": "lan@example.org",
            "Status": "confirmed",
        },
        {"Category": "observer", "Full name (as in passport)": "New Person", "E-mail": "n@x.org"},
    ]
    client = client_for(organiser)
    batch = staged(client, programme, rows, header=header)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(preview_url(programme, batch))

    new = programme.participants.get(email="n@x.org")
    assert [(r.headers["Tpbis-Event"], r.json["data"]["id"]) for r in receiver.requests] == [
        ("participant.created", new.pk),
        ("participant.updated", existing.pk),
        ("participant.status_changed", existing.pk),
    ]
    moved = receiver.requests[2].json["data"]
    assert (moved["from_status"], moved["to_status"]) == ("invited", "confirmed")
    assert all(_verified(request, webhook.secret) for request in receiver.requests)


def test_a_job_that_fails_twice_is_announced_once(
    programme, receiver, django_capture_on_commit_callbacks
):
    """Two chunks failing at once: one job.finished, with the first failure's reason."""
    WebhookFactory(programme=programme, url=receiver.url, events=["job.finished"])
    job = GenerationJob.objects.create(
        programme=programme, kind=GenerationJob.Kind.BADGES, status=GenerationJob.Status.RUNNING
    )
    with django_capture_on_commit_callbacks(execute=True):
        _fail(job, "The first chunk failed.")
        _fail(job, "The second chunk failed.")

    job.refresh_from_db()
    assert (job.status, job.error) == (GenerationJob.Status.FAILED, "The first chunk failed.")
    assert receiver.events() == ["job.finished"]
    assert receiver.requests[0].json["data"]["error"] == "The first chunk failed."
