"""/healthz: what it says about the database, cache, broker and workers."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.reports.test_worker_faults import broker
from tests.services import require_postgres_and_redis
from tests.test_redis_outage import SilentServer, use_redis_at
from tpbis.health.heartbeat import record_heartbeat
from tpbis.health.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

ALL_UP = {
    "status": "ok",
    "database": "ok",
    "cache": "ok",
    "broker": "ok",
    "workers": {"state": "ok", "seen": 1, "within_seconds": 120},
    "failing": [],
}


def healthz() -> tuple[int, dict]:
    response = Client().get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_up_with_a_worker_seen():
    require_postgres_and_redis()
    record_heartbeat(hostname="celery@worker-1")
    assert healthz() == (200, ALL_UP)


def test_a_worker_not_seen_for_minutes_is_not_counted():
    require_postgres_and_redis()
    record_heartbeat(hostname="celery@worker-1")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=3))
    status, body = healthz()
    assert (status, body["status"], body["workers"]["seen"], body["failing"]) == (
        200,
        "degraded",
        0,
        ["workers"],
    )


def test_redis_hanging_is_reported_quickly_and_the_site_still_healthy(settings):
    require_postgres_and_redis()
    record_heartbeat(hostname="celery@worker-1")
    server = SilentServer()
    try:
        location = f"redis://127.0.0.1:{server.port}/0"
        use_redis_at(settings, location)
        with broker(location):
            reverse("healthz")  # the URL configuration loaded before the clock starts
            started = time.monotonic()
            status, body = healthz()
            assert time.monotonic() - started < 2
    finally:
        server.close()
    assert (status, body["status"], body["database"]) == (200, "degraded", "ok")
    assert (body["cache"], body["broker"], body["failing"]) == ("down", "down", ["cache", "broker"])


def test_without_redis_the_cache_and_tasks_are_in_process(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    in_process = {"cache": "in-process", "broker": "in-process"}
    workers = {"state": "in-process", "seen": 0, "within_seconds": 120}
    assert healthz() == (200, {**ALL_UP, **in_process, "workers": workers})


def test_the_answer_names_no_host_or_secret(settings):
    require_postgres_and_redis()
    record_heartbeat(hostname="celery@worker-secret-host")
    content = Client().get(reverse("healthz")).content.decode()
    for secret in ("worker-secret-host", settings.REDIS_URL, "127.0.0.1", settings.SECRET_KEY):
        assert secret not in content
