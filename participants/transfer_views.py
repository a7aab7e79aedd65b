"""Placeholder views, replaced by the real implementation."""

from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


import_upload = import_preview = import_template = export = _missing
