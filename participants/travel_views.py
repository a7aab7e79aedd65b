"""Travel legs: the organisers' page of one participant's legs and the delegate's "My travel".

Both save the whole formset in one transaction, then copy the host end of the journey into
the participant's arrival and departure (participants.stays.sync_travel_summary). The
organisers' import page does the same for everyone named in an XLSX file (travel_import).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from programs.permissions import MANAGERS, get_programme_for_user
from programs.uploads import IMPORT, with_limit

from .access import get_participation_for_user, programme_query
from .models import Participant
from .roles import get_roles
from .stays import shown_legs, sync_travel_summary
from .travel_forms import BaseTravelLegFormSet, travel_formset
from .travel_import import TravelImportRefused, import_travel, template_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def save_legs(formset: BaseTravelLegFormSet) -> bool:
    """Validate and save the legs with the participant's summary; False when invalid."""
    participant = formset.instance
    # Read before validation changes the forms' instances: a direction whose legs are all
    # gone (deleted or moved) no longer has a host end.
    directions_before = {leg.direction for leg in formset.get_queryset()}
    if not formset.is_valid():
        return False
    with transaction.atomic():
        formset.save()
        sync_travel_summary(participant, emptied=directions_before)
    return True


def _legs_page(request: HttpRequest, participant: Participant, template: str, **context):
    """Show the formset, or save it and go back to the page itself."""
    formset = travel_formset(participant, request.POST if request.method == "POST" else None)
    if formset.is_bound and save_legs(formset):
        messages.success(request, _("The travel details were saved."))
        return None
    return render(
        request,
        template,
        {
            "programme": participant.programme,
            "participant": participant,
            "formset": formset,
            # As saved: the forms' own instances carry what was just typed.
            "legs": shown_legs(participant.legs.all(), participant.programme.tzinfo),
            **context,
        },
        status=400 if formset.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def travel_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An organiser's page of one participant's travel legs."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = programme.participants.filter(pk=pk).first()
    if participant is None:
        raise Http404
    participant.programme = programme
    if participant.is_erased:
        messages.error(
            request, _("This participant's personal data was erased: the record is not edited.")
        )
        return redirect("participants:detail", programme.slug, participant.pk)
    response = _legs_page(request, participant, "participants/travel_edit.html")
    return response or redirect("participants:detail", programme.slug, participant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_travel(request: HttpRequest) -> HttpResponse:
    """The signed-in delegate's own legs, to and from the programme."""
    participant = get_participation_for_user(request)
    response = _legs_page(
        request,
        participant,
        "participants/my_travel.html",
        participations=get_roles(request).participations,
    )
    return response or redirect(f"{request.path}{programme_query(request, participant)}")


class TravelImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Travel legs"),
        help_text=with_limit(gettext_lazy("An .xlsx file of at most %(limit)s."), IMPORT),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def travel_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Organisers upload everyone's flights at once: all rows saved, or none."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = TravelImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            outcome = import_travel(programme=programme, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        except TravelImportRefused as refused:
            row_errors = refused.errors
        else:
            messages.success(
                request,
                _("Travel imported: %(legs)d legs of %(participants)d participants.")
                % {"legs": outcome.legs, "participants": outcome.participants},
            )
            return redirect("participants:travel_import", programme.slug)
    return render(
        request,
        "participants/travel_import.html",
        {"programme": programme, "form": form, "row_errors": row_errors},
        status=400 if form.is_bound else 200,
    )


@login_required
def travel_import_template(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-travel.xlsx"'
    return response
