"""The start page: programmes worked on (archived ones on request) and programmes attended."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from programs.models import Programme, ProgrammeMembership
from tests.conftest import client_for
from tests.factories import MembershipFactory, ParticipantFactory, ProgrammeFactory, UserFactory


def _archive(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(archived_at=timezone.now())


def _titles(response) -> list[str]:
    return [programme.title_en for programme in response.context["programmes"]]


def test_home_links_each_programme_to_its_dashboard(cast, programme):
    content = client_for(cast["organiser"]).get(reverse("home")).content.decode()
    dashboard = reverse("participants:dashboard", args=[programme.slug])
    assert f'<a href="{dashboard}">{programme.title_en}</a>' in content


def test_home_hides_archived_programmes_until_asked(cast, programme):
    _archive(programme)
    client = client_for(cast["organiser"])
    response = client.get(reverse("home"))
    assert _titles(response) == []
    content = response.content.decode()
    assert "All your programmes are archived." in content
    assert f'href="{reverse("home")}?archived=1">Show 1 archived programme</a>' in content

    response = client.get(reverse("home"), {"archived": "1"})
    assert _titles(response) == [programme.title_en]
    assert '<span class="badge status-archived">Archived</span>' in response.content.decode()


def test_home_shows_a_restored_programme_again(cast, programme):
    client = client_for(cast["organiser"])
    client.post(reverse("programs:archive", args=[programme.slug]), {"action": "archive"})
    assert _titles(client.get(reverse("home"))) == []
    client.post(reverse("programs:archive", args=[programme.slug]), {"action": "restore"})
    response = client.get(reverse("home"))
    assert _titles(response) == [programme.title_en]
    assert "archived programme" not in response.content.decode()


def test_home_lists_active_before_hidden_archived_ones_for_admins(cast, programme):
    old = ProgrammeFactory(title_en="An old programme")
    _archive(old)
    response = client_for(cast["admin"]).get(reverse("home"))
    assert old.title_en not in _titles(response)
    assert programme.title_en in _titles(response)
    response = client_for(cast["admin"]).get(reverse("home"), {"archived": "1"})
    assert old.title_en in _titles(response)


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("delegate", False),
        ("staff", False),
        ("other_organiser", False),
        ("organiser", False),
        ("admin", True),
    ],
)
def test_home_new_programme_button(cast, role, shown):
    content = client_for(cast[role]).get(reverse("home")).content.decode()
    assert (reverse("programs:create") in content) == shown


def test_home_new_programme_button_for_holders_of_the_permission(db):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_programme"))
    content = client_for(user).get(reverse("home")).content.decode()
    assert f'<a class="button" href="{reverse("programs:create")}">New programme</a>' in content
    assert "There is no programme yet. Create the first one." in content


def test_home_still_shows_delegates_the_programmes_they_attend(cast, programme):
    response = client_for(cast["delegate"]).get(reverse("home"))
    content = response.content.decode()
    assert "Programmes you attend" in content
    assert programme.title_en in content
    assert "Programmes you work on" not in content


@pytest.mark.parametrize("size", [10, 100])
def test_home_query_count_for_an_admin(db, size, django_assert_num_queries):
    admin = UserFactory(is_superuser=True, is_staff=True)
    programmes = Programme.objects.bulk_create(
        ProgrammeFactory.build(slug=f"p-{n}", archived_at=timezone.now() if n % 3 == 0 else None)
        for n in range(size)
    )
    client = client_for(admin)
    # session, user, the user's memberships, participations and focal points (roles), the
    # programmes.
    with django_assert_num_queries(6):
        response = client.get(reverse("home"))
    assert response.context["archived_count"] == len([p for p in programmes if p.archived_at])


@pytest.mark.parametrize("size", [10, 100])
def test_home_query_count_for_an_organiser(db, size, django_assert_num_queries):
    organiser = UserFactory()
    programmes = Programme.objects.bulk_create(
        ProgrammeFactory.build(slug=f"p-{n}") for n in range(size)
    )
    ProgrammeMembership.objects.bulk_create(
        MembershipFactory.build(programme=p, user=organiser, role="organiser") for p in programmes
    )
    client = client_for(organiser)
    # session, user, the user's memberships, participations and focal points (roles), the
    # programmes, and the user's and their groups' permissions (the "New programme" button).
    with django_assert_num_queries(8):
        response = client.get(reverse("home"))
    assert len(response.context["programmes"]) == size
    assert {p.role_label for p in response.context["programmes"]} == {"Organiser"}


def test_home_greets_a_delegate_by_the_name_they_registered_with(db, programme):
    user = UserFactory(email="lan@example.org", first_name="", last_name="")
    ParticipantFactory(programme=programme, user=user, email=user.email, full_name="Nguyễn Thị Lan")
    content = client_for(user).get(reverse("home")).content.decode()
    assert "Welcome, Nguyễn Thị Lan" in content
    assert "Welcome, lan@example.org" not in content


def test_home_greets_someone_without_any_name_by_email(db):
    user = UserFactory(email="nobody@example.org", first_name="", last_name="")
    content = client_for(user).get(reverse("home")).content.decode()
    assert "Welcome, nobody@example.org" in content
