"""Personal API tokens: hashed, scoped, revocable, rate limited; the account's token pages."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from participants.models import PersonalDataAccess
from programs.models import ApiToken, Programme
from programs.services import issue_api_token
from tests.conftest import client_for
from tests.factories import (
    ApiTokenFactory,
    MembershipFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
)

from .support import organiser_token, token_client

pytestmark = pytest.mark.django_db


def programme_url(programme: Programme) -> str:
    return reverse("api:programme-detail", args=[programme.slug])


def test_token_is_stored_as_the_hash_of_its_secret(programme):
    user = MembershipFactory(programme=programme).user
    token, secret = issue_api_token(
        user=user, name="Sync", programmes=[programme], can_write=False, can_see_passports=False
    )
    stored = ApiToken.objects.values().get(pk=token.pk)
    assert secret.startswith("tpbis_") and len(secret) > 40
    assert secret not in str(stored)
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert stored["prefix"] == secret[:12]
    assert list(token.programmes.all()) == [programme]


def test_token_reads_its_programme(programme):
    token = organiser_token(programme)
    response = token_client(token).get(programme_url(programme))
    assert response.status_code == 200
    assert response.json()["slug"] == programme.slug


def test_request_without_credentials_gets_401_with_a_bearer_challenge(programme):
    response = client_for(None).get(programme_url(programme))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }


@pytest.mark.parametrize("case", ["revoked", "unknown", "user deactivated"])
def test_unusable_token_is_refused(programme, case):
    token = organiser_token(programme)
    if case == "revoked":
        token.revoke()
    elif case == "unknown":
        token.secret += "x"
    else:
        token.user.is_active = False
        token.user.save()
    response = token_client(token).get(programme_url(programme))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_token_does_not_reach_programmes_it_does_not_list(programme):
    token = organiser_token(programme)
    other = ProgrammeFactory()
    MembershipFactory(programme=other, user=token.user)
    client = token_client(token)
    # The user organises both; the token lists one.
    assert client.get(programme_url(other)).status_code == 404
    listed = client.get(reverse("api:programme-list")).json()["results"]
    assert [row["slug"] for row in listed] == [programme.slug]
    url = reverse("api:participant-list", args=[other.slug])
    assert client.get(url).status_code == 404


def test_token_without_programmes_reaches_nothing(programme):
    token = ApiTokenFactory(user=MembershipFactory(programme=programme).user)
    assert token_client(token).get(reverse("api:programme-list")).json()["results"] == []


def test_token_never_goes_beyond_the_users_role(programme):
    staff = MembershipFactory(programme=programme, role="staff").user
    token = ApiTokenFactory(user=staff, programmes=[programme], can_write=True)
    url = reverse("api:delegation-list", args=[programme.slug])
    # The delegations page is the organisers': staff get 403 with or without a token.
    assert token_client(token).get(url).status_code == 403


def test_read_only_token_may_not_change_anything(programme):
    token = organiser_token(programme)
    response = token_client(token).patch(
        programme_url(programme), {"venue_city": "Bandung"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    programme.refresh_from_db()
    assert programme.venue_city == "Jakarta"


def test_write_token_changes_its_programme(programme):
    token = organiser_token(programme, can_write=True)
    response = token_client(token).patch(
        programme_url(programme), {"venue_city": "Bandung"}, content_type="application/json"
    )
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.venue_city == "Bandung"


@pytest.mark.parametrize("passports", [False, True])
def test_passport_details_need_the_passport_scope(programme, passports):
    participant = ParticipantFactory(programme=programme, passport_number="C1234567")
    token = organiser_token(programme, can_see_passports=passports)
    url = reverse("api:participant-detail", args=[programme.slug, participant.pk])
    body = token_client(token).get(url).json()
    assert ("passport_number" in body) is passports
    assert body.get("passport_number") == ("C1234567" if passports else None)
    # Every answer with passport details is in the access log, and only those.
    logged = PersonalDataAccess.objects.filter(programme=programme, accessed_by=token.user)
    assert [row.participant_ids for row in logged] == ([[participant.pk]] if passports else [])


def test_last_use_is_recorded_at_most_once_a_minute(programme, django_assert_num_queries):
    token = organiser_token(programme)
    client = token_client(token)
    client.get(programme_url(programme))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(programme_url(programme))
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get(programme_url(programme))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_requests_over_the_rate_limit_get_429(programme, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "2/min", "api_anonymous": "1/min"},
    }
    token = organiser_token(programme)
    client = token_client(token)
    statuses = [client.get(programme_url(programme)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(programme_url(programme))
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another token of the same user has its own count.
    other = ApiTokenFactory(user=token.user, programmes=[programme])
    assert token_client(other).get(programme_url(programme)).status_code == 200
    # Without credentials: the public schema is limited per address.
    anonymous = client_for(None)
    assert [anonymous.get(reverse("api_schema")).status_code for _ in range(2)] == [200, 429]


# --- The account's token pages ---------------------------------------------------------


def test_new_token_is_shown_once(programme):
    user = MembershipFactory(programme=programme).user
    client = client_for(user)
    response = client.post(
        reverse("accounts:api_tokens"),
        {"name": "Registration sync", "programmes": [programme.pk], "can_write": "on"},
        follow=True,
    )
    token = ApiToken.objects.get(user=user)
    page = response.content.decode()
    secret = page.split("<code>")[1].split("</code>")[0]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert response["Cache-Control"] == "no-store"
    assert (token.name, token.can_write, token.can_see_passports) == (
        "Registration sync",
        True,
        False,
    )
    # Shown once: not on the next visit, nor in the session.
    assert "api_token_secret" not in client.session
    later = client.get(reverse("accounts:api_tokens")).content.decode()
    assert secret not in later
    assert f"<code>{token.prefix}…</code>" in later
    assert "Never" in later


def test_token_lists_only_programmes_of_the_users_roles(programme):
    user = MembershipFactory(programme=programme).user
    participation = ParticipantFactory(user=user).programme
    other = ProgrammeFactory()
    response = client_for(user).post(
        reverse("accounts:api_tokens"), {"name": "Sync", "programmes": [other.pk]}
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    choices = set(response.context["form"].fields["programmes"].queryset)
    assert choices == {programme, participation}


def test_token_page_shows_last_use_and_revocation(programme):
    token = organiser_token(programme)
    token.last_used_at = timezone.now()
    token.save()
    revoked = ApiTokenFactory(user=token.user, name="Old script")
    revoked.revoke()
    page = client_for(token.user).get(reverse("accounts:api_tokens")).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%H:%M") in page
    assert "Revoked on" in page


def test_revoking_asks_then_revokes(programme):
    token = organiser_token(programme)
    client = client_for(token.user)
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    asking = client.post(url)
    assert "Revoke the token" in asking.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post(url, {"confirmed": "1"})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(token).get(programme_url(programme)).status_code == 401


def test_nobody_revokes_another_users_token(programme):
    token = organiser_token(programme)
    url = reverse("accounts:api_token_revoke", args=[token.pk])
    response = client_for(UserFactory()).post(url, {"confirmed": "1"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_command_prints_a_new_token_for_the_accounts_programmes(programme):
    user = MembershipFactory(programme=programme).user
    ProgrammeFactory()  # not the user's: left out
    out = StringIO()
    call_command("createapitoken", user.email.upper(), "--write", stdout=out)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (list(token.programmes.all()), token.can_write, token.can_see_passports) == (
        [programme],
        True,
        False,
    )
    with pytest.raises(CommandError, match="has no role in: elsewhere"):
        call_command("createapitoken", user.email, "--programme", "elsewhere")
