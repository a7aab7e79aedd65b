"""Bulk import of a programme's participants from CSV or XLSX, in two steps.

The upload is read (`read_upload`) and every row validated into an `ImportBatch` (nothing
else is written); the organiser sees each row as new, update or error. Only when they confirm
a batch without errors is it validated again against the current database and saved in one
transaction (`apply_import`), with `bulk_create` and `bulk_update`.

Validation follows the single-participant form's rules but works on whole files: countries,
regions of the host and the programme's existing participants are loaded once, never per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programs.models import MemberCountry, Programme
from programs.regions import Region, RegionFinder, host_member_country

from .columns import (
    MAX_LENGTHS,
    choice_lookup,
    choice_values,
    comparable,
    member_country_lookup,
    nationality_lookup,
)
from .import_tables import (  # noqa: F401 - read_upload and read_csv are the import's entry points
    Table,
    as_text,
    read_csv,
    read_upload,
    without_cycle_collection,
)
from .models import (
    ALLOWED_STATUS_CHANGES,
    INACTIVE_STATUSES,
    ImportBatch,
    Participant,
    StatusChange,
    normalise_passport_number,
    travel_window,
)
from .signals import participant_left
from .webhook_events import announce_import

# Rows per INSERT or UPDATE statement.
WRITE_BATCH = 1_000

NEW, UPDATE, ERROR = "new", "update", "error"
# Shown by the preview only: a matched row that would change nothing. Saving checks again.
UNCHANGED = "unchanged"


# --- Validating rows ----------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RowResult:
    """One validated row: what the preview shows and what the save writes."""

    row: int
    action: str
    values: dict[str, str]  # canonical text per non-empty column (the raw text where wrong)
    errors: dict[str, str]  # column key → message
    fields: dict[str, Any] = field(default_factory=dict)  # model values; not stored
    participant_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "values": self.values,
            "errors": self.errors,
        }


@dataclass
class _Existing:
    pk: int
    full_name: str
    status: str
    category: str
    country_id: int | None
    province_id: int | None
    subdivision: str
    region: str
    arrival_at: datetime | None
    departure_at: datetime | None


DATETIME_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RowValidator:
    """Validates rows of one programme against reference data loaded once."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.tz = programme.tzinfo
        self.today = timezone.localdate()
        self.categories = choice_lookup(Participant.Category)
        self.statuses = choice_lookup(Participant.Status)
        self.genders = choice_lookup(Participant.Gender)
        self.genders.setdefault("f", Participant.Gender.FEMALE)
        self.genders.setdefault("m", Participant.Gender.MALE)
        self.countries = member_country_lookup()
        self.nationalities = nationality_lookup()
        self.regions = RegionFinder(programme.host_country)
        self.existing: dict[str, _Existing] = {}
        self.passport_owners: dict[str, tuple[int, str]] = {}
        self.email_domains: dict[str, bool] = {}
        # The compiled pattern itself: Django's is a lazy object, slower at every use.
        user_regex = validate_email.user_regex
        self.email_user = re.compile(user_regex.pattern, user_regex.flags)
        rows = programme.participants.values_list(
            "pk",
            "email",
            "passport_number",
            "full_name",
            "status",
            "category",
            "country_id",
            "province_id",
            "subdivision",
            "region",
            "arrival_at",
            "departure_at",
        ).order_by()
        for pk, email, passport, full_name, *rest in rows:
            if email:
                self.existing[email.casefold()] = _Existing(pk, full_name, *rest)
            if passport:
                self.passport_owners[normalise_passport_number(passport)] = (pk, full_name)
        first, last = travel_window(programme)
        self.travel_first, self.travel_last = first, last
        self.travel_message = _("Choose a day between %(first)s and %(last)s.") % {
            "first": date_format(first),
            "last": date_format(last),
        }
        self.cleaners = {
            "category": self._category,
            "status": self._status,
            "gender": self._gender,
            "country": self._country,
            "nationality": self._nationality,
            "province": self._province,
            "email": self._email,
            "passport_number": self._passport,
            "passport_expiry": self._date,
            "date_of_birth": self._date,
            "arrival_at": self._travel,
            "departure_at": self._travel,
        }

    # Cell cleaners: raw cell → (canonical text, model value); raise CellError when wrong.

    def _text(self, key: str, raw: Any) -> tuple[str, Any]:
        text = as_text(raw)
        limit = MAX_LENGTHS[key]
        if len(text) > limit:
            raise CellError(
                _("At most %(limit)d characters (this cell has %(length)d).")
                % {"limit": limit, "length": len(text)}
            )
        return text, text

    def _choose(self, raw: Any, lookup: dict[str, str], choices: type) -> tuple[str, str]:
        text = as_text(raw)
        value = lookup.get(text) or lookup.get(comparable(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": choice_values(choices)}
            )
        return value, value

    def _category(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.categories, Participant.Category)

    def _status(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.statuses, Participant.Status)

    def _gender(self, key: str, raw: Any) -> tuple[str, str]:
        return self._choose(raw, self.genders, Participant.Gender)

    def _country(self, key: str, raw: Any) -> tuple[str, MemberCountry]:
        text = as_text(raw)
        found = self.countries.get(text) or self.countries.get(comparable(text))
        if found is None:
            raise CellError(
                _(
                    "“%(value)s” is not a member country of the Colombo Plan. Use its "
                    "two-letter ISO code (for example VN) or its English name."
                )
                % {"value": text}
            )
        return found

    def _nationality(self, key: str, raw: Any) -> tuple[str, str]:
        text = as_text(raw)
        code = self.nationalities.get(comparable(text))
        if code is None:
            raise CellError(
                _("“%(value)s” is not a country. Use its two-letter ISO code (for example VN).")
                % {"value": text}
            )
        return code, code

    def _province(self, key: str, raw: Any) -> tuple[str, Region]:
        text = as_text(raw)
        region = self.regions.find(text)
        if region is None:
            raise CellError(
                _("“%(value)s” is not a region of %(country)s (for example %(example)s).")
                % {
                    "value": text,
                    "country": self.programme.host_country_name,
                    "example": self.regions.regions[0].name if self.regions.regions else "—",
                }
            )
        return region.name, region

    def _email(self, key: str, raw: Any) -> tuple[str, str]:
        text, _value = self._text(key, raw)
        if not self._is_email(text):
            raise CellError(_("“%(value)s” is not an e-mail address.") % {"value": text})
        return text, text

    def _is_email(self, text: str) -> bool:
        """Django's `validate_email`, with each domain checked once per file, not per row."""
        if not text or "@" not in text or len(text) > 320:
            return False
        user, domain = text.rsplit("@", 1)
        if not self.email_user.match(user):
            return False
        valid = self.email_domains.get(domain)
        if valid is None:
            valid = self.email_domains[domain] = (
                domain in validate_email.domain_allowlist
                or validate_email.validate_domain_part(domain)
            )
        return valid

    def _passport(self, key: str, raw: Any) -> tuple[str, str]:
        number = normalise_passport_number(as_text(raw))
        return self._text(key, number)

    def _date(self, key: str, raw: Any) -> tuple[str, date]:
        if isinstance(raw, datetime):
            day = raw.date()
        elif isinstance(raw, date):
            day = raw
        else:
            text = as_text(raw)
            try:
                if not DATE_PATTERN.match(text):
                    raise ValueError
                day = date.fromisoformat(text)
            except ValueError:
                raise CellError(
                    _("“%(value)s” is not a date in the format YYYY-MM-DD (for example %(ex)s).")
                    % {"value": text, "ex": "2028-05-31"}
                ) from None
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}", day

    def _travel(self, key: str, raw: Any) -> tuple[str, datetime]:
        if isinstance(raw, datetime):
            moment = raw.replace(second=0, microsecond=0, tzinfo=self.tz)
        else:
            text = as_text(raw)
            match = DATETIME_PATTERN.match(text)
            try:
                if match is None:
                    raise ValueError
                year, month, day, hour, minute = (int(part) for part in match.groups()[:5])
                moment = datetime(year, month, day, hour, minute, tzinfo=self.tz)
            except ValueError:
                raise CellError(
                    _(
                        "“%(value)s” is not a date and time in the format YYYY-MM-DD HH:MM "
                        "(for example %(ex)s), in the programme's time zone."
                    )
                    % {"value": text, "ex": "2023-11-12 14:30"}
                ) from None
        if not self.travel_first <= moment.date() <= self.travel_last:
            raise CellError(self.travel_message)
        text = (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} "
            f"{moment.hour:02d}:{moment.minute:02d}"
        )
        return text, moment

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> list[RowResult]:
        """Every row checked on its own, against the others and against the database."""
        results = []
        emails_seen: dict[str, int] = {}
        passports_seen: dict[str, int] = {}
        cleaners = self.cleaners
        text_cleaner = self._text
        for number, cells in rows:
            values: dict[str, str] = {}
            errors: dict[str, str] = {}
            fields: dict[str, Any] = {}
            for key, raw in cells.items():
                cleaner = cleaners.get(key)
                # Most cells are plain text within their length: the common case inline.
                if cleaner is None and type(raw) is str and len(raw) <= MAX_LENGTHS[key]:
                    if raw:
                        values[key] = fields[key] = raw
                    continue
                try:
                    text, value = (cleaner or text_cleaner)(key, raw)
                except CellError as error:
                    errors[key] = error.message
                    values[key] = as_text(raw)
                    continue
                if text:
                    values[key] = text
                    fields[key] = value
            result = RowResult(number, NEW, values, errors, fields)
            self._check_row(result, emails_seen, passports_seen)
            if result.errors:
                result.action = ERROR
            results.append(result)
        return results

    def _check_row(
        self, result: RowResult, emails_seen: dict[str, int], passports_seen: dict[str, int]
    ) -> None:
        values, errors, fields = result.values, result.errors, result.fields
        for key in ("category", "full_name"):
            if key not in values:
                errors[key] = _("This column is required.")
        existing = None
        email = fields.get("email")
        if email:
            folded = email.casefold()
            if folded in emails_seen:
                errors["email"] = _("Row %(row)d already has this e-mail address.") % {
                    "row": emails_seen[folded]
                }
            else:
                emails_seen[folded] = result.row
                existing = self.existing.get(folded)
        if existing is not None:
            result.action = UPDATE
            result.participant_id = existing.pk
        passport = fields.get("passport_number")
        if passport:
            owner = self.passport_owners.get(passport)
            if passport in passports_seen:
                errors["passport_number"] = _("Row %(row)d already has this passport number.") % {
                    "row": passports_seen[passport]
                }
            elif owner is not None and (existing is None or owner[0] != existing.pk):
                errors["passport_number"] = _(
                    "Another participant of this programme (%(name)s) has this passport number."
                ) % {"name": owner[1]}
            passports_seen.setdefault(passport, result.row)
        expiry = fields.get("passport_expiry")
        if expiry and expiry < self.programme.end_date:
            errors["passport_expiry"] = _(
                "The passport expires before the programme ends (%(end)s)."
            ) % {"end": date_format(self.programme.end_date)}
        birth = fields.get("date_of_birth")
        if birth and birth >= self.today:
            errors["date_of_birth"] = _("A date of birth must be in the past.")
        status = fields.get("status")
        if (
            existing is not None
            and status
            and status != existing.status
            and status not in ALLOWED_STATUS_CHANGES.get(existing.status, set())
        ):
            errors["status"] = _("A participant cannot go from “%(from)s” to “%(to)s”.") % {
                "from": Participant.Status(existing.status).label,
                "to": Participant.Status(status).label,
            }
        self._check_origin(result, existing)
        arrival = fields.get("arrival_at", existing.arrival_at if existing else None)
        departure = fields.get("departure_at", existing.departure_at if existing else None)
        if (
            arrival
            and departure
            and departure <= arrival
            and "arrival_at" not in errors
            and "departure_at" not in errors
        ):
            errors["departure_at"] = _("The departure must come after the arrival.")

    def _check_origin(self, result: RowResult, existing: _Existing | None) -> None:
        fields, errors = result.fields, result.errors
        category = fields.get("category")
        member = fields.get("country")
        # Former members stay acceptable for the people already registered from them.
        if (
            member is not None
            and not member.is_active
            and (existing is None or existing.country_id != member.pk)
        ):
            errors["country"] = _(
                "%(country)s is no longer an active member country of the Colombo Plan."
            ) % {"country": member.country.name}
        # The "province" column names a region of the host: a province or a subdivision.
        region = fields.pop("province", None)
        if region is not None:
            fields.update(region.fields)
        if "country" in errors or "province" in errors or "region" in errors:
            return
        if category == Participant.Category.INTERNATIONAL:
            has_country = member is not None or (existing is not None and existing.country_id)
            if not has_country:
                errors["country"] = _("An international delegate needs a country.")
        elif category == Participant.Category.DOMESTIC:
            has_region = bool(fields.get("region") or region)
            if not has_region and existing is not None:
                has_region = bool(existing.region or existing.province_id or existing.subdivision)
            if not has_region:
                errors["region"] = _("A domestic representative needs a region of %(country)s.") % {
                    "country": self.programme.host_country_name
                }


