"""Reusable lookups of generated files."""

from django.db.models import QuerySet

from .models import GenerationJob


def latest_jobs(jobs: QuerySet[GenerationJob]) -> list[GenerationJob]:
    """The newest job of each kind, subject and language among `jobs`: what a page offers.

    Older jobs of the same file are history (their files are replaced by the newest run).
    """
    latest: dict[tuple, GenerationJob] = {}
    for job in jobs.select_related("started_by").order_by("-created_at"):
        key = (job.kind, job.participant_id, job.vehicle_id, job.delegation_id, job.language)
        latest.setdefault(key, job)
    return sorted(latest.values(), key=lambda job: (job.kind, job.language))
