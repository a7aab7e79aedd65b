import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
