"""/healthz: whether this web process and the services behind it answer, for load balancers,
Docker's healthcheck and monitoring.

Anonymous and cheap: one query, one Redis ping and one broker connection at most, each given up
after REDIS_TIMEOUT. It names no host, address or secret, and no one's data. The answer is 503
only when the database is down, the one service without which no page works; a cache, broker
or worker that is away makes the site slower or jobs wait (see the README), so the answer is
200 with "status": "degraded" and what is away.
"""

import logging

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tpbis.cache import ResilientRedisCache

from .heartbeat import SEEN_WITHIN, workers_seen

logger = logging.getLogger(__name__)

OK, DOWN = "ok", "down"
# Answers that are not failures: no such service is configured.
IN_PROCESS = "in-process"


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return DOWN
    return OK


def cache_state() -> str:
    cache = caches["default"]
    if not isinstance(cache, ResilientRedisCache):
        return IN_PROCESS  # process memory: nothing to reach
    return OK if cache.ping() else DOWN


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return IN_PROCESS  # no broker: tasks run in the web process
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0)
    except Exception:
        # kombu and redis-py raise their own errors, OSError or TimeoutError.
        logger.warning("Health check: the broker is unreachable", exc_info=True)
        return DOWN
    return OK


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of the database, cache, broker and workers, as JSON; 503 without a database."""
    database = database_state()
    if settings.CELERY_TASK_ALWAYS_EAGER:
        workers = {"state": IN_PROCESS, "seen": 0}
    elif database == OK:
        seen = workers_seen()
        workers = {"state": OK if seen else DOWN, "seen": seen}
    else:
        workers = {"state": "unknown", "seen": 0}
    workers["within_seconds"] = int(SEEN_WITHIN.total_seconds())
    states = {"database": database, "cache": cache_state(), "broker": broker_state()}
    failing = [name for name, state in states.items() if state == DOWN]
    if workers["state"] != OK and workers["state"] != IN_PROCESS:
        failing.append("workers")
    status = DOWN if database == DOWN else ("degraded" if failing else OK)
    return JsonResponse(
        {"status": status, **states, "workers": workers, "failing": failing},
        status=503 if database == DOWN else 200,
    )
