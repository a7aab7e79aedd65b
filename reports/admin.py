from django.contrib import admin

from .models import (
    Certificate,
    CertificateTemplate,
    ClosingReport,
    GenerationJob,
    Quote,
    Signatory,
)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ["programme", "orientation", "minimum_attendance"]
    inlines = [SignatoryInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "participant", "issued_at", "revoked_at"]
    search_fields = ["code", "participant__full_name", "participant__full_name_latin"]
    list_select_related = ["participant"]


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0


@admin.register(ClosingReport)
class ClosingReportAdmin(admin.ModelAdmin):
    list_display = ["programme", "reporter", "photographer"]
    inlines = [QuoteInline]


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "programme", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status", "programme"]
    raw_id_fields = ["participant", "vehicle", "started_by"]
    readonly_fields = ["created_at", "sent_at", "started_at", "finished_at", "error"]
