"""The API's settings load whichever of its modules is imported first (a fresh process)."""

import subprocess
import sys

from django.conf import settings

# What DRF's own system check does before any view is loaded: read the pagination class.
SCRIPT = """
import django
django.setup()
from rest_framework.settings import api_settings
print(api_settings.DEFAULT_PAGINATION_CLASS.__name__)
print(api_settings.DEFAULT_AUTHENTICATION_CLASSES[0].__name__)
"""


def test_rest_framework_settings_load_before_any_view():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tpbis.settings", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ApiCursorPagination", "ApiTokenAuthentication"]
