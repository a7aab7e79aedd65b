"""The project's URLs, with a stand-in for the candidate's profile page where it is missing.

The reminders only build links to that page; this lets their tests run on a branch where the
page itself is not there yet, and changes nothing once it is.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, include, path

from participants import urls as participant_urls
from tpbis import urls as project_urls


def _stand_in(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponse(token)


_names = {p.name for p in participant_urls.urlpatterns if isinstance(p, URLPattern)}
_extra = (
    []
    if "nomination_profile" in _names
    else [path("nominations/profile/<str:token>/", _stand_in, name="nomination_profile")]
)
urlpatterns = [
    pattern
    for pattern in project_urls.urlpatterns
    if getattr(pattern, "urlconf_name", None) is not participant_urls
] + [path("", include((participant_urls.urlpatterns + _extra, "participants")))]