def validate_rows(
    *, programme: Programme, rows: Iterable[tuple[int, dict[str, Any]]]
) -> list[RowResult]:
    """Validate rows (row number, {column key: cell}) for `programme`. No side effects."""
    return RowValidator(programme).validate(rows)


# --- Staging and applying -----------------------------------------------------------------


@without_cycle_collection
def stage_import(*, programme: Programme, table: Table, file_name: str, by) -> ImportBatch:
    """Validate every row of an uploaded table and store the result for the preview.

    Side effects: creates an ImportBatch holding each row's action, values and errors. No
    participant is written.
    """
    results = validate_rows(programme=programme, rows=table.rows)
    _mark_unchanged(programme, results)
    return ImportBatch.objects.create(
        programme=programme,
        file_name=file_name[:255],
        rows=[result.as_json() for result in results],
        created_by=by if by is not None and by.is_authenticated else None,
    )


def _mark_unchanged(programme: Programme, results: list[RowResult]) -> None:
    """Mark the matched rows whose every value the participant already holds (one query)."""
    matched = [result for result in results if result.action == UPDATE]
    if not matched:
        return
    existing = programme.participants.order_by().in_bulk(
        [result.participant_id for result in matched]
    )
    for result in matched:
        participant = existing.get(result.participant_id)
        if participant is not None and not _differs(participant, _changes(result)):
            result.action = UNCHANGED


