"""Behind a proxy every request comes from its address: rate limits count the client's."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
PASSWORD = "a-long-password-for-tests"  # noqa: S105
LOCKED = "Too many failed login attempts. Try again later."


def sign_in(client_address: str, email: str, password: str):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    return client.post(reverse("account_login"), {"login": email, "password": password})


def fail_eleven_times(client_address: str) -> None:
    # allauth allows 10 failed sign-ins a minute per address (5 per e-mail address).
    for attempt in range(11):
        sign_in(client_address, f"nobody{attempt}@example.org", "wrong")


def test_failed_sign_ins_of_one_client_do_not_lock_out_another(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="someone@example.org", password=PASSWORD)
    fail_eleven_times("198.51.100.7")
    response = sign_in("203.0.113.9", user.email, PASSWORD)
    assert (response.status_code, response["Location"]) == (302, reverse("home"))


def test_failed_sign_ins_lock_out_the_same_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="someone@example.org", password=PASSWORD)
    fail_eleven_times("198.51.100.7")
    response = sign_in("198.51.100.7", user.email, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()


def test_with_no_trusted_proxy_the_forwarded_address_is_ignored(settings):
    # A client could otherwise send a new X-Forwarded-For with each guess.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    user = UserFactory(email="someone@example.org", password=PASSWORD)
    fail_eleven_times("198.51.100.7")
    response = sign_in("203.0.113.9", user.email, PASSWORD)
    assert LOCKED in response.content.decode()


def test_the_client_address_header_of_the_proxy_is_used_when_named(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    user = UserFactory(email="someone@example.org", password=PASSWORD)
    for attempt in range(11):
        Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.7").post(
            reverse("account_login"), {"login": f"nobody{attempt}@example.org", "password": "x"}
        )
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.9")
    response = other.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))


@pytest.mark.parametrize("forwarded", [None, "198.51.100.7"])
def test_a_request_that_bypassed_the_proxies_is_counted_by_its_own_address(settings, forwarded):
    # Two trusted proxies, but fewer addresses in the header: no error, the address that
    # connected is counted.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    user = UserFactory(email="someone@example.org", password=PASSWORD)
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    client = Client(REMOTE_ADDR="192.0.2.1", **headers)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
