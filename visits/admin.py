from django.contrib import admin

from .models import Session, Site


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "city"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "city", "district"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title_en", "programme", "kind", "starts_at", "ends_at", "site"]
    list_filter = ["programme", "kind"]
    search_fields = ["title_en", "title_local"]
    list_select_related = ["programme", "site"]
    autocomplete_fields = ["participants"]
    date_hierarchy = "starts_at"
