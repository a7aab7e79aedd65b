"""The programme evaluation: delegates answer on their phone, the team reads the summary.

The delegate's page has no participant id in its URL: the response is always the signed-in
user's own.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programs.models import Programme
from programs.permissions import MANAGERS, TEAM, get_programme_for_user

from .access import get_participation_for_user, programme_query
from .evaluation import (
    answers_by_question,
    evaluation_is_open,
    evaluation_opens_on,
    evaluation_summary,
    evaluation_table,
    may_take_part,
    move_question,
    questions_of,
    save_evaluation,
)
from .evaluation_forms import EvaluationForm, EvaluationQuestionForm
from .models import EvaluationQuestion, EvaluationResponse
from .question_views import delete_question, edit_questions, question_of
from .roles import get_roles
from .spreadsheets import csv_bytes, xlsx_bytes


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest) -> HttpResponse:
    """The delegate's evaluation form; sending it again replaces their answers."""
    participant = get_participation_for_user(request)
    programme = participant.programme
    questions = list(questions_of(programme))
    response = (
        EvaluationResponse.objects.filter(participant=participant)
        .prefetch_related("answers")
        .first()
    )
    is_open = may_take_part(participant) and evaluation_is_open(participant, now=timezone.now())
    query = programme_query(request, participant)
    form = None
    status = 200
    if is_open and questions:
        saved = answers_by_question(response)
        form = EvaluationForm(
            request.POST if request.method == "POST" else None,
            questions=questions,
            initial={EvaluationForm.field_name(q): saved[q.pk] for q in questions if q.pk in saved},
        )
        if request.method == "POST" and form.is_valid():
            save_evaluation(participant=participant, answers=form.answers())
            messages.success(request, _("Thank you! Your answers have been saved."))
            return redirect(reverse("participants:evaluation") + query)
    elif request.method == "POST":
        # Nothing to answer (yet): say so on the page, and save nothing.
        status = 403
    return render(
        request,
        "participants/evaluation.html",
        {
            "participant": participant,
            "programme": programme,
            "participations": get_roles(request).participations,
            "form": form,
            "response": response,
            "has_questions": bool(questions),
            "is_open": is_open,
            "may_take_part": may_take_part(participant),
            "opens_on": evaluation_opens_on(participant),
            "query": query,
        },
        status=status,
    )


@login_required
@require_GET
def evaluation_results(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    return render(
        request,
        "participants/evaluation_results.html",
        {
            "programme": programme,
            "summary": evaluation_summary(programme),
            "can_manage": programme.user_role in MANAGERS,
        },
    )


def _question_of(programme: Programme, question_id: str | int | None) -> EvaluationQuestion:
    return question_of(programme.evaluation_questions.all(), question_id)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """List, add, edit (`?edit=<id>`) and reorder the questions."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return edit_questions(
        request,
        programme,
        questions=questions_of(programme),
        form_class=EvaluationQuestionForm,
        template="participants/evaluation_questions.html",
        list_url_name="participants:evaluation_questions",
        move=move_question,
    )


@login_required
@require_POST
def evaluation_question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return delete_question(
        request,
        _question_of(programme, question_id),
        consequence=_("Its answers are deleted with it. This cannot be undone."),
        list_url=reverse("participants:evaluation_questions", args=[programme.slug]),
    )


@login_required
@require_GET
def evaluation_export(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    """The answers as a spreadsheet: one row per response, without names."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    header, rows = evaluation_table(programme)
    if file_format == "csv":
        body = csv_bytes(header, rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(header, rows, title="Evaluation")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{programme.slug}-evaluation.{file_format}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
