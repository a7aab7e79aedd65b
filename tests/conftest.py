import uuid

import pytest
from django.test import Client
from django.utils import translation

from tpbis.celery import app as celery_app

from .factories import MembershipFactory, ParticipantFactory, ProgrammeFactory, UserFactory
from .services import (
    FileStorage,
    bucket_environment,
    require_s3_server,
    skip_or_fail,
    storages_for,
)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, request):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A cache namespace per test: rate-limit counters must not leak between tests (or runs,
    # when the cache is a shared Redis).
    cache = dict(settings.CACHES["default"])
    cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": cache}
    # Tasks run in-process except in the tests that start a real worker.
    eager = request.node.get_closest_marker("worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous
    # A page asked for in another language leaves it active in this thread (LocaleMiddleware
    # activates it and nothing switches it back): the next test starts in the default again.
    translation.deactivate()


@pytest.fixture(params=["disk", "bucket"])
def file_storage(request, settings, tmp_path) -> FileStorage:
    """Each test that uses it runs twice: with files on local disk (a folder of its own), then
    in a bucket of its own on the S3-compatible server (MEDIA_ROOT is then left unused)."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    if request.param == "disk":
        yield FileStorage("disk", media, {"MEDIA_ROOT": str(media)})
        return
    with bucket_environment(require_s3_server()) as environment:
        settings.STORAGES = storages_for(environment)
        yield FileStorage("bucket", media, {"MEDIA_ROOT": str(media), **environment})


@pytest.fixture
def postgres_row_locks():
    """For the races that PostgreSQL's row locks settle: another database skips the test."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL row locks")


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


SINHALA_TITLE = "දැනුම බෙදාගැනීමේ වැඩසටහන"


@pytest.fixture
def sinhala(db):
    """A programme in Colombo whose content is written in English and Sinhala."""
    return ProgrammeFactory(
        content_language="si",
        title_en="Knowledge Sharing in Colombo",
        title_local=SINHALA_TITLE,
        short_name_en="KSP Colombo",
        short_name_local="කොළඹ",
        time_zone="Asia/Colombo",
        venue_city="Colombo",
    )


@pytest.fixture
def cast(db, programme):
    """The fixed cast for permission tests, around `programme`."""
    delegate_a = UserFactory(email="delegate.a@example.org")
    delegate_b = UserFactory(email="delegate.b@example.org")
    ParticipantFactory(programme=programme, user=delegate_a, email=delegate_a.email)
    ParticipantFactory(programme=programme, user=delegate_b, email=delegate_b.email)
    staff = MembershipFactory(programme=programme, role="staff").user
    organiser = MembershipFactory(programme=programme, role="organiser").user
    other_organiser = MembershipFactory(role="organiser").user
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    # Becomes the focal point of a delegation of the programme in the permission tests' world
    # (`focal_delegation`); elsewhere an account with no role.
    focal_point = UserFactory(email="focal.point@example.org")
    return {
        "anonymous": None,
        "delegate": delegate_a,
        "delegate_b": delegate_b,
        "staff": staff,
        "other_organiser": other_organiser,
        "organiser": organiser,
        "admin": admin,
        "focal_point": focal_point,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
