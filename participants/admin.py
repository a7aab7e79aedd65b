from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from .access_log import record_personal_data_access
from .models import (
    DailyReminder,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    FollowUpInvitation,
    FollowUpRound,
    Invitation,
    Participant,
    PersonalDataAccess,
    StatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "effective_on",
        "reason",
        "changed_by",
        "changed_at",
        "note",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["participant", "sent_to", "sent_at", "send_count", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
    list_select_related = ["participant"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "full_name_latin", "programme", "category", "country", "status"]
    list_filter = ["programme", "category", "status", "country"]
    search_fields = ["full_name", "full_name_latin", "institution", "email"]
    list_select_related = ["programme", "country"]
    autocomplete_fields = ["user"]
    inlines = [StatusChangeInline]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change form shows the passport number: recorded like the participant page.
        participant = (
            Participant.objects.select_related("programme").filter(pk=object_id).first()
            if object_id.isdigit()
            else None
        )
        if request.method == "GET" and response.status_code == 200 and participant is not None:
            record_personal_data_access(
                programme=participant.programme,
                by=request.user,
                kind=PersonalDataAccess.Kind.ADMIN_PAGE,
                participants=[participant],
            )
        return response


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the pages that show passport data."""

    list_display = ["accessed_at", "accessed_by_email", "kind", "programme", "participant_count"]
    list_filter = ["kind", "programme"]
    list_select_related = ["programme"]
    search_fields = ["accessed_by_email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(EvaluationQuestion)
class EvaluationQuestionAdmin(admin.ModelAdmin):
    list_display = ["text_en", "programme", "kind", "position"]
    list_filter = ["programme", "kind"]


class EvaluationAnswerInline(admin.TabularInline):
    model = EvaluationAnswer
    extra = 0


@admin.register(EvaluationResponse)
class EvaluationResponseAdmin(admin.ModelAdmin):
    list_display = ["participant", "submitted_at"]
    inlines = [EvaluationAnswerInline]


@admin.register(DailyReminder)
class DailyReminderAdmin(admin.ModelAdmin):
    list_display = ["participant", "day", "sent_at"]


# --- Follow-up surveys --------------------------------------------------------------------------


@admin.register(FollowUpRound)
class FollowUpRoundAdmin(admin.ModelAdmin):
    list_display = ["programme", "months_after", "opens_on", "closes_on", "opened_at", "closed_at"]
    list_filter = ["programme"]


@admin.register(FollowUpInvitation)
class FollowUpInvitationAdmin(admin.ModelAdmin):
    list_display = ["participant", "round", "sent_at", "reminders_sent"]
    # The token's hash is of no use to anyone reading the admin.
    exclude = ["token_hash"]
    list_select_related = ["participant", "round"]
