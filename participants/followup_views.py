"""Follow-up surveys: the participant's personal link, and the organisers' rounds and results.

The personal link alone shows nothing: the survey opens only to the participant's own account,
signed in by a code e-mailed to its address (the link page offers that sign-in with the
address filled in). A forwarded or leaked link is useless without the mailbox, and a stolen
session is useless without the link, which changes with every e-mail.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.models import Programme
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .followup import (
    close_round,
    find_invitation,
    may_answer,
    milestones_of,
    open_round_now,
    questions_of,
    save_response,
)
from .followup_forms import FollowUpForm, FollowUpQuestionForm, FollowUpRoundForm, initial_for
from .followup_models import FollowUpQuestion, FollowUpResponse, FollowUpRound
from .followup_summary import follow_up_summary, follow_up_table
from .question_views import delete_question, edit_questions, question_of
from .spreadsheets import xlsx_bytes

MESSAGE_TEMPLATE = "participants/followup_message.html"


def _message(request: HttpRequest, programme: Programme | None, text: str, status: int):
    return render(request, MESSAGE_TEMPLATE, {"programme": programme, "text": text}, status=status)


@require_http_methods(["GET", "POST"])
def followup_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The survey behind the e-mailed link, for the participant's own account only."""
    invitation = find_invitation(token)
    if invitation is None:
        return _message(
            request,
            None,
            _(
                "This link is not valid. Links stop working when a newer e-mail is sent: "
                "please use the link in the most recent one."
            ),
            404,
        )
    programme = invitation.round.programme
    participant = invitation.participant
    user = participant.user
    if not request.user.is_authenticated:
        return render(
            request,
            "participants/followup_sign_in.html",
            {"programme": programme, "email": user.email if user else "", "next": request.path},
        )
    if user is None or request.user.pk != user.pk:
        return _message(
            request,
            programme,
            _(
                "This link belongs to another account. Sign out, then open the link again and "
                "sign in with the code sent to the address the survey was sent to."
            ),
            403,
        )
    if invitation.round.is_closed:
        return _message(request, programme, _("This survey has closed. Thank you."), 200)
    if not may_answer(invitation):
        return _message(request, programme, _("This survey is no longer open to you."), 403)
    milestones = milestones_of(participant)
    questions = list(questions_of(programme))
    response = (
        FollowUpResponse.objects.filter(invitation=invitation)
        .prefetch_related("milestones", "answers")
        .first()
    )
    form = FollowUpForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        milestones=milestones,
        initial=initial_for(response, milestones, questions),
    )
    if request.method == "POST" and form.is_valid():
        save_response(
            invitation=invitation,
            progress=form.progress(),
            answers=form.answers(),
            story=form.cleaned_data["story"],
            may_quote=form.cleaned_data["may_quote"],
        )
        messages.success(request, _("Thank you! Your answers have been saved."))
        return redirect(request.path)
    return render(
        request,
        "participants/followup_survey.html",
        {
            "programme": programme,
            "round": invitation.round,
            "participant": participant,
            "form": form,
            "response": response,
        },
    )


# --- The organisers' pages -------------------------------------------------------------------


def _round_of(programme: Programme, pk: int) -> FollowUpRound:
    round_ = get_object_or_404(programme.follow_up_rounds, pk=pk)
    round_.programme = programme
    return round_


@login_required
@require_http_methods(["GET", "POST"])
def followup_rounds(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's rounds, and the form that adds one."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = FollowUpRoundForm(
        request.POST if request.method == "POST" else None, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        messages.success(request, _("The round “%(round)s” has been added.") % {"round": round_})
        return redirect("participants:followup_rounds", slug=programme.slug)
    rounds = list(programme.follow_up_rounds.all())
    return render(
        request,
        "participants/followup_rounds.html",
        {
            "programme": programme,
            "rounds": rounds,
            "form": form,
            "question_count": programme.follow_up_questions.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def followup_round_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    round_ = _round_of(programme, pk)
    if round_.is_closed:
        messages.error(request, _("A closed round can no longer be changed."))
        return redirect("participants:followup_rounds", slug=programme.slug)
    form = FollowUpRoundForm(
        request.POST if request.method == "POST" else None, instance=round_, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The round has been saved."))
        return redirect("participants:followup_rounds", slug=programme.slug)
    return render(
        request,
        "participants/followup_round_edit.html",
        {"programme": programme, "round": round_, "form": form},
    )


@login_required
@require_POST
def followup_round_state(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Open a planned round today, or close an open one."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    round_ = _round_of(programme, pk)
    action = request.POST.get("action")
    now = timezone.now()
    if action == "close" and not round_.is_closed:
        close_round(round_=round_, now=now)
        messages.success(request, _("The round is closed: no more answers, no more reminders."))
    elif action == "open" and round_.state == FollowUpRound.State.PLANNED:
        from .tasks import run_follow_ups_task

        open_round_now(round_=round_, now=now)
        run_follow_ups_task.delay_on_commit()
        messages.success(request, _("The round opens today: the invitations are being sent."))
    else:
        messages.error(request, _("Choose to open a planned round or to close an open one."))
    return redirect("participants:followup_rounds", slug=programme.slug)


@login_required
@require_GET
def followup_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    round_ = _round_of(programme, pk)
    return render(
        request,
        "participants/followup_results.html",
        {
            "programme": programme,
            "round": round_,
            "summary": follow_up_summary(round_),
            "can_manage": programme.user_role in MANAGERS,
        },
    )


@login_required
@require_GET
def followup_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The round's responses as a spreadsheet; names only of those who agreed to be quoted."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    round_ = _round_of(programme, pk)
    header, rows = follow_up_table(round_)
    response = HttpResponse(
        xlsx_bytes(header, rows, title="Follow-up"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{programme.slug}-follow-up-{round_.months_after}-months.xlsx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _question_of(programme: Programme, question_id: str | int | None) -> FollowUpQuestion:
    return question_of(programme.follow_up_questions.all(), question_id)


@login_required
@require_http_methods(["GET", "POST"])
def followup_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's own questions, asked in every round: list, add, edit (the position
    field orders them)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return edit_questions(
        request,
        programme,
        questions=questions_of(programme),
        form_class=FollowUpQuestionForm,
        template="participants/followup_questions.html",
        list_url_name="participants:followup_questions",
    )


@login_required
@require_POST
def followup_question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return delete_question(
        request,
        _question_of(programme, question_id),
        consequence=_("Its answers are deleted with it. This cannot be undone."),
        list_url=reverse("participants:followup_questions", args=[programme.slug]),
    )
