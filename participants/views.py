from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.files import serve_stored_file
from programs.models import Programme
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .access import get_participant_for_team_or_self
from .access_log import record_personal_data_access
from .bulk_forms import BulkActionForm
from .filters import filter_participants
from .forms import ParticipantForm, StatusChangeForm
from .models import NOT_YET_INVITED, Participant, PersonalDataAccess
from .queries import (
    countries_represented,
    counts_by_category,
    dashboard_summary,
    delegation_quota_of,
    departed_participants,
    participant_for_detail,
    participant_list_queryset,
    status_history,
)
from .selection import reserve_offer_for
from .services import change_status, save_participant, today_in
from .stays import shown_legs
from .visas import visa_status_counts

PAGE_SIZE = 50

# Sortable columns of the list: (sort key of the filter set, heading).
SORTABLE_COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("category", gettext_lazy("Category")),
    ("country", gettext_lazy("Country or region")),
    ("institution", gettext_lazy("Institution")),
    ("status", gettext_lazy("Status")),
]


def _participant_or_404(programme: Programme, pk: int) -> Participant:
    participant = programme.participants.filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(
        request,
        "participants/dashboard.html",
        {
            "programme": programme,
            "summary": dashboard_summary(programme),
            "departed": departed_participants(programme),
            "visas": visa_status_counts(programme),
            "can_manage": programme.user_role in MANAGERS,
        },
    )


def _sort_columns(request: HttpRequest) -> list[dict]:
    """Column headings that sort by their column, ascending first, then the other way."""
    current = request.GET.get("sort", "")
    columns = []
    for key, label in SORTABLE_COLUMNS:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current == key else key
        if current == key:
            direction = "ascending"
        elif current == f"-{key}":
            direction = "descending"
        else:
            direction = ""
        columns.append(
            {"key": key, "label": label, "query": params.urlencode(), "direction": direction}
        )
    return columns


@login_required
def participant_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    participant_filter = filter_participants(programme, request.GET)
    # get_page shows the first page for a non-numeric number and the last for one too large.
    page = Paginator(participant_list_queryset(participant_filter.qs), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Labels looked up once per page: get_FOO_display() rebuilds its choices on every call,
    # a measurable share of the page's time at 50 rows.
    categories, statuses = dict(Participant.Category.choices), dict(Participant.Status.choices)
    for participant in page.object_list:
        participant.category_label = categories.get(participant.category, participant.category)
        participant.status_label = statuses.get(participant.status, participant.status)
        if participant.status == Participant.Status.INVITED and not participant.invitation_sent:
            participant.status_label = NOT_YET_INVITED
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "participants/participant_list.html",
        {
            "programme": programme,
            "filter": participant_filter,
            "page": page,
            "participants": page.object_list,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "columns": _sort_columns(request),
            "filters_query": filters.urlencode(),
            "is_filtered": any(value for key, value in filters.items() if key != "sort"),
            "can_manage": programme.user_role in MANAGERS,
            "bulk_form": BulkActionForm(),
            "category_counts": counts_by_category(programme),
            "country_count": countries_represented(programme),
        },
    )


def _warn_if_over_quota(request: HttpRequest, participant: Participant) -> None:
    quota = delegation_quota_of(participant)
    if quota is not None and quota.is_over:
        messages.warning(
            request,
            _(
                "The delegation “%(delegation)s” now has %(registered)s participants "
                "for %(seats)s seats."
            )
            % {
                "delegation": quota.delegation.origin,
                "registered": quota.registered,
                "seats": quota.seats,
            },
        )


