import secrets
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from participants.models import ImportBatch, Participant
from programs.models import Programme, in_current_language

# --- Versions of the delegates' agendas -----------------------------------------------------
#
# A delegate's agenda page and calendar feed are rendered once and cached with the version of
# what they show: a random token per programme (its items with their sites, groups, vehicles,
# materials and speakers) and one per participant (their bookings). Every write to those rows
# replaces the token concerned in the same transaction, so the new token and the new rows
# become visible together: saves and deletes of single rows through the models below, writes
# in bulk through their querysets, speaker lists through `m2m_changed`, and speakers' names
# through the receivers at the end of this module (participants' own saves and deletes, and
# imports). Writing rows of the speakers' table directly, or participants' names with
# `QuerySet.update()`, goes unseen: the app does neither.


class AgendaVersion(models.Model):
    """The current version of what the agendas of a programme, or of one participant, show."""

    class Owner(models.IntegerChoices):
        PROGRAMME = 1, _("programme")
        PARTICIPANT = 2, _("participant")

    owner = models.PositiveSmallIntegerField(choices=Owner.choices)
    # No foreign key: a version outlives nothing it matters to, and must never stop a delete.
    owner_pk = models.BigIntegerField()
    token = models.CharField(max_length=16)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "owner_pk"], name="one_agenda_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_owner_display()} {self.owner_pk}: {self.token}"


@lru_cache(maxsize=4)
def _versions_statement(alias: str) -> str:
    # Every agenda request runs this, and building it with the ORM costs more than running it.
    quote = connections[alias].ops.quote_name
    table = quote(AgendaVersion._meta.db_table)
    owner, owner_pk, token = quote("owner"), quote("owner_pk"), quote("token")
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    where = f"({owner} = %s AND {owner_pk} = %s) OR ({owner} = %s AND {owner_pk} = %s)"
    return f"SELECT {owner}, {token} FROM {table} WHERE {where}"  # noqa: S608


def agenda_version(participant: Participant) -> str:
    """The current version of the participant's agenda: one query.

    Read it before the rows it stands for: a copy rendered from older rows is then stored with
    a version that a change has already replaced, and never used.
    """
    alias = router.db_for_read(AgendaVersion)
    params = [
        AgendaVersion.Owner.PROGRAMME,
        participant.programme_id,
        AgendaVersion.Owner.PARTICIPANT,
        participant.pk,
    ]
    with connections[alias].cursor() as cursor:
        cursor.execute(_versions_statement(alias), [int(param) for param in params])
        tokens = dict(cursor.fetchall())
    owners = (AgendaVersion.Owner.PROGRAMME, AgendaVersion.Owner.PARTICIPANT)
    return ".".join(tokens.get(owner, "") for owner in owners)


def agenda_changed(
    *, programme_ids: Iterable[int | None] = (), participant_ids: Iterable[int | None] = ()
) -> None:
    """Mark the agendas of these programmes and participants changed.

    Side effects: gives each a new version token, in the current transaction.
    """
    owners = {(AgendaVersion.Owner.PROGRAMME, pk) for pk in programme_ids if pk is not None}
    owners |= {(AgendaVersion.Owner.PARTICIPANT, pk) for pk in participant_ids if pk is not None}
    # In one order, so that writers marking several agendas take these rows' locks alike.
    AgendaVersion.objects.bulk_create(
        [
            AgendaVersion(owner=owner, owner_pk=pk, token=secrets.token_hex(8))
            for owner, pk in sorted(owners)
        ],
        update_conflicts=True,
        unique_fields=["owner", "owner_pk"],
        update_fields=["token"],
    )


def _owner_ids(model: type["AgendaContent"], pks: Iterable[int]) -> set[int]:
    """The programmes (or participants) whose agendas show these stored rows of `model`."""
    _owner, path = model.agenda_owner
    owners = model._base_manager.filter(pk__in=list(pks)).values_list(path, flat=True)
    return {pk for pk in owners if pk is not None}


def _owners_of(model: type["AgendaContent"], objs: list["AgendaContent"]) -> set[int]:
    """The programmes (or participants) whose agendas show these objects as they are now."""
    _owner, path = model.agenda_owner
    name, _, rest = path.partition("__")
    if not rest:
        owners = {getattr(obj, name) for obj in objs}
    elif (field := model._meta.get_field(name)).many_to_one:
        related = {getattr(obj, field.attname) for obj in objs}
        owners = set(
            field.related_model._base_manager.filter(pk__in=related).values_list(rest, flat=True)
        )
    else:
        owners = _owner_ids(model, [obj.pk for obj in objs])
    return {pk for pk in owners if pk is not None}


def _mark_changed(model: type["AgendaContent"], owner_ids: Iterable[int]) -> None:
    owner, _path = model.agenda_owner
    agenda_changed(**{f"{owner}_ids": owner_ids})


