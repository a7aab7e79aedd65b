from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("programmes/<slug:slug>/reports/", views.document_list, name="list"),
    path("programmes/<slug:slug>/reports/generate/", views.document_generate, name="generate"),
    path("reports/<uuid:document_id>/download/", views.document_download, name="download"),
]
