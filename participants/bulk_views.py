"""Bulk actions on the participant list: the preview, then the change (see `bulk.py`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from programs.permissions import MANAGERS, get_programme_for_user

from .bulk import (
    INVITING,
    BulkAction,
    BulkResult,
    apply_bulk_action,
    plan_bulk_action,
    selected_participants,
)
from .bulk_forms import BulkActionForm
from .models import Participant


@login_required
@require_http_methods(["GET", "POST"])
def bulk_action(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the preview of an action on the participants chosen on the list; nothing changes.
    POST (from the preview): apply it and go back to the list with a summary."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = BulkActionForm(request.POST if request.method == "POST" else request.GET)
    context = {"programme": programme, "form": form}
    if not form.is_valid():
        context["list_url"] = reverse("participants:list", args=[programme.slug])
        return render(request, "participants/bulk_preview.html", context)
    data = form.cleaned_data
    action, to_status = data["action"], data["to_status"]
    filters = data["filters"]
    list_url = reverse("participants:list", args=[programme.slug])
    context["list_url"] = f"{list_url}?{filters}" if filters else list_url
    try:
        participants = list(
            selected_participants(
                programme,
                ids=data["participant"],
                all_matching=data["all_matching"],
                filters=filters,
            )
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "participants/bulk_preview.html", context)
    if request.method == "POST":
        result = apply_bulk_action(
            programme=programme,
            participants=participants,
            action=action,
            to_status=to_status,
            note=data["note"].strip(),
            by=request.user,
            request_or_base_url=request,
        )
        _report(request, action, to_status, result)
        return redirect(context["list_url"])
    plan = plan_bulk_action(participants=participants, action=action, to_status=to_status)
    context.update(
        {
            "plan": plan,
            "action": action,
            "action_label": BulkAction(action).label,
            "to_status_label": Participant.Status(to_status).label if to_status else "",
            "is_inviting": action in INVITING,
            # The confirmation applies to exactly the people previewed, even for "all
            # matching": someone added to the list meanwhile is not changed unseen.
            "selected_ids": ",".join(str(participant.pk) for participant in participants),
        }
    )
    return render(request, "participants/bulk_preview.html", context)


def _report(request: HttpRequest, action: str, to_status: str, result: BulkResult) -> None:
    # What the mail server refused was saved but not sent: it is told apart below.
    done = len(result.done) - len(result.mail_failed)
    if action == BulkAction.STATUS:
        summary = ngettext(
            "%(count)s participant is now “%(status)s”",
            "%(count)s participants are now “%(status)s”",
            done,
        ) % {"count": done, "status": Participant.Status(to_status).label}
    elif action == BulkAction.RESEND:
        summary = ngettext(
            "Invitation sent again to %(count)s participant",
            "Invitations sent again to %(count)s participants",
            done,
        ) % {"count": done}
    else:
        summary = ngettext(
            "Invitation sent to %(count)s participant",
            "Invitations sent to %(count)s participants",
            done,
        ) % {"count": done}
    if result.skipped:
        summary = _("%(summary)s; %(count)s skipped") % {
            "summary": summary,
            "count": len(result.skipped),
        }
    messages.success(request, f"{summary}.")
    if result.mail_failed:
        failed = len(result.mail_failed)
        messages.warning(
            request,
            ngettext(
                "The mail server failed for %(count)s participant: re-send the invitation later.",
                "The mail server failed for %(count)s participants: re-send their invitations "
                "later.",
                failed,
            )
            % {"count": failed},
        )