class AgendaQuerySet(models.QuerySet):
    """Writes in bulk mark the agendas that show the rows changed, as single saves do."""

    def _stored_owners(self) -> tuple[list[int], set[int]]:
        rows = list(self.values_list("pk", self.model.agenda_owner[1]))
        return [pk for pk, _owner in rows], {owner for _pk, owner in rows if owner is not None}

    def update(self, **kwargs):
        if set(kwargs) <= self.model.agenda_ignores:
            return super().update(**kwargs)
        pks, owners = self._stored_owners()
        count = super().update(**kwargs)
        # A row moved to another item, programme or participant shows on its new agenda too.
        owner_field = self.model.agenda_owner[1].split("__")[0].removesuffix("_id")
        if owner_field in {name.removesuffix("_id") for name in kwargs}:
            owners |= _owner_ids(self.model, pks)
        _mark_changed(self.model, owners)
        return count

    update.alters_data = True

    def delete(self):
        _pks, owners = self._stored_owners()
        result = super().delete()
        _mark_changed(self.model, owners)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        _mark_changed(self.model, _owners_of(self.model, created))
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if set(fields) <= self.model.agenda_ignores:
            return super().bulk_update(objs, fields, *args, **kwargs)
        # Where the rows were, and where they are now.
        owners = _owner_ids(self.model, [obj.pk for obj in objs])
        count = super().bulk_update(objs, fields, *args, **kwargs)
        _mark_changed(self.model, owners | _owners_of(self.model, objs))
        return count

    bulk_update.alters_data = True


class AgendaContent(models.Model):
    """A row that delegates' agendas show: writing it marks those agendas changed.

    `agenda_owner` says whose agendas show the row: ("programme" or "participant", the
    lookup from the row to its id). Writes of only the `agenda_ignores` fields change
    nothing shown.
    """

    agenda_owner: ClassVar[tuple[str, str]]
    agenda_ignores: ClassVar[frozenset[str]] = frozenset()

    objects = AgendaQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(update_fields) <= self.agenda_ignores:
            _mark_changed(type(self), _owners_of(type(self), [self]))

    def delete(self, *args, **kwargs):
        owners = _owners_of(type(self), [self])
        result = super().delete(*args, **kwargs)
        _mark_changed(type(self), owners)
        return result


