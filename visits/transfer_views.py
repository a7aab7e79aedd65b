"""Airport transfers for the programme team: proposed and existing runs, a run with its
passengers, and the daily arrivals and departures board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from participants.models import by_readable_name
from programs.models import Programme
from programs.permissions import TEAM, get_programme_for_user

from .legs import at_airport
from .transfer_forms import AddPassengerForm, ProposalForm, RunForm
from .transfer_models import TransferRun
from .transfers import (
    add_passenger,
    create_run,
    propose_runs,
    remove_passenger,
    run_label,
    update_run,
)
from .travel_board import runs_with_passengers, travel_board


def _run_or_404(programme: Programme, run_id: int) -> TransferRun:
    run = get_object_or_404(programme.transfer_runs, pk=run_id)
    run.programme = programme
    return run


def _say_refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["GET", "POST"])
def transfers(request: HttpRequest, slug: str) -> HttpResponse:
    """Proposed runs, each created with one click (POST), and the runs that exist."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    if request.method == "POST":
        form = ProposalForm(request.POST, programme=programme)
        if not form.is_valid():
            messages.error(
                request, _("This proposal is out of date or incomplete: nothing was created.")
            )
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("visits:transfers", slug=programme.slug)
        data = form.cleaned_data
        try:
            run = create_run(
                programme=programme,
                direction=data["direction"],
                airport_code=data["airport_code"],
                pickup_at=data["pickup_at"],
                vehicle=data["vehicle"],
                seats=data["seats"],
                participants=data["participants"],
                by=request.user,
            )
        except ValidationError as error:
            _say_refused(request, error)
            return redirect("visits:transfers", slug=programme.slug)
        run.programme = programme
        count = len(data["participants"])
        messages.success(
            request,
            ngettext(
                "The run of %(run)s was created with %(count)s passenger.",
                "The run of %(run)s was created with %(count)s passengers.",
                count,
            )
            % {"run": run_label(run), "count": count},
        )
        return redirect("visits:transfers", slug=programme.slug)
    proposals = propose_runs(programme)
    for proposal in proposals:
        for leg in proposal.legs:
            leg.at_airport = at_airport(leg, programme.tzinfo)
        vehicle, seats = proposal.vehicle_and_seats
        proposal.form = ProposalForm(
            programme=programme,
            initial={
                "direction": proposal.direction,
                "airport_code": proposal.airport_code,
                "pickup_at": proposal.pickup_at.isoformat(),
                "participants": [participant.pk for participant in proposal.participants],
                "vehicle": vehicle,
                "seats": seats,
            },
        )
    runs = list(runs_with_passengers(programme))
    return render(
        request,
        "visits/transfers.html",
        {
            "programme": programme,
            "proposals": proposals,
            "runs_by_direction": [
                ([run for run in runs if run.is_arrival], "arrival-runs", _("Airport pick-ups")),
                (
                    [run for run in runs if not run.is_arrival],
                    "departure-runs",
                    _("To the airport"),
                ),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """A run: its details to edit, its passengers to remove, someone to add."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    run = _run_or_404(programme, run_id)
    form = RunForm(request.POST or None, instance=run, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            run = update_run(run=run, changes=form.changes(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            run.programme = programme
            messages.success(request, _("The run of %(run)s was saved.") % {"run": run_label(run)})
            return redirect("visits:transfer_run", slug=programme.slug, run_id=run.pk)
    # The form's instance took the submitted values: show the run as it is stored.
    run = _run_or_404(programme, run_id)
    passengers = list(
        run.passengers.select_related(
            "participant", "participant__country", "participant__province", "leg"
        ).order_by(*by_readable_name("participant__"), "pk")
    )
    for passenger in passengers:
        passenger.at_airport = (
            at_airport(passenger.leg, programme.tzinfo) if passenger.leg else None
        )
    return render(
        request,
        "visits/transfer_run.html",
        {
            "programme": programme,
            "run": run,
            "form": form,
            "passengers": passengers,
            "free_seats": run.seats - len(passengers),
            "add_form": AddPassengerForm(run=run),
        },
    )


@login_required
@require_POST
def transfer_passenger_add(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    run = _run_or_404(programme, run_id)
    form = AddPassengerForm(request.POST, run=run)
    if not form.is_valid():
        messages.error(request, _("Choose a participant who is not on a run of this direction."))
        return redirect("visits:transfer_run", slug=programme.slug, run_id=run.pk)
    participant = form.cleaned_data["participant"]
    try:
        add_passenger(run=run, participant=participant, by=request.user)
    except ValidationError as error:
        _say_refused(request, error)
    else:
        messages.success(
            request, _("%(name)s was added to the run.") % {"name": participant.display_name}
        )
    return redirect("visits:transfer_run", slug=programme.slug, run_id=run.pk)


@login_required
@require_POST
def transfer_passenger_remove(
    request: HttpRequest, slug: str, run_id: int, passenger_id: int
) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    run = _run_or_404(programme, run_id)
    passenger = get_object_or_404(
        run.passengers.select_related("participant", "run"), pk=passenger_id
    )
    remove_passenger(passenger=passenger, by=request.user)
    messages.success(
        request,
        _("%(name)s was taken off the run.") % {"name": passenger.participant.display_name},
    )
    return redirect("visits:transfer_run", slug=programme.slug, run_id=run.pk)


@login_required
@require_safe
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """Who lands and who leaves each day, with the run collecting them."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(
        request,
        "visits/travel_board.html",
        {"programme": programme, "days": travel_board(programme)},
    )
