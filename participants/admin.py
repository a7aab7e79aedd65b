from django.contrib import admin

from .models import (
    DailyReminder,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Invitation,
    Participant,
    StatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_by", "changed_at", "note"]

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
