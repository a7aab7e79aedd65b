"""Personal data through its life, for a whole programme: the retention purge and the erasure
of one person.

`participants.retention` empties the participants' fields and the imports; this module adds
what the generated files hold (visa letters print passport numbers, certificates and lists
print names), records each removal as a PersonalDataRemoval that organisers can read, and
logs it. Files are deleted from storage once the database change has committed.
"""

import logging
import zoneinfo
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Participant, PersonalDataRemoval
from participants.retention import (
    anonymise_participant,
    delete_import_batches,
    purge_nominations_and_messages,
    purge_personal_fields,
)
from programs.models import PERSONAL_DATA_KEPT_FOR, Programme
from programs.webhooks import delete_participant_deliveries, delete_programme_deliveries

from .certificates import revoke_certificate
from .jobkind import item_folder
from .models import Certificate, GenerationJob

logger = logging.getLogger(__name__)

Kind = GenerationJob.Kind

# Documents naming people with their travel, rooms or pay: deleted by the purge.
TRAVEL_DESK_KINDS = (
    Kind.ROOMING_LIST,
    Kind.TRANSFER_MANIFEST,
    Kind.PAYMENT_SHEET,
    Kind.ALLOWANCE_RECEIPT,
)
PENDING = [GenerationJob.Status.QUEUED, GenerationJob.Status.RUNNING]


# --- Files -----------------------------------------------------------------------------------


def _delete_tree(folder: str) -> None:
    """Delete every file under `folder` in storage (any storage: listdir, not the disk)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_tree(f"{folder}/{name}")


def _delete_after_commit(*, files: list[str], folders: list[str]) -> None:
    def delete() -> None:
        for name in files:
            default_storage.delete(name)
        for folder in folders:
            _delete_tree(folder)

    transaction.on_commit(delete)


def delete_jobs(jobs: QuerySet[GenerationJob]) -> int:
    """Delete generated-file jobs with their ZIP, their PDF and their chunks' files.

    Returns how many jobs there were. Item files kept elsewhere (certificates, one per
    participant) are not the job's and stay.

    Side effects: deletes the GenerationJob rows (and their JobOutput rows); after commit,
    deletes their files from storage.
    """
    files: list[str] = []
    folders: list[str] = []
    ids = []
    for job in jobs.only("pk", "programme_id", "kind", "archive", "combined", "spreadsheet"):
        ids.append(job.pk)
        files += [stored.name for stored in (job.archive, job.combined, job.spreadsheet) if stored]
        folders.append(item_folder(job.programme_id, job.kind, job.pk))
    if ids:
        GenerationJob.objects.filter(pk__in=ids).delete()
        _delete_after_commit(files=files, folders=folders)
    return len(ids)


# --- The retention purge ---------------------------------------------------------------------


def programmes_due_for_purge(*, today: date) -> QuerySet[Programme]:
    """Programmes whose "personal data kept until" day is over (Programme.personal_data_until)."""
    return Programme.objects.filter(
        Q(personal_data_kept_until__lt=today)
        | Q(personal_data_kept_until__isnull=True, end_date__lt=today - PERSONAL_DATA_KEPT_FOR)
    )


def purge_programme(*, programme: Programme) -> PersonalDataRemoval | None:
    """Remove what the programme no longer needs: participants' passport details, travel,
    needs and emergency contacts, its import batches, its visa letters, the nominations of its
    call (with their documents), the log of who its group messages went to, the travel
    desk's documents (rooming lists, transfer manifests, payment sheets and receipts) and
    its webhooks' deliveries.

    Returns the record of what went, or None when nothing was left (running it again
    changes nothing and records nothing).

    Side effects: empties participants' fields, deletes ImportBatch rows and visa-letter jobs
    (their files after commit), creates a PersonalDataRemoval and logs a line.
    """
    with transaction.atomic():
        participants, fields = purge_personal_fields(programme=programme)
        batches = delete_import_batches(programme=programme)
        nominations, recipients = purge_nominations_and_messages(programme=programme)
        # Webhook deliveries carry participants' names and e-mail addresses.
        deliveries = delete_programme_deliveries(programme=programme)
        # The travel desk's papers name people with their flights, phones, rooms and pay.
        delete_jobs(programme.jobs.filter(kind__in=TRAVEL_DESK_KINDS))
        letters = delete_jobs(programme.jobs.filter(kind=Kind.VISA_LETTERS))
        if letters:
            # Files of earlier runs that no job points to any more.
            visa_folder = f"jobs/{programme.pk}/{Kind.VISA_LETTERS.value}"
            _delete_after_commit(files=[], folders=[visa_folder])
        if not (participants or batches or letters or nominations or recipients or deliveries):
            return None
        record = PersonalDataRemoval.objects.create(
            programme=programme,
            kind=PersonalDataRemoval.Kind.RETENTION,
            participants=participants,
            fields=fields,
            import_batches=batches,
            visa_letters=letters,
            note=_("%(nominations)s nominations and %(recipients)s message recipients deleted.")
            % {"nominations": nominations, "recipients": recipients}
            if nominations or recipients
            else "",
        )
    logger.info(
        "Personal data of programme %s purged: %s participants (%s), %s imports, "
        "%s visa-letter jobs",
        programme.slug,
        participants,
        ", ".join(fields) or "no fields",
        batches,
        letters,
    )
    return record


# The first time zone in which a day begins (UTC+14): no programme's day is later than its.
EARLIEST_ZONE = zoneinfo.ZoneInfo("Pacific/Kiritimati")


def personal_data_is_over(programme: Programme, *, now: datetime) -> bool:
    """Whether the programme's last day of personal data is over where it takes place."""
    return programme.personal_data_until < timezone.localdate(now, programme.tzinfo)


