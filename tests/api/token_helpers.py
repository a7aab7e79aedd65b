"""Personal tokens and JSON requests for the API tests."""

from django.test import Client

from programs.api_token_models import ApiToken


def token_client(user, *programmes, write: bool = False, passports: bool = False) -> Client:
    """A client that sends a new token of `user` reaching `programmes` (and nothing else)."""
    token = ApiToken(user=user, name="Tests", can_write=write, can_see_passports=passports)
    secret = token.set_new_secret()
    token.save()
    token.programmes.set(programmes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def session_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
