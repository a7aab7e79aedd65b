import json
import logging
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .mail import bilingual_message
from .models import ApiToken, Delegation, FocalPoint, Programme, ProgrammeMembership
from .permissions import ADD_PROGRAMME_PERMISSION, PROGRAMME_OFFICE_GROUP

logger = logging.getLogger(__name__)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEMBER_COUNTRIES_FIXTURE = FIXTURES / "member_countries.json"
PROVINCES_FIXTURE = FIXTURES / "provinces.json"


def member_country_codes() -> list[str]:
    """ISO 3166-1 codes of the Colombo Plan's member countries, from the shipped fixture."""
    rows = json.loads(MEMBER_COUNTRIES_FIXTURE.read_text(encoding="utf-8"))
    return [row["fields"]["country"] for row in rows]


def ensure_member_countries(*, model=None) -> int:
    """Add any member country that is missing; returns how many were added.

    Side effects: inserts MemberCountry rows; existing rows (and edits to them) are kept.
    `model` lets the data migration pass its historical model.
    """
    if model is None:
        from .models import MemberCountry as model
    added = 0
    for code in member_country_codes():
        _, created = model.objects.get_or_create(country=code)
        added += created
    return added


def ensure_provinces(*, model=None) -> int:
    """Add any Indonesian province that is missing; returns how many were added."""
    if model is None:
        from .models import Province as model
    rows = json.loads(PROVINCES_FIXTURE.read_text(encoding="utf-8"))
    added = 0
    for row in rows:
        _, created = model.objects.get_or_create(
            code=row["fields"]["code"], defaults={"name": row["fields"]["name"]}
        )
        added += created
    return added


def programme_office_group() -> Group:
    """The group whose members may create programmes, made again if it is missing.

    A migration makes it; this serves the demo data and a database emptied since (tests that
    flush it). Side effects: creates the group and gives it its permission when needed.
    """
    group, _ = Group.objects.get_or_create(name=PROGRAMME_OFFICE_GROUP)
    app_label, codename = ADD_PROGRAMME_PERMISSION.split(".")
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    return group


def user_with_email(email: str):
    """The account that signs in with this address (its main or a secondary one), if any."""
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address else None
    return user


