"""Group messages: who receives one, how it reads, and its delivery by the workers.

How a message is delivered
--------------------------
`send_group_message` saves the message and one MessageRecipient row (queued) per recipient,
and once the transaction has committed publishes one `participants.send_group_message` task
per row. The task is throttled (`settings.GROUP_MESSAGE_RATE_LIMIT`, per worker) and sends one
e-mail; a mail server or network error (OSError, SMTPException among them) is recorded on the
row and the task is retried with a growing delay, until `settings.GROUP_MESSAGE_MAX_RETRIES`
retries have failed and the row is marked failed. Failed rows can be queued again
(`retry_failed_recipients`).

When the broker cannot be reached the rows stay queued with `enqueued_at` None, and
`participants.sweep_queued_messages` (beat, every minute) publishes them once it is back; rows
whose task has waited longer than GROUP_MESSAGE_RESEND_AFTER (a broker restarted without its
data) are published again. A row is sent at most once however many tasks name it: the task
locks the row and sends only while it is queued.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.mail import bilingual_message
from programs.models import FocalPoint, Programme

from .filters import filter_participants
from .message_models import GroupMessage, MessageRecipient
from .models import by_readable_name

logger = logging.getLogger(__name__)

Audience = GroupMessage.Audience
Status = MessageRecipient.Status

SEND_TASK = "participants.send_group_message"
MESSAGE_TEMPLATE = "participants/email/group_message"
# Publishing gives up quickly when the broker is down (see reports.jobs): the sweep retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Rows published per sweep, so that one run stays short after a long outage.
SWEEP_BATCH = 2000


@dataclass(frozen=True)
class Recipient:
    # The participant's id, or the focal point's account id: what the preview confirms.
    key: int
    name: str
    email: str
    detail: str = ""
    participant_id: int | None = None
    user_id: int | None = None


@dataclass
class RecipientList:
    recipients: list[Recipient] = field(default_factory=list)
    # Chosen but left out: no e-mail address, or their personal data was erased.
    left_out: int = 0

    @property
    def keys(self) -> list[int]:
        return [recipient.key for recipient in self.recipients]


def _participant_recipients(programme: Programme, filters: str) -> RecipientList:
    participant_filter = filter_participants(programme, QueryDict(filters))
    if not participant_filter.is_valid():
        raise ValidationError(
            _("The filters of the list are not valid any more: filter the list again.")
        )
    result = RecipientList()
    seen: set[str] = set()
    participants = participant_filter.qs.order_by(*by_readable_name(), "pk")
    for participant in participants:
        email = participant.email.strip()
        if participant.is_erased or not email or email.lower() in seen:
            result.left_out += 1
            continue
        seen.add(email.lower())
        result.recipients.append(
            Recipient(
                key=participant.pk,
                name=participant.display_name,
                email=email,
                detail=participant.origin or "",
                participant_id=participant.pk,
            )
        )
    return result


def _focal_point_recipients(programme: Programme) -> RecipientList:
    focal_points = (
        FocalPoint.objects.filter(delegation__programme=programme)
        .select_related("user", "delegation__country", "delegation__province")
        .order_by("user__email", "pk")
    )
    by_user: dict[int, tuple] = {}
    for focal_point in focal_points:
        user, origins = focal_point.user, []
        if user.pk in by_user:
            origins = by_user[user.pk][1]
        origins.append(focal_point.delegation.origin)
        by_user[user.pk] = (user, origins)
    result = RecipientList()
    for user, origins in by_user.values():
        if not user.email or not user.is_active:
            result.left_out += 1
            continue
        result.recipients.append(
            Recipient(
                key=user.pk,
                name=user.get_full_name() or user.email,
                email=user.email,
                detail=", ".join(sorted(origins)),
                user_id=user.pk,
            )
        )
    result.recipients.sort(key=lambda recipient: recipient.name.casefold())
    return result


def recipients_for(
    programme: Programme, *, audience: str, filters: str = "", keys: Iterable[int] | None = None
) -> RecipientList:
    """Who a message to `audience` reaches now: the participants the list shows with `filters`
    (its query string), or every focal point of the programme; each address once.

    `keys` (those of a preview) keeps only the recipients previewed: someone added since is not
    written to unseen. Raises ValidationError for filters the list would not accept (it would
    fall back to everyone, which a message must never do unseen).
    """
    if audience == Audience.FOCAL_POINTS:
        result = _focal_point_recipients(programme)
    else:
        result = _participant_recipients(programme, filters)
    if keys is not None:
        wanted = set(keys)
        result.recipients = [r for r in result.recipients if r.key in wanted]
    return result


def describe_filters(programme: Programme, filters: str) -> list[str]:
    """The participant list's filters in words ("Status: Confirmed"), for the people who
    choose a group; empty when the whole list is chosen (or the filters are not valid)."""
    if not filters:
        return []
    participant_filter = filter_participants(programme, QueryDict(filters))
    form = participant_filter.form
    if not form.is_valid():
        return []
    described = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", []):
            continue
        field = form.fields[name]
        if isinstance(field, ModelChoiceField):
            shown = field.label_from_instance(value)
        elif getattr(field, "choices", None):
            shown = dict(field.choices).get(value, value)
        else:
            shown = f"“{value}”"
        described.append(f"{field.label}: {shown}")
    return described


# --- How a message reads ----------------------------------------------------------------------


def render_message(message: GroupMessage, *, name: str, to: str) -> EmailMessage:
    """The e-mail one recipient gets: English first, then the programme's language (English
    alone when the message has no text in that language)."""
    context = {"message": message, "programme": message.programme, "name": name}
    has_local_text = bool(message.subject_local.strip() or message.body_local.strip())
    return bilingual_message(
        MESSAGE_TEMPLATE,
        context,
        language=message.language if has_local_text else "en",
        to=to,
        reply_to=message.sent_by_email or None,
    )


def draft_message(*, programme: Programme, by, **texts: str) -> GroupMessage:
    """An unsaved message with `texts` (subject_en, body_en, ...), for the preview."""
    return GroupMessage(
        programme=programme,
        language=programme.content_language,
        sent_by=by,
        sent_by_email=by.email,
        **texts,
    )


# --- Sending ------------------------------------------------------------------------------------


def send_group_message(
    *,
    programme: Programme,
    audience: str,
    filters: str,
    recipients: list[Recipient],
    by,
    subject_en: str,
    body_en: str,
    subject_local: str = "",
    body_local: str = "",
) -> GroupMessage:
    """Save the message with one queued row per recipient and hand the rows to the workers.

    Side effects: creates a GroupMessage and its MessageRecipient rows; after commit publishes
    one task per row (see the module's docstring); nothing is sent in the request.
    """
    with transaction.atomic():
        message = draft_message(
            programme=programme,
            by=by,
            subject_en=subject_en,
            body_en=body_en,
            subject_local=subject_local,
            body_local=body_local,
        )
        message.audience = audience
        message.filters = filters if audience == Audience.PARTICIPANTS else ""
        message.save()
        rows = MessageRecipient.objects.bulk_create(
            MessageRecipient(
                message=message,
                participant_id=recipient.participant_id,
                user_id=recipient.user_id,
                name=recipient.name[:200],
                detail=recipient.detail[:200],
                email=recipient.email,
            )
            for recipient in recipients
        )
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: enqueue_recipients(ids))
    return message


def enqueue_recipients(recipient_ids: Iterable[int]) -> int:
    """Publish one delivery task per row; how many were published. Rows the broker did not take
    keep their `enqueued_at` for the sweep.

    Side effects: publishes `participants.send_group_message` tasks; sets `enqueued_at`.
    """
    recipient_ids = list(recipient_ids)
    task = current_app.tasks[SEND_TASK]
    published: list[int] = []
    for recipient_id in recipient_ids:
        try:
            task.apply_async(
                kwargs={"recipient_id": recipient_id},
                queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
        except Exception:
            if current_app.conf.task_always_eager:
                raise  # in-process tasks: an error here is a bug, not a broker outage
            logger.warning(
                "Broker unreachable: %s message rows stay queued for the sweep",
                len(recipient_ids) - len(published),
                exc_info=True,
            )
            break
        published.append(recipient_id)
    # In-process tasks have run already: only rows still queued are marked as handed over.
    MessageRecipient.objects.filter(pk__in=published, status=Status.QUEUED).update(
        enqueued_at=timezone.now()
    )
    return len(published)


def deliver_to_recipient(*, recipient_id: int, final_attempt: bool) -> str:
    """Send one row's e-mail if it is still queued: "sent", "retry", "failed" or "skipped".

    "retry" means the mail server or the network failed and the caller should try again later;
    with `final_attempt` that failure marks the row failed instead.

    Side effects: sends one e-mail; counts the attempt; sets status, `sent_at` or `last_error`.
    The row stays locked while the e-mail is sent, so that two tasks for one row send once.
    """
    with transaction.atomic():
        recipient = (
            MessageRecipient.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("message__programme")
            .filter(pk=recipient_id, status=Status.QUEUED)
            .first()
        )
        if recipient is None:
            return "skipped"
        recipient.attempts += 1
        try:
            render_message(recipient.message, name=recipient.name, to=recipient.email).send()
        except OSError as error:  # smtplib's errors, refused connections, timeouts
            logger.warning("Sending message row %s failed: %s", recipient.pk, error)
            outcome = "failed" if final_attempt else "retry"
            _record_failure(recipient, error, final=final_attempt)
        except Exception as error:
            # Anything else (a malformed address, say) will not go better on a retry.
            logger.exception("Sending message row %s failed", recipient.pk)
            outcome = "failed"
            _record_failure(recipient, error, final=True)
        else:
            outcome = "sent"
            recipient.status = Status.SENT
            recipient.sent_at = timezone.now()
            recipient.last_error = ""
        recipient.save(update_fields=["attempts", "status", "sent_at", "last_error", "enqueued_at"])
    return outcome


def _record_failure(recipient: MessageRecipient, error: Exception, *, final: bool) -> None:
    recipient.last_error = (str(error) or error.__class__.__name__)[:500]
    if final:
        recipient.status = Status.FAILED
    else:
        # The task's retry is on its way: the sweep leaves the row alone meanwhile.
        recipient.enqueued_at = timezone.now()


def retry_delay(retries: int) -> int:
    """Seconds before retry number `retries + 1`: doubling from the configured base, capped."""
    base = settings.GROUP_MESSAGE_RETRY_DELAY
    return min(base * 2**retries, 60 * 60)


def retry_failed_recipients(*, message: GroupMessage, recipient_id: int | None = None) -> int:
    """Queue the message's failed rows (or the one failed row `recipient_id`) again; how many.

    Side effects: moves them back to queued (their attempts keep counting) and publishes their
    tasks after commit.
    """
    failed = message.recipients.filter(status=Status.FAILED)
    if recipient_id is not None:
        failed = failed.filter(pk=recipient_id)
    ids = list(failed.values_list("pk", flat=True))
    if ids:
        MessageRecipient.objects.filter(pk__in=ids, status=Status.FAILED).update(
            status=Status.QUEUED, enqueued_at=None
        )
        transaction.on_commit(lambda: enqueue_recipients(ids))
    return len(ids)


def sweep_queued_recipients(*, now: datetime | None = None) -> int:
    """Publish the rows the workers never got, and those whose task has waited too long; how
    many were published.

    Side effects: those of `enqueue_recipients`.
    """
    now = now or timezone.now()
    resend_after = timedelta(seconds=settings.GROUP_MESSAGE_RESEND_AFTER)
    waiting = MessageRecipient.objects.filter(status=Status.QUEUED).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - resend_after)
    )
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_recipients(ids) if ids else 0


# --- Reading the log ---------------------------------------------------------------------------


def messages_with_counts(programme: Programme) -> QuerySet[GroupMessage]:
    """The programme's messages, newest first, each with its rows counted by status."""
    messages = programme.group_messages.select_related("sent_by").order_by("-created_at", "-pk")
    return messages.annotate(
        recipient_count=Count("recipients"),
        sent_count=Count("recipients", filter=Q(recipients__status=Status.SENT)),
        failed_count=Count("recipients", filter=Q(recipients__status=Status.FAILED)),
        queued_count=Count("recipients", filter=Q(recipients__status=Status.QUEUED)),
    )
