"""What the travel desk's visas owe to reports: letters move them, the purge and erasure
remove them."""

from datetime import date
from itertools import count

import pytest
from django.urls import reverse

from participants.models import Participant, PersonalDataRemoval, Visa
from participants.visas import visa_status_of
from reports.retention import erase_participant, purge_programme

from ..conftest import client_for
from ..factories import ParticipantFactory, VisaFactory

Status = Visa.Status
# The fixture's programme (November 2023) is over: a request for letters is confirmed first.
CONFIRMED = {"confirmed": "1"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


PASSPORT_NUMBERS = count(1234567)


def _delegate(programme, name: str, **fields) -> Participant:
    values = {"passport_number": f"P{next(PASSPORT_NUMBERS)}", **fields}
    return ParticipantFactory(
        programme=programme,
        full_name=name,
        passport_expiry=date(2030, 5, 31),
        nationality="VN",
        **values,
    )


def _statuses(programme) -> dict[str, str]:
    return {
        p.full_name: visa_status_of(p)
        for p in programme.participants.select_related("visa").exclude(user__isnull=False)
    }


def test_single_letter_moves_an_unknown_visa_to_letter_sent(
    cast, programme, django_capture_on_commit_callbacks
):
    delegate = _delegate(programme, "Ha")
    other = _delegate(programme, "Lan")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["organiser"]).post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"participant": delegate.pk, "language": "en", **CONFIRMED},
        )
    visa = Visa.objects.get(participant=delegate)
    assert (visa.status, visa.updated_by) == (Status.LETTER_SENT, cast["organiser"])
    assert visa_status_of(Participant.objects.get(pk=other.pk)) == Status.UNKNOWN


def test_all_letters_move_only_unknown_visas_never_back(
    cast, programme, django_capture_on_commit_callbacks
):
    _delegate(programme, "No row")
    VisaFactory(participant=_delegate(programme, "Unknown row"), status=Status.UNKNOWN)
    for status in (Status.APPLIED, Status.ISSUED, Status.REFUSED, Status.NOT_REQUIRED):
        VisaFactory(
            participant=_delegate(programme, status.label),
            status=status,
            applied_on=date(2023, 9, 1),
            decided_on=date(2023, 10, 1),
        )
    # No letter for a delegate without a passport number: their visa stays unknown.
    _delegate(programme, "No passport", passport_number="")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["organiser"]).post(
            reverse("reports:visa_letters", args=[programme.slug]),
            {"language": "en", **CONFIRMED},
        )
    assert _statuses(programme) == {
        "No row": Status.LETTER_SENT,
        "Unknown row": Status.LETTER_SENT,
        "Applied": Status.APPLIED,
        "Issued": Status.ISSUED,
        "Refused": Status.REFUSED,
        "Not required": Status.NOT_REQUIRED,
        "No passport": Status.UNKNOWN,
    }


def test_letter_refused_for_a_bad_language_moves_nothing(cast, programme):
    delegate = _delegate(programme, "Ha")
    client_for(cast["organiser"]).post(
        reverse("reports:visa_letters", args=[programme.slug]),
        {"participant": delegate.pk, "language": "xx", **CONFIRMED},
    )
    assert not Visa.objects.exists()


def test_purge_deletes_the_visas_and_records_it(programme):
    VisaFactory(participant=ParticipantFactory(programme=programme), reference="B211A-1")
    kept = VisaFactory(participant__programme=ParticipantFactory().programme)
    record = purge_programme(programme=programme)
    assert not Visa.objects.filter(participant__programme=programme).exists()
    assert list(Visa.objects.all()) == [kept]
    assert (record.participants, record.fields, record.field_labels) == (1, ["visa"], ["visa"])
    assert purge_programme(programme=programme) is None


def test_erasure_deletes_the_visa(programme):
    person = ParticipantFactory(programme=programme)
    VisaFactory(participant=person, reference="B211A-1")
    record = erase_participant(participant=person, by=None, keep_certificate=False)
    assert not Visa.objects.exists()
    assert record.kind == PersonalDataRemoval.Kind.ERASURE
    assert record.fields[-1] == "visa"