def unique_programme_slug(short_name: str) -> str:
    """A slug made from the short name, with "-2", "-3"… when it is already taken."""
    # Room for a numeric suffix within the field's 60 characters.
    base = slugify(short_name)[:50].strip("-") or "programme"
    taken = set(Programme.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_programme(*, programme: Programme, by) -> Programme:
    """Save a new programme and make its creator an organiser of it.

    Side effects: chooses a unique slug from the English short name, saves the programme
    (and its logo file), and creates an organiser membership for `by`.
    """
    for attempt in range(3):
        programme.slug = unique_programme_slug(programme.short_name_en)
        try:
            with transaction.atomic():
                programme.save()
                ProgrammeMembership.objects.create(
                    programme=programme, user=by, role=ProgrammeMembership.Role.ORGANISER
                )
            return programme
        except IntegrityError:
            # Someone took the same slug between our check and the insert: pick again.
            programme.pk = None
            if attempt == 2:
                raise
    return programme


def update_programme(*, programme: Programme) -> Programme:
    """Save an edited programme.

    Side effects: saves the programme; when the logo was replaced or cleared, deletes the
    previous logo file once the change is committed.
    """
    with transaction.atomic():
        previous = (
            Programme.objects.filter(pk=programme.pk).values_list("logo", flat=True).first() or ""
        )
        programme.save()
    if previous and previous != programme.logo.name:
        storage = programme.logo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return programme


def set_programme_archived(*, programme: Programme, archived: bool) -> None:
    """Archive a programme (hidden from the home page, still reachable) or restore it.

    Side effects: sets or clears `archived_at`; archiving an archived programme keeps its date.
    """
    if archived == programme.is_archived:
        return
    programme.archived_at = timezone.now() if archived else None
    Programme.objects.filter(pk=programme.pk).update(archived_at=programme.archived_at)


def account_for_email(email: str):
    """The account of this address, created when nobody has it; and whether it was created.

    A new account has no password and an unverified primary address: its owner signs in with
    an e-mailed code (allauth), then may set a password.
    """
    user = user_with_email(email)
    if user is not None:
        return user, False
    user = get_user_model().objects.create_user(email, password=None)
    EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    return user, True


def _send_after_commit(message, recipient: str, programme: Programme) -> None:
    def send() -> None:
        # The change is saved whatever happens to the message: a mail server that is down
        # must not turn the organiser's request into an error page.
        try:
            message.send()
        except OSError:
            logger.exception("Could not e-mail %s about %s", recipient, programme.slug)

    transaction.on_commit(send)


def add_team_member(
    *, programme: Programme, email: str, role: str, sign_in_url: str
) -> tuple[ProgrammeMembership, bool]:
    """Give the person with this e-mail address a role in the programme.

    Returns the membership and whether a new account was created. Side effects: creates the
    account when nobody has this address (no password; an unverified primary e-mail address,
    so that they sign in with an e-mailed code), creates the membership, and e-mails them
    once the change is committed. Raises ValidationError when they are already in the team.
    """
    email = email.strip().lower()
    with transaction.atomic():
        user, created = account_for_email(email)
        try:
            with transaction.atomic():
                membership = ProgrammeMembership.objects.create(
                    programme=programme, user=user, role=role
                )
        except IntegrityError as error:
            raise ValidationError(
                _("%(email)s is already in this programme's team.") % {"email": email}
            ) from error

    context = {
        "programme": programme,
        # The lazy label: each language of the message names the role in its own words.
        "role": ProgrammeMembership.Role(membership.role).label,
        "new_account": created,
        "email": user.email,
        "sign_in_url": sign_in_url,
    }
    message = bilingual_message(
        "programs/email/team_added",
        context,
        language=programme.content_language,
        to=user.email,
    )
    _send_after_commit(message, user.email, programme)
    return membership, created


def remove_team_member(*, membership: ProgrammeMembership) -> None:
    """Take a person off a programme's team.

    Side effects: deletes the membership (the account stays). Raises ValidationError for the
    programme's last organiser: someone must be left to manage it.
    """
    organiser = ProgrammeMembership.Role.ORGANISER
    with transaction.atomic():
        # Lock the organisers' rows so that two organisers removing each other at the same
        # time cannot leave the programme with none.
        organisers = list(
            ProgrammeMembership.objects.select_for_update()
            .filter(programme_id=membership.programme_id, role=organiser)
            .values_list("pk", flat=True)
        )
        if membership.role == organiser and organisers == [membership.pk]:
            raise ValidationError(
                _(
                    "%(person)s is the programme's only organiser and cannot be removed. Add "
                    "another organiser first."
                )
                % {"person": membership.user}
            )
        membership.delete()


# Focal points


def invite_focal_point(
    *, delegation: Delegation, email: str, by, sign_in_url: str
) -> tuple[FocalPoint, bool]:
    """Make the person with this address a focal point of the delegation, who nominates its
    candidates. Returns the focal point and whether a new account was created.

    Side effects: creates the account when nobody has this address (as `add_team_member`),
    creates the FocalPoint, and e-mails them once the change is committed. Raises
    ValidationError when they already are a focal point of the delegation.
    """
    email = email.strip().lower()
    programme = delegation.programme
    with transaction.atomic():
        user, created = account_for_email(email)
        try:
            with transaction.atomic():
                focal_point = FocalPoint.objects.create(
                    delegation=delegation,
                    user=user,
                    invited_by=by if by is not None and by.is_authenticated else None,
                )
        except IntegrityError as error:
            raise ValidationError(
                _("%(email)s is already a focal point of %(delegation)s.")
                % {"email": email, "delegation": delegation.origin}
            ) from error
    message = bilingual_message(
        "programs/email/focal_point_added",
        {
            "programme": programme,
            "delegation": delegation.origin,
            "new_account": created,
            "email": user.email,
            "sign_in_url": sign_in_url,
        },
        language=programme.content_language,
        to=user.email,
        reply_to=by.email if by is not None and by.is_authenticated else None,
    )
    _send_after_commit(message, user.email, programme)
    return focal_point, created


def remove_focal_point(*, focal_point: FocalPoint) -> None:
    """Stop a person nominating for a delegation.

    Side effects: deletes the FocalPoint (the account and the nominations they made stay).
    """
    focal_point.delete()


def issue_api_token(
    *, user, name: str, programmes, can_write: bool, can_see_passports: bool
) -> tuple[ApiToken, str]:
    """A new personal API token of `user`, and its secret (kept only as a hash).

    Side effects: saves the token and its programmes.
    """
    token = ApiToken(user=user, name=name, can_write=can_write, can_see_passports=can_see_passports)
    secret = token.set_new_secret()
    with transaction.atomic():
        token.save()
        token.programmes.set(programmes)
    return token, secret
