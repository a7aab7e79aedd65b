from django.urls import path

from . import (
    allowance_views,
    badge_views,
    certificate_views,
    closing_views,
    edition_views,
    nomination_views,
    outcome_views,
    retention_views,
    transfer_views,
    views,
)

app_name = "reports"
P = "programmes/<slug:slug>/"
urlpatterns = [
    path("programmes/<slug:slug>/reports/", views.document_list, name="list"),
    path("programmes/<slug:slug>/reports/generate/", views.document_generate, name="generate"),
    path("programmes/<slug:slug>/badges/", views.badges, name="badges"),
    path(f"{P}new-from-this/", edition_views.programme_copy, name="programme_copy"),
    path(
        "programmes/<slug:slug>/items/<int:pk>/vehicles/<int:vehicle_id>/manifest/",
        views.manifest,
        name="manifest",
    ),
    # The driver's manifest of an airport transfer (transfer_views.py)
    path(
        f"{P}transfers/<int:run_id>/manifest/",
        transfer_views.transfer_manifest,
        name="transfer_manifest",
    ),
    # A hotel's rooming list (views.py)
    path(
        f"{P}accommodation/hotels/<int:pk>/rooming-list/",
        views.rooming_list,
        name="rooming_list",
    ),
    # The outcome report of a closed follow-up round (outcome_views.py)
    path(
        f"{P}follow-up/<int:pk>/outcome-report/",
        outcome_views.outcome_report,
        name="outcome_report",
    ),
    # Certificates and their public verification (certificate_views.py)
    path(f"{P}certificates/", certificate_views.certificates, name="certificates"),
    path(
        f"{P}certificates/template/",
        certificate_views.certificate_template,
        name="certificate_template",
    ),
    path(
        f"{P}certificates/template/preview/",
        certificate_views.certificate_preview,
        name="certificate_preview",
    ),
    path(
        f"{P}certificates/template/signatories/<int:signatory_id>/delete/",
        certificate_views.signatory_delete,
        name="signatory_delete",
    ),
    path(
        f"{P}certificates/<int:participant_id>/",
        certificate_views.certificate_download,
        name="certificate_download",
    ),
    path(
        f"{P}certificates/<int:participant_id>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("verify/", certificate_views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", certificate_views.verify, name="verify"),
    path("me/certificate/", certificate_views.my_certificate, name="my_certificate"),
    path("me/badge/", badge_views.my_badge, name="my_badge"),
    # Closing report, visa letters and the delegate's agenda (closing_views.py)
    path(f"{P}closing-report/", closing_views.closing_report, name="closing_report"),
    path(
        f"{P}closing-report/quotes/<int:quote_id>/delete/",
        closing_views.quote_delete,
        name="quote_delete",
    ),
    path(f"{P}visa-letters/", closing_views.visa_letters, name="visa_letters"),
    # Every generated file: its job, its progress, its files (views.py)
    path(f"{P}jobs/", views.jobs, name="jobs"),
    path(f"{P}jobs/start/", views.job_start, name="job_start"),
    path("jobs/<uuid:job_id>/", views.job_status, name="job_status"),
    path(
        "jobs/<uuid:job_id>/archive.zip",
        views.job_file,
        {"output": "archive"},
        name="job_archive",
    ),
    path(
        "jobs/<uuid:job_id>/combined.pdf",
        views.job_file,
        {"output": "combined"},
        name="job_combined",
    ),
    path(
        "jobs/<uuid:job_id>/spreadsheet.xlsx",
        views.job_file,
        {"output": "spreadsheet"},
        name="job_spreadsheet",
    ),
    path("jobs/<uuid:job_id>/retry/", views.job_retry, name="job_retry"),
    path("me/agenda.pdf", closing_views.my_agenda_pdf, name="my_agenda_pdf"),
    # Documents of the call for nominations (nomination_views.py)
    path(
        f"{P}nominations/documents/",
        nomination_views.nomination_documents,
        name="nomination_documents",
    ),
    path(
        f"{P}nominations/documents/nominations.xlsx",
        nomination_views.nomination_list_xlsx,
        name="nomination_list_xlsx",
    ),
    path(
        f"{P}nominations/documents/nomination-list/",
        nomination_views.nomination_list_pdf,
        name="nomination_list_pdf",
    ),
    path(
        f"{P}nominations/documents/selection-record/",
        nomination_views.selection_record_pdf,
        name="selection_record_pdf",
    ),
    # Personal data: retention and erasure on request (retention_views.py)
    path(f"{P}personal-data/", retention_views.personal_data, name="personal_data"),
    path(
        f"{P}participants/<int:participant_id>/erase/",
        retention_views.participant_erase,
        name="participant_erase",
    ),
    # Documents of the daily allowances (allowance_views.py)
    path(
        f"{P}allowances/documents/",
        allowance_views.allowance_documents,
        name="allowance_documents",
    ),
]
