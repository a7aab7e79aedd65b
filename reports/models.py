import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import FollowUpRound, Hotel, Participant
from programs.models import Delegation, Programme
from programs.numbers import percent
from visits.models import TransferRun, Vehicle


def document_path(instance, filename: str) -> str:
    # Named by the early migrations of the documents table, since merged into GenerationJob.
    return f"reports/{filename}"


def template_image_path(instance, filename: str) -> str:
    return f"certificates/{instance.programme_id}/{uuid.uuid4().hex}.jpg"


# The default heading and wording below are in Indonesian, the language of the first host:
# templates of programmes written in another language start with those texts empty.
LOCAL_DEFAULTS_LANGUAGE = "id"
LOCAL_BLANKS = {"heading_local": "", "wording_local": ""}


class CertificateTemplate(models.Model):
    """How a programme's certificates look and who earns one."""

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("A4 landscape")
        PORTRAIT = "portrait", _("A4 portrait")

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="certificate_template",
        verbose_name=_("programme"),
    )
    heading_en = models.CharField(
        _("heading (English)"), max_length=200, default="Certificate of Participation"
    )
    heading_local = models.CharField(
        _("heading (host language)"), max_length=200, default="Sertifikat Keikutsertaan"
    )
    wording_en = models.TextField(
        _("wording (English)"),
        default="is hereby recognised for participating in",
        help_text=_("Printed between the participant's name and the programme title."),
    )
    wording_local = models.TextField(
        _("wording (host language)"), default="telah berpartisipasi dalam", blank=True
    )
    orientation = models.CharField(
        _("layout"), max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE
    )
    partner_logo = models.ImageField(_("partner logo"), upload_to=template_image_path, blank=True)
    minimum_attendance = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        help_text=_("Share of recorded agenda items a participant must have attended."),
    )
    require_completed_status = models.BooleanField(
        _("only participants marked completed"), default=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_attendance__lte=100), name="attendance_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return str(self.programme)


