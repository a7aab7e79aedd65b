import secrets
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from programs.models import (
    Programme,
    country_field,
    province_field,
    subdivision_field,
    validate_time_zone,
)
from programs.regions import host_member_country
from programs.subdivisions import region_name, validate_subdivision_of

from .action_plan_models import (  # noqa: F401 (after the programme, registered here too)
    ActionPlan,
    ActionPlanComment,
    Milestone,
)
from .allowance_models import (  # noqa: F401 (models of the app are registered from here)
    AllowancePayment,
    AllowanceRate,
    MealProvision,
)
from .alumni_models import AlumniListing  # noqa: F401 (the alumni directory, registered here too)
from .choices import Category, Gender, display_name  # noqa: F401 (also used by callers)
from .followup_models import (  # noqa: F401 (follow-up surveys, registered here too)
    FollowUpAnswer,
    FollowUpInvitation,
    FollowUpQuestion,
    FollowUpResponse,
    FollowUpRound,
    MilestoneProgress,
)
from .lodging_models import (  # noqa: F401 (accommodation, registered here too)
    Hotel,
    LodgingRule,
    RoomAssignment,
    RoomBlock,
    RoomType,
)
from .message_models import (  # noqa: F401 (group messages and reminders, registered here too)
    DeadlineReminder,
    GroupMessage,
    MessageRecipient,
)
from .nomination_models import (  # noqa: F401 (models of the app are registered from here)
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
)

# Passport numbers have a module of their own; migrations and callers also find them here.
from .passports import PassportNumberField, normalise_passport_number  # noqa: F401
from .questions import Question
from .travel_models import TravelLeg  # noqa: F401 (the travel desk's legs and visas, registered here too)
from .visa_models import Visa  # noqa: F401


def readable_name(through: str = "") -> Coalesce:
    """The name people read: the Latin transliteration when there is one, else the full name.

    `through` is the lookup path to a participant from another model ("participant__").
    """
    return Coalesce(NullIf(f"{through}full_name_latin", models.Value("")), f"{through}full_name")


def by_readable_name(through: str = "") -> list:
    """The order of every list of people: Latin name first, so lists read alphabetically
    whatever the native script; the full name breaks ties."""
    return [readable_name(through).asc(), f"{through}full_name"]


def new_badge_code() -> str:
    """An unguessable code for the participant's QR badge (check-in)."""
    return secrets.token_urlsafe(12)


def participant_photo_path(participant: "Participant", filename: str) -> str:
    # One photo per participant; a new upload replaces it.
    return f"participants/{participant.programme_id}/{participant.pk}/photo.jpg"


def validate_birth_date(value: date) -> None:
    if value >= timezone.localdate():
        raise ValidationError(_("A date of birth must be in the past."))


