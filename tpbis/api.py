"""The REST API's router: each app registers its viewsets here (their code is in <app>/api.py).

Included at /api/v1/ under the "api" namespace; URL names are DRF's, e.g. "api:participant-list".
"""

from rest_framework.routers import SimpleRouter

from participants.api import ParticipantViewSet
from programs.api import DelegationViewSet, ProgrammeViewSet
from reports import api as reports_api
from visits import api as visits_api

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

# The agenda, certificates and generated files.
PROGRAMME = r"programmes/(?P<programme_slug>[-a-zA-Z0-9_]+)"
router.register(f"{PROGRAMME}/items", visits_api.AgendaItemViewSet, basename="item")
router.register(
    rf"{PROGRAMME}/items/(?P<item_pk>[^/]+)/bookings",
    visits_api.BookingViewSet,
    basename="booking",
)
router.register(f"{PROGRAMME}/certificates", reports_api.CertificateViewSet, basename="certificate")
router.register(f"{PROGRAMME}/jobs", reports_api.ProgrammeJobViewSet, basename="programme-job")
router.register("jobs", reports_api.JobViewSet, basename="job")
router.register("verify", reports_api.VerificationViewSet, basename="verification")

urlpatterns = router.urls
