"""Personal API tokens: a secret shown once, kept only as its SHA-256, scoped to programmes."""

import hashlib
import secrets
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every secret starts so: a leaked one is recognisable (secret scanners, logs).
TOKEN_MARK = "tpbis_"  # noqa: S105 (a marker, not a secret)
# Characters of the secret kept in clear, to tell tokens apart in lists.
PREFIX_LENGTH = len(TOKEN_MARK) + 6
# A token used again within this time keeps its recorded last use: no write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A user's key to the API, never wider than the user's own roles.

    The programmes listed bound what the token reaches (none listed: nothing); within them the
    user's role in each programme decides as on the pages. Reading is always allowed, writing
    only with `can_write`, passport details only with `can_see_passports`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it.")
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    programmes = models.ManyToManyField(
        "programs.Programme", blank=True, related_name="+", verbose_name=_("programmes")
    )
    can_write = models.BooleanField(_("may change data"), default=False)
    can_see_passports = models.BooleanField(_("may see passport details"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @cached_property
    def programme_ids(self) -> frozenset[int]:
        """The programmes the token reaches (one query, once per request)."""
        return frozenset(self.programmes.values_list("pk", flat=True))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def set_new_secret(self) -> str:
        """Gives the token a new secret and returns it: the only time it is seen in clear."""
        secret = TOKEN_MARK + secrets.token_urlsafe(32)
        self.prefix = secret[:PREFIX_LENGTH]
        self.secret_hash = hash_secret(secret)
        return secret

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def record_use(self) -> None:
        """Stores the time of use, unless it was stored less than a minute ago."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
