"""Webhook deliveries through a real Celery worker (its own process, Redis, PostgreSQL):
signed requests to a receiver on 127.0.0.1, retries after a growing delay, turning off."""

import pytest

from programs.webhooks import emit, verify_signature
from tests.factories import ProgrammeFactory, WebhookFactory
from tests.services import celery_worker, wait_for

from .webhook_receiver import start_receiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings, tmp_path):
    """A worker allowed to call 127.0.0.1, three attempts 1 s then 2 s apart, turning a webhook
    off after two failed deliveries; yields its log."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    log = tmp_path / "worker.log"
    environment = {
        "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1",
        "WEBHOOKS_RETRY_DELAY": "1",
        "WEBHOOKS_MAX_ATTEMPTS": "3",
        "WEBHOOKS_DISABLE_AFTER": "2",
    }
    with celery_worker(settings, log, environment):
        yield log


def test_the_worker_delivers_signed_events_and_turns_a_failing_webhook_off(worker):
    programme = ProgrammeFactory()
    good, good_server = start_receiver([200])
    failing, failing_server = start_receiver([500])
    try:
        delivered = WebhookFactory(programme=programme, url=good.url, events=["job.finished"])
        broken = WebhookFactory(programme=programme, url=failing.url, events=["job.finished"])
        # No transaction is open (transactional test): each emit records and sends at once.
        emit(programme, "job.finished", {"id": "first"})
        emit(programme, "job.finished", {"id": "second"})

        def turned_off() -> bool:
            broken.refresh_from_db()
            return not broken.active

        wait_for(turned_off, 60, "the failing webhook to be turned off", worker)
    finally:
        good_server.shutdown()
        failing_server.shutdown()

    # The receiver that answers 200 got each event once, signed with its webhook's secret.
    assert [request.json["data"] for request in good.requests] == [
        {"id": "first"},
        {"id": "second"},
    ]
    assert all(
        verify_signature(delivered.secret, request.headers["Tpbis-Signature"], request.body)
        for request in good.requests
    )
    assert not any(
        verify_signature(broken.secret, request.headers["Tpbis-Signature"], request.body)
        for request in good.requests
    )
    assert (
        list(delivered.deliveries.values_list("status", "response_code", "attempts"))
        == [("succeeded", 200, 1)] * 2
    )

    # The failing one: three attempts per delivery, the second one 1 s and the third 2 s later.
    assert len(failing.requests) == 6
    for delivery in broken.deliveries.all():
        attempts = [
            request.at
            for request in failing.requests
            if request.headers["Tpbis-Delivery"] == str(delivery.delivery_id)
        ]
        assert len(attempts) == 3
        first_wait, second_wait = attempts[1] - attempts[0], attempts[2] - attempts[1]
        assert 0.9 <= first_wait < second_wait
        assert second_wait >= 1.9
        assert (delivery.status, delivery.response_code, delivery.attempts) == ("failed", 500, 3)
    assert broken.failure_count == 2
    assert broken.disabled_at is not None
    assert "programs.deliver_webhook[" in worker.read_text()
