"""Clients of the API for the tests: with a token, or with a signed-in session."""

from django.test import Client


def token_client(token) -> Client:
    """A client that sends `token`'s secret (ApiTokenFactory keeps it on `token.secret`)."""
    return Client(headers={"Authorization": f"Bearer {token.secret}"})


def organiser_token(programme, **kwargs):
    """A token of a new organiser of `programme`, reaching it."""
    from tests.factories import ApiTokenFactory, MembershipFactory

    organiser = MembershipFactory(programme=programme, role="organiser").user
    return ApiTokenFactory(user=organiser, programmes=[programme], **kwargs)