@dataclass(frozen=True)
class BatchSummary:
    new: int
    update: int
    error: int
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.new + self.update + self.error + self.unchanged


def summarise(batch: ImportBatch) -> BatchSummary:
    counts = {NEW: 0, UPDATE: 0, ERROR: 0, UNCHANGED: 0}
    for row in batch.rows:
        counts[row["action"]] += 1
    return BatchSummary(
        new=counts[NEW],
        update=counts[UPDATE],
        error=counts[ERROR],
        unchanged=counts[UNCHANGED],
    )


class ImportRefused(Exception):
    """The batch cannot be saved; `message` tells the organiser why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    unchanged: int = 0  # matched rows whose every filled cell already held the saved value


@without_cycle_collection
def apply_import(*, batch: ImportBatch, by) -> ImportOutcome:
    """Save a validated batch: create the new participants and update the existing ones.

    The rows are validated again against the current database, since someone may have
    registered a participant since the upload. Everything is saved or nothing is.

    Side effects: creates Participants with an initial StatusChange each (by `by`), updates
    the participants matched by e-mail (recording a StatusChange where the status moves),
    and sets the batch's `applied_at`, emptying its rows (they hold passports). When the rows
    no longer validate, stores the new results on the batch instead and raises ImportRefused;
    raises ImportRefused too for a batch already applied, uploaded with errors, or whose rows
    were removed unsaved after a day.
    """
    by = by if by is not None and by.is_authenticated else None
    refused = None
    with transaction.atomic():
        # The lock makes a second, concurrent confirmation wait and then see `applied_at`.
        # The rows themselves come from `batch`: whatever their age, they are checked again.
        applied_at, rows_cleared_at = (
            ImportBatch.objects.select_for_update()
            .filter(pk=batch.pk)
            .values_list("applied_at", "rows_cleared_at")
            .get()
        )
        if applied_at is not None:
            raise ImportRefused(_("This list has already been saved."))
        if rows_cleared_at is not None:
            raise ImportRefused(
                _(
                    "This upload was not saved within a day and its rows are deleted: "
                    "upload it again."
                )
            )
        if any(row["action"] == ERROR for row in batch.rows):
            raise ImportRefused(_("Nothing was saved: fix the file and upload it again."))
        programme = batch.programme
        results = validate_rows(
            programme=programme, rows=((row["row"], row["values"]) for row in batch.rows)
        )
        if any(result.action == ERROR for result in results):
            batch.rows = [result.as_json() for result in results]
            batch.save(update_fields=["rows"])
            refused = _(
                "Nothing was saved: the participant list changed since the upload and some "
                "rows are no longer valid. Fix the file and upload it again."
            )
        else:
            try:
                with transaction.atomic():
                    outcome = _write(programme=programme, results=results, by=by)
            except IntegrityError:
                # A participant registered between our check and the write.
                raise ImportRefused(
                    _("Nothing was saved: the participant list changed meanwhile. Try again.")
                ) from None
            # The rows (passports included) have served their purpose once saved.
            batch.applied_at = batch.rows_cleared_at = timezone.now()
            batch.rows = []
            batch.save(update_fields=["applied_at", "rows", "rows_cleared_at"])
    if refused:
        raise ImportRefused(refused)
    return outcome


def _write(*, programme: Programme, results: list[RowResult], by) -> ImportOutcome:
    """Create the new rows and update the matched ones, each with a StatusChange; matched
    rows that would change nothing are left alone and counted as unchanged."""
    new = [
        Participant(programme=programme, **result.fields)
        for result in results
        if result.action == NEW
    ]
    host = _HostCountry(programme)
    for participant in new:
        host.give_to(participant)
    Participant.objects.bulk_create(new, batch_size=WRITE_BATCH)
    changes = [
        StatusChange(participant=participant, to_status=participant.status, changed_by=by)
        for participant in new
    ]
    updates = [result for result in results if result.action == UPDATE]
    unchanged = 0
    if updates:
        now = timezone.now()
        existing = (
            programme.participants.select_for_update()
            .order_by()
            .in_bulk([result.participant_id for result in updates])
        )
        touched: set[str] = {"updated_at"}
        today = programme.to_local(now).date()
        left: list[Participant] = []
        objects = []
        for result in updates:
            participant = existing[result.participant_id]
            changed = _changes(result)
            if not _differs(participant, changed):
                unchanged += 1
                continue
            status = result.fields.get("status")
            if status and status != participant.status:
                changes.append(
                    StatusChange(
                        participant=participant,
                        from_status=participant.status,
                        to_status=status,
                        changed_by=by,
                        note=_("Imported from a file."),
                        effective_on=today,
                    )
                )
                # As `services.change_status` does: an imported withdrawal takes effect today.
                leaving = status in INACTIVE_STATUSES
                participant.inactive_from = programme.local_datetime(today, 0) if leaving else None
                touched.add("inactive_from")
                if leaving:
                    left.append(participant)
            for key, value in changed.items():
                setattr(participant, key, value)
            touched.update(changed)
            if host.give_to(participant):
                touched.add("country")
            participant.updated_at = now
            objects.append(participant)
        # Fields a row leaves empty keep the values just read (and locked) above.
        Participant.objects.bulk_update(objects, sorted(touched), batch_size=WRITE_BATCH)
        for participant in left:
            participant_left.send(
                sender=Participant, participant=participant, since=participant.inactive_from, by=by
            )
    StatusChange.objects.bulk_create(changes, batch_size=WRITE_BATCH)
    announce_import(programme, created=new, updated=objects if updates else [], changes=changes)
    return ImportOutcome(created=len(new), updated=len(updates) - unchanged, unchanged=unchanged)


class _HostCountry:
    """Gives domestic participants the host's member country, read (or added) once."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.member: MemberCountry | None = None

    def give_to(self, participant: Participant) -> bool:
        """Whether the participant needed the host's country and got it."""
        if participant.category != Participant.Category.DOMESTIC or participant.country_id:
            return False
        if self.member is None:
            self.member = host_member_country(self.programme.host_country)
        participant.country = self.member
        return True


def _changes(result: RowResult) -> dict[str, Any]:
    """The values a matched row writes: the e-mail address is the key the row was matched
    on, so its spelling stays."""
    return {key: value for key, value in result.fields.items() if key != "email"}


def _differs(participant: Participant, fields: dict[str, Any]) -> bool:
    """Whether saving `fields` would change `participant` (related rows compared by key)."""
    for key, value in fields.items():
        if isinstance(value, models.Model):
            if getattr(participant, f"{key}_id") != value.pk:
                return True
        elif getattr(participant, key) != value:
            return True
    return False
