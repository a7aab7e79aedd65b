"""A selected delegate withdraws: the office is offered the next reserve of the delegation, and
one click gives them the seat, an invitation and the released bookings."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.models import Invitation, Nomination, Participant
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    DelegationFactory,
    FocalPointFactory,
    NominationCallFactory,
    NominationFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
    VisitGroupFactory,
    member_country,
)
from visits.models import Assignment, ReleasedBooking

pytestmark = pytest.mark.django_db
Status = Nomination.Status


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def world(programme):
    """Laos (one seat, two reserves): Khamla selected and booked on a visit; Bounmy and Noy in
    reserve, Noy first."""
    programme.start_date = timezone.localdate() + timedelta(days=10)
    programme.end_date = programme.start_date + timedelta(days=4)
    programme.save()
    call = NominationCallFactory(programme=programme)
    laos = DelegationFactory(programme=programme, country=member_country("LA"), reserves=2)
    FocalPointFactory(delegation=laos, user=UserFactory(email="focal@laos.example"))
    khamla = ParticipantFactory(
        programme=programme,
        full_name="Khamla",
        country=member_country("LA"),
        status=Participant.Status.CONFIRMED,
    )
    NominationFactory(call=call, delegation=laos, status=Status.SELECTED, participant=khamla)
    bounmy = NominationFactory(
        call=call, delegation=laos, full_name="Bounmy", status=Status.RESERVE, reserve_rank=2
    )
    noy = NominationFactory(
        call=call,
        delegation=laos,
        full_name="Noy",
        email="noy@example.la",
        status=Status.RESERVE,
        reserve_rank=1,
    )
    visit = SessionFactory(
        programme=programme,
        starts_at=programme.local_datetime(programme.start_date + timedelta(days=1), 9),
        ends_at=programme.local_datetime(programme.start_date + timedelta(days=1), 12),
    )
    group = VisitGroupFactory(session=visit, name="Group A")
    AssignmentFactory(session=visit, participant=khamla, group=group)
    return {
        "call": call,
        "laos": laos,
        "khamla": khamla,
        "bounmy": bounmy,
        "noy": noy,
        "visit": visit,
        "group": group,
    }


def _withdraw(client, participant):
    return client.post(
        reverse("participants:status", args=[participant.programme.slug, participant.pk]),
        {"status": "withdrawn", "reason": "Ill", "effective_on": timezone.localdate().isoformat()},
    )


def _promote_url(participant) -> str:
    return reverse("visits:promote_reserve", args=[participant.programme.slug, participant.pk])


def test_withdrawal_offers_the_next_reserve_and_one_click_promotes_them(
    cast, programme, world, django_capture_on_commit_callbacks
):
    organiser = client_for(cast["organiser"])
    khamla, noy = world["khamla"], world["noy"]
    _withdraw(organiser, khamla)

    replace_page = organiser.get(reverse("visits:replace", args=[programme.slug, khamla.pk]))
    detail_page = organiser.get(reverse("participants:detail", args=[programme.slug, khamla.pk]))
    selection_page = organiser.get(reverse("participants:selection", args=[programme.slug]))
    for page in (replace_page, detail_page, selection_page):
        assert "Next reserve: Noy" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(_promote_url(khamla), {"reserve": noy.pk})

    noy.refresh_from_db()
    new = noy.participant
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, new.pk])
    assert (noy.status, noy.reserve_rank, noy.decision_note, noy.decided_by) == (
        Status.SELECTED,
        None,
        "Replaces Khamla.",
        cast["organiser"],
    )
    assert (new.full_name, new.replaces, new.country.code, new.status) == (
        "Noy",
        khamla,
        "LA",
        Participant.Status.INVITED,
    )
    assert list(Assignment.objects.filter(participant=new).values_list("session", "group")) == [
        (world["visit"].pk, world["group"].pk)
    ]
    assert ReleasedBooking.objects.get(participant=khamla).taken_over_by == new
    assert Invitation.objects.get(participant=new).sent_to == "noy@example.la"
    assert sorted(m.to[0] for m in mail.outbox if "Noy" in m.body or m.to == [noy.email]) == [
        "focal@laos.example",
        "noy@example.la",
        "noy@example.la",
    ]
    assert _messages(response)[-2:] == [
        "Noy replaces Khamla and takes over 1 booking.",
        "Noy was selected from the reserves and their invitation was sent.",
    ]
    # Bounmy is next in line now, and Khamla's seat is taken: nothing more is offered.
    assert Nomination.objects.get(pk=world["bounmy"].pk).status == Status.RESERVE
    again = organiser.get(reverse("participants:detail", args=[programme.slug, khamla.pk]))
    assert "Next reserve" not in again.content.decode()


def test_a_stale_offer_changes_nothing(cast, programme, world):
    organiser = client_for(cast["organiser"])
    _withdraw(organiser, world["khamla"])
    mail.outbox.clear()

    response = organiser.post(_promote_url(world["khamla"]), {"reserve": world["bounmy"].pk})

    assert _messages(response)[-1] == (
        "The reserve list changed meanwhile: Noy is now next. Please check again."
    )
    assert set(Nomination.objects.values_list("status", flat=True)) == {
        Status.SELECTED,
        Status.RESERVE,
    }
    assert not Participant.objects.filter(replaces=world["khamla"]).exists()
    assert mail.outbox == []


def test_no_reserve_left_is_said_plainly(cast, programme, world):
    Nomination.objects.filter(status=Status.RESERVE).update(
        status=Status.NOT_SELECTED, reserve_rank=None
    )
    organiser = client_for(cast["organiser"])
    _withdraw(organiser, world["khamla"])

    response = organiser.post(_promote_url(world["khamla"]))

    assert _messages(response)[-1] == "The delegation of Laos has no reserve left."
    assert not Participant.objects.filter(replaces=world["khamla"]).exists()


def test_a_delegate_who_has_not_withdrawn_cannot_be_replaced_by_a_reserve(cast, programme, world):
    response = client_for(cast["organiser"]).post(
        _promote_url(world["khamla"]), {"reserve": world["noy"].pk}
    )

    assert _messages(response)[-1].endswith("only a withdrawn international delegate can, once.")
    assert Nomination.objects.get(pk=world["noy"].pk).status == Status.RESERVE
