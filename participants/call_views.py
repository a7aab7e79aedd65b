"""The organisers' side of the call for nominations: open, edit, close and extend it, and its
extra questions. The focal points' side is in nomination_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.confirmation import confirmation_page
from programs.models import Programme
from programs.permissions import MANAGERS, get_programme_for_user

from .nomination_forms import ExtendCallForm, NominationCallForm, NominationQuestionForm
from .nomination_models import NominationCall
from .nominations import close_call, extend_call, local_deadline, open_call
from .question_views import (
    delete_question,
    question_being_edited,
    question_of,
    questions_page,
    save_question,
)


def _call_of(programme: Programme) -> NominationCall:
    call = get_object_or_404(NominationCall, programme=programme)
    call.programme = programme
    return call


@login_required
def call_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Open the call, or edit the one that is open."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    call = NominationCall.objects.filter(programme=programme).first() or NominationCall(
        programme=programme
    )
    is_new = call.pk is None
    form = NominationCallForm(
        request.POST if request.method == "POST" else None, instance=call, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        open_call(call=form.save(commit=False), by=request.user)
        messages.success(
            request,
            _("The call for nominations is open until %(deadline)s.")
            % {"deadline": local_deadline(call)}
            if is_new
            else _("The call for nominations has been saved."),
        )
        return redirect("participants:nominations", slug=programme.slug)
    return render(
        request,
        "participants/call_form.html",
        {"programme": programme, "call": None if is_new else call, "form": form},
    )


@login_required
@require_POST
def call_close(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    call = _call_of(programme)
    asking = confirmation_page(
        request,
        question=_("Close the call for nominations now?"),
        consequence=_(
            "Focal points can no longer add, change or withdraw nominations. You can extend "
            "the call later to reopen it."
        ),
        action=_("Close the call"),
        cancel_url=reverse("participants:nominations", args=[programme.slug]),
        cancel=_("Cancel, keep it open"),
    )
    if asking:
        return asking
    close_call(call=call)
    messages.success(request, _("The call for nominations is closed."))
    return redirect("participants:nominations", slug=programme.slug)


@login_required
def call_extend(request: HttpRequest, slug: str) -> HttpResponse:
    """A later deadline: reopens a call that has closed."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    call = _call_of(programme)
    form = ExtendCallForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.is_valid():
        extend_call(call=call, deadline=form.cleaned_data["deadline"])
        messages.success(
            request,
            _("The call for nominations is open until %(deadline)s.")
            % {"deadline": local_deadline(call)},
        )
        return redirect("participants:nominations", slug=programme.slug)
    return render(
        request,
        "participants/call_extend.html",
        {"programme": programme, "call": call, "form": form, "deadline": local_deadline(call)},
    )


@login_required
def call_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """List, add and edit (`?edit=<id>`) the questions every candidate answers."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    call = _call_of(programme)
    editing = question_being_edited(request, call.questions.all())
    form = NominationQuestionForm(
        request.POST if request.method == "POST" else None, instance=editing, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.call = call
        if question.position is None:
            last = call.questions.aggregate(last=Max("position"))["last"]
            question.position = 0 if last is None else last + 1
        save_question(request, question, editing=editing is not None)
        return redirect("participants:call_questions", slug=programme.slug)
    return questions_page(
        request,
        "participants/call_questions.html",
        questions=call.questions.all(),
        form=form,
        editing=editing,
        programme=programme,
        call=call,
    )


@login_required
@require_POST
def call_question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    return delete_question(
        request,
        question_of(_call_of(programme).questions.all(), question_id),
        consequence=_("The candidates' answers to it are deleted too."),
        list_url=reverse("participants:call_questions", args=[programme.slug]),
    )
