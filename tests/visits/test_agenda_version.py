"""The version of a delegate's agenda: the cached page and feed are keyed by it, so every way
the app writes what they show must change it, and writes of anything else must not."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import time

import pytest
from django.db import connection, connections, transaction

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
    agenda_version,
)
from visits.services import move_item, save_item, toggle_cancelled

from ..factories import ParticipantFactory, ProgrammeFactory, SessionFactory, SiteFactory


class Agenda:
    """A delegate booked on a site visit with group, vehicle, material and a speaker."""

    def __init__(self, programme) -> None:
        self.programme = programme
        self.delegate = ParticipantFactory(programme=programme, status="confirmed")
        self.speaker = ParticipantFactory(programme=programme, full_name="Ana Speaker")
        self.site = SiteFactory()
        self.item = SessionFactory(programme=programme, site=self.site, title_en="Visit")
        self.item.speaker_participants.add(self.speaker)
        self.group = VisitGroup.objects.create(session=self.item, name="Group A", capacity=30)
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
# services, forms and the admin (single saves and deletes), bulk writes.
CHANGES: dict[str, Callable[[Agenda], object]] = {
    "item edited": rename_item,
    "item moved": move_it,
    "item cancelled": lambda a: toggle_cancelled(item=a.fresh_item()),
    "item deleted": lambda a: a.fresh_item().delete(),
    "items updated in bulk": lambda a: Session.objects.filter(pk=a.item.pk).update(room="B2"),
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
    "guest speaker renamed": lambda a: Participant.objects.get(pk=a.guest.pk).save(),
    "guest speaker's programme deleted": lambda a: a.guest.programme.delete(),
    "site saved": save_site,
    "sites updated in bulk": lambda a: Site.objects.filter(pk=a.site.pk).update(city="Bogor"),
    "group edited": edit_group,
    "group deleted": lambda a: VisitGroup.objects.get(pk=a.group.pk).delete(),
    "groups split": lambda a: split_participants_into_groups(
        session=a.item, group_count=2, capacity=10, replace=True, by=None
    ),
    "vehicle deleted": delete_vehicle,
    "vehicles updated in bulk": lambda a: Vehicle.objects.update(plate="B 1 XYZ"),
    "material added": lambda a: SessionMaterial.objects.create(
        session=a.item, title="Handout", url="https://example.org/handout.pdf"
    ),
    "materials deleted in bulk": lambda a: a.item.materials.all().delete(),
    "booked on another item": book_on_another_item,
    "moved to another group": move_to_other_group,
    "booking removed": lambda a: remove_assignment(assignment=a.booking, by=None),
    "bookings deleted in bulk": lambda a: Assignment.objects.filter(
        participant=a.delegate
    ).delete(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_what_the_agenda_shows_changes_its_version(agenda, change):
    before = agenda_version(agenda.delegate)
    assert agenda_version(agenda.delegate) == before
    CHANGES[change](agenda)
    assert agenda_version(agenda.delegate) != before


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
def test_writes_of_what_no_agenda_shows_keep_its_version(agenda, write):
    before = agenda_version(agenda.delegate)
    UNSEEN[write](agenda)
    assert agenda_version(agenda.delegate) == before


def test_a_change_elsewhere_keeps_the_version(agenda):
    before = agenda_version(agenda.delegate)
    other = ProgrammeFactory()
    item = SessionFactory(programme=other, title_en="Elsewhere")
    Assignment.objects.create(participant=ParticipantFactory(programme=other), session=item)
    item.title_en = "Elsewhere, renamed"
    item.save()
    # Another delegate's bookings in the same programme are not on this agenda either.
    Assignment.objects.create(
        participant=ParticipantFactory(programme=agenda.programme), session=agenda.item
    )
    assert agenda_version(agenda.delegate) == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions")
def test_a_change_and_its_version_become_visible_together():
    """Until the change commits, other requests read the old rows with the old version, so
    what they render is never stored under the new one."""
    agenda = Agenda(ProgrammeFactory())
    before = agenda_version(agenda.delegate)

    def read_elsewhere() -> tuple[str, str]:
        try:
            return agenda_version(agenda.delegate), agenda.fresh_item().title_en
        finally:
            connections.close_all()

    with transaction.atomic():
        rename_item(agenda)
        with ThreadPoolExecutor(max_workers=1) as pool:
            assert pool.submit(read_elsewhere).result() == (before, "Visit")
    with ThreadPoolExecutor(max_workers=1) as pool:
        after, title = pool.submit(read_elsewhere).result()
    assert (after != before, title) == (True, "Renamed visit")
