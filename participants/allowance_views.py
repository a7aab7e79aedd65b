"""Daily allowances: rates and meal days, the board of what each participant is due, and
marking allowances paid. The whole team sees them; organisers and admins change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.confirmation import confirmation_page
from programs.models import Programme
from programs.money import format_money
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .allowance_forms import AllowancePaymentForm, AllowanceRateForm, MealProvisionForm
from .allowance_models import AllowanceRate, MealProvision
from .allowances import (
    AllowanceRow,
    allowance_row_of,
    allowance_rows,
    mark_paid,
    save_meal_provision,
    save_rate,
    totals_by_category,
    totals_by_currency,
    undo_payment,
)


def _require_manager(programme: Programme) -> None:
    if programme.user_role not in MANAGERS:
        raise PermissionDenied


@login_required
@require_GET
def allowances(request: HttpRequest, slug: str) -> HttpResponse:
    """Every active participant with a rate: days or nights, reductions, amount, paid or not,
    with totals by currency and by category. Four queries, whatever the number of people
    (session and user, the programme and the role, participants with rates and payments, meal
    days)."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    rows = allowance_rows(programme)
    return render(
        request,
        "participants/allowances.html",
        {
            "programme": programme,
            "rows": rows,
            "by_currency": totals_by_currency(rows),
            "by_category": totals_by_category(rows),
            "can_edit": programme.user_role in MANAGERS,
            "without_travel": sum(1 for row in rows if not row.has_travel),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def allowance_rates(request: HttpRequest, slug: str) -> HttpResponse:
    """The rates per category and the meal days. A POST with `meal` sets a day's meals;
    any other POST sets a category's rate (organisers and admins)."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    rate_form = AllowanceRateForm(programme=programme)
    meal_form = MealProvisionForm(programme=programme)
    if request.method == "POST":
        _require_manager(programme)
        if "meal" in request.POST:
            meal_form = MealProvisionForm(request.POST, programme=programme)
            if meal_form.is_valid():
                data = meal_form.cleaned_data
                save_meal_provision(
                    programme=programme,
                    day=data["date"],
                    percent=data["reduction_percent"],
                    note=data["note"],
                )
                messages.success(
                    request,
                    _("Meals on %(day)s: %(percent)s %% off the allowance.")
                    % {
                        "day": date_format(data["date"], "j F Y"),
                        "percent": data["reduction_percent"],
                    },
                )
                return redirect("participants:allowance_rates", slug=programme.slug)
        else:
            rate_form = AllowanceRateForm(request.POST, programme=programme)
            if rate_form.is_valid():
                data = rate_form.cleaned_data
                rate = save_rate(
                    programme=programme,
                    category=data["category"],
                    currency=data["currency"],
                    amount=data["amount"],
                    basis=data["basis"],
                )
                messages.success(
                    request,
                    _("The rate of %(category)s is now %(amount)s %(basis)s.")
                    % {
                        "category": rate.get_category_display(),
                        "amount": format_money(rate.amount, rate.currency),
                        "basis": rate.get_basis_display().lower(),
                    },
                )
                return redirect("participants:allowance_rates", slug=programme.slug)
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "participants/allowance_rates.html",
        {
            "programme": programme,
            "rates": AllowanceRate.objects.filter(programme=programme),
            "meals": MealProvision.objects.filter(programme=programme),
            "rate_form": rate_form,
            "meal_form": meal_form,
            "can_edit": programme.user_role in MANAGERS,
        },
    )


@login_required
@require_POST
def allowance_rate_delete(request: HttpRequest, slug: str, rate_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    rate = AllowanceRate.objects.filter(programme=programme, pk=rate_id).first()
    if rate is None:
        raise Http404
    rate.delete()
    messages.success(
        request,
        _("The rate of %(category)s is removed.") % {"category": rate.get_category_display()},
    )
    return redirect("participants:allowance_rates", slug=programme.slug)


@login_required
@require_POST
def meal_provision_delete(request: HttpRequest, slug: str, meal_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    meal = MealProvision.objects.filter(programme=programme, pk=meal_id).first()
    if meal is None:
        raise Http404
    meal.delete()
    messages.success(
        request, _("Meals on %(day)s are removed.") % {"day": date_format(meal.date, "j F Y")}
    )
    return redirect("participants:allowance_rates", slug=programme.slug)


def _row_or_404(programme: Programme, participant_id: int) -> AllowanceRow:
    row = allowance_row_of(programme, participant_id)
    if row is None:
        raise Http404
    return row


@login_required
@require_http_methods(["GET", "POST"])
def allowance_pay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What the participant is due, and the form that marks it paid (organisers and admins)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    row = _row_or_404(programme, pk)
    form = AllowancePaymentForm()
    if request.method == "POST":
        form = AllowancePaymentForm(request.POST)
        if form.is_valid():
            try:
                payment = mark_paid(
                    participant=row.participant, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(name)s: %(amount)s marked paid.")
                    % {
                        "name": row.participant.display_name,
                        "amount": format_money(payment.amount, payment.currency),
                    },
                )
                return redirect("participants:allowances", slug=programme.slug)
        else:
            messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "participants/allowance_pay.html",
        {"programme": programme, "row": row, "form": form},
    )


@login_required
@require_POST
def allowance_unpay(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Undo a payment marked by mistake, after confirmation (organisers and admins)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    row = _row_or_404(programme, pk)
    if row.payment is None:
        messages.error(request, _("This allowance is not marked paid."))
        return redirect("participants:allowances", slug=programme.slug)
    asking = confirmation_page(
        request,
        question=_("Undo the payment of %(name)s?") % {"name": row.participant.display_name},
        consequence=_(
            "The allowance will show as not paid, and the record of who paid it, when and how "
            "is deleted."
        ),
        action=_("Undo the payment"),
        cancel_url=reverse("participants:allowances", args=[programme.slug]),
    )
    if asking:
        return asking
    undo_payment(participant=row.participant)
    messages.success(
        request, _("%(name)s: the payment is undone.") % {"name": row.participant.display_name}
    )
    return redirect("participants:allowances", slug=programme.slug)
