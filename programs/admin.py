from django.contrib import admin

from .models import (
    Announcement,
    Delegation,
    MemberCountry,
    Programme,
    ProgrammeMembership,
    Province,
)


@admin.register(MemberCountry)
class MemberCountryAdmin(admin.ModelAdmin):
    list_display = ["country", "code", "is_active"]
    list_filter = ["is_active"]


class ProgrammeMembershipInline(admin.TabularInline):
    model = ProgrammeMembership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


class DelegationInline(admin.TabularInline):
    model = Delegation
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "short_name_en",
        "title_en",
        "start_date",
        "end_date",
        "venue_city",
        "content_language",
    ]
    list_filter = ["content_language"]
    search_fields = ["title_en", "title_local", "short_name_en"]
    prepopulated_fields = {"slug": ["short_name_en"]}
    inlines = [ProgrammeMembershipInline, DelegationInline]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "published_at"]
    list_filter = ["programme"]
