"""Personal data pages: what the programme keeps and until when, and erasure on request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participants.models import PersonalDataRemoval
from participants.retention import account_is_used_elsewhere, retention_field_labels
from programs.permissions import MANAGERS, get_programme_for_user

from .forms import EraseParticipantForm
from .models import Certificate
from .retention import AlreadyErased, erase_participant, personal_data_is_over


@login_required
@require_GET
def personal_data(request: HttpRequest, slug: str) -> HttpResponse:
    """When the programme's personal data goes, what goes, what stays, and what went."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    removals = (
        PersonalDataRemoval.objects.filter(programme=programme)
        .select_related("removed_by", "participant")
        .order_by("-removed_at", "-pk")
    )
    return render(
        request,
        "reports/personal_data.html",
        {
            "programme": programme,
            "kept_until": programme.personal_data_until,
            "is_default_date": programme.personal_data_kept_until is None,
            # The purge's own rule, in the programme's time zone.
            "is_over": personal_data_is_over(programme, now=timezone.now()),
            "purged_fields": retention_field_labels(),
            "removals": removals,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_erase(request: HttpRequest, slug: str, participant_id: int) -> HttpResponse:
    """Confirm, then erase one participant's personal data on their request."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = (
        programme.participants.select_related("user", "country").filter(pk=participant_id).first()
    )
    if participant is None:
        raise Http404
    certificate = Certificate.objects.filter(participant=participant).first()
    # Bound on every POST, even an empty one: with no certificate there is nothing to choose.
    posted = request.POST if request.method == "POST" else None
    form = EraseParticipantForm(posted, has_certificate=certificate is not None)
    if request.method == "POST" and not participant.is_erased and form.is_valid():
        try:
            erase_participant(
                participant=participant, by=request.user, keep_certificate=form.keep_certificate
            )
        except AlreadyErased:
            pass
        else:
            messages.success(
                request, _("The participant's personal data is erased. The record is kept.")
            )
        return redirect("participants:detail", slug=programme.slug, pk=participant.pk)
    return render(
        request,
        "reports/participant_erase.html",
        {
            "programme": programme,
            "participant": participant,
            "certificate": certificate,
            "form": form,
            "account_kept": account_is_used_elsewhere(participant),
        },
    )
