"""Settings come from the environment; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings

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
