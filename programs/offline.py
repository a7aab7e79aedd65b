"""Pages that keep working without a network.

The service worker stores a page for offline use only when its response says so with this
header, so that nothing personal is kept on a device unless the page was meant to be.
"""

from django.http import HttpResponse

OFFLINE_HEADER = "Tpbis-Offline"


def keep_offline(response: HttpResponse) -> HttpResponse:
    """Mark a page as one the service worker keeps for use without a network."""
    response[OFFLINE_HEADER] = "keep"
    return response