def _participant_form(
    request: HttpRequest, programme: Programme, participant: Participant
) -> HttpResponse:
    """Show and save the participant form, new or existing, in the programme's time zone."""
    is_new = participant.pk is None
    # datetime-local inputs carry no zone: read and show them as programme-local times.
    with timezone.override(programme.tzinfo):
        if request.method == "POST":
            form = ParticipantForm(
                request.POST, request.FILES, instance=participant, programme=programme
            )
            if form.is_valid():
                try:
                    participant = save_participant(
                        participant=form.save(commit=False),
                        photo=form.cleaned_data.get("photo"),
                        by=request.user,
                    )
                except IntegrityError:
                    # Someone saved the same address or passport between validation and save.
                    if is_new:
                        participant.pk = None
                    form.add_error(
                        None,
                        _(
                            "Another participant with this e-mail address or passport number "
                            "was just saved. Please check and try again."
                        ),
                    )
                else:
                    message = _("%(name)s was added.") if is_new else _("%(name)s was saved.")
                    messages.success(request, message % {"name": participant.display_name})
                    _warn_if_over_quota(request, participant)
                    return redirect("participants:detail", programme.slug, participant.pk)
        else:
            form = ParticipantForm(instance=participant, programme=programme)
        if not is_new:
            # The form shows the stored passport number.
            record_personal_data_access(
                programme=programme,
                by=request.user,
                kind=PersonalDataAccess.Kind.PARTICIPANT_FORM,
                participants=[participant],
            )
        return render(
            request,
            "participants/participant_form.html",
            {"programme": programme, "participant": participant, "form": form, "is_new": is_new},
        )


@login_required
def participant_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return _participant_form(request, programme, Participant(programme=programme))


@login_required
def participant_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = _participant_or_404(programme, pk)
    if participant.is_erased:
        # Whatever was typed in would be personal data of someone who asked for its erasure.
        messages.error(
            request, _("This participant's personal data was erased: the record is not edited.")
        )
        return redirect("participants:detail", slug=programme.slug, pk=participant.pk)
    return _participant_form(request, programme, participant)


@login_required
def participant_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    participant = participant_for_detail(programme, pk)
    if participant is None:
        raise Http404
    can_manage = programme.user_role in MANAGERS
    if can_manage:
        # Managers see the passport section; staff do not, so their visits are not recorded.
        record_personal_data_access(
            programme=programme,
            by=request.user,
            kind=PersonalDataAccess.Kind.PARTICIPANT_DETAIL,
            participants=[participant],
        )
    return render(
        request,
        "participants/participant_detail.html",
        {
            "programme": programme,
            "participant": participant,
            "history": status_history(participant),
            "status_form": StatusChangeForm(participant=participant, today=today_in(programme)),
            "replaced_by": getattr(participant, "replaced_by", None),
            "invitation": getattr(participant, "invitation", None),
            "can_manage": can_manage,
            "reserve": reserve_offer_for(participant) if can_manage else None,
            "legs": shown_legs(participant.legs.all(), programme.tzinfo),
        },
    )


@login_required
def participant_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a participant's status from a day, with a reason (GET shows the form alone).

    After withdrawing an international delegate, the organiser is offered their replacement.
    """
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    participant = _participant_or_404(programme, pk)
    today = today_in(programme)
    if request.method != "POST":
        form = StatusChangeForm(
            participant=participant, today=today, initial={"status": request.GET.get("status")}
        )
        form.initial["effective_on"] = today
        return _status_page(request, programme, participant, form)
    form = StatusChangeForm(request.POST, participant=participant, today=today)
    if not form.is_valid():
        return _status_page(request, programme, participant, form)
    try:
        change_status(
            participant=participant,
            to_status=form.cleaned_data["status"],
            by=request.user,
            effective_on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _status_page(request, programme, participant, form)
    messages.success(
        request,
        _("%(name)s is now “%(status)s”.")
        % {"name": participant.display_name, "status": participant.get_status_display()},
    )
    if participant.can_be_replaced:
        return redirect("visits:replace", programme.slug, participant.pk)
    return redirect("participants:detail", programme.slug, participant.pk)


def _status_page(
    request: HttpRequest, programme: Programme, participant: Participant, form: StatusChangeForm
) -> HttpResponse:
    return render(
        request,
        "participants/participant_status.html",
        {"programme": programme, "participant": participant, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def participant_photo(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The photo, for the programme's team and for the participant themselves; 404 otherwise."""
    participant = get_participant_for_team_or_self(request, slug, pk)
    response = serve_stored_file(participant.photo, content_type="image/jpeg")
    # Personal data: browsers may cache it, shared caches must not.
    response["Cache-Control"] = "private, max-age=300"
    return response
