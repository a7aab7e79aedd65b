"""What the programme's webhooks hear about certificates and jobs (see programs/webhooks.py).

Payloads are read after commit, so that the services pay nothing while no webhook listens.
"""

from itertools import groupby
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from programs.models import Webhook
from programs.webhooks import emit, emit_many

from .models import Certificate, GenerationJob

CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_REVOKED = "certificate.revoked"
JOB_FINISHED = "job.finished"


def _listened(programme_id: int) -> bool:
    return Webhook.objects.filter(programme_id=programme_id, active=True).exists()


def certificate_data(certificate: Certificate) -> dict[str, Any]:
    participant = certificate.participant
    return {
        "code": certificate.code,
        "verification_url": settings.SITE_URL + reverse("reports:verify", args=[certificate.code]),
        "participant": {"id": participant.pk, "full_name": participant.full_name},
        "issued_at": certificate.issued_at.isoformat(),
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason,
    }


def announce_certificates(event: str, certificate_ids: list[int]) -> None:
    """Emit `event` for these certificates after commit, grouped by programme."""
    if not certificate_ids:
        return

    def send() -> None:
        certificates = (
            Certificate.objects.filter(pk__in=certificate_ids)
            .select_related("participant__programme")
            .order_by("participant__programme_id", "pk")
        )
        for _programme_id, of_programme in groupby(
            certificates, key=lambda certificate: certificate.participant.programme_id
        ):
            of_programme = list(of_programme)
            programme = of_programme[0].participant.programme
            if _listened(programme.pk):
                emit_many(programme, event, [certificate_data(c) for c in of_programme])

    transaction.on_commit(send, robust=True)


def announce_job_finished(job_id) -> None:
    """Emit job.finished (done or failed) after commit."""

    def send() -> None:
        job = (
            GenerationJob.objects.select_related("programme")
            .defer("items")
            .filter(pk=job_id)
            .first()
        )
        if job is None or not _listened(job.programme_id):
            return
        data = {
            "id": str(job.pk),
            "kind": job.kind,
            "status": job.status,
            "language": job.language,
            "total": job.total,
            "error": job.error,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        }
        emit(job.programme, JOB_FINISHED, data)

    transaction.on_commit(send, robust=True)