def purge_due_programmes(*, now: datetime) -> int:
    """Run `purge_programme` for every programme whose retention day is over in its own time
    zone (a programme in Auckland is purged hours before one in Lima on the same date).

    Returns how many programmes had something purged. Side effects: those of purge_programme.
    """
    purged = 0
    # Every programme whose day may be over somewhere, then each checked in its own zone.
    for programme in programmes_due_for_purge(today=timezone.localdate(now, EARLIEST_ZONE)):
        if personal_data_is_over(programme, now=now) and purge_programme(programme=programme):
            purged += 1
    return purged


# --- Erasure on request ----------------------------------------------------------------------


class AlreadyErased(Exception):
    """The participant's data was erased before."""


def files_showing(participant: Participant) -> QuerySet[GenerationJob]:
    """Generated files that may show the participant: their own (badge, visa letter) and every
    file about the whole programme or a vehicle (lists, batches, manifests, the report).

    Jobs still running for others are left to finish: they read the anonymised row.
    """
    programme_files = Q(participant__isnull=True) & ~Q(status__in=PENDING)
    return GenerationJob.objects.filter(programme_id=participant.programme_id).filter(
        Q(participant=participant) | programme_files
    )


def erase_participant(
    *, participant: Participant, by, keep_certificate: bool
) -> PersonalDataRemoval:
    """Erase one person's data on request, keeping what the programme's counts need.

    The participant row stays, anonymised (see participants.retention.anonymise_participant),
    with its category, status, gender, country, province, region and attendance: the closing
    report's figures do not change. A certificate stays valid or is revoked as asked; either
    way its PDF (which prints the name) is deleted and its verification page no longer shows
    a name.

    Side effects: those of anonymise_participant; deletes the certificate's file and, unless
    `keep_certificate`, revokes it; deletes the generated files that may show the person (see
    files_showing) and the webhook deliveries about them; creates a PersonalDataRemoval and
    logs a line. Raises AlreadyErased.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Participant.objects.select_for_update().get(pk=participant.pk)
        if locked.erased_at is not None:
            raise AlreadyErased
        letters = files_showing(locked).filter(kind=Kind.VISA_LETTERS).count()
        deleted_files = delete_jobs(files_showing(locked))
        fields = anonymise_participant(participant=locked, now=now)
        delete_participant_deliveries(programme_id=locked.programme_id, participant_id=locked.pk)
        certificate = Certificate.objects.filter(participant=locked).first()
        if certificate is not None:
            if certificate.file:
                _delete_after_commit(files=[certificate.file.name], folders=[])
                Certificate.objects.filter(pk=certificate.pk).update(file="", rendered_at=None)
            if not keep_certificate and certificate.is_valid:
                revoke_certificate(
                    certificate=certificate, reason=_("Withdrawn at the holder's request.")
                )
        record = PersonalDataRemoval.objects.create(
            programme_id=locked.programme_id,
            kind=PersonalDataRemoval.Kind.ERASURE,
            removed_by=by if by is not None and by.is_authenticated else None,
            participant=locked,
            participants=1,
            fields=fields,
            visa_letters=letters,
            note=_certificate_note(certificate),
        )
    participant.refresh_from_db()
    logger.info(
        "Participant %s of programme %s erased on request by user %s: %s; %s generated files",
        locked.pk,
        locked.programme_id,
        record.removed_by_id,
        ", ".join(fields),
        deleted_files,
    )
    return record


def _certificate_note(certificate: Certificate | None) -> str:
    if certificate is None:
        return ""
    if certificate.is_valid:
        return _("Certificate %(code)s kept valid.") % {"code": certificate.code}
    return _("Certificate %(code)s revoked.") % {"code": certificate.code}
