"""Settings come from the environment; each case runs in a fresh interpreter."""

import ast
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.services import S3_TEST_SERVER, require_s3_server

PRODUCTION = {
    "TPBIS_ENV": "production",
    "SECRET_KEY": "k3y-for-the-deploy-check-" + "x7Qp9LmZ2vR8sT4wY6uB1nC5eA0dF3gH",
    "ALLOWED_HOSTS": "tpbis.example.org",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    clean.pop("DEBUG", None)
    clean.pop("SECRET_KEY", None)
    clean.pop("CELERY_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


def read_settings(env: dict[str, str], *names: str) -> dict:
    code = (
        "import django, json; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: str(getattr(settings, n)) for n in {list(names)!r}}}))"
    )
    result = run(["-c", code], {"DJANGO_SETTINGS_MODULE": "tpbis.settings", **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_is_clean_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_need_no_services():
    values = read_settings(
        {},
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "CACHES",
        "TIME_ZONE",
        "DEBUG",
    )
    assert "sqlite3" in values["DATABASES"]
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "True"
    assert values["CELERY_BROKER_URL"] == "memory://localhost/"
    assert "LocMemCache" in values["CACHES"]
    assert values["TIME_ZONE"] == "Asia/Jakarta"
    assert values["DEBUG"] == "True"


def test_services_come_from_urls():
    values = read_settings(
        {
            "DATABASE_URL": "postgres://tpbis:secret@db.internal:5432/tpbis",
            "REDIS_URL": "redis://cache.internal:6379/0",
        },
        "DATABASES",
        "CELERY_BROKER_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "CACHES",
    )
    assert "'ENGINE': 'django.db.backends.postgresql'" in values["DATABASES"]
    assert "'CONN_MAX_AGE': 600" in values["DATABASES"]
    assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert values["CELERY_TASK_ALWAYS_EAGER"] == "False"
    assert "RedisCache" in values["CACHES"]


def test_production_turns_on_mfa_for_privileged_roles():
    values = read_settings(PRODUCTION, "REQUIRE_MFA_FOR_PRIVILEGED", "DEBUG")
    assert values == {"REQUIRE_MFA_FOR_PRIVILEGED": "True", "DEBUG": "False"}


BUCKET = {
    "AWS_STORAGE_BUCKET_NAME": "tpbis-files",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
    "AWS_S3_REGION_NAME": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "tpbis",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def test_files_stay_on_local_disk_unless_a_bucket_is_named():
    values = read_settings({"MEDIA_ROOT": "/srv/media"}, "STORAGES", "MEDIA_ROOT")
    storages = ast.literal_eval(values["STORAGES"])
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert values["MEDIA_ROOT"] == "/srv/media"


def test_a_bucket_name_keeps_files_in_private_object_storage():
    storages = ast.literal_eval(read_settings(BUCKET, "STORAGES")["STORAGES"])
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storages["default"]["OPTIONS"]
    assert {name: options[name] for name in ("bucket_name", "endpoint_url", "region_name")} == {
        "bucket_name": "tpbis-files",
        "endpoint_url": "https://s3.example.org",
        "region_name": "ap-southeast-3",
    }
    # Private objects, and a clash of names gets a suffix as on disk instead of overwriting.
    assert (options["default_acl"], options["file_overwrite"]) == (None, False)


def test_deploy_check_is_clean_in_production_with_a_bucket():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION, **BUCKET}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_an_unreachable_s3_server_fails_the_tests_that_need_it(monkeypatch):
    monkeypatch.setenv("TPBIS_REQUIRE_SERVICES", "1")
    monkeypatch.setenv(S3_TEST_SERVER, "http://127.0.0.1:1")
    with pytest.raises(pytest.fail.Exception, match="S3-compatible server .* is not reachable"):
        require_s3_server()


def test_production_refuses_to_start_with_debug_on():
    result = run(["manage.py", "check"], {**PRODUCTION, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_language_cookie_is_secure_same_site_and_http_only():
    names = ("LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_SAMESITE", "LANGUAGE_COOKIE_HTTPONLY")
    assert read_settings(PRODUCTION, *names) == {
        "LANGUAGE_COOKIE_SECURE": "True",
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_HTTPONLY": "True",
    }
    # Development serves plain HTTP, where a Secure cookie would never come back.
    assert read_settings({}, "LANGUAGE_COOKIE_SECURE") == {"LANGUAGE_COOKIE_SECURE": "False"}
