"""A new programme started from an existing one: the programme's own part of the copy.

Models are copied field by field over their concrete fields, so that a field added later is
copied too; what is not copied is listed by name here and beside each app's part. The whole
copy (people left out) is put together by `reports.editions.start_programme_from`.
"""

import posixpath
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import models

from .models import Delegation, Programme, ProgrammeMembership

# Given by the organiser on the form (slug, titles, first day) or worked out from it (last day);
# `personal_data_kept_until` falls back to its default, 90 days after the new last day;
# `created_at` and `archived_at` belong to the new programme's own history.
PROGRAMME_NOT_COPIED = frozenset(
    {"slug", "start_date", "end_date", "personal_data_kept_until", "created_at", "archived_at"}
)
# The seats, agencies and contacts are copied; only the link to the programme changes.
DELEGATION_NOT_COPIED = frozenset({"programme"})


def _is_timestamp(field: models.Field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def copied_values(instance: models.Model, *, not_copied: Collection[str]) -> dict[str, Any]:
    """The values of `instance`'s concrete fields, by attribute name, to build a copy from.

    Left out: the primary key, automatic timestamps, files (see `copy_files`) and `not_copied`.
    """
    values = {}
    for field in instance._meta.concrete_fields:
        if (
            field.primary_key
            or field.name in not_copied
            or _is_timestamp(field)
            or isinstance(field, models.FileField)
        ):
            continue
        values[field.attname] = getattr(instance, field.attname)
    return values


def copy_files(*, source: models.Model, target: models.Model) -> None:
    """Store a copy of each of `source`'s files for `target` (saved, with its primary key).

    Each row gets its own file: replacing or deleting one row's file (logo, signature…) must
    not take the other's away.
    """
    changed = []
    for field in source._meta.concrete_fields:
        if not isinstance(field, models.FileField):
            continue
        stored = getattr(source, field.name)
        if not stored:
            continue
        with stored.open("rb") as handle:
            content = handle.read()
        getattr(target, field.name).save(
            posixpath.basename(stored.name), ContentFile(content), save=False
        )
        changed.append(field.name)
    if changed:
        target.save(update_fields=changed)


def last_day_for(source: Programme, start_date: date) -> date:
    """The last day of a programme as long as `source` that starts on `start_date`.

    Raises OverflowError past the calendar's end.
    """
    return start_date + timedelta(days=source.end_date.toordinal() - source.start_date.toordinal())


def copy_programme(
    *, source: Programme, start_date: date, names: Mapping[str, Any], by
) -> Programme:
    """A new programme with `source`'s settings and information texts, and its delegations.

    `names` holds what the organiser chose (slug, titles…); the dates follow `start_date` with
    the same length. Side effects: saves the programme (with a copy of the logo), makes `by`
    its first organiser, and copies the delegations. No team member but `by` is copied.
    """
    programme = Programme(
        **{
            **copied_values(source, not_copied=PROGRAMME_NOT_COPIED),
            **names,
            "start_date": start_date,
            "end_date": last_day_for(source, start_date),
        }
    )
    programme.save()
    copy_files(source=source, target=programme)
    ProgrammeMembership.objects.create(
        programme=programme, user=by, role=ProgrammeMembership.Role.ORGANISER
    )
    Delegation.objects.bulk_create(
        Delegation(
            programme=programme, **copied_values(delegation, not_copied=DELEGATION_NOT_COPIED)
        )
        for delegation in source.delegations.all()
    )
    return programme
