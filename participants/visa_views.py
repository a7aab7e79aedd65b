"""A delegate's visa: the organisers record it, the staff read it."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .visa_forms import VisaForm
from .visas import needs_visa, set_visa, visa_of


@login_required
@require_http_methods(["GET", "POST"])
def visa_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An international delegate's visa; 404 for others, who need none."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    participant = (
        programme.participants.filter(pk=pk).select_related("visa", "visa__updated_by").first()
    )
    if participant is None or not needs_visa(participant):
        raise Http404
    can_manage = programme.user_role in MANAGERS
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    visa = visa_of(participant)
    can_edit = can_manage and not participant.is_erased
    form = VisaForm(instance=visa) if can_edit else None
    if request.method == "POST":
        if participant.is_erased:
            messages.error(request, _("This participant's personal data was erased."))
            return redirect("participants:detail", programme.slug, participant.pk)
        # A copy: the page still shows what is recorded when the form has errors.
        form = VisaForm(request.POST, instance=copy.copy(visa))
        if form.is_valid():
            try:
                set_visa(participant, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The visa of %(name)s was saved.") % {"name": participant.display_name},
                )
                return redirect("participants:detail", programme.slug, participant.pk)
    return render(
        request,
        "participants/visa_edit.html",
        {
            "programme": programme,
            "participant": participant,
            "visa": visa,
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )
