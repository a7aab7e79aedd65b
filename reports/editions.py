"""Start a new programme from an existing one (next year's edition, or the same programme in
another place), with everything that describes it and none of its people.

Copied, each by its own app: the programme's settings and information texts and its
delegations (`programs.editions`), the evaluation questions (`participants.editions`), the
agenda moved to the new dates with its visit groups and vehicles (`visits.editions`), and here
the certificate template with its signatories.

Not copied: participants and all that is theirs (invitations, bookings, attendance, photos,
materials, evaluation answers, certificates), the team (only whoever starts the new programme
becomes its organiser), announcements, the closing report and its quotes, and generated files
(jobs).
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction

from participants.editions import copy_evaluation_questions
from programs.editions import copied_values, copy_files, copy_programme
from programs.models import Programme
from visits.editions import copy_agenda

from .models import CertificateTemplate

# Every model that hangs off a programme, an agenda item or a certificate template is in one of
# these lists (a test checks it), so that a new one cannot be forgotten silently.
PARTS_COPIED = frozenset(
    {
        "programs.Delegation",
        "participants.EvaluationQuestion",
        "participants.FollowUpQuestion",
        "visits.Session",
        "visits.VisitGroup",
        "visits.Vehicle",
        "reports.CertificateTemplate",
        "reports.Signatory",
    }
)
PARTS_NOT_COPIED = frozenset(
    {
        # Only whoever starts the new programme joins its team.
        "programs.ProgrammeMembership",
        # People and what is theirs.
        "participants.Participant",
        "participants.ImportBatch",
        "participants.PersonalDataAccess",
        "participants.PersonalDataRemoval",
        "visits.Assignment",
        "visits.ReleasedBooking",
        # Airport pick-ups of the original's delegates on the original's dates.
        "visits.TransferRun",
        "visits.SessionMaterial",
        "visits.SessionPhoto",
        # About the original's own days: its call for nominations (deadline, candidates) and
        # the e-mails sent to its people.
        "participants.NominationCall",
        "participants.GroupMessage",
        "programs.Announcement",
        "reports.ClosingReport",
        "reports.GenerationJob",
        # Allowances are paid at each edition's own rates, for its own days with meals.
        "participants.AllowanceRate",
        "participants.MealProvision",
        # Hotels and their blocks are booked for the original's nights; the sharing rule goes
        # with them, to be set again with the new programme's hotels.
        "participants.Hotel",
        "participants.LodgingRule",
        # Follow-up surveys ask the original's participants, months after its dates.
        "participants.FollowUpRound",
        # Webhooks carry a secret shared with one receiving system: registered again on purpose.
        "programs.Webhook",
    }
)
CERTIFICATE_TEMPLATE_NOT_COPIED = frozenset({"programme"})
SIGNATORY_NOT_COPIED = frozenset({"template"})


def copy_certificate_template(*, source: Programme, target: Programme) -> None:
    """Give `target` a copy of `source`'s certificate template and signatories, if it has one.

    Side effects: creates the template and signatories, with copies of their image files.
    """
    template = CertificateTemplate.objects.filter(programme=source).first()
    if template is None:
        return
    new_template = CertificateTemplate.objects.create(
        programme=target,
        **copied_values(template, not_copied=CERTIFICATE_TEMPLATE_NOT_COPIED),
    )
    copy_files(source=template, target=new_template)
    for signatory in template.signatories.all():
        new_signatory = new_template.signatories.create(
            **copied_values(signatory, not_copied=SIGNATORY_NOT_COPIED)
        )
        copy_files(source=signatory, target=new_signatory)


def start_programme_from(
    *, source: Programme, start_date: date, names: Mapping[str, Any], by
) -> Programme:
    """A new programme like `source`, starting on `start_date`, named by `names` (slug, titles).

    Side effects, all in one transaction: creates the programme with `by` as its only
    organiser, its delegations, evaluation questions, agenda (with groups and vehicles) and
    certificate template (with signatories), and stores copies of the logo, partner logo and
    signature images. `source` is left unchanged.
    """
    with transaction.atomic():
        programme = copy_programme(source=source, start_date=start_date, names=names, by=by)
        copy_evaluation_questions(source=source, target=programme)
        copy_agenda(source=source, target=programme)
        copy_certificate_template(source=source, target=programme)
    return programme
