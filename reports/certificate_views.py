"""Certificates for organisers, their public verification, and a delegate's own certificate."""

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants.access import get_participation_for_user
from programs.confirmation import confirmation_page
from programs.files import serve_stored_file
from programs.offline import keep_offline
from programs.permissions import ADMIN, MANAGERS, get_programme_for_user

from .certificate_forms import (
    CertificateTemplateForm,
    CodeLookupForm,
    RevokeForm,
    SignatoryFormSet,
)
from .certificates import (
    eligibility_of,
    normalise_code,
    render_sample,
    revoke_certificate,
    template_for,
    verify_certificate,
)
from .forms import StartJobForm
from .models import Certificate, GenerationJob


def _file_response(field, filename: str) -> FileResponse:
    return serve_stored_file(
        field, content_type="application/pdf", as_attachment=True, filename=filename
    )


@login_required
def certificates(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    template = template_for(programme)
    rows = eligibility_of(programme, template)
    latest_job = (
        programme.jobs.filter(kind=GenerationJob.Kind.CERTIFICATES)
        .select_related("started_by")
        .first()
    )
    issued = [row for row in rows if getattr(row.participant, "certificate", None)]
    return render(
        request,
        "reports/certificates.html",
        {
            "programme": programme,
            "template": template,
            "rows": rows,
            "eligible_count": sum(1 for row in rows if row.eligible),
            "issued_count": sum(1 for row in issued if row.participant.certificate.file),
            "revoked_count": sum(1 for row in issued if not row.participant.certificate.is_valid),
            "latest_job": latest_job,
            "start_form": StartJobForm(
                initial={"kind": GenerationJob.Kind.CERTIFICATES, "language": request.LANGUAGE_CODE}
            ),
            "can_start": programme.user_role == ADMIN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_template(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    template = template_for(programme)
    signatories = template.signatories.all()
    next_position = (signatories.aggregate(last=Max("position"))["last"] or 0) + 1
    if request.method == "POST":
        form = CertificateTemplateForm(request.POST, request.FILES, instance=template)
        formset = SignatoryFormSet(
            request.POST,
            request.FILES,
            queryset=signatories,
            prefix="signatories",
            initial=[{"position": next_position}],
        )
        if form.is_valid() and formset.is_valid():
            _save_template(form, formset, template)
            messages.success(request, _("The certificate template was saved."))
            return redirect("reports:certificate_template", slug=programme.slug)
        messages.error(request, _("Please correct the errors below."))
    else:
        form = CertificateTemplateForm(instance=template)
        formset = SignatoryFormSet(
            queryset=signatories, prefix="signatories", initial=[{"position": next_position}]
        )
    return render(
        request,
        "reports/certificate_template.html",
        {
            "programme": programme,
            "template": template,
            "form": form,
            "formset": formset,
            # A new query string after every save, so the browser shows the new preview.
            "preview_url": reverse("reports:certificate_preview", args=[programme.slug])
            + f"?v={int(template.updated_at.timestamp())}",
        },
    )


def _save_template(form: CertificateTemplateForm, formset, template) -> None:
    """Save the template and its signatories; replaced images are removed from storage."""
    replaced = []
    if "partner_logo" in form.changed_data or form.cleaned_data.get("remove_partner_logo"):
        old = _stored_name(template, "partner_logo")
        if old:
            replaced.append(old)
    with transaction.atomic():
        form.save()
        for signatory_form in formset.forms:
            if not signatory_form.has_changed():
                continue
            if "signature" in signatory_form.changed_data and signatory_form.instance.pk:
                old = _stored_name(signatory_form.instance, "signature")
                if old:
                    replaced.append(old)
        for signatory in formset.save(commit=False):
            signatory.template = template
            signatory.save()
    storage = template.partner_logo.storage
    for name in replaced:
        transaction.on_commit(lambda name=name: storage.delete(name))


def _stored_name(instance, field_name: str) -> str:
    """The stored name of an image field as it is in the database (before the form changed it)."""
    stored = type(instance).objects.filter(pk=instance.pk).values_list(field_name, flat=True)
    return stored.first() or ""


@login_required
@require_GET
@never_cache
@xframe_options_sameorigin
# A PDF, not a page: the policy's frame-ancestors 'none' would keep it out of the form's
# frame, and X-Frame-Options: SAMEORIGIN already limits who may frame it.
@csp_exempt()
def certificate_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The template as it stands, as a PDF shown beside the form (a sample participant, or
    `?participant=<id>` of this programme)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = None
    participant_id = request.GET.get("participant", "")
    if participant_id:
        if not participant_id.isdigit():
            raise Http404
        participant = get_object_or_404(
            programme.participants.select_related("certificate"), pk=int(participant_id)
        )
    pdf = render_sample(
        programme, base_url=request.build_absolute_uri("/"), participant=participant
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    return response


@login_required
@require_POST
def signatory_delete(request: HttpRequest, slug: str, signatory_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    signatory = get_object_or_404(template_for(programme).signatories.all(), pk=signatory_id)
    name = signatory.name
    asking = confirmation_page(
        request,
        question=_("Remove %(name)s from the certificates?") % {"name": name},
        consequence=_(
            "Certificates made from now on no longer show this signatory or the signature."
        ),
        action=_("Remove this signatory"),
        cancel_url=reverse("reports:certificate_template", args=[programme.slug]),
    )
    if asking:
        return asking
    signature = signatory.signature.name if signatory.signature else ""
    storage = signatory.signature.storage
    with transaction.atomic():
        signatory.delete()
        if signature:
            transaction.on_commit(lambda: storage.delete(signature))
    messages.success(request, _("%(name)s was removed from the certificates.") % {"name": name})
    return redirect("reports:certificate_template", slug=programme.slug)


def _certificate_of(programme, participant_id: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("participant"),
        participant__programme=programme,
        participant_id=participant_id,
    )


@login_required
@require_GET
def certificate_download(request: HttpRequest, slug: str, participant_id: int) -> FileResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    certificate = _certificate_of(programme, participant_id)
    return _file_response(certificate.file, f"certificate-{certificate.code}.pdf")


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    certificate = _certificate_of(programme, participant_id)
    form = RevokeForm(request.POST)
    if not certificate.is_valid:
        messages.error(request, _("This certificate is already revoked."))
    elif not form.is_valid():
        messages.error(request, _("Give a reason: it is shown on the verification page."))
    else:
        asking = confirmation_page(
            request,
            question=_("Revoke the certificate of %(name)s (%(code)s)?")
            % {"name": certificate.participant, "code": certificate.code},
            consequence=_(
                "The verification page will say it is revoked, with the reason “%(reason)s”. "
                "A revoked certificate cannot be made valid again."
            )
            % {"reason": form.cleaned_data["reason"]},
            action=_("Revoke certificate"),
            cancel_url=reverse("reports:certificates", args=[programme.slug]),
        )
        if asking:
            return asking
        revoke_certificate(certificate=certificate, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("The certificate of %(name)s (%(code)s) is revoked.")
            % {"name": certificate.participant, "code": certificate.code},
        )
    return redirect("reports:certificates", slug=programme.slug)


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """Public: type the code printed on a certificate."""
    form = CodeLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("reports:verify", code=form.cleaned_data["code"])
    return render(request, "reports/verify_lookup.html", {"form": form})


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: name, programme, dates and validity of the certificate, nothing else.

    The name is left out for a participant erased on request.
    """
    canonical = normalise_code(code)
    if canonical and canonical != code:
        return redirect("reports:verify", code=canonical)
    verification = verify_certificate(canonical) if canonical else None
    if verification is None:
        return render(
            request,
            "reports/verify_unknown.html",
            {"form": CodeLookupForm(initial={"code": code})},
            status=404,
        )
    return render(
        request,
        "reports/verify.html",
        {
            "certificate": verification.certificate,
            "name": verification.name,
            "latin": verification.latin,
            "programme": verification.programme,
            "erased": verification.erased,
        },
    )


@login_required
@require_GET
def my_certificate(request: HttpRequest) -> HttpResponse:
    """The signed-in delegate's own certificate (`?programme=` picks among their programmes).

    The PDF, or the page saying why there is none, is kept on the device for use offline.
    """
    participant = get_participation_for_user(request)
    certificate = Certificate.objects.filter(participant=participant).first()
    if certificate and certificate.is_valid and certificate.file:
        return keep_offline(_file_response(certificate.file, f"certificate-{certificate.code}.pdf"))
    return keep_offline(
        render(
            request,
            "reports/certificate_missing.html",
            {
                "participant": participant,
                "programme": participant.programme,
                "certificate": certificate,
            },
        )
    )
