"""Dates as the documents print them."""

from datetime import date

from django.utils.formats import date_format


def date_range(start: date, end: date) -> str:
    """13–17 November 2023, in the active language: the shared month and year said once."""
    if start == end:
        return date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'j F')} – {date_format(end, 'j F Y')}"
    return f"{date_format(start, 'j F Y')} – {date_format(end, 'j F Y')}"