class Participant(models.Model):
    """A person taking part in one programme; with a linked account they are a delegate."""

    Category = Category

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        ARRIVED = "arrived", _("Arrived")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")

    Gender = Gender

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("programme"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("account"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    full_name = models.CharField(
        _("full name"), max_length=200, help_text=_("As in the passport, in any script.")
    )
    full_name_latin = models.CharField(
        _("full name in Latin script"),
        max_length=200,
        blank=True,
        help_text=_("Transliteration, when the full name is in another script."),
    )
    certificate_name = models.CharField(
        _("name on certificates"),
        max_length=200,
        blank=True,
        help_text=_("The name as it should be printed, in any script. Defaults to the full name."),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    country = country_field(related_name="participants")
    province = province_field(related_name="participants")
    subdivision = subdivision_field()
    region = models.CharField(
        _("province, regency or city"),
        max_length=120,
        blank=True,
        help_text=_("For domestic participants: the region or locality they represent."),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    passport_number = PassportNumberField(_("passport number"), max_length=30, blank=True)
    passport_expiry = models.DateField(_("passport expiry"), null=True, blank=True)
    # Printed on visa support letters when recorded; purged with the passport details.
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_birth_date]
    )
    place_of_birth = models.CharField(_("place of birth"), max_length=120, blank=True)
    passport_locked = models.BooleanField(
        _("passport details locked"),
        default=False,
        help_text=_("Once checked by an organiser, the participant can no longer change them."),
    )
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    arrival_details = models.CharField(_("arrival flight or transport"), max_length=120, blank=True)
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    departure_details = models.CharField(
        _("departure flight or transport"), max_length=120, blank=True
    )
    accommodation = models.CharField(_("accommodation"), max_length=200, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=200, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=200, blank=True)
    emergency_contact_name = models.CharField(
        _("emergency contact name"), max_length=200, blank=True
    )
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=40, blank=True
    )
    emergency_contact_relation = models.CharField(
        _("emergency contact relation"), max_length=60, blank=True
    )
    photo = models.ImageField(_("photo"), upload_to=participant_photo_path, blank=True)
    # Secret of the personal calendar feed; None when revoked or never issued.
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    home_time_zone = models.CharField(
        _("home time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    badge_code = models.CharField(
        _("badge code"), max_length=32, unique=True, default=new_badge_code, editable=False
    )
    # Consent, given by the participant themselves when they accept their invitation (or later
    # on the privacy notice page); organisers only read it.
    privacy_consent_at = models.DateTimeField(
        _("privacy notice accepted"), null=True, blank=True, editable=False
    )
    # None: not asked yet. False: refused; photos showing them stay out of the gallery and the
    # closing report.
    photo_consent = models.BooleanField(
        _("photo consent"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Whether photos showing the participant may be used and published."),
    )
    photo_consent_at = models.DateTimeField(
        _("photo consent given or refused"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the person's data was erased on request: the row stays, anonymised, so that
    # the programme's counts and attendance stay right (see participants.retention).
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)
    # The start, in the programme's time zone, of the day a withdrawal or decline took effect:
    # agenda items from then on are not theirs (bookings released, no attendance, left out of
    # rates). None while the participant is active. Written only by `services.change_status`.
    inactive_from = models.DateTimeField(
        _("withdrawn or declined from"), null=True, blank=True, editable=False
    )
    # A withdrawn delegate's successor in the same delegation seat.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = by_readable_name()
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email"],
                condition=~models.Q(email=""),
                name="one_participant_per_email_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme", "passport_number"],
                condition=~models.Q(passport_number=""),
                name="one_participant_per_passport_per_programme",
                violation_error_message=_(
                    "Another participant of this programme has this passport number."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=models.Q(user__isnull=False),
                name="one_participant_per_account_per_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "category", "status"]),
            models.Index(fields=["programme", "country"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Domestic participants are nationals of the host: their country counts as represented.
        if self.category == self.Category.DOMESTIC and self.country_id is None:
            self.country = host_member_country(self.programme.host_country)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "country"}
        super().save(*args, **kwargs)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def display_name(self) -> str:
        return display_name(self.full_name, self.full_name_latin)

    @property
    def name_for_certificate(self) -> str:
        return self.certificate_name or self.full_name

    def has_left_by(self, moment: datetime) -> bool:
        """Whether something starting at `moment` comes after the participant withdrew or
        declined (see `inactive_from`)."""
        return self.inactive_from is not None and moment >= self.inactive_from

    @property
    def can_be_replaced(self) -> bool:
        """A withdrawn international delegate's seat can go to someone else, once."""
        return (
            self.status == self.Status.WITHDRAWN
            and self.category == self.Category.INTERNATIONAL
            and not hasattr(self, "replaced_by")
        )

    @property
    def has_special_needs(self) -> bool:
        return bool(self.dietary_needs or self.accessibility_needs)

    @property
    def region_name(self) -> str:
        """The host's region they represent (province or subdivision), if recorded."""
        return region_name(self.province.name if self.province_id else None, self.subdivision)

    @property
    def origin(self) -> str:
        if self.category == self.Category.DOMESTIC or not self.country_id:
            return self.region or self.region_name
        return str(self.country)

    def clean(self) -> None:
        if self.programme_id:
            validate_subdivision_of(self.subdivision, self.programme.host_country)
        if self.category == self.Category.INTERNATIONAL and not self.country_id:
            raise ValidationError({"country": _("An international delegate needs a country.")})
        if self.category == self.Category.DOMESTIC and not (
            self.region or self.province_id or self.subdivision
        ):
            raise ValidationError(
                {"region": _("A domestic representative needs a region of the host country.")}
            )


# Withdrawn and declined people keep their record but take no seat, need no meal, get no
# certificate and can no longer answer an invitation.
INACTIVE_STATUSES = (Participant.Status.WITHDRAWN, Participant.Status.DECLINED)
# A move to one of these needs a reason.
STATUSES_NEEDING_A_REASON = INACTIVE_STATUSES
REASON_REQUIRED = _("Say why the participant is “%(status)s”.")
# What the status "invited" is called until an invitation has really been sent.
NOT_YET_INVITED = _("Not yet invited")

# Travel within a week either side of the programme is plausible (early arrivals, side
# trips); anything further is almost certainly a mistake in the year or month.
TRAVEL_MARGIN = timedelta(days=7)


def travel_window(programme: Programme) -> tuple[date, date]:
    """The first and last day on which a participant's arrival or departure is accepted."""
    return programme.start_date - TRAVEL_MARGIN, programme.end_date + TRAVEL_MARGIN


# Status moves a participant may make; withdrawn and declined people can be invited again.
ALLOWED_STATUS_CHANGES: dict[str, set[str]] = {
    Participant.Status.INVITED: {
        Participant.Status.CONFIRMED,
        Participant.Status.DECLINED,
        Participant.Status.WITHDRAWN,
    },
    Participant.Status.CONFIRMED: {Participant.Status.ARRIVED, Participant.Status.WITHDRAWN},
    Participant.Status.ARRIVED: {Participant.Status.COMPLETED, Participant.Status.WITHDRAWN},
    Participant.Status.COMPLETED: set(),
    Participant.Status.WITHDRAWN: {Participant.Status.INVITED},
    Participant.Status.DECLINED: {Participant.Status.INVITED},
}


class StatusChange(models.Model):
    """One move of a participant's status: who made it and when."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("participant"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Participant.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Participant.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # The day (programme time) the change takes effect; None on changes recorded before
    # effective dates existed.
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    # Why: required when withdrawing or declining, shown in the history and the closing report.
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.from_status} → {self.to_status}"


class Invitation(models.Model):
    """An e-mailed link that lets a participant set up their account and confirm.

    Only a hash of the token is stored; re-sending issues a new token and the old link stops
    working.
    """

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="invitation",
        verbose_name=_("participant"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    send_count = models.PositiveIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # The automatic reminders (see invitations.send_invitation_reminders): when the last went
    # out and how many did, so a run repeated within the interval sends nothing.
    reminded_at = models.DateTimeField(_("last reminder sent at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.participant} ({self.sent_to})"


class ImportBatch(models.Model):
    """An uploaded participant list, parsed and validated, waiting to be confirmed.

    `rows` holds each row's cleaned values, its action ("new", "update", "unchanged" or
    "error") and its messages per column, so the preview and the save work from the same
    validated data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="import_batches",
        verbose_name=_("programme"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    # The rows hold whole uploaded rows, passports included: they are emptied once saved, or
    # a day after the upload when never saved (see participants.retention).
    rows_cleared_at = models.DateTimeField(_("rows removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class EvaluationQuestion(Question):
    """One question of a programme's evaluation form."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="evaluation_questions",
        verbose_name=_("programme"),
    )

    class Meta(Question.Meta):
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    @property
    def content_language(self) -> str:
        return self.programme.content_language


class EvaluationResponse(models.Model):
    """A participant's answers to the evaluation: at most one per participant."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="evaluation",
        verbose_name=_("participant"),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self) -> str:
        return str(self.participant)


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        EvaluationQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__range=(1, 5)),
                name="rating_from_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating or self.text}"


class DailyReminder(models.Model):
    """Marks that a participant got the evening e-mail for one programme day (send once)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="daily_reminders"
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily reminder")
        verbose_name_plural = _("daily reminders")
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="one_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.day}"


class PersonalDataRemoval(models.Model):
    """The record that personal data was removed: by the retention purge or an erasure.

    Organisers see these on the programme's personal-data page; they hold counts and field
    names, never the removed values.
    """

    class Kind(models.TextChoices):
        RETENTION = "retention", _("Retention period over")
        ERASURE = "erasure", _("Erasure on request")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="personal_data_removals",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    removed_at = models.DateTimeField(_("removed at"), auto_now_add=True)
    # None for the automatic purge.
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    # The erased participant (kept, anonymised); None for the purge.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    participants = models.PositiveIntegerField(_("participants"), default=0)
    # Names of the Participant fields emptied, in model order.
    fields = models.JSONField(_("fields"), default=list)
    import_batches = models.PositiveIntegerField(_("imports"), default=0)
    visa_letters = models.PositiveIntegerField(_("visa letter files"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("personal data removal")
        verbose_name_plural = _("personal data removals")
        ordering = ["-removed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme} – {self.get_kind_display()} – {self.removed_at:%Y-%m-%d}"

    @property
    def field_labels(self) -> list[str]:
        return participant_field_labels(self.fields)


def participant_field_labels(names: list[str]) -> list[str]:
    """Participant fields by their names in the current language (unknown names as they are)."""
    known = {field.name: field.verbose_name for field in Participant._meta.fields}
    # Rows of their own removed with the fields (retention.PERSONAL_ROWS).
    known.update(
        visa=Visa._meta.verbose_name,
        legs=TravelLeg._meta.verbose_name_plural,
        allowance_payment=AllowancePayment._meta.verbose_name,
        room=RoomAssignment._meta.verbose_name,
        action_plan=ActionPlan._meta.verbose_name,
        alumni_listing=AlumniListing._meta.verbose_name,
    )
    return [str(known.get(name, name)) for name in names]


class PersonalDataAccess(models.Model):
    """One look at passport data: who, when, what and whose.

    Written by `access_log.record_personal_data_access`, one row per page view, file or
    download (an export's participants are listed in the row), and deleted after a year.
    """

    class Kind(models.TextChoices):
        PARTICIPANT_DETAIL = "participant_detail", _("Participant page")
        PARTICIPANT_FORM = "participant_form", _("Participant form")
        PARTICIPANT_EXPORT = "participant_export", _("Participant list exported")
        VISA_LETTER_LIST = "visa_letter_list", _("Visa letters page")
        VISA_LETTERS_REQUESTED = "visa_letters_requested", _("Visa letters requested")
        VISA_LETTERS_DOWNLOADED = "visa_letters_downloaded", _("Visa letters downloaded")
        ADMIN_PAGE = "admin_page", _("Administration page")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="personal_data_accesses",
        verbose_name=_("programme"),
    )
    accessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept apart from the account, so that the entry still says who after it is deleted.
    accessed_by_email = models.EmailField(_("by (e-mail address)"), blank=True)
    accessed_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    participant_ids = models.JSONField(_("participants"), default=list, blank=True)
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at", "-pk"]
        indexes = [models.Index(fields=["programme", "-accessed_at"])]

    def __str__(self) -> str:
        return f"{self.accessed_by_email} – {self.get_kind_display()} – {self.accessed_at}"
