from django.contrib import admin

from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "full_name_latin", "programme", "category", "country", "status"]
    list_filter = ["programme", "category", "status", "country"]
    search_fields = ["full_name", "full_name_latin", "institution", "email"]
    list_select_related = ["programme", "country"]
    autocomplete_fields = ["user"]
