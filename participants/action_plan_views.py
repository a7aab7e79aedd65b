"""Action plans: the participant's own page (no id in its URL), and the team's list of the
programme's plans and each plan's page, where organisers and staff comment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programs.permissions import TEAM, get_programme_for_user

from .access import get_participation_for_user, programme_query
from .action_plan_forms import ActionPlanForm, CommentForm, milestone_formset
from .action_plan_models import ActionPlan
from .action_plans import add_comment, may_write_plan, plan_of, plan_rows, save_action_plan
from .roles import get_roles


@login_required
@require_http_methods(["GET", "POST"])
def my_action_plan(request: HttpRequest) -> HttpResponse:
    """The participant writes their plan and its milestones; "submit" tells the team it is
    ready. Saving again after submitting keeps it submitted."""
    participant = get_participation_for_user(request)
    query = programme_query(request, participant)
    plan = plan_of(participant) or ActionPlan(participant=participant)
    may_write = may_write_plan(participant)
    form = milestones = None
    status = 200
    if may_write:
        data = request.POST if request.method == "POST" else None
        form = ActionPlanForm(data, instance=plan)
        milestones = milestone_formset(plan, data)
        if data is not None:
            status = 400
            submit = "submit" in request.POST
            if form.is_valid() and milestones.is_valid():
                if submit and not milestones.kept():
                    form.add_error(
                        None, _("Add at least one milestone before you submit the plan.")
                    )
                else:
                    plan = save_action_plan(
                        participant=participant,
                        form=form,
                        milestones=milestones,
                        submit=submit,
                        now=timezone.now(),
                    )
                    messages.success(
                        request,
                        _("Your action plan has been submitted to the organisers.")
                        if submit and plan.submitted_at
                        else _("Your action plan has been saved."),
                    )
                    return redirect(reverse("participants:my_action_plan") + query)
    elif request.method == "POST":
        status = 403
    return render(
        request,
        "participants/my_action_plan.html",
        {
            "participant": participant,
            "programme": participant.programme,
            "participations": get_roles(request).participations,
            "plan": plan if plan.pk else None,
            "form": form,
            "milestones": milestones,
            "may_write": may_write,
            "query": query,
        },
        status=status,
    )


@login_required
@require_GET
def action_plans(request: HttpRequest, slug: str) -> HttpResponse:
    """Who has a plan, submitted or not, with its milestones and comments counted."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    rows = list(plan_rows(programme))
    plans = [row.action_plan for row in rows if hasattr(row, "action_plan")]
    return render(
        request,
        "participants/action_plans.html",
        {
            "programme": programme,
            "rows": rows,
            "written": len(plans),
            "submitted": sum(1 for plan in plans if plan.submitted_at),
            "shared": sum(1 for plan in plans if plan.submitted_at and plan.share_in_reports),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One participant's plan for the team; a POST adds a comment the participant will see."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    participant = programme.participants.filter(pk=pk).first()
    if participant is None:
        raise Http404
    participant.programme = programme
    plan = plan_of(participant)
    form = CommentForm(request.POST or None) if plan else None
    if request.method == "POST":
        if plan is None:
            raise Http404
        if form.is_valid():
            add_comment(plan=plan, author=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Your comment has been added."))
            return redirect("participants:action_plan", programme.slug, participant.pk)
    return render(
        request,
        "participants/action_plan_detail.html",
        {"programme": programme, "participant": participant, "plan": plan, "form": form},
        status=400 if form is not None and form.is_bound else 200,
    )
