"""Placeholder views, replaced by the real implementation."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


invite = accept = my_profile = _missing
