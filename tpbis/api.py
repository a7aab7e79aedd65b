"""The REST API's router: each app registers its viewsets here (their code is in <app>/api.py).

Included at /api/v1/ under the "api" namespace; URL names are DRF's, e.g. "api:participant-list".
"""

from rest_framework.routers import SimpleRouter

from participants.api import ParticipantViewSet
from programs.api import DelegationViewSet, ProgrammeViewSet

app_name = "api"

router = SimpleRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register(
    r"programmes/(?P<programme_slug>[-a-zA-Z0-9_]+)/delegations",
    DelegationViewSet,
    basename="delegation",
)
router.register(
    r"programmes/(?P<programme_slug>[-a-zA-Z0-9_]+)/participants",
    ParticipantViewSet,
    basename="participant",
)

urlpatterns = router.urls
