"""Clients for the API tests: with a personal token, or signed in with the session."""

from django.test import Client

from ..factories import ApiTokenFactory


def token_client(user, *programmes, write: bool = False, passports: bool = False) -> Client:
    """A client that sends a new token of `user` reaching `programmes` (and nothing else)."""
    token = ApiTokenFactory(
        user=user, programmes=list(programmes), can_write=write, can_see_passports=passports
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token.secret}")


def session_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
