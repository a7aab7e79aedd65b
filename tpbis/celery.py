import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tpbis.settings")

app = Celery("tpbis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect(weak=False)
def start_worker_heartbeat(sender, **kwargs) -> None:
    from tpbis.health.heartbeat import start_heartbeat

    start_heartbeat(hostname=sender.hostname)


@worker_shutdown.connect(weak=False)
def stop_worker_heartbeat(sender, **kwargs) -> None:
    from tpbis.health.heartbeat import stop_heartbeat

    stop_heartbeat(hostname=sender.hostname)
