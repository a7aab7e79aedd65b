"""A demo programme's call for nominations: its focal points, the closed call, the candidates
each delegation put forward and the organisers' decisions, consistent with its participants."""

from datetime import date, datetime
from types import ModuleType

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils import translation

from participants.models import (
    Nomination,
    NominationAnswer,
    NominationCall,
    NominationQuestion,
    Participant,
)
from participants.questions import Question
from programs.models import Delegation, FocalPoint, Programme

from .accounts import demo_account
from .documents import text_pdf


def _at(programme: Programme, moment: tuple) -> datetime:
    year, month, day, hour, minute = moment
    return programme.local_datetime(date(year, month, day), hour, minute)


def international_delegations(programme: Programme) -> dict[str, Delegation]:
    delegations = programme.delegations.filter(country__isnull=False).select_related("country")
    return {delegation.country.code: delegation for delegation in delegations}


def load_focal_points(programme: Programme, source: ModuleType, *, organiser) -> dict:
    """The focal-point account of each invited country in `source.FOCAL_POINTS`, by country.

    Side effects: writes the accounts (verified e-mail, `source.FOCAL_POINT_PASSWORD`), their
    FocalPoint rows invited by `organiser` on `source.FOCAL_POINTS_INVITED_AT`, each
    delegation's reserves (`source.RESERVES`) and its contact, the focal point.
    """
    delegations = international_delegations(programme)
    invited_at = _at(programme, source.FOCAL_POINTS_INVITED_AT)
    users = {}
    for code, (email, first_name, last_name) in source.FOCAL_POINTS.items():
        user = demo_account(
            email, source.FOCAL_POINT_PASSWORD, first_name=first_name, last_name=last_name
        )
        delegation = delegations[code]
        delegation.reserves = source.RESERVES[code]
        delegation.contact_name = f"{first_name} {last_name}"
        delegation.contact_email = email
        delegation.save(update_fields=["reserves", "contact_name", "contact_email"])
        focal_point, _ = FocalPoint.objects.update_or_create(
            delegation=delegation, user=user, defaults={"invited_by": organiser}
        )
        # The invitation's time is set on creation; the demo's is before the call opened.
        FocalPoint.objects.filter(pk=focal_point.pk).update(invited_at=invited_at)
        users[code] = user
    return users


def save_questions(model: type[Question], rows, **owner: object) -> list[Question]:
    """The demo's questions in the order of `rows` (English text, host-language text, kind,
    choices), found by their English text and owner, created or brought up to date."""
    return [
        model.objects.update_or_create(
            **owner,
            text_en=text_en,
            defaults={
                "text_local": text_local,
                "kind": kind,
                "choices": choices,
                "position": position,
            },
        )[0]
        for position, (text_en, text_local, kind, choices) in enumerate(rows)
    ]


def load_call(
    programme: Programme, source: ModuleType, *, organiser, focal_points: dict
) -> NominationCall:
    """The programme's call, closed at its deadline, with every candidate and decision.

    A selected candidate is linked to the participant with their e-mail address and has
    their name, gender, position and institution.

    Side effects: writes the call and its questions; the nominations with their answers, a
    one-page CV and nomination letter (stored once: loading again keeps the files), the
    focal point of their delegation as nominator and `organiser` as decider.
    """
    deadline = _at(programme, source.DEADLINE)
    call, _ = NominationCall.objects.update_or_create(
        programme=programme,
        defaults={
            **source.CALL,
            "deadline": deadline,
            "closed_at": deadline,
            "created_by": organiser,
        },
    )
    NominationCall.objects.filter(pk=call.pk).update(created_at=_at(programme, source.OPENED_AT))
    questions = save_questions(NominationQuestion, source.QUESTIONS, call=call)
    delegations = international_delegations(programme)
    for candidate in _candidates(programme, source):
        code = candidate.pop("country")
        email = candidate.pop("email")
        nominated_on = candidate.pop("nominated_on")
        answers = candidate.pop("answers")
        nomination, _ = Nomination.objects.update_or_create(
            call=call,
            email=email,
            defaults={
                **candidate,
                "delegation": delegations[code],
                "category": Nomination.Category.INTERNATIONAL,
                "nominated_by": focal_points[code],
                "decided_by": organiser,
                "decided_at": _at(programme, source.DECIDED_AT),
            },
        )
        _store_documents(programme, nomination, agency=delegations[code].nominating_agency)
        nominated_at = _at(programme, (programme.start_date.year, *nominated_on, 10, 0))
        # Both times are set on save; the demo's are those of the call.
        Nomination.objects.filter(pk=nomination.pk).update(
            created_at=nominated_at, updated_at=nominated_at
        )
        for question, answer in zip(questions, answers, strict=True):
            NominationAnswer.objects.update_or_create(
                nomination=nomination, question=question, defaults={"text": answer}
            )
    return call


def _candidates(programme: Programme, source: ModuleType) -> list[dict]:
    """Every candidate's fields: the selected ones taken from the participants they became."""
    participants = Participant.objects.filter(
        programme=programme, email__in=source.SELECTED
    ).select_related("country")
    by_email = {participant.email: participant for participant in participants}
    candidates = []
    for email, (
        nominated_on,
        institution_type,
        motivation,
        answers,
        note,
    ) in source.SELECTED.items():
        participant = by_email[email]
        candidates.append(
            {
                "country": participant.country.code,
                "email": email,
                "participant": participant,
                "full_name": participant.full_name,
                "full_name_latin": participant.full_name_latin,
                "gender": participant.gender,
                "position": participant.position,
                "institution": participant.institution,
                "institution_type": institution_type,
                "motivation": motivation,
                "nominated_on": nominated_on,
                "answers": answers,
                "status": Nomination.Status.SELECTED,
                "reserve_rank": None,
                "decision_note": note,
            }
        )
    reserves_so_far: dict[str, int] = {}
    for other in source.OTHERS:
        candidate = {**other, "participant": None, "reserve_rank": None}
        if other["status"] == Nomination.Status.RESERVE:
            rank = reserves_so_far.get(other["country"], 0) + 1
            reserves_so_far[other["country"]] = candidate["reserve_rank"] = rank
        candidates.append(candidate)
    return candidates


def _stored(document: FieldFile) -> bool:
    return bool(document) and document.storage.exists(document.name)


def _store_documents(programme: Programme, nomination: Nomination, *, agency: str) -> None:
    """A CV and a nomination letter for the candidate, unless both are already stored."""
    with translation.override("en"):
        country = str(nomination.delegation.country)
    name = nomination.full_name_latin or nomination.full_name
    documents = {
        "cv": (
            f"Curriculum vitae: {name} (sample)",
            [
                f"{nomination.position}, {nomination.institution}, {country}.",
                nomination.motivation,
                "Sample document of the demo programme.",
            ],
        ),
        "nomination_letter": (
            f"Nomination letter (sample): {country}",
            [
                f"{agency} nominates {name}, {nomination.position}, {nomination.institution}, "
                f"for the {programme.title_en}, {programme.venue_city}, "
                f"{programme.start_date:%-d}–{programme.end_date:%-d %B %Y}.",
                "Sample document of the demo programme.",
            ],
        ),
    }
    for field, (title, paragraphs) in documents.items():
        document = getattr(nomination, field)
        if not _stored(document):
            document.save(f"{field}.pdf", ContentFile(text_pdf(title, paragraphs)), save=True)
