"""The organisers' selection: nominations by delegation, the balance so far, one decision each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .nomination_access import CallAccess, get_call_for_user
from .nomination_models import Nomination
from .selection import balance_summary, decide, open_seats, quotas_of
from .selection_forms import DecisionForm, NominationFilter

PAGE_SIZE = 100


def _selection_access(request: HttpRequest, slug: str) -> CallAccess:
    """Managers only: focal points (who see their own nominations elsewhere) get 404 here,
    staff 403, everyone else 404."""
    access = get_call_for_user(request, slug)
    if not access.is_manager:
        raise Http404
    return access


def _list_url(slug: str, filters: str) -> str:
    url = reverse("participants:selection", args=[slug])
    # Only the filter parameters go back, re-encoded: never a URL from the request.
    query = QueryDict(filters).urlencode()
    return f"{url}?{query}" if query else url


@login_required
def selection(request: HttpRequest, slug: str) -> HttpResponse:
    access = _selection_access(request, slug)
    programme, call = access.programme, access.call
    if call is None:
        return render(
            request, "participants/selection.html", {"programme": programme, "call": None}
        )
    nomination_filter = NominationFilter(request.GET, queryset=access.nominations(), call=call)
    queryset = nomination_filter.qs.select_related("participant").order_by(
        "delegation__country", "delegation", "created_at", "pk"
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    quotas = quotas_of(call)
    for nomination in page.object_list:
        nomination.quota = quotas.get(nomination.delegation_id)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "participants/selection.html",
        {
            "programme": programme,
            "call": call,
            "filter": nomination_filter,
            "page": page,
            "nominations": page.object_list,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "filters_query": filters.urlencode(),
            "is_filtered": any(filters.values()),
            "balance": balance_summary(call),
            "open_seats": open_seats(call),
            "decisions": DecisionForm.base_fields["status"].choices,
        },
    )


@login_required
def selection_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One nomination in full with its decision form; POST records the decision."""
    access = _selection_access(request, slug)
    programme = access.programme
    nomination = (
        access.nominations()
        .select_related("participant", "decided_by")
        .prefetch_related("answers__question")
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404
    filters = request.POST.get("filters", request.GET.get("filters", ""))
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                nomination = decide(
                    nomination=nomination,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                    request_or_base_url=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(decision)s.")
                    % {"name": nomination.name, "decision": nomination.get_status_display()},
                )
                if nomination.participant_id:
                    messages.info(
                        request,
                        _("%(name)s is now a participant and their invitation was sent.")
                        % {"name": nomination.name},
                    )
                return redirect(f"{_list_url(programme.slug, filters)}#nomination-{nomination.pk}")
    else:
        initial_status = (
            nomination.status if nomination.status != Nomination.Status.NOMINATED else ""
        )
        form = DecisionForm(initial={"status": initial_status, "note": nomination.decision_note})
    return render(
        request,
        "participants/selection_decide.html",
        {
            "programme": programme,
            "call": access.call,
            "nomination": nomination,
            "answers": sorted(
                nomination.answers.all(), key=lambda answer: answer.question.position
            ),
            "form": form,
            "filters": filters,
            "back_url": _list_url(programme.slug, filters),
            "quota": quotas_of(access.call).get(nomination.delegation_id),
        },
        status=400 if form.is_bound else 200,
    )
