"""Every way the app changes what a delegate's agenda shows shows at once on the page and in
the feed, and changes the feed's ETag, so that calendar apps polling with it get the change;
writes of anything else keep the ETag, so that they keep getting "not modified"."""

import re
from collections.abc import Callable
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from participants import imports
from participants.models import Participant
from visits.assignments import (
    assign_participants,
    check_in_by_badge,
    move_assignment,
    record_attendance,
    remove_assignment,
    split_participants_into_groups,
)
from visits.models import (
    Assignment,
    Session,
    SessionMaterial,
    Site,
    Vehicle,
    VisitGroup,
)
from visits.services import move_item, save_item, toggle_cancelled

from ..conftest import client_for
from ..factories import (
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SiteFactory,
    UserFactory,
)


class Agenda:
    """A delegate booked on a site visit with group, vehicle, material and a speaker."""

    def __init__(self, programme) -> None:
        self.programme = programme
        self.delegate = ParticipantFactory(
            programme=programme,
            status="confirmed",
            user=UserFactory(),
            feed_token="agenda-changes-feed",
        )
        self.speaker = ParticipantFactory(programme=programme, full_name="Ana Speaker")
        self.site = SiteFactory()
        self.item = SessionFactory(programme=programme, site=self.site, title_en="Visit")
        self.item.speaker_participants.add(self.speaker)
        self.group = VisitGroup.objects.create(session=self.item, name="First", capacity=30)
        self.vehicle = Vehicle.objects.create(session=self.item, name="Bus 1", seats=30)
        self.material = SessionMaterial.objects.create(
            session=self.item, title="Slides", url="https://example.org/slides.pdf"
        )
        self.booking = Assignment.objects.create(
            participant=self.delegate, session=self.item, group=self.group, vehicle=self.vehicle
        )
        # Made beforehand, so that only the change under test writes.
        self.other_group = VisitGroup.objects.create(session=self.item, name="B", capacity=30)
        self.other_item = SessionFactory(programme=programme, title_en="Workshop")
        # A guest speaker from another programme (the admin allows it).
        self.guest = ParticipantFactory(programme=ProgrammeFactory(), full_name="Guest")
        self.item.speaker_participants.add(self.guest)

    def fresh_item(self) -> Session:
        return Session.objects.get(pk=self.item.pk)

    def feed(self, client, etag: str = "") -> tuple[int, str, str]:
        """Status, ETag and body (without its time stamps) of the feed."""
        url = reverse("visits:feed", args=[self.delegate.feed_token])
        response = client.get(url, headers={"if-none-match": etag} if etag else {})
        body = re.sub(r"DTSTAMP:\S+", "", response.content.decode())
        return response.status_code, response["ETag"], body


@pytest.fixture
def agenda(programme) -> Agenda:
    return Agenda(programme)


def rename_item(a: Agenda) -> None:
    item = a.fresh_item()
    item.title_en = "Renamed visit"
    save_item(item=item)


def move_it(a: Agenda) -> None:
    move_item(item=a.fresh_item(), programme=a.programme, to_day=None, to_time=time(15, 0))


def rename_speaker(a: Agenda) -> None:
    a.speaker.full_name_latin = "Ana Pembicara"
    a.speaker.save(update_fields=["full_name_latin", "updated_at"])


def import_speaker_name(a: Agenda) -> None:
    """An import updates participants in bulk, matched by e-mail."""
    table = imports.read_csv(
        "Category,Full name (as in passport),E-mail\n"
        f"speaker,Ana Imported,{a.speaker.email}\n".encode()
    )
    batch = imports.stage_import(programme=a.programme, table=table, file_name="x.csv", by=None)
    imports.apply_import(batch=batch, by=None)
    assert Participant.objects.get(pk=a.speaker.pk).full_name == "Ana Imported"


def book_on_another_item(a: Agenda) -> None:
    result = assign_participants(session=a.other_item, participants=[a.delegate], by=None)
    assert len(result.added) == 1


def save_site(a: Agenda) -> None:
    a.site.name = "Renamed library"
    a.site.save()


def edit_group(a: Agenda) -> None:
    a.group.guide_name = "Budi"
    a.group.save()


def delete_vehicle(a: Agenda) -> None:
    Vehicle.objects.get(pk=a.vehicle.pk).delete()


def move_to_other_group(a: Agenda) -> None:
    move_assignment(assignment=a.booking, group=a.other_group, vehicle=None, by=None)


# Every way the app changes what a delegate's agenda shows, with its own ways of writing:
# services, forms and the admin (single saves and deletes), bulk writes (which set
# `updated_at`, as saves do).
def now() -> dict:
    return {"updated_at": timezone.now()}


