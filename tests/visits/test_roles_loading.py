"""The signed-in user's roles, loaded on every request: two queries, whatever they hold."""

from datetime import timedelta

from participants.models import Participant
from participants.roles import UserRoles
from programs.models import ProgrammeMembership

from ..factories import MembershipFactory, ParticipantFactory, ProgrammeFactory, UserFactory


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_roles_are_the_orms_records(cast, programme, django_assert_num_queries):
    user = cast["delegate"]
    earlier = ProgrammeFactory(start_date=programme.start_date - timedelta(days=400))
    ParticipantFactory(programme=earlier, user=user, home_time_zone="Europe/Berlin")
    MembershipFactory(programme=earlier, user=user, role="staff")
    roles = UserRoles(user)

    with django_assert_num_queries(2):
        participations = roles.participations
        memberships = roles.memberships
        programmes = [participant.programme for participant in participations]

    expected = (
        Participant.objects.filter(user=user)
        .select_related("programme")
        .order_by("-programme__start_date")
    )
    assert [fields(p) for p in participations] == [fields(p) for p in expected]
    assert [fields(p) for p in programmes] == [fields(p.programme) for p in expected]
    assert [fields(m) for m in memberships] == [
        fields(m) for m in ProgrammeMembership.objects.filter(user=user)
    ]
    assert roles.is_delegate and roles.is_staff_member and not roles.is_organiser


def test_records_from_roles_save_as_the_orms_do(cast, programme):
    participant = UserRoles(cast["delegate"]).participations[0]
    participant.home_time_zone = "Asia/Tokyo"
    participant.save()
    assert Participant.objects.filter(user=cast["delegate"]).count() == 1
    assert Participant.objects.get(pk=participant.pk).home_time_zone == "Asia/Tokyo"


def test_roles_of_someone_with_none(db):
    roles = UserRoles(UserFactory())
    assert (roles.participations, roles.memberships) == ([], [])
    assert not roles.works_on_programmes
