"""The organisers' side of the call for nominations: open, edit, close and extend it, and its
extra questions. The focal points' side is in nomination_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programs.confirmation import confirmation_page
from programs.models import Programme
from programs.permissions import MANAGERS, get_programme_for_user

from .nomination_forms import ExtendCallForm, NominationCallForm, NominationQuestionForm
from .nomination_models import NominationCall, NominationQuestion
from .nominations import close_call, extend_call, local_deadline, open_call


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


def _question_of(call: NominationCall, question_id: str | int | None) -> NominationQuestion:
    try:
        question_id = int(question_id or "")
    except ValueError:
        raise Http404 from None
    return get_object_or_404(call.questions.all(), pk=question_id)


@login_required
def call_questions(request: HttpRequest, slug: str) -> HttpResponse:
    """List, add and edit (`?edit=<id>`) the questions every candidate answers."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    call = _call_of(programme)
    editing = None
    if request.method == "POST" and request.POST.get("question"):
        editing = _question_of(call, request.POST.get("question"))
    elif request.GET.get("edit"):
        editing = _question_of(call, request.GET.get("edit"))
    form = NominationQuestionForm(
        request.POST if request.method == "POST" else None, instance=editing, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.call = call
        if question.position is None:
            last = call.questions.aggregate(last=Max("position"))["last"]
            question.position = 0 if last is None else last + 1
        question.save()
        messages.success(
            request,
            _("The question has been saved.") if editing else _("The question has been added."),
        )
        return redirect("participants:call_questions", slug=programme.slug)
    return render(
        request,
        "participants/call_questions.html",
        {
            "programme": programme,
            "call": call,
            # Queries: the questions, with how many answers each has (for the delete warning).
            "questions": call.questions.annotate(answer_count=Count("answers")),
            "form": form,
            "editing": editing,
        },
    )


@login_required
@require_POST
def call_question_delete(request: HttpRequest, slug: str, question_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    question = _question_of(_call_of(programme), question_id)
    asking = confirmation_page(
        request,
        question=_("Delete the question “%(text)s”?") % {"text": question.text},
        consequence=_("The candidates' answers to it are deleted too."),
        action=_("Delete the question and its answers"),
        cancel_url=reverse("participants:call_questions", args=[programme.slug]),
    )
    if asking:
        return asking
    question.delete()
    messages.success(
        request,
        _("The question “%(text)s” and its answers were deleted.") % {"text": question.text},
    )
    return redirect("participants:call_questions", slug=programme.slug)
