"""The installable app: its manifest, its service worker and the page shown offline.

The service worker keeps a copy of the pages marked with `programs.offline.keep_offline` (the
delegate's agenda, information, badge and certificate, the attendance pages) and of the static
files; every other page goes to the network only. See static/js/sw.js for the rules.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# The colour of the site's header bar (app.css, --brand): the installed app's title bar.
THEME_COLOUR = "#0b5d7a"
BACKGROUND_COLOUR = "#f4f6f9"
ICONS = [
    ("img/icon-192.png", "192x192", "any"),
    ("img/icon-512.png", "512x512", "any"),
    ("img/icon-maskable-192.png", "192x192", "maskable"),
    ("img/icon-maskable-512.png", "512x512", "maskable"),
]
# What the service worker stores when it is installed: the page shown offline and what every
# page needs to look right.
PRECACHED_STATIC = ["css/app.css", "js/pwa.js", "js/sub_nav.js", "img/favicon.svg"]


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the language of the request."""
    data = {
        "name": _("TPBIS programmes"),
        "short_name": _("TPBIS"),
        "description": _("Your agenda, practical information, badge and certificate."),
        "lang": request.LANGUAGE_CODE,
        "id": "/",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache"
    return response


def _service_worker_source() -> str:
    path = finders.find("js/sw.js") or str(settings.STATIC_ROOT / "js" / "sw.js")
    with open(path, encoding="utf-8") as source:
        return source.read()


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js, served at the root so that it may control every page of the site.

    Its settings come first: the static files to store on installation, under their hashed
    names in production, so the worker changes (and browsers install it again) whenever one
    of them does.
    """
    config = {
        "precache": [reverse("offline"), *(static(path) for path in PRECACHED_STATIC)],
        "offlinePage": reverse("offline"),
        "staticPrefix": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
    }
    source = _service_worker_source()
    config["version"] = hashlib.blake2b(
        (json.dumps(config) + source).encode(), digest_size=8
    ).hexdigest()
    body = f"const CONFIG = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every visit; this makes them ask the server.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it has no copy of while there is no network."""
    return render(request, "offline.html")
