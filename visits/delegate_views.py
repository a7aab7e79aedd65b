"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


my_agenda = calendar = feed = programme_info = _missing
