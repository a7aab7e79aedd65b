"""Focal points: invited to a delegation by e-mail, listed and removed by organisers."""

from django.core import mail
from django.urls import reverse

from programs.models import FocalPoint

from ..conftest import client_for
from ..factories import DelegationFactory, FocalPointFactory, MembershipFactory, UserFactory


def test_organiser_invites_a_new_focal_point(programme, django_capture_on_commit_callbacks):
    delegation = DelegationFactory(programme=programme)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("programs:focal_points", args=[programme.slug, delegation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(url, {"email": "Agency@Example.org"})

    assert response.status_code == 302
    focal_point = FocalPoint.objects.get()
    assert (focal_point.delegation, focal_point.user.email) == (delegation, "agency@example.org")
    assert focal_point.invited_by == organiser
    assert focal_point.user.has_usable_password() is False
    assert [m.to for m in mail.outbox] == [["agency@example.org"]]
    assert f"focal point of {delegation.origin}" in mail.outbox[0].body
    assert "Send me a sign-in code" in mail.outbox[0].body
    # A focal point is not on the team.
    assert not programme.memberships.filter(user=focal_point.user).exists()


def test_inviting_an_existing_focal_point_again_is_a_field_error(programme):
    focal_point = FocalPointFactory(delegation__programme=programme)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("programs:focal_points", args=[programme.slug, focal_point.delegation.pk])
    response = client_for(organiser).post(url, {"email": focal_point.user.email})
    assert response.context["form"].errors["email"] == [
        f"{focal_point.user.email} is already a focal point of {focal_point.delegation.origin}."
    ]
    assert FocalPoint.objects.count() == 1


def test_an_existing_account_becomes_focal_point_without_a_new_account(programme):
    user = UserFactory(email="known@example.org")
    delegation = DelegationFactory(programme=programme)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("programs:focal_points", args=[programme.slug, delegation.pk])
    client_for(organiser).post(url, {"email": "known@example.org"})
    assert FocalPoint.objects.get().user == user


def test_organiser_removes_a_focal_point(programme):
    focal_point = FocalPointFactory(delegation__programme=programme)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse(
        "programs:focal_point_remove",
        args=[programme.slug, focal_point.delegation.pk, focal_point.pk],
    )
    client_for(organiser).post(url)
    assert not FocalPoint.objects.exists()
    assert focal_point.user.__class__.objects.filter(pk=focal_point.user.pk).exists()


def test_delegation_form_saves_reserves(programme):
    delegation = DelegationFactory(programme=programme, seats=2, reserves=1)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    url = reverse("programs:delegation_edit", args=[programme.slug, delegation.pk])
    client_for(organiser).post(
        url,
        {"kind": "international", "country": delegation.country_id, "seats": 2, "reserves": 3},
    )
    delegation.refresh_from_db()
    assert delegation.reserves == 3


def test_delegations_page_shows_reserves_and_focal_points(programme):
    focal_point = FocalPointFactory(delegation__programme=programme, delegation__reserves=4)
    organiser = MembershipFactory(programme=programme, role="organiser").user
    page = client_for(organiser).get(reverse("programs:delegations", args=[programme.slug]))
    html = page.content.decode()
    assert "1 focal point" in html
    assert (
        reverse("programs:focal_points", args=[programme.slug, focal_point.delegation.pk]) in html
    )


def test_focal_point_finds_the_call_from_the_start_page(programme):
    focal_point = FocalPointFactory(delegation__programme=programme)
    page = client_for(focal_point.user).get(reverse("home")).content.decode()
    assert reverse("participants:nominations", args=[programme.slug]) in page
    assert 'href="/#nominating"' in page
