"""The page title of every page, as `base.html` writes it."""

from django import template

register = template.Library()

SEPARATOR = " · "


@register.filter(is_safe=True)
def tidy_title(title: str) -> str:
    """ "Home ·  · TPBIS programmes" → "Home · TPBIS programmes": the parts of a title, empty
    ones (a block left empty, a programme without a short name) left out."""
    parts = (part.strip() for part in str(title).split(SEPARATOR.strip()))
    return SEPARATOR.join(part for part in parts if part)
