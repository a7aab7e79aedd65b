"""Language names for templates, for the languages Django knows and those it does not yet."""

from django import template

from programs.languages import language_name

register = template.Library()


@register.filter
def language_name_translated(code: str) -> str:
    """ "si" → "Sinhala" (on an English page), "id" → "Indonesia" (on an Indonesian page)."""
    return language_name(code)
