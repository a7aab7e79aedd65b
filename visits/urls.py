from django.urls import path

from . import attendance_views, delegate_views, gallery_views, transfer_views, views

app_name = "visits"

PROGRAMME = "programmes/<slug:slug>/"
ITEM = f"{PROGRAMME}items/<int:pk>/"
KIND = {related: {"related": related} for related in ("groups", "vehicles", "materials")}
urlpatterns = [
    # The delegate's own pages (delegate_views.py)
    path("me/agenda/", delegate_views.my_agenda, name="my_agenda"),
    path("me/calendar/", delegate_views.calendar, name="calendar"),
    path("me/information/", delegate_views.programme_info, name="programme_info"),
    path("calendar/<str:token>.ics", delegate_views.feed, name="feed"),
    # Agenda and timetable editing (views.py)
    path(f"{PROGRAMME}agenda/", views.agenda, name="agenda"),
    path(f"{PROGRAMME}timetable/", views.timetable, name="timetable"),
    path(f"{PROGRAMME}timetable/new/", views.item_create, name="item_create"),
    path(
        f"{PROGRAMME}timetable/days/<str:day>/duplicate/", views.day_duplicate, name="day_duplicate"
    ),
    path(ITEM, views.item_detail, name="item_detail"),
    path(f"{ITEM}edit/", views.item_edit, name="item_edit"),
    path(f"{ITEM}move/", views.item_move, name="item_move"),
    path(f"{ITEM}cancel/", views.item_cancel, name="item_cancel"),
    path(f"{ITEM}delete/", views.item_delete, name="item_delete"),
    # Groups and vehicles of an item (and new materials): the same views for each kind.
    *(
        route
        for kind, related in (("group", "groups"), ("vehicle", "vehicles"))
        for route in (
            path(f"{ITEM}{related}/", views.child_create, KIND[related], name=f"{kind}_create"),
            path(
                f"{ITEM}{related}/<int:child_id>/",
                views.child_edit,
                KIND[related],
                name=f"{kind}_edit",
            ),
            path(
                f"{ITEM}{related}/<int:child_id>/delete/",
                views.child_delete,
                KIND[related],
                name=f"{kind}_delete",
            ),
        )
    ),
    path(f"{ITEM}materials/", views.child_create, KIND["materials"], name="material_create"),
    path(
        f"{ITEM}materials/<int:material_id>/",
        views.material_download,
        name="material_download",
    ),
    path(
        f"{ITEM}materials/<int:material_id>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("sites/", views.site_list, name="sites"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:site_id>/", views.site_edit, name="site_edit"),
    # Assignment and attendance (attendance_views.py)
    path(f"{ITEM}assign/", attendance_views.assign, name="assign"),
    path(
        f"{ITEM}assignments/<int:assignment_id>/remove/",
        attendance_views.unassign,
        name="unassign",
    ),
    path(f"{ITEM}groups/split/", attendance_views.split_into_groups, name="split_groups"),
    path(f"{ITEM}attendance/", attendance_views.attendance, name="attendance"),
    path(f"{ITEM}attendance/scan/", attendance_views.attendance_scan, name="attendance_scan"),
    path(f"{ITEM}attendance/sync/", attendance_views.attendance_sync, name="attendance_sync"),
    path(f"{PROGRAMME}attendance/", attendance_views.attendance_rates, name="attendance_rates"),
    path(f"{PROGRAMME}participants/<int:pk>/replace/", attendance_views.replace, name="replace"),
    # Selection: a withdrawn delegate's seat to the next reserve of the delegation
    path(
        f"{PROGRAMME}participants/<int:pk>/promote-reserve/",
        attendance_views.promote_reserve,
        name="promote_reserve",
    ),
    # Airport transfers and the arrivals and departures board (transfer_views.py)
    path(f"{PROGRAMME}transfers/", transfer_views.transfers, name="transfers"),
    path(f"{PROGRAMME}transfers/<int:run_id>/", transfer_views.transfer_run, name="transfer_run"),
    path(
        f"{PROGRAMME}transfers/<int:run_id>/passengers/",
        transfer_views.transfer_passenger_add,
        name="transfer_passenger_add",
    ),
    path(
        f"{PROGRAMME}transfers/<int:run_id>/passengers/<int:passenger_id>/remove/",
        transfer_views.transfer_passenger_remove,
        name="transfer_passenger_remove",
    ),
    path(f"{PROGRAMME}travel/", transfer_views.board, name="travel_board"),
    # Documentation photos (gallery_views.py)
    path(f"{PROGRAMME}gallery/", gallery_views.gallery, name="gallery"),
    path(f"{ITEM}photos/", gallery_views.photo_upload, name="photo_upload"),
    path(f"{PROGRAMME}photos/<int:photo_id>/", gallery_views.photo, name="photo"),
    path(
        f"{PROGRAMME}photos/<int:photo_id>/people/",
        gallery_views.photo_people,
        name="photo_people",
    ),
    path(
        f"{PROGRAMME}photos/<int:photo_id>/delete/", gallery_views.photo_delete, name="photo_delete"
    ),
]
