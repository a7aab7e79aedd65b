"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


assign = unassign = split_into_groups = attendance = attendance_scan = attendance_rates = _missing
