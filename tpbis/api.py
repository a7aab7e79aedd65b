"""The REST API's router: each app registers its viewsets here (their code is in <app>/api.py).

Included at /api/v1/ under the "api" namespace; URL names are DRF's, e.g. "api:participant-list".
"""

from rest_framework.routers import SimpleRouter

app_name = "api"

router = SimpleRouter()

urlpatterns = router.urls
