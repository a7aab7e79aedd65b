from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("programmes/<slug:slug>/reports/", views.document_list, name="list"),
    path("programmes/<slug:slug>/reports/generate/", views.document_generate, name="generate"),
    path("programmes/<slug:slug>/badges/", views.badges, name="badges"),
    path(
        "programmes/<slug:slug>/items/<int:pk>/vehicles/<int:vehicle_id>/manifest/",
        views.manifest,
        name="manifest",
    ),
    path("reports/<uuid:document_id>/", views.document_status, name="status"),
    path("reports/<uuid:document_id>/download/", views.document_download, name="download"),
]
