import socket

import pytest
from django.core.exceptions import ValidationError

from programs.models import ProgrammeMembership
from programs.services import (
    add_team_member,
    remove_team_member,
    set_programme_archived,
    unique_programme_slug,
)
from tests.factories import MembershipFactory, ProgrammeFactory

SIGN_IN = "https://tpbis.example.org/accounts/login/"


def test_unique_programme_slug_counts_up_when_taken(db):
    assert unique_programme_slug("TPBIS 2024") == "tpbis-2024"
    ProgrammeFactory(slug="tpbis-2024")
    assert unique_programme_slug("TPBIS 2024") == "tpbis-2024-2"
    ProgrammeFactory(slug="tpbis-2024-2")
    assert unique_programme_slug("TPBIS 2024") == "tpbis-2024-3"


def test_unique_programme_slug_without_latin_letters(db):
    assert unique_programme_slug("ТПБИС") == "programme"


def test_unique_programme_slug_fits_the_field(db):
    slug = unique_programme_slug("x" * 40 + " " + "y" * 40)
    assert len(slug) <= 50
    ProgrammeFactory(slug=slug)
    assert len(unique_programme_slug("x" * 40 + " " + "y" * 40)) <= 60


def test_set_programme_archived_keeps_the_first_date(programme):
    set_programme_archived(programme=programme, archived=True)
    first = programme.archived_at
    set_programme_archived(programme=programme, archived=True)
    programme.refresh_from_db()
    assert programme.archived_at == first
    set_programme_archived(programme=programme, archived=False)
    programme.refresh_from_db()
    assert programme.archived_at is None


def test_add_team_member_twice_raises_a_validation_error(programme, mailoutbox):
    # Two organisers adding the same person at once: the second gets an error, not a 500.
    add_team_member(programme=programme, email="ana@example.org", role="staff", sign_in_url=SIGN_IN)
    with pytest.raises(ValidationError) as raised:
        add_team_member(
            programme=programme, email="ANA@example.org", role="organiser", sign_in_url=SIGN_IN
        )
    assert raised.value.messages == ["ana@example.org is already in this programme's team."]
    assert programme.memberships.get().role == "staff"


def test_add_team_member_keeps_the_membership_when_the_mail_server_is_down(
    programme, settings, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with django_capture_on_commit_callbacks(execute=True):
        membership, created = add_team_member(
            programme=programme, email="ana@example.org", role="staff", sign_in_url=SIGN_IN
        )
    assert created
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()
    assert "Could not e-mail ana@example.org" in caplog.text


def test_remove_team_member_refuses_the_only_organiser_but_not_staff(programme):
    organiser = MembershipFactory(programme=programme, role="organiser")
    staff = MembershipFactory(programme=programme, role="staff")
    with pytest.raises(ValidationError):
        remove_team_member(membership=organiser)
    remove_team_member(membership=staff)
    assert list(programme.memberships.all()) == [organiser]
