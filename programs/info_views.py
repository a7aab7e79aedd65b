"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


info_edit = announcements = announcement_edit = announcement_delete = _missing