CHANGES: dict[str, Callable[[Agenda], object]] = {
    "item edited": rename_item,
    "item moved": move_it,
    "item cancelled": lambda a: toggle_cancelled(item=a.fresh_item()),
    "item deleted": lambda a: a.fresh_item().delete(),
    "items updated in bulk": lambda a: Session.objects.filter(pk=a.item.pk).update(
        room="B2", **now()
    ),
    "speakers replaced": lambda a: save_item(item=a.fresh_item(), speaker_participants=[]),
    "speaker added": lambda a: a.item.speaker_participants.add(
        ParticipantFactory(programme=a.programme)
    ),
    "speakers cleared": lambda a: a.item.speaker_participants.clear(),
    "speaker's items cleared": lambda a: a.speaker.sessions_as_speaker.clear(),
    "speaker's item removed": lambda a: a.speaker.sessions_as_speaker.remove(a.item),
    "speaker renamed": rename_speaker,
    "speaker deleted": lambda a: Participant.objects.get(pk=a.speaker.pk).delete(),
    "speaker renamed by an import": import_speaker_name,
    "guest speaker renamed": lambda a: Participant.objects.filter(pk=a.guest.pk).update(
        full_name="Guest, renamed", **now()
    ),
    "guest speaker's programme deleted": lambda a: a.guest.programme.delete(),
    "site saved": save_site,
    "sites updated in bulk": lambda a: Site.objects.filter(pk=a.site.pk).update(
        city="Bogor", **now()
    ),
    "group edited": edit_group,
    "group deleted": lambda a: VisitGroup.objects.get(pk=a.group.pk).delete(),
    "groups split": lambda a: split_participants_into_groups(
        session=a.item, group_count=2, capacity=10, replace=True, by=None
    ),
    "vehicle deleted": delete_vehicle,
    "vehicles updated in bulk": lambda a: Vehicle.objects.update(plate="B 1 XYZ", **now()),
    "booked on another item": book_on_another_item,
    "moved to another group": move_to_other_group,
    "booking removed": lambda a: remove_assignment(assignment=a.booking, by=None),
    "bookings deleted in bulk": lambda a: Assignment.objects.filter(
        participant=a.delegate
    ).delete(),
}
# Materials are on the page only, not in the feed.
PAGE_ONLY_CHANGES: dict[str, Callable[[Agenda], object]] = {
    "material added": lambda a: SessionMaterial.objects.create(
        session=a.item, title="Handout", url="https://example.org/handout.pdf"
    ),
    "materials deleted in bulk": lambda a: a.item.materials.all().delete(),
}


def _page(client) -> str:
    response = client.get(reverse("visits:my_agenda"))
    assert response.status_code == 200
    page = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_shows_at_once_and_changes_the_feeds_etag(agenda, change, client):
    delegate_client = client_for(agenda.delegate.user)
    page_before = _page(delegate_client)
    status, etag, body = agenda.feed(client)
    assert status == 200
    assert agenda.feed(client, etag)[0] == 304
    CHANGES[change](agenda)
    status, new_etag, new_body = agenda.feed(client, etag)
    assert (status, new_etag != etag, new_body != body) == (200, True, True)
    assert _page(delegate_client) != page_before


@pytest.mark.parametrize("change", PAGE_ONLY_CHANGES)
def test_changes_of_materials_show_on_the_page_at_once(agenda, change):
    client = client_for(agenda.delegate.user)
    before = _page(client)
    PAGE_ONLY_CHANGES[change](agenda)
    assert _page(client) != before


# Writes of what no agenda shows, some of them frequent while the programme runs.
UNSEEN = {
    "attendance recorded": lambda a: record_attendance(
        assignment=a.booking, attended=True, by=None
    ),
    "badge scanned": lambda a: check_in_by_badge(
        session=a.item, code=a.delegate.badge_code, by=None
    ),
    "attendance updated in bulk": lambda a: Assignment.objects.filter(session=a.item).update(
        attended=False
    ),
    "participant's status saved": lambda a: a.speaker.save(update_fields=["status"]),
    "new participant": lambda a: ParticipantFactory(programme=a.programme),
}


@pytest.mark.parametrize("write", UNSEEN)
def test_writes_of_what_the_feed_does_not_show_keep_its_etag(agenda, write, client):
    _status, etag, _body = agenda.feed(client)
    UNSEEN[write](agenda)
    assert agenda.feed(client, etag)[0] == 304


def test_a_change_elsewhere_keeps_the_etag(agenda, client):
    _status, etag, _body = agenda.feed(client)
    other = ProgrammeFactory()
    item = SessionFactory(programme=other, title_en="Elsewhere")
    Assignment.objects.create(participant=ParticipantFactory(programme=other), session=item)
    item.title_en = "Elsewhere, renamed"
    item.save()
    # Another delegate's bookings in the same programme are not on this agenda either.
    Assignment.objects.create(
        participant=ParticipantFactory(programme=agenda.programme), session=agenda.item
    )
    assert agenda.feed(client, etag)[0] == 304
