from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "programme", "status", "requested_by", "finished_at"]
    list_filter = ["kind", "status", "programme"]
    readonly_fields = ["requested_at", "started_at", "finished_at", "error"]
