"""The call for nominations as its readers see it: the call page (organisers: the call and every
delegation's count; focal points: their delegations' candidates), the nomination form, its
documents, and the candidate's own profile page reached through an e-mailed link.

Access is decided by `nomination_access` alone: a focal point who edits a URL to another
delegation's nomination or delegation gets 404.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.confirmation import confirmation_page
from programs.files import serve_stored_file
from programs.models import Delegation

from .nomination_access import (
    CallAccess,
    get_call_for_user,
    get_call_for_user_or_404,
    get_nomination_for_user,
)
from .nomination_documents import content_type_of
from .nomination_forms import CandidateProfileForm, NominationForm
from .nomination_models import Nomination, NominationCall
from .nominations import (
    closed_refusal,
    complete_profile,
    local_deadline,
    nominate,
    nomination_quota,
    nominations_counted,
    send_profile_link,
    update_nomination,
    withdraw_nomination,
)
from .profile_links import find_nomination_for_token

DOCUMENTS = {"cv": "cv", "nomination-letter": "nomination_letter"}


def _posted(request: HttpRequest):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _delegation_rows(access: CallAccess) -> list[dict]:
    """Each delegation the user sees with its quota; a focal point's with its nominations.

    Queries: the delegations with their counts; for focal points, their nominations (one
    query whatever their number).
    """
    delegations = nominations_counted(
        Delegation.objects.filter(pk__in=access.delegation_ids).select_related(
            "country", "province"
        ),
        access.call,
    ).annotate(focal_point_count=Count("focal_points", distinct=True))
    by_delegation: dict[int, list[Nomination]] = {}
    if not access.is_manager:
        for nomination in access.nominations().order_by("created_at", "pk"):
            by_delegation.setdefault(nomination.delegation_id, []).append(nomination)
    rows = [
        {
            "delegation": delegation,
            "quota": nomination_quota(delegation),
            "nominations": by_delegation.get(delegation.pk, []),
        }
        for delegation in delegations
    ]
    rows.sort(key=lambda row: str(row["delegation"].origin).casefold())
    return rows


@login_required
def nominations(request: HttpRequest, slug: str) -> HttpResponse:
    """The call page: organisers manage the call; focal points nominate and follow."""
    access = get_call_for_user(request, slug)
    programme = access.programme
    if access.call is None and access.is_manager:
        return redirect("participants:call_edit", slug=programme.slug)
    call = access.call
    context = {
        "programme": programme,
        "call": call,
        "is_manager": access.is_manager,
        "questions": list(call.questions.all()) if call else [],
    }
    if call is not None:
        call.programme = programme
        context |= {
            "rows": _delegation_rows(access),
            "is_open": call.is_open(),
            "deadline": local_deadline(call),
            "closed_message": closed_refusal(call),
        }
    return render(request, "participants/nominations.html", context)


def _delegation_for(access: CallAccess, delegation_id: int) -> Delegation:
    for delegation in access.delegations:
        if delegation.pk == delegation_id:
            return delegation
    raise Http404


def _saved_or_form(
    request: HttpRequest,
    form: NominationForm,
    *,
    may_save: bool,
    save: Callable[[], Nomination],
    message: Callable[[Nomination], str],
    call: NominationCall,
    delegation: Delegation,
    refusal: str | None,
    **context: object,
) -> HttpResponse:
    """When `may_save`, save through the service and show the saved nomination; otherwise, or
    when the service refuses (its reason becoming the form's error), the form again: 409 for a
    refusal or a POST to a form that says why it cannot be used."""
    refused = False
    if may_save:
        try:
            nomination = save()
        except ValidationError as error:
            form.add_error(None, error)
            refused = True
        else:
            messages.success(request, message(nomination))
            return redirect("participants:nomination_detail", call.programme.slug, nomination.pk)
    return render(
        request,
        "participants/nomination_form.html",
        {
            **context,
            "programme": call.programme,
            "call": call,
            "delegation": delegation,
            "form": form,
            "refusal": refusal,
        },
        status=409 if refused or (request.method == "POST" and refusal is not None) else 200,
    )


@login_required
def nomination_create(request: HttpRequest, slug: str, delegation_id: int) -> HttpResponse:
    access = get_call_for_user_or_404(request, slug)
    delegation = _delegation_for(access, delegation_id)
    call = access.call
    call.programme = access.programme
    questions = list(call.questions.all())
    nomination = Nomination(call=call, delegation=delegation)
    data, files = _posted(request)
    form = NominationForm(data, files, instance=nomination, call=call, questions=questions)
    refusal = closed_refusal(call)
    quota = nomination_quota(delegation, call=call)
    if refusal is None and quota.is_full:
        refusal = quota.full_message(delegation)
    return _saved_or_form(
        request,
        form,
        # The service checks the call and the quota again, under a lock.
        may_save=request.method == "POST" and form.is_valid(),
        save=lambda: nominate(
            call=call,
            delegation=delegation,
            nomination=form.save(commit=False),
            by=request.user,
            answers=form.answers(),
        ),
        message=lambda nomination: (
            _("%(name)s has been nominated for %(delegation)s.")
            % {"name": nomination.name, "delegation": delegation.origin}
        ),
        call=call,
        delegation=delegation,
        refusal=refusal,
        quota=quota,
        nomination=None,
    )


@login_required
def nomination_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request, slug, pk)
    call = nomination.call
    answers = {a.question_id: a for a in nomination.answers.all()}
    return render(
        request,
        "participants/nomination_detail.html",
        {
            "programme": call.programme,
            "call": call,
            "nomination": nomination,
            "answers": [(q, answers.get(q.pk)) for q in call.questions.all()],
            "can_change": nomination.status == Nomination.Status.NOMINATED and call.is_open(),
            "closed_message": closed_refusal(call),
        },
    )


@login_required
def nomination_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request, slug, pk)
    call = nomination.call
    data, files = _posted(request)
    form = NominationForm(
        data, files, instance=nomination, call=call, questions=list(call.questions.all())
    )
    refusal = closed_refusal(call)
    if refusal is None and nomination.status != Nomination.Status.NOMINATED:
        refusal = _("This nomination is “%(status)s” and can no longer be changed.") % {
            "status": nomination.get_status_display()
        }
    return _saved_or_form(
        request,
        form,
        may_save=request.method == "POST" and refusal is None and form.is_valid(),
        save=lambda: update_nomination(nomination=form.save(commit=False), answers=form.answers()),
        message=lambda nomination: (
            _("The nomination of %(name)s has been saved.") % {"name": nomination.name}
        ),
        call=call,
        delegation=nomination.delegation,
        refusal=refusal,
        nomination=nomination,
    )


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request, slug, pk)
    programme = nomination.call.programme
    detail = reverse("participants:nomination_detail", args=[programme.slug, nomination.pk])
    asking = confirmation_page(
        request,
        question=_("Withdraw the nomination of %(name)s?") % {"name": nomination.name},
        consequence=_(
            "The candidate is no longer considered, and their place in your delegation's quota "
            "is freed for someone else."
        ),
        action=_("Withdraw the nomination"),
        cancel_url=detail,
    )
    if asking:
        return asking
    try:
        withdraw_nomination(nomination=nomination)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(detail)
    messages.success(
        request, _("The nomination of %(name)s has been withdrawn.") % {"name": nomination.name}
    )
    return redirect("participants:nominations", slug=programme.slug)


@login_required
def nomination_document(request: HttpRequest, slug: str, pk: int, document: str) -> FileResponse:
    """A candidate's CV or nomination letter: organisers and the delegation's focal points."""
    nomination = get_nomination_for_user(request, slug, pk)
    field = DOCUMENTS.get(document)
    if field is None:
        raise Http404
    stored = getattr(nomination, field)
    if not stored:
        raise Http404
    extension = stored.name.rsplit(".", 1)[-1]
    response = serve_stored_file(
        stored,
        content_type=content_type_of(stored.name),
        as_attachment=True,
        filename=f"{document}-{nomination.pk}.{extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def nomination_profile_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request, slug, pk)
    try:
        send_profile_link(nomination=nomination, by=request.user, request_or_base_url=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(email)s has been sent a link to complete their profile.")
            % {"email": nomination.email},
        )
    return redirect("participants:nomination_detail", nomination.call.programme.slug, nomination.pk)


def nomination_profile(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate's own page: the link is the key, no account needed."""
    nomination = find_nomination_for_token(token)
    if nomination is None:
        raise Http404
    call = nomination.call
    programme = call.programme
    questions = list(call.questions.all())
    refusal = closed_refusal(call)
    if refusal is None and nomination.status != Nomination.Status.NOMINATED:
        refusal = _("The organisers have already decided on your nomination.")
    data, files = _posted(request)
    form = None
    status = 200
    if refusal is None:
        form = CandidateProfileForm(
            data, files, instance=nomination, call=call, questions=questions
        )
        if request.method == "POST" and form.is_valid():
            try:
                complete_profile(
                    nomination=form.save(commit=False), answers=form.answers(), now=timezone.now()
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 409
            else:
                messages.success(request, _("Thank you! Your profile has been saved."))
                return redirect("participants:nomination_profile", token=token)
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "participants/nomination_profile.html",
        {
            "programme": programme,
            "call": call,
            "nomination": nomination,
            "form": form,
            "refusal": refusal,
            "deadline": local_deadline(call),
        },
        status=status,
    )
