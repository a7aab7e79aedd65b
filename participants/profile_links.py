"""The candidate's own link to complete their nomination profile.

Only the SHA-256 hash of a token is stored (as for invitations), so every e-mail that carries
the link, the first one and each reminder, issues a new token and the link sent before stops
working.
"""

import secrets
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from .invitations import hash_token
from .nomination_models import Nomination


def issue_profile_token(nomination: Nomination, *, now: datetime | None = None) -> str:
    """A new token for the nomination's profile link; the caller e-mails it.

    Side effects: replaces `profile_token_hash` (the previous link stops working) and sets
    `profile_link_sent_at`; saves those two fields. Call it inside the transaction that sends
    the e-mail, so that a failed send keeps the previous link.
    """
    token = secrets.token_urlsafe(32)
    nomination.profile_token_hash = hash_token(token)
    nomination.profile_link_sent_at = now or timezone.now()
    nomination.save(update_fields=["profile_token_hash", "profile_link_sent_at", "updated_at"])
    return token


def profile_link(token: str, request_or_base_url: HttpRequest | str) -> str:
    path = reverse("participants:nomination_profile", args=[token])
    if isinstance(request_or_base_url, str):
        return request_or_base_url.rstrip("/") + path
    return request_or_base_url.build_absolute_uri(path)


def find_nomination_for_token(token: str) -> Nomination | None:
    """The nomination whose profile link carries `token`, with its call and programme; None
    once it is withdrawn."""
    if not token:
        return None
    return (
        Nomination.objects.select_related("call__programme", "delegation__country")
        .filter(profile_token_hash=hash_token(token))
        .exclude(status=Nomination.Status.WITHDRAWN)
        .first()
    )
