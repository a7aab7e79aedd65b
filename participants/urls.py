from django.urls import path

from . import (
    action_plan_views,
    allowance_views,
    alumni_views,
    bulk_views,
    call_views,
    evaluation_views,
    followup_views,
    invitation_views,
    lodging_views,
    message_views,
    nomination_views,
    privacy_views,
    selection_views,
    transfer_views,
    travel_views,
    views,
    visa_views,
)

app_name = "participants"

P = "programmes/<slug:slug>/"
urlpatterns = [
    # Registration (views.py)
    path(P, views.dashboard, name="dashboard"),
    path(f"{P}participants/", views.participant_list, name="list"),
    path(f"{P}participants/new/", views.participant_create, name="create"),
    path(f"{P}participants/<int:pk>/", views.participant_detail, name="detail"),
    path(f"{P}participants/<int:pk>/edit/", views.participant_edit, name="edit"),
    path(f"{P}participants/<int:pk>/status/", views.participant_status, name="status"),
    path(f"{P}participants/<int:pk>/photo/", views.participant_photo, name="photo"),
    # The travel desk: a delegate's visa (visa_views.py)
    path(f"{P}participants/<int:pk>/visa/", visa_views.visa_edit, name="visa_edit"),
    # Travel legs: the organisers' page and the delegate's own (travel_views.py)
    path(f"{P}participants/<int:pk>/travel/", travel_views.travel_edit, name="travel_edit"),
    path("me/travel/", travel_views.my_travel, name="my_travel"),
    path(f"{P}travel/import/", travel_views.travel_import, name="travel_import"),
    path(
        f"{P}travel/import/template.xlsx",
        travel_views.travel_import_template,
        name="travel_import_template",
    ),
    # Bulk actions on the list (bulk_views.py)
    path(f"{P}participants/bulk/", bulk_views.bulk_action, name="bulk"),
    # Bulk import and export (transfer_views.py)
    path(f"{P}participants/import/", transfer_views.import_upload, name="import"),
    path(
        f"{P}participants/import/<uuid:batch_id>/",
        transfer_views.import_preview,
        name="import_preview",
    ),
    path(
        f"{P}participants/import-template.<str:file_format>",
        transfer_views.import_template,
        name="import_template",
    ),
    path(f"{P}participants/export.<str:file_format>", transfer_views.export, name="export"),
    # Invitations and the participant's own profile (invitation_views.py)
    path(f"{P}participants/<int:pk>/invite/", invitation_views.invite, name="invite"),
    path("invitations/<str:token>/", invitation_views.accept, name="invitation"),
    path("me/profile/", invitation_views.my_profile, name="my_profile"),
    # Personal data: the delegate's privacy notice, the access log (privacy_views.py)
    path("me/privacy/", privacy_views.my_privacy, name="my_privacy"),
    path(f"{P}participants/access-log/", privacy_views.access_log, name="access_log"),
    # Follow-up surveys after the programme (followup_views.py)
    path("follow-up/<str:token>/", followup_views.followup_survey, name="followup_survey"),
    path(f"{P}follow-up/", followup_views.followup_rounds, name="followup_rounds"),
    path(
        f"{P}follow-up/<int:pk>/edit/",
        followup_views.followup_round_edit,
        name="followup_round_edit",
    ),
    path(
        f"{P}follow-up/<int:pk>/state/",
        followup_views.followup_round_state,
        name="followup_round_state",
    ),
    path(f"{P}follow-up/<int:pk>/", followup_views.followup_results, name="followup_results"),
    path(
        f"{P}follow-up/<int:pk>/export.xlsx",
        followup_views.followup_export,
        name="followup_export",
    ),
    path(f"{P}follow-up/questions/", followup_views.followup_questions, name="followup_questions"),
    path(
        f"{P}follow-up/questions/<int:question_id>/delete/",
        followup_views.followup_question_delete,
        name="followup_question_delete",
    ),
    # Evaluation (evaluation_views.py)
    path("me/evaluation/", evaluation_views.evaluation, name="evaluation"),
    path(f"{P}evaluation/", evaluation_views.evaluation_results, name="evaluation_results"),
    path(
        f"{P}evaluation/questions/",
        evaluation_views.evaluation_questions,
        name="evaluation_questions",
    ),
    path(
        f"{P}evaluation/questions/<int:question_id>/delete/",
        evaluation_views.evaluation_question_delete,
        name="evaluation_question_delete",
    ),
    path(
        f"{P}evaluation/export.<str:file_format>",
        evaluation_views.evaluation_export,
        name="evaluation_export",
    ),
    # Calls for nominations: the organisers' call (call_views.py), the focal points'
    # nominations and the candidate's own profile (nomination_views.py)
    path(f"{P}nominations/", nomination_views.nominations, name="nominations"),
    path(f"{P}nominations/call/", call_views.call_edit, name="call_edit"),
    path(f"{P}nominations/call/close/", call_views.call_close, name="call_close"),
    path(f"{P}nominations/call/extend/", call_views.call_extend, name="call_extend"),
    path(f"{P}nominations/questions/", call_views.call_questions, name="call_questions"),
    path(
        f"{P}nominations/questions/<int:question_id>/delete/",
        call_views.call_question_delete,
        name="call_question_delete",
    ),
    path(
        f"{P}nominations/delegations/<int:delegation_id>/new/",
        nomination_views.nomination_create,
        name="nomination_create",
    ),
    path(f"{P}nominations/<int:pk>/", nomination_views.nomination_detail, name="nomination_detail"),
    path(
        f"{P}nominations/<int:pk>/edit/", nomination_views.nomination_edit, name="nomination_edit"
    ),
    path(
        f"{P}nominations/<int:pk>/withdraw/",
        nomination_views.nomination_withdraw,
        name="nomination_withdraw",
    ),
    path(
        f"{P}nominations/<int:pk>/documents/<str:document>/",
        nomination_views.nomination_document,
        name="nomination_document",
    ),
    path(
        f"{P}nominations/<int:pk>/profile-link/",
        nomination_views.nomination_profile_link,
        name="nomination_profile_link",
    ),
    path(
        "nominations/profile/<str:token>/",
        nomination_views.nomination_profile,
        name="nomination_profile",
    ),
    # Selection of nominated candidates (selection_views.py)
    path(f"{P}selection/", selection_views.selection, name="selection"),
    path(f"{P}selection/<int:pk>/", selection_views.selection_decide, name="selection_decide"),
    # Group messages and their delivery log (message_views.py)
    path(f"{P}messages/", message_views.message_list, name="messages"),
    path(f"{P}messages/new/", message_views.message_compose, name="message_compose"),
    path(f"{P}messages/<int:pk>/", message_views.message_detail, name="message_detail"),
    path(f"{P}messages/<int:pk>/retry/", message_views.message_retry, name="message_retry"),
    # Daily allowances (allowance_views.py)
    path(f"{P}allowances/", allowance_views.allowances, name="allowances"),
    path(f"{P}allowances/rates/", allowance_views.allowance_rates, name="allowance_rates"),
    path(
        f"{P}allowances/rates/<int:rate_id>/delete/",
        allowance_views.allowance_rate_delete,
        name="allowance_rate_delete",
    ),
    path(
        f"{P}allowances/meals/<int:meal_id>/delete/",
        allowance_views.meal_provision_delete,
        name="meal_provision_delete",
    ),
    path(f"{P}allowances/<int:pk>/pay/", allowance_views.allowance_pay, name="allowance_pay"),
    path(f"{P}allowances/<int:pk>/unpay/", allowance_views.allowance_unpay, name="allowance_unpay"),
    # Accommodation: hotels, room types and blocks, who sleeps where (lodging_views.py)
    path(f"{P}accommodation/", lodging_views.accommodation, name="accommodation"),
    path(f"{P}accommodation/occupancy/", lodging_views.occupancy, name="occupancy"),
    path(f"{P}accommodation/hotels/", lodging_views.hotels, name="hotels"),
    path(f"{P}accommodation/hotels/new/", lodging_views.hotel_create, name="hotel_create"),
    path(f"{P}accommodation/hotels/<int:pk>/", lodging_views.hotel_edit, name="hotel_edit"),
    path(
        f"{P}accommodation/hotels/<int:pk>/delete/",
        lodging_views.hotel_delete,
        name="hotel_delete",
    ),
    path(
        f"{P}accommodation/hotels/<int:pk>/room-types/new/",
        lodging_views.room_type_create,
        name="room_type_create",
    ),
    path(
        f"{P}accommodation/room-types/<int:pk>/",
        lodging_views.room_type_edit,
        name="room_type_edit",
    ),
    path(
        f"{P}accommodation/room-types/<int:pk>/delete/",
        lodging_views.room_type_delete,
        name="room_type_delete",
    ),
    path(f"{P}accommodation/<int:pk>/room/", lodging_views.room_assign, name="room_assign"),
    path(
        f"{P}accommodation/<int:pk>/room/remove/",
        lodging_views.room_unassign,
        name="room_unassign",
    ),
    # After the programme: action plans (action_plan_views.py), alumni (alumni_views.py)
    path("me/action-plan/", action_plan_views.my_action_plan, name="my_action_plan"),
    path(f"{P}action-plans/", action_plan_views.action_plans, name="action_plans"),
    path(f"{P}action-plans/<int:pk>/", action_plan_views.action_plan, name="action_plan"),
    path("me/alumni/", alumni_views.my_alumni, name="my_alumni"),
    path("alumni/", alumni_views.alumni_directory, name="alumni"),
    path(f"{P}alumni/", alumni_views.programme_alumni, name="programme_alumni"),
]
