import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.reports.test_worker import worker_queue  # noqa: F401 (a fixture)
from tpbis.health.heartbeat import record_heartbeat, stop_heartbeat, workers_seen
from tpbis.health.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_each_worker_keeps_one_row_with_its_last_heartbeat():
    record_heartbeat(hostname="celery@a")
    first = WorkerHeartbeat.objects.get().seen_at
    record_heartbeat(hostname="celery@a")
    record_heartbeat(hostname="celery@b")
    rows = dict(WorkerHeartbeat.objects.values_list("hostname", "seen_at"))
    assert sorted(rows) == ["celery@a", "celery@b"]
    assert rows["celery@a"] > first
    assert workers_seen() == 2


def test_rows_of_workers_gone_for_a_day_are_deleted():
    WorkerHeartbeat.objects.create(
        hostname="celery@old", seen_at=timezone.now() - timedelta(days=2)
    )
    record_heartbeat(hostname="celery@new")
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["celery@new"]


def test_a_worker_shutting_down_removes_its_row():
    record_heartbeat(hostname="celery@a")
    record_heartbeat(hostname="celery@b")
    stop_heartbeat(hostname="celery@a")
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["celery@b"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_its_heartbeat(worker_queue):  # noqa: F811
    deadline = time.monotonic() + 30
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [
        name.startswith("celery@")
        for name in WorkerHeartbeat.objects.values_list("hostname", flat=True)
    ] == [True]
    assert workers_seen() == 1
