from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("programmes/<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("me/agenda/", views.my_agenda, name="my_agenda"),
]
