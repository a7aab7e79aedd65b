"""Tests that need PostgreSQL, Redis or a real worker: skip them where the services are
missing, except where services are required (TPBIS_REQUIRE_SERVICES, as in CI), where they
fail instead."""

import os
import runpy
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections


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


@dataclass(frozen=True)
class FileStorage:
    """Where a test keeps its files: "disk" (its own MEDIA_ROOT) or "bucket" (a bucket of its
    own), and the environment that points a worker process it starts at the same place."""

    kind: str
    media: Path
    environment: dict[str, str]

    def files_on_disk(self) -> list[str]:
        return sorted(
            str(path.relative_to(self.media)) for path in self.media.rglob("*") if path.is_file()
        )

    def assert_only_in_bucket(self) -> None:
        """On the bucket, nothing was written to the local disk: web and workers share files
        through the bucket alone."""
        if self.kind == "bucket":
            assert self.files_on_disk() == []


# The tests on object storage use the S3-compatible server at this address (`.ci/run` starts
# one), with a bucket of their own each.
S3_TEST_SERVER = "TPBIS_TEST_S3_ENDPOINT_URL"


def require_s3_server() -> str:
    """The test S3 server's address, once it has answered."""
    url = os.environ.get(S3_TEST_SERVER, "")
    if not url:
        skip_or_fail(f"{S3_TEST_SERVER} does not name an S3-compatible server")
    try:
        with urlopen(url, timeout=5):  # noqa: S310 (an http URL from the test environment)
            pass
    except HTTPError:
        pass  # it answered: an anonymous request may be refused
    except OSError as error:
        skip_or_fail(f"The S3-compatible server at {url} is not reachable: {error}")
    return url


@contextmanager
def bucket_environment(endpoint_url: str) -> Iterator[dict[str, str]]:
    """A new empty bucket on the server, and the variables that point the app at it; the bucket
    and everything in it is removed afterwards."""
    import boto3

    environment = {
        "AWS_STORAGE_BUCKET_NAME": f"tpbis-test-{uuid.uuid4().hex}",
        "AWS_S3_ENDPOINT_URL": endpoint_url,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "tpbis-test",
        "AWS_SECRET_ACCESS_KEY": "tpbis-test",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    bucket = boto3.resource(
        "s3",
        endpoint_url=endpoint_url,
        region_name=environment["AWS_S3_REGION_NAME"],
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    ).Bucket(environment["AWS_STORAGE_BUCKET_NAME"])
    bucket.create()
    try:
        yield environment
    finally:
        bucket.objects.all().delete()
        bucket.delete()


def storages_for(environment: dict[str, str]) -> dict:
    """STORAGES as the settings module makes it from `environment`."""
    import tpbis.settings

    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        return runpy.run_path(tpbis.settings.__file__)["STORAGES"]
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def race(*, attempts, success: str) -> list[str]:
    """Run each attempt in its own thread, released together; their outcomes in order:
    `success`, the message of the ValidationError that refused it, or the unexpected error."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)

    def run(index: int, attempt) -> None:
        try:
            barrier.wait(timeout=10)
            attempt()
            outcomes[index] = success
        except ValidationError as error:
            outcomes[index] = error.messages[0]
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            outcomes[index] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, attempt))
        for index, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


# --- A real Celery worker --------------------------------------------------------------------


def wait_for(condition, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()}")


@contextmanager
def celery_worker(test_settings, log: Path, environment: dict[str, str]) -> Iterator[str]:
    """Start `celery worker` on a queue of its own against the test database, with
    `environment` added to this process's; yields the queue, which tasks are then sent to."""
    require_postgres_and_redis()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    test_settings.CELERY_TASK_DEFAULT_QUEUE = queue
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": test_settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        **environment,
    }
    command = [sys.executable, "-m", "celery", "-A", "tpbis", "worker", "--pool", "solo"]
    command += ["--queues", queue, "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    with open(log, "w") as log_file:
        worker = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR
        )
    try:
        wait_for(lambda: "ready." in log.read_text(), 60, "the worker to start", log)
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)
