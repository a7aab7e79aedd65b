"""Group messages: write, preview, send (by the workers), and the delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from programs.languages import language_name
from programs.permissions import MANAGERS, get_programme_for_user

from .group_messages import (
    Audience,
    Status,
    describe_filters,
    draft_message,
    messages_with_counts,
    recipients_for,
    render_message,
    retry_failed_recipients,
    send_group_message,
)
from .message_forms import GroupMessageForm
from .message_models import GroupMessage

LOG_PAGE_SIZE = 100


@login_required
def message_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    page = Paginator(messages_with_counts(programme), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "participants/message_list.html",
        {"programme": programme, "page": page, "group_messages": page.object_list},
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_compose(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form, for the group chosen on the participant list (`?audience=&filters=`).
    POST: the preview (nothing is saved), or with `send` the message to the people previewed."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if request.method == "GET":
        initial = {
            "audience": request.GET.get("audience") or Audience.PARTICIPANTS,
            "filters": request.GET.get("filters", ""),
        }
        form = GroupMessageForm(initial=initial, programme=programme)
        return _compose(request, programme, form, initial["audience"], initial["filters"])
    form = GroupMessageForm(request.POST, programme=programme)
    audience, filters = request.POST.get("audience", ""), request.POST.get("filters", "")
    if "edit" in request.POST or not form.is_valid():
        return _compose(request, programme, form, audience, filters)
    audience, filters = form.cleaned_data["audience"], form.cleaned_data["filters"]
    sending = "send" in request.POST
    try:
        chosen = recipients_for(
            programme,
            audience=audience,
            filters=filters,
            keys=form.cleaned_data["recipients"] if sending else None,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _compose(request, programme, form, audience, filters)
    if not chosen.recipients:
        form.add_error(None, _("Nobody in this group has an e-mail address to write to."))
        return _compose(request, programme, form, audience, filters)
    if sending:
        message = send_group_message(
            programme=programme,
            audience=audience,
            filters=filters,
            recipients=chosen.recipients,
            by=request.user,
            **form.texts,
        )
        count = len(chosen.recipients)
        messages.success(
            request,
            ngettext(
                "The message is on its way to %(count)s person.",
                "The message is on its way to %(count)s people.",
                count,
            )
            % {"count": count},
        )
        return redirect("participants:message_detail", programme.slug, message.pk)
    draft = draft_message(programme=programme, by=request.user, **form.texts)
    first = chosen.recipients[0]
    email = render_message(draft, name=first.name, to=first.email)
    return render(
        request,
        "participants/message_preview.html",
        {
            "programme": programme,
            "form": form,
            "chosen": chosen,
            "email": email,
            "sample": first,
            "audience_label": Audience(audience).label,
            "filter_words": describe_filters(programme, filters)
            if audience == Audience.PARTICIPANTS
            else [],
            "recipient_keys": ",".join(str(key) for key in chosen.keys),
        },
    )


def _compose(request, programme, form: GroupMessageForm, audience: str, filters: str):
    list_url = reverse("participants:list", args=[programme.slug])
    return render(
        request,
        "participants/message_compose.html",
        {
            "programme": programme,
            "form": form,
            "filter_words": describe_filters(programme, filters),
            "list_url": f"{list_url}?{filters}" if filters else list_url,
            "language": language_name(programme.content_language),
            "audience": audience,
        },
    )


def _get_message(programme, pk: int) -> GroupMessage:
    message = programme.group_messages.select_related("sent_by").filter(pk=pk).first()
    if message is None:
        raise Http404
    message.programme = programme
    return message


@login_required
def message_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The message as sent and its delivery log: one row per recipient, failed ones first."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    message = _get_message(programme, pk)
    counts = dict.fromkeys(Status.values, 0)
    for row in message.recipients.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    status = request.GET.get("status", "")
    rows = message.recipients.all()
    if status in Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    # Failed first, then queued, then sent; by name within each.
    rows = rows.order_by("status", "name", "pk").only(
        "name", "detail", "email", "status", "attempts", "sent_at", "last_error", "message_id"
    )
    page = Paginator(rows, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    email = render_message(message, name=_("(name of the recipient)"), to="")
    return render(
        request,
        "participants/message_detail.html",
        {
            "programme": programme,
            "message": message,
            "email": email,
            "counts": counts,
            "total": sum(counts.values()),
            "status": status,
            "statuses": Status.choices,
            "page": page,
            "rows": page.object_list,
            "filter_words": describe_filters(programme, message.filters)
            if message.audience == Audience.PARTICIPANTS
            else [],
        },
    )


@login_required
@require_POST
def message_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Queue the failed e-mails of a message again (all, or the one `recipient`)."""
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    message = _get_message(programme, pk)
    try:
        recipient_id = int(request.POST["recipient"]) if request.POST.get("recipient") else None
    except ValueError:
        recipient_id = None
    count = retry_failed_recipients(message=message, recipient_id=recipient_id)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s e-mail is queued again.", "%(count)s e-mails are queued again.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No failed e-mail to send again."))
    return redirect("participants:message_detail", programme.slug, message.pk)
