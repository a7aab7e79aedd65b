"""The "Programme office" group: who may create programmes, and what becomes of the creator."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programs.models import Programme
from programs.permissions import PROGRAMME_OFFICE_GROUP
from programs.services import programme_office_group
from tests.conftest import client_for
from tests.factories import UserFactory

from .test_forms import programme_data


def _in_programme_office(user):
    user.groups.add(Group.objects.get(name=PROGRAMME_OFFICE_GROUP))
    return user


def test_programme_office_group_exists_with_the_add_programme_permission(db):
    group = Group.objects.get(name=PROGRAMME_OFFICE_GROUP)
    assert [p.codename for p in group.permissions.all()] == ["add_programme"]
    assert group.user_set.count() == 0


def test_programme_office_member_creates_a_programme_and_organises_it(cast):
    user = _in_programme_office(cast["organiser"])
    client = client_for(user)
    response = client.post(reverse("programs:create"), programme_data())
    programme = Programme.objects.get(short_name_en="KSP Digital 2025")
    assert response["Location"] == reverse("participants:dashboard", args=[programme.slug])
    assert list(programme.memberships.values_list("user", "role")) == [(user.pk, "organiser")]
    assert client.get(reverse("programs:edit", args=[programme.slug])).status_code == 200


@pytest.mark.parametrize("role", ["delegate", "staff", "other_organiser", "organiser"])
def test_create_refused_without_the_group(cast, role):
    client = client_for(cast[role])
    before = Programme.objects.count()
    assert client.get(reverse("programs:create")).status_code == 403
    assert client.post(reverse("programs:create"), programme_data()).status_code == 403
    assert Programme.objects.count() == before


def test_create_refused_once_taken_out_of_the_group(cast):
    user = _in_programme_office(cast["organiser"])
    user.groups.clear()
    assert client_for(user).get(reverse("programs:create")).status_code == 403


def test_home_new_programme_link_only_for_the_programme_office(db):
    member, other = _in_programme_office(UserFactory()), UserFactory()
    link = f'<a class="button" href="{reverse("programs:create")}">New programme</a>'
    assert link in client_for(member).get(reverse("home")).content.decode()
    assert reverse("programs:create") not in client_for(other).get(reverse("home")).content.decode()


def test_programme_office_group_is_made_again_when_missing(db):
    Group.objects.filter(name=PROGRAMME_OFFICE_GROUP).delete()
    user = UserFactory()
    programme_office_group().user_set.add(user)
    assert client_for(user).get(reverse("programs:create")).status_code == 200
    assert programme_office_group().user_set.get() == user