class Signatory(models.Model):
    """A person whose name, title and signature appear on certificates."""

    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    signature = models.ImageField(_("signature"), upload_to=template_image_path, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def programme_id(self) -> int:
        return self.template.programme_id


def certificate_path(certificate: "Certificate", filename: str) -> str:
    # One file per participant: regenerating overwrites it.
    return f"certificates/{certificate.participant.programme_id}/{certificate.code}.pdf"


class Certificate(models.Model):
    """A participant's certificate, verifiable by its code."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("participant"),
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    file = models.FileField(_("file"), upload_to=certificate_path, blank=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class ClosingReport(models.Model):
    """What organisers write for the closing report: summary, remarks and credits."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="closing_report",
        verbose_name=_("programme"),
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_local = models.TextField(_("summary (host language)"), blank=True)
    outcomes_en = models.TextField(_("outcomes and next steps (English)"), blank=True)
    outcomes_local = models.TextField(_("outcomes and next steps (host language)"), blank=True)
    reporter = models.CharField(_("reporter"), max_length=200, blank=True)
    photographer = models.CharField(_("documentation (photos)"), max_length=200, blank=True)
    # Optional: what was spent on daily allowances is for some readers of the report, not all.
    include_allowance_annex = models.BooleanField(
        _("annex: daily allowances"),
        default=False,
        help_text=_("Add an annex with the allowances by currency and by participant category."),
    )

    class Meta:
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")

    def __str__(self) -> str:
        return str(self.programme)


class Quote(models.Model):
    """A remark quoted in the closing report."""

    report = models.ForeignKey(ClosingReport, on_delete=models.CASCADE, related_name="quotes")
    speaker = models.CharField(_("speaker"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    text = models.TextField(_("quote"), help_text=_("In the language it was said."))
    translation = models.TextField(_("translation"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:40]}"


def job_output_path(job: "GenerationJob", filename: str) -> str:
    return f"jobs/{job.programme_id}/{job.kind}/{filename}"


class GenerationJob(models.Model):
    """Files generated in the background: one PDF (the overview, badges, a manifest, the closing
    report, one visa letter) or a batch (every certificate, every visa letter) with its ZIP.

    What a job is about within its programme is `participant` (one badge, one visa letter),
    `vehicle` (one manifest), `transfer_run` (one driver's manifest of an airport transfer),
    `delegation` (one delegation's nomination list), `hotel` (its rooming list) or
    `follow_up_round` (its outcome report); none for the
    whole programme. How each kind is rendered lives in its own module (see `reports.kinds`);
    how a job runs, in `reports.jobs`.
    """

    class Kind(models.TextChoices):
        CERTIFICATES = "certificates", _("All certificates")
        VISA_LETTERS = "visa_letters", _("Visa support letters")
        CLOSING_REPORT = "closing_report", _("Closing report")
        PROGRAMME_OVERVIEW = "programme_overview", _("Programme overview")
        BADGES = "badges", _("Badges")
        MANIFEST = "manifest", _("Passenger manifest")
        NOMINATION_LIST = "nomination_list", _("Nomination list")
        SELECTION_RECORD = "selection_record", _("Selection decision record")
        PAYMENT_SHEET = "payment_sheet", _("Allowance payment sheet")
        ALLOWANCE_RECEIPT = "allowance_receipt", _("Allowance receipts")
        TRANSFER_MANIFEST = "transfer_manifest", _("Transfer manifest")
        ROOMING_LIST = "rooming_list", _("Rooming list")
        OUTCOME_REPORT = "outcome_report", _("Outcome report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # A job about someone or something removed since has no reason to exist: it goes with them.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vehicle"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delegation"),
    )
    transfer_run = models.ForeignKey(
        TransferRun,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transfer run"),
    )
    hotel = models.ForeignKey(
        Hotel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hotel"),
    )
    follow_up_round = models.ForeignKey(
        FollowUpRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up round"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Ids of what the job renders, in the order of its ZIP and PDF (set when it starts).
    items = models.JSONField(_("items in order"), default=list, blank=True)
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("items done"), default=0)
    error = models.TextField(_("error"), blank=True)
    archive = models.FileField(_("ZIP archive"), upload_to=job_output_path, blank=True)
    # The one PDF of a single document, or every page of a batch in one file.
    combined = models.FileField(_("PDF"), upload_to=job_output_path, blank=True)
    # The same rows as a spreadsheet, for kinds that make one beside their PDF (rooming list).
    spreadsheet = models.FileField(_("spreadsheet"), upload_to=job_output_path, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # When the task was last handed to the broker; None while the broker was unreachable.
    sent_at = models.DateTimeField(_("sent to workers"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "sent_at"], name="job_sweep")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.programme}"

    @property
    def progress_percent(self) -> int:
        return percent(self.done, self.total) or 0

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def offers_archive(self) -> bool:
        """Whether the ZIP is worth offering: not for a single file, which its PDF already is."""
        return bool(self.archive) and (self.total != 1 or not self.combined)

    @property
    def subject_slug(self) -> str:
        """What the job is about, in file names: "", "-participant-12", "-vehicle-3",
        "-delegation-5", "-transfer-7", "-hotel-2" or "-round-4"."""
        if self.participant_id:
            return f"-participant-{self.participant_id}"
        if self.vehicle_id:
            return f"-vehicle-{self.vehicle_id}"
        if self.delegation_id:
            return f"-delegation-{self.delegation_id}"
        if self.transfer_run_id:
            return f"-transfer-{self.transfer_run_id}"
        if self.hotel_id:
            return f"-hotel-{self.hotel_id}"
        if self.follow_up_round_id:
            return f"-round-{self.follow_up_round_id}"
        return ""

    def download_name(self, extension: str) -> str:
        kind = self.kind.replace("_", "-")
        return f"{self.programme.slug}-{kind}{self.subject_slug}-{self.language}.{extension}"


class JobOutput(models.Model):
    """One rendered item of a job: the record that it is done, and where its file is.

    A chunk writes these rows in the transaction that ends it: a chunk that runs twice (a worker
    killed mid-way) skips the items that have one, and the job's progress is their count.
    """

    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="outputs")
    item_id = models.BigIntegerField(_("item"))
    # The file's name inside the job's ZIP, and where it is stored.
    file_name = models.CharField(_("file name"), max_length=255)
    storage_name = models.CharField(_("stored as"), max_length=255)

    class Meta:
        verbose_name = _("job output")
        verbose_name_plural = _("job outputs")
        constraints = [
            models.UniqueConstraint(fields=["job", "item_id"], name="one_output_per_job_item")
        ]

    def __str__(self) -> str:
        return self.file_name
