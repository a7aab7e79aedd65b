from django.urls import path

from . import focal_point_views, info_views, views, webhook_views

app_name = "programs"
urlpatterns = [
    path("new/", views.programme_create, name="create"),
    path("<slug:slug>/about/", views.programme_detail, name="detail"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("<slug:slug>/archive/", views.programme_archive, name="archive"),
    path("<slug:slug>/logo/", views.programme_logo, name="logo"),
    path("<slug:slug>/information/", info_views.info_edit, name="info_edit"),
    path("<slug:slug>/privacy-notice/", info_views.privacy_notice, name="privacy_notice"),
    path("<slug:slug>/announcements/", info_views.announcements, name="announcements"),
    path(
        "<slug:slug>/announcements/<int:pk>/",
        info_views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "<slug:slug>/announcements/<int:pk>/delete/",
        info_views.announcement_delete,
        name="announcement_delete",
    ),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team/<int:pk>/remove/", views.team_remove, name="team_remove"),
    path("<slug:slug>/delegations/", views.delegations, name="delegations"),
    path("<slug:slug>/delegations/<int:pk>/", views.delegation_edit, name="delegation_edit"),
    path(
        "<slug:slug>/delegations/<int:pk>/delete/",
        views.delegation_delete,
        name="delegation_delete",
    ),
    # Focal points of a delegation (focal_point_views.py)
    path(
        "<slug:slug>/delegations/<int:pk>/focal-points/",
        focal_point_views.focal_points,
        name="focal_points",
    ),
    path(
        "<slug:slug>/delegations/<int:pk>/focal-points/<int:focal_point_id>/remove/",
        focal_point_views.focal_point_remove,
        name="focal_point_remove",
    ),
    # Webhooks (webhook_views.py)
    path("<slug:slug>/webhooks/", webhook_views.webhooks, name="webhooks"),
    path("<slug:slug>/webhooks/<int:pk>/", webhook_views.webhook_edit, name="webhook_edit"),
    path(
        "<slug:slug>/webhooks/<int:pk>/delete/",
        webhook_views.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "<slug:slug>/webhooks/<int:pk>/enable/",
        webhook_views.webhook_enable,
        name="webhook_enable",
    ),
    path("<slug:slug>/webhooks/<int:pk>/ping/", webhook_views.webhook_ping, name="webhook_ping"),
    path(
        "<slug:slug>/webhooks/<int:pk>/deliveries/<int:delivery_pk>/redeliver/",
        webhook_views.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
