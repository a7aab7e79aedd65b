from django.urls import path

from . import views

app_name = "participants"
urlpatterns = [
    path("<slug:slug>/participants/", views.participant_list, name="list"),
]
