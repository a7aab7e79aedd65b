"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


closing_report = quote_delete = visa_letters = jobs = job_start = job_status = _missing
job_archive = job_combined = job_retry = my_agenda_pdf = _missing
