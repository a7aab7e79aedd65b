"""Bulk import (upload → preview → confirm) and export of participants.

Everything here is for managers only: the files carry passport numbers.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from django_countries import countries

from programs.models import MemberCountry, Programme
from programs.permissions import MANAGERS, get_programme_for_user
from programs.regions import regions_of
from programs.uploads import IMPORT, with_limit

from . import exports, imports
from .access_log import record_personal_data_access
from .columns import COLUMNS, INDONESIAN_COUNTRY_NAMES, accepted_values, column_label
from .filters import filter_participants
from .models import Participant, PersonalDataAccess

# The preview lists every row with a problem but only the first rows that are fine: with
# thousands of rows, the counts say enough.
PREVIEW_OK_ROWS = 200
PREVIEW_ERROR_ROWS = 1000

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Participant list"),
        help_text=with_limit(
            gettext_lazy("A .csv or .xlsx file of at most %(limit)s and 10,000 rows."), IMPORT
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        self.table = imports.read_upload(upload)
        if not self.table.rows:
            raise forms.ValidationError(_("The file has no participant rows under its header."))
        return upload


def _attachment(content: bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _columns_help(programme: Programme) -> list[dict]:
    return [
        {
            "label": column.label,
            "required": column.required,
            "accepted": accepted_values(column, programme),
        }
        for column in COLUMNS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = imports.stage_import(
            programme=programme, table=form.table, file_name=upload.name, by=request.user
        )
        if form.table.ignored_headers:
            messages.warning(
                request,
                _("These columns were not recognised and are ignored: %(columns)s.")
                % {"columns": ", ".join(f"“{name}”" for name in form.table.ignored_headers)},
            )
        return redirect("participants:import_preview", slug=programme.slug, batch_id=batch.pk)
    return render(
        request,
        "participants/import_upload.html",
        {
            "programme": programme,
            "form": form,
            "columns": _columns_help(programme),
            "member_countries": [
                (
                    member.country.code,
                    member.country.name,
                    INDONESIAN_COUNTRY_NAMES.get(member.country.code, ""),
                )
                for member in MemberCountry.objects.filter(is_active=True)
            ],
            "regions": regions_of(programme.host_country),
        },
    )


def _display_row(row: dict) -> dict:
    """A stored row with labels for the preview table; no database access."""
    values = row["values"]
    category = values.get("category", "")
    if category in Participant.Category.values and not row["errors"].get("category"):
        category = Participant.Category(category).label
    country = values.get("country", "")
    if country and "country" not in row["errors"]:
        country = countries.name(country) or country
    return {
        "row": row["row"],
        "action": row["action"],
        "full_name": values.get("full_name", ""),
        "full_name_latin": values.get("full_name_latin", ""),
        "category": category,
        "origin": country or values.get("region") or values.get("province", ""),
        "email": values.get("email", ""),
        "errors": [
            {"column": column_label(key), "message": message}
            for key, message in row["errors"].items()
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, slug: str, batch_id: uuid.UUID) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    batch = get_object_or_404(programme.import_batches, pk=batch_id)
    if request.method == "POST":
        try:
            outcome = imports.apply_import(batch=batch, by=request.user)
        except imports.ImportRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("participants:import_preview", slug=programme.slug, batch_id=batch.pk)
        messages.success(
            request,
            ngettext(
                "%(created)d participant added, %(updated)d updated, %(unchanged)d unchanged.",
                "%(created)d participants added, %(updated)d updated, %(unchanged)d unchanged.",
                outcome.created,
            )
            % {
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            },
        )
        return redirect("participants:list", slug=programme.slug)

    summary = imports.summarise(batch)
    error_rows = [row for row in batch.rows if row["action"] == imports.ERROR]
    ok_rows = [row for row in batch.rows if row["action"] != imports.ERROR]
    return render(
        request,
        "participants/import_preview.html",
        {
            "programme": programme,
            "batch": batch,
            "summary": summary,
            "error_rows": [_display_row(row) for row in error_rows[:PREVIEW_ERROR_ROWS]],
            "more_error_rows": max(len(error_rows) - PREVIEW_ERROR_ROWS, 0),
            "ok_rows": [_display_row(row) for row in ok_rows[:PREVIEW_OK_ROWS]],
            "more_ok_rows": max(len(ok_rows) - PREVIEW_OK_ROWS, 0),
            "can_confirm": batch.applied_at is None and summary.error == 0 and summary.total > 0,
        },
    )


@login_required
def import_template(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if file_format == "csv":
        content = exports.template_csv()
    elif file_format == "xlsx":
        content = exports.template_xlsx(programme=programme)
    else:
        raise Http404
    return _attachment(
        content, file_format, f"{programme.slug}-participants-template.{file_format}"
    )


@login_required
def export(request: HttpRequest, slug: str, file_format: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=MANAGERS)
    if file_format not in CONTENT_TYPES:
        raise Http404
    # The list page's filter set, so the file holds exactly the rows the list shows.
    participants = filter_participants(programme, request.GET).qs
    written: list[int] = []
    if file_format == "csv":
        content = exports.export_csv(
            programme=programme, participants=participants, written=written
        )
    else:
        content = exports.export_xlsx(
            programme=programme, participants=participants, written=written
        )
    # The file has the passport columns.
    record_personal_data_access(
        programme=programme,
        by=request.user,
        kind=PersonalDataAccess.Kind.PARTICIPANT_EXPORT,
        participants=written,
        detail=file_format.upper(),
    )
    today = timezone.localdate(timezone=programme.tzinfo).strftime("%Y%m%d")
    return _attachment(content, file_format, f"{programme.slug}-participants-{today}.{file_format}")
