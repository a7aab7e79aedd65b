import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from programs.models import Programme


def document_path(document: "Document", filename: str) -> str:
    # One fixed name per (programme, kind, language): regenerating overwrites, never adds.
    subject = f"-{document.subject.replace(':', '-')}" if document.subject else ""
    return f"reports/{document.programme.slug}/{document.kind}{subject}-{document.language}.pdf"


class Document(models.Model):
    """A generated PDF and the state of the background job that makes it."""

    class Kind(models.TextChoices):
        PROGRAMME_OVERVIEW = "programme_overview", _("Programme overview")
        BADGES = "badges", _("Badges")
        MANIFEST = "manifest", _("Passenger manifest")
        AGENDA = "agenda", _("Personal agenda")
        CLOSING_REPORT = "closing_report", _("Closing report")
        VISA_LETTER = "visa_letter", _("Visa support letter")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="documents", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # What the document is about within the programme: "" for the whole programme,
    # "participant:<id>" or "vehicle:<id>" for one badge or one manifest.
    subject = models.CharField(_("subject"), max_length=60, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "language", "subject"],
                name="one_document_per_subject_kind_and_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}) – {self.programme}"

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def download_name(self) -> str:
        subject = f"-{self.subject.replace(':', '-')}" if self.subject else ""
        return f"{self.programme.slug}-{self.kind.replace('_', '-')}{subject}-{self.language}.pdf"


def template_image_path(instance, filename: str) -> str:
    return f"certificates/{instance.programme_id}/{uuid.uuid4().hex}.jpg"


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
    heading_id = models.CharField(
        _("heading (Indonesian)"), max_length=200, default="Sertifikat Keikutsertaan"
    )
    wording_en = models.TextField(
        _("wording (English)"),
        default="is hereby recognised for participating in",
        help_text=_("Printed between the participant's name and the programme title."),
    )
    wording_id = models.TextField(
        _("wording (Indonesian)"), default="telah berpartisipasi dalam", blank=True
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
    summary_id = models.TextField(_("summary (Indonesian)"), blank=True)
    outcomes_en = models.TextField(_("outcomes and next steps (English)"), blank=True)
    outcomes_id = models.TextField(_("outcomes and next steps (Indonesian)"), blank=True)
    reporter = models.CharField(_("reporter"), max_length=200, blank=True)
    photographer = models.CharField(_("documentation (photos)"), max_length=200, blank=True)

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
    """A batch started by an admin (all certificates, all visa letters, the closing report)."""

    class Kind(models.TextChoices):
        CERTIFICATES = "certificates", _("All certificates")
        VISA_LETTERS = "visa_letters", _("All visa support letters")
        CLOSING_REPORT = "closing_report", _("Closing report")

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
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("items"), default=0)
    done = models.PositiveIntegerField(_("items done"), default=0)
    error = models.TextField(_("error"), blank=True)
    archive = models.FileField(_("ZIP archive"), upload_to=job_output_path, blank=True)
    combined = models.FileField(_("combined PDF"), upload_to=job_output_path, blank=True)
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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.programme}"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
