"""Placeholder views, replaced by the real implementation."""


def _missing(*args, **kwargs):
    from django.http import Http404

    raise Http404


certificates = certificate_template = certificate_preview = signatory_delete = _missing
certificate_download = certificate_revoke = verify = verify_lookup = my_certificate = _missing
