"""Tests that need PostgreSQL, Redis or a real worker: skip them where the services are
missing, except where services are required (TPBIS_REQUIRE_SERVICES, as in CI), where they
fail instead."""

import os

import pytest
from django.conf import settings
from django.db import connection


def skip_or_fail(reason: str) -> None:
    if os.environ.get("TPBIS_REQUIRE_SERVICES"):
        pytest.fail(f"Real services required: {reason}")
    pytest.skip(reason)


def require_postgres_and_redis() -> None:
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL is not set")
    if missing:
        skip_or_fail("; ".join(missing))


def database_url() -> str:
    """The URL of the test database, for the worker processes a test starts."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )
