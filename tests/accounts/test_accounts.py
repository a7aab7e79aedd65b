import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import PASSWORD, AuthenticatorFactory, UserFactory


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/"


def test_login_by_email_and_password(client, db):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_login_page_offers_no_sign_up(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert "sign up" not in page.lower()
    assert client.get(reverse("account_signup")).status_code == 200
    assert "closed" in client.get(reverse("account_signup")).content.decode().lower()


def test_unverified_email_gets_a_verification_message(client, db):
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert client.get(reverse("home")).status_code == 302


def test_login_by_emailed_code(client, db):
    user = UserFactory()
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.MULTILINE)[1]
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_wrong_login_code_is_refused(client, db):
    user = UserFactory()
    client.post(reverse("account_request_login_code"), {"email": user.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_link(client, db):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox[0].to == [user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, db):
    user = UserFactory()
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "no"})
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [("delegate", 403), ("staff", 403), ("organiser", 403), ("admin", 200)],
)
def test_django_admin_only_for_admins(cast, role, expected):
    response = client_for(cast[role]).get("/admin/", follow=True)
    assert response.status_code == expected
    assert ("TPBIS administration" in response.content.decode()) == (role == "admin")


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_mfa_required_for_privileged_roles_when_configured(cast, settings, role):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    response = client_for(cast[role]).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", ["delegate", "staff"])
def test_mfa_not_forced_on_other_roles(cast, settings, role):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    response = client_for(cast[role]).get(reverse("home"))
    assert [t.name for t in response.templates][:1] == ["home.html"]


def test_mfa_enrolled_organiser_gets_in(cast, settings):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True
    AuthenticatorFactory(user=cast["organiser"])
    response = client_for(cast["organiser"]).get(reverse("home"))
    assert [t.name for t in response.templates][:1] == ["home.html"]


def test_mfa_not_required_by_default(cast):
    response = client_for(cast["organiser"]).get(reverse("home"))
    assert [t.name for t in response.templates][:1] == ["home.html"]


@pytest.mark.parametrize("how", ["cookie", "header"])
def test_login_code_mail_is_in_the_visitors_language(client, db, how):
    user = UserFactory()
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
        headers = {}
    else:
        headers = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}
    client.post(reverse("account_request_login_code"), {"email": user.email}, headers=headers)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[TPBIS] Kode Masuk"
    assert "Kode masuk Anda tercantum di bawah ini." in message.body
    assert "Your sign-in code" not in message.body
