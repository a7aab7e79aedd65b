"""Workers tell the database that they are alive, for /healthz to count them.

Each worker process writes its host name and the time into `WorkerHeartbeat` every
`HEARTBEAT_EVERY` seconds from a thread of its own, so that a worker busy with a long batch is
still seen. The row goes when the worker shuts down; rows of workers that died without saying
so are deleted after a day.
"""

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY = 30  # seconds
# A worker whose last heartbeat is older than this is not counted as seen.
SEEN_WITHIN = timedelta(seconds=4 * HEARTBEAT_EVERY)
FORGET_AFTER = timedelta(days=1)

_stop = threading.Event()


def record_heartbeat(*, hostname: str) -> None:
    """Side effects: writes the worker's row with the current time; deletes rows a day old."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


def workers_seen(*, now=None) -> int:
    """How many workers have sent a heartbeat recently."""
    since = (now or timezone.now()) - SEEN_WITHIN
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).count()


def _beat(hostname: str) -> None:
    while True:
        try:
            close_old_connections()
            record_heartbeat(hostname=hostname)
        except Exception:
            # The database may be away for a while: the next beat tries again.
            logger.warning("Could not record the heartbeat of %s", hostname, exc_info=True)
        finally:
            connection.close()
        if _stop.wait(HEARTBEAT_EVERY):
            return


def start_heartbeat(*, hostname: str) -> threading.Thread:
    """Side effects: starts a daemon thread that records the worker's heartbeat until stopped."""
    _stop.clear()
    thread = threading.Thread(target=_beat, args=(hostname,), name="heartbeat", daemon=True)
    thread.start()
    return thread


def stop_heartbeat(*, hostname: str) -> None:
    """Side effects: stops the heartbeat thread and deletes the worker's row."""
    _stop.set()
    try:
        WorkerHeartbeat.objects.filter(hostname=hostname).delete()
    except Exception:
        logger.warning("Could not delete the heartbeat of %s", hostname, exc_info=True)