class Site(AgendaContent):
    """A library or venue where agenda items take place."""

    agenda_owner = ("programme", "sessions__programme_id")

    class Kind(models.TextChoices):
        NATIONAL_LIBRARY = "national", _("National library")
        PROVINCIAL_LIBRARY = "provincial", _("Provincial library")
        REGENCY_LIBRARY = "regency", _("Regency library")
        CITY_LIBRARY = "city", _("City library")
        VILLAGE_LIBRARY = "village", _("Village library")
        READING_HOUSE = "reading_house", _("Community reading house")
        VENUE = "venue", _("Other venue")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("inclusion programme"), blank=True)
    host_contact_name = models.CharField(_("host contact"), max_length=200, blank=True)
    host_contact_phone = models.CharField(_("host contact phone"), max_length=40, blank=True)
    host_contact_email = models.EmailField(_("host contact e-mail"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("How many visitors the site can host.")
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "city"], name="unique_site_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"


class Session(AgendaContent):
    """Any item of a programme's agenda: a session, a site visit, a ceremony, a break."""

    agenda_owner = ("programme", "programme_id")

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        LECTURE = "lecture", _("Lecture")
        PANEL = "panel", _("Panel / discussion")
        WORKSHOP = "workshop", _("Workshop")
        SITE_VISIT = "site_visit", _("Site visit")
        CULTURAL = "cultural", _("Cultural programme")
        CEREMONY = "ceremony", _("Ceremony")
        BREAK = "break", _("Break")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_id = models.CharField(_("title (Indonesian)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("site"),
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    speakers = models.CharField(
        _("external speakers"),
        max_length=300,
        blank=True,
        help_text=_("Guests who are not participants: names and roles, as printed."),
    )
    speaker_participants = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="sessions_as_speaker",
        verbose_name=_("speakers from the participants"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Most participants the item can take; empty for no limit."),
    )
    # Site visits: where and when the bus leaves and comes back.
    departure_point = models.CharField(_("departure point"), max_length=200, blank=True)
    departs_at = models.DateTimeField(_("departure time"), null=True, blank=True)
    returns_at = models.DateTimeField(_("return time"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped on every change of time or place: calendar feeds use it as SEQUENCE.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    participants = models.ManyToManyField(
        Participant,
        blank=True,
        through="Assignment",
        related_name="sessions",
        verbose_name=_("participants"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["starts_at", "title_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["programme", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_current_language(self.title_en, self.title_id)

    @property
    def description(self) -> str:
        return in_current_language(self.description_en, self.description_id)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_site_visit(self) -> bool:
        return self.kind == self.Kind.SITE_VISIT

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.kind == self.Kind.SITE_VISIT and not self.site_id:
            errors["site"] = _("A site visit needs a site.")
        if errors:
            raise ValidationError(errors)


class VisitGroup(AgendaContent):
    """A group of a site visit, with its own capacity and guide."""

    agenda_owner = ("programme", "session__programme_id")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="groups", verbose_name=_("agenda item")
    )
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    guide_name = models.CharField(_("guide"), max_length=200, blank=True)
    guide_phone = models.CharField(_("guide phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("visit group")
        verbose_name_plural = _("visit groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="unique_group_name")
        ]

    def __str__(self) -> str:
        return self.name


class Vehicle(AgendaContent):
    """A vehicle taking participants to a site visit."""

    agenda_owner = ("programme", "session__programme_id")

    class Kind(models.TextChoices):
        BUS = "bus", _("Bus")
        MINIBUS = "minibus", _("Minibus")
        VAN = "van", _("Van")
        CAR = "car", _("Car")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("agenda item")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For example “Bus 1”."))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.BUS)
    seats = models.PositiveIntegerField(_("seats"))
    plate = models.CharField(_("plate number"), max_length=20, blank=True)
    driver_name = models.CharField(_("driver"), max_length=200, blank=True)
    driver_phone = models.CharField(_("driver phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="unique_vehicle_name")
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(AgendaContent):
    """A participant booked on an agenda item, with their group, vehicle and attendance."""

    agenda_owner = ("participant", "participant_id")
    # Attendance is recorded at every item while the programme runs and is not on the agenda.
    agenda_ignores = frozenset({"attended", "attendance_recorded_at", "attendance_recorded_by"})

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("agenda item")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("participant"),
    )
    group = models.ForeignKey(
        VisitGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("group"),
    )
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("vehicle"),
    )
    # None: not recorded yet; True: present; False: absent.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_assignment_per_participant"
            )
        ]
        indexes = [models.Index(fields=["participant", "session"])]

    def __str__(self) -> str:
        return f"{self.participant} – {self.session}"


def material_path(material: "SessionMaterial", filename: str) -> str:
    return f"sessions/{material.session_id}/materials/{filename}"


class SessionMaterial(AgendaContent):
    """A handout or slide deck for an agenda item: an uploaded file or a link."""

    agenda_owner = ("programme", "session__programme_id")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="materials", verbose_name=_("agenda item")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="material_has_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title


def photo_path(photo: "SessionPhoto", filename: str) -> str:
    return f"sessions/{photo.session_id}/photos/{uuid.uuid4().hex}.jpg"


class SessionPhoto(models.Model):
    """Documentation of an agenda item, used in the gallery and the closing report."""

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="photos", verbose_name=_("agenda item")
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    photographer = models.CharField(_("photographer"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    consent_to_publish = models.BooleanField(
        _("consent to publish"),
        default=False,
        help_text=_("The people shown agreed that the photo may be published."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["taken_at", "uploaded_at"]

    def __str__(self) -> str:
        return self.caption or self.image.name


# Speakers from the participants: the lists themselves, and the names shown.


def _programmes_with_speakers(**lookup) -> set[int]:
    """The programmes of the items whose speakers match `lookup` (on Participant)."""
    sessions = Session.objects.filter(
        **{f"speaker_participants__{name}": value for name, value in lookup.items()}
    )
    return set(sessions.order_by().values_list("programme_id", flat=True).distinct())


@receiver(m2m_changed, sender=Session.speaker_participants.through)
def _speakers_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        agenda_changed(programme_ids=[instance.programme_id])
    elif pk_set:
        programme_ids = Session.objects.filter(pk__in=pk_set).values_list("programme_id")
        agenda_changed(programme_ids=[pk for (pk,) in programme_ids])
    else:
        agenda_changed(programme_ids=_programmes_with_speakers(pk=instance.pk))


SPEAKER_NAME_FIELDS = {"full_name", "full_name_latin"}


@receiver(post_save, sender=Participant)
def _participant_saved(sender, instance, created, update_fields, **kwargs) -> None:
    # A speaker's name shows on their items; a new participant speaks nowhere yet.
    if created or (update_fields is not None and not SPEAKER_NAME_FIELDS & set(update_fields)):
        return
    agenda_changed(programme_ids=_programmes_with_speakers(pk=instance.pk))


@receiver(pre_delete, sender=Participant)
def _participant_deleted(sender, instance, origin, **kwargs) -> None:
    # When a whole programme goes, `_programme_deleted` asked once for all its participants.
    if isinstance(origin, Programme) or getattr(origin, "model", None) is Programme:
        return
    agenda_changed(programme_ids=_programmes_with_speakers(pk=instance.pk))


@receiver(pre_delete, sender=Programme)
def _programme_deleted(sender, instance, **kwargs) -> None:
    agenda_changed(programme_ids=_programmes_with_speakers(programme_id=instance.pk))


@receiver(post_save, sender=ImportBatch)
def _import_applied(sender, instance, update_fields, **kwargs) -> None:
    # An import updates the programme's participants in bulk, without saving each one, and
    # then marks the batch applied in the same transaction.
    if update_fields is not None and "applied_at" in update_fields:
        agenda_changed(programme_ids=_programmes_with_speakers(programme_id=instance.programme_id))
