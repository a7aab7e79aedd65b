"""Certificates, their public verification and generated files in the API."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from participants.models import PersonalDataAccess
from reports.models import GenerationJob

from ..factories import (
    CertificateFactory,
    GenerationJobFactory,
    HotelFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    VehicleFactory,
)
from .token_helpers import session_client, token_client

Kind = GenerationJob.Kind


def certificates_url(programme) -> str:
    return reverse("api:certificate-list", args=[programme.slug])


def verify_url(code: str) -> str:
    return reverse("api:verification-detail", args=[code])


def jobs_url(programme) -> str:
    return reverse("api:programme-job-list", args=[programme.slug])


def job_url(job) -> str:
    return reverse("api:job-detail", args=[job.pk])


def file_url(job, output: str) -> str:
    return reverse("api:job-file", args=[job.pk, output])


def post_json(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Certificates ----------------------------------------------------------------------------


@pytest.fixture
def certificates(programme, media):
    valid = CertificateFactory(
        participant=ParticipantFactory(
            programme=programme, full_name="Ana Lima", full_name_latin=""
        ),
        rendered_at=timezone.now(),
    )
    valid.file.save("c.pdf", ContentFile(b"%PDF-1.7 certificate"))
    revoked = CertificateFactory(
        participant=ParticipantFactory(programme=programme, full_name="Bo Chen"),
        revoked_at=timezone.now(),
        revocation_reason="Issued in error.",
    )
    CertificateFactory()  # of another programme
    return {"valid": valid, "revoked": revoked}


def test_certificates_list_for_organisers(cast, programme, certificates):
    response = session_client(cast["organiser"]).get(certificates_url(programme))
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    valid, revoked = certificates["valid"], certificates["revoked"]
    assert set(rows) == {valid.code, revoked.code}
    assert rows[valid.code]["participant"] == {
        "id": valid.participant_id,
        "name": "Ana Lima",
        "certificate_name": "",
    }
    assert rows[valid.code]["valid"] is True
    assert rows[valid.code]["verification_url"] == f"http://testserver/verify/{valid.code}/"
    assert rows[valid.code]["file_url"] == "http://testserver" + reverse(
        "api:certificate-file", args=[programme.slug, valid.code]
    )
    assert (rows[revoked.code]["valid"], rows[revoked.code]["file_url"]) == (False, None)
    assert rows[revoked.code]["revocation_reason"] == "Issued in error."


def test_certificates_filter_valid(cast, programme, certificates):
    client = session_client(cast["admin"])
    response = client.get(certificates_url(programme), {"valid": "false"})
    assert [row["code"] for row in response.json()["results"]] == [certificates["revoked"].code]
    assert client.get(certificates_url(programme), {"valid": "null"}).status_code == 400


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 403), ("delegate", 404), ("other_organiser", 404), ("anonymous", 401)],
)
def test_certificates_are_the_organisers(cast, programme, certificates, role, status):
    assert session_client(cast[role]).get(certificates_url(programme)).status_code == status


def test_certificate_file_download(cast, programme, certificates):
    code = certificates["valid"].code
    url = reverse("api:certificate-file", args=[programme.slug, code])
    response = token_client(cast["organiser"], programme).get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 certificate"
    # Not yet rendered: nothing to download.
    url = reverse("api:certificate-file", args=[programme.slug, certificates["revoked"].code])
    assert token_client(cast["organiser"], programme).get(url).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_certificates_query_count_is_constant(
    cast, programme, media, django_assert_max_num_queries, size
):
    for _index in range(size):
        CertificateFactory(participant__programme=programme)
    client = session_client(cast["organiser"])
    # Session and user, the programme, the membership, the certificates with their holders.
    with django_assert_max_num_queries(5):
        assert len(client.get(certificates_url(programme)).json()["results"]) == size


# --- Public verification ---------------------------------------------------------------------


def test_verify_anonymous_sees_what_the_page_shows(programme, certificates):
    code = certificates["valid"].code
    sloppy = code.lower().replace("-", " ")
    response = session_client(None).get(verify_url(sloppy))
    assert response.status_code == 200
    assert response.json() == {
        "code": code,
        "valid": True,
        "name": "Ana Lima",
        "name_latin": "",
        "erased": False,
        "programme": {
            "title_en": programme.title_en,
            "title_local": programme.title_local,
            "content_language": programme.content_language,
            "start_date": programme.start_date.isoformat(),
            "end_date": programme.end_date.isoformat(),
        },
        "revocation_reason": "",
    }


def test_verify_revoked_gives_the_reason(programme, certificates):
    body = session_client(None).get(verify_url(certificates["revoked"].code)).json()
    assert (body["valid"], body["revocation_reason"]) == (False, "Issued in error.")


def test_verify_erased_holder_has_no_name(programme, certificates):
    participant = certificates["valid"].participant
    participant.erased_at = timezone.now()
    participant.save()
    body = session_client(None).get(verify_url(certificates["valid"].code)).json()
    assert (body["name"], body["name_latin"], body["erased"]) == ("", "", True)


@pytest.mark.parametrize("code", ["TPB-0000-0000-0000", "not-a-code", "dotted.code"])
def test_verify_unknown_code_is_404_in_the_error_format(db, code):
    response = session_client(None).get(verify_url(code))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_verify_is_rate_limited_per_address(db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api_anonymous": "3/min",
        },
    }
    client = session_client(None)
    statuses = [client.get(verify_url(f"TPB-0000-0000-000{n}")).status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(verify_url("TPB-0000-0000-0009")).json()["code"] == "throttled"


# --- Jobs ------------------------------------------------------------------------------------


@pytest.fixture
def done_job(programme, media):
    job = GenerationJobFactory(programme=programme, status="done", total=2, done=2)
    job.archive.save("certificates.zip", ContentFile(b"PK zip"), save=False)
    job.combined.save("certificates.pdf", ContentFile(b"%PDF-1.7 combined"))
    return job


def test_job_status_for_organisers(cast, programme, done_job):
    response = token_client(cast["organiser"], programme).get(job_url(done_job))
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["status"], body["progress_percent"]) == ("certificates", "done", 100)
    assert body["files"] == {
        "archive": "http://testserver" + file_url(done_job, "archive"),
        "combined": "http://testserver" + file_url(done_job, "combined"),
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 403), ("delegate", 404), ("other_organiser", 404), ("focal_point", 404)],
)
def test_job_status_follows_the_kinds_roles(cast, programme, done_job, role, status):
    assert session_client(cast[role]).get(job_url(done_job)).status_code == status


def test_job_of_a_programme_outside_the_token_is_404(cast, programme, done_job):
    client = token_client(cast["organiser"], ProgrammeFactory())
    assert client.get(job_url(done_job)).status_code == 404
    assert client.get(file_url(done_job, "combined")).status_code == 404


def test_job_unknown_id_or_file_is_404(cast, done_job):
    client = session_client(cast["admin"])
    for url in (
        reverse("api:job-detail", args=["not-a-uuid"]),
        reverse("api:job-detail", args=["0.5"]),
        reverse("api:job-file", args=[done_job.pk, "everything"]),
    ):
        response = client.get(url)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), url


def test_job_file_download(cast, programme, done_job):
    client = token_client(cast["organiser"], programme)
    response = client.get(file_url(done_job, "combined"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 combined"
    assert response["Cache-Control"] == "private, no-store"
    # Staff may not see certificates: their files are not even admitted to.
    staff = session_client(cast["staff"])
    assert staff.get(file_url(done_job, "combined")).status_code == 404
    # No spreadsheet for this kind.
    assert client.get(file_url(done_job, "spreadsheet")).status_code == 404


def test_job_file_of_visa_letters_needs_the_passport_scope(cast, programme, media):
    job = GenerationJobFactory(programme=programme, kind=Kind.VISA_LETTERS, status="done")
    job.combined.save("letters.pdf", ContentFile(b"%PDF-1.7 letters"))
    url = file_url(job, "combined")
    assert token_client(cast["organiser"], programme).get(url).status_code == 404
    assert not PersonalDataAccess.objects.exists()
    response = token_client(cast["organiser"], programme, passports=True).get(url)
    assert response.status_code == 200
    assert PersonalDataAccess.objects.get().kind == PersonalDataAccess.Kind.VISA_LETTERS_DOWNLOADED


def test_jobs_list_shows_the_kinds_the_role_sees(cast, programme):
    GenerationJobFactory(programme=programme, kind=Kind.CERTIFICATES)
    GenerationJobFactory(programme=programme, kind=Kind.PROGRAMME_OVERVIEW)
    GenerationJobFactory(kind=Kind.CERTIFICATES)  # another programme's
    kinds = lambda role: sorted(  # noqa: E731
        job["kind"] for job in session_client(cast[role]).get(jobs_url(programme)).json()["results"]
    )
    assert kinds("organiser") == ["certificates"]
    assert kinds("admin") == ["certificates", "programme_overview"]
    assert session_client(cast["staff"]).get(jobs_url(programme)).status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_jobs_list_query_count_is_constant(cast, programme, django_assert_max_num_queries, size):
    for _index in range(size):
        GenerationJobFactory(programme=programme)
    client = session_client(cast["organiser"])
    # Session and user, the programme, the membership, the jobs.
    with django_assert_max_num_queries(5):
        assert len(client.get(jobs_url(programme)).json()["results"]) == size


def test_start_certificates_as_admin(cast, programme, django_capture_on_commit_callbacks):
    client = token_client(cast["admin"], programme, write=True)
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(
            client, jobs_url(programme), {"kind": "certificates", "language": "id"}
        )
    assert response.status_code == 202, response.content
    job = programme.jobs.get()
    assert (job.kind, job.language, job.started_by) == (Kind.CERTIFICATES, "id", cast["admin"])
    assert response.json()["id"] == str(job.pk)
    assert response["Location"] == job_url(job)
    # Asked again while under way: the same job.
    with django_capture_on_commit_callbacks(execute=False):
        again = post_json(client, jobs_url(programme), {"kind": "certificates", "language": "id"})
    assert (again.json()["id"], programme.jobs.count()) == (str(job.pk), 1)


@pytest.mark.parametrize("role", ["organiser", "staff"])
def test_start_certificates_is_the_admins(cast, programme, role):
    client = token_client(cast[role], programme, write=True)
    response = post_json(client, jobs_url(programme), {"kind": "certificates", "language": "en"})
    assert response.status_code == 403
    assert not programme.jobs.exists()


def test_start_badges_as_staff(cast, programme, django_capture_on_commit_callbacks):
    me = programme.participants.get(user=cast["delegate"])
    me.status = "confirmed"
    me.save()
    client = token_client(cast["staff"], programme, write=True)
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(
            client, jobs_url(programme), {"kind": "badges", "language": "en", "participant": me.pk}
        )
    assert response.status_code == 202, response.content
    assert programme.jobs.get().participant == me


def test_start_manifest_needs_a_vehicle_of_the_programme(
    cast, programme, django_capture_on_commit_callbacks
):
    client = token_client(cast["staff"], programme, write=True)
    missing = post_json(client, jobs_url(programme), {"kind": "manifest", "language": "en"})
    elsewhere = post_json(
        client,
        jobs_url(programme),
        {"kind": "manifest", "language": "en", "vehicle": VehicleFactory().pk},
    )
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["vehicle"])
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "not_found")
    assert not programme.jobs.exists()
    vehicle = VehicleFactory(session=SessionFactory(programme=programme, kind="site_visit"))
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(
            client,
            jobs_url(programme),
            {"kind": "manifest", "language": "en", "vehicle": vehicle.pk},
        )
    assert response.status_code == 202
    assert programme.jobs.get().vehicle == vehicle


def test_start_ignores_a_subject_the_kind_does_not_take(
    cast, programme, django_capture_on_commit_callbacks
):
    client = token_client(cast["admin"], programme, write=True)
    with django_capture_on_commit_callbacks(execute=False):
        response = post_json(
            client,
            jobs_url(programme),
            {
                "kind": "closing_report",
                "language": "en",
                "hotel": HotelFactory(programme=programme).pk,
            },
        )
    assert response.status_code == 202
    job = programme.jobs.get()
    assert (job.kind, job.hotel) == (Kind.CLOSING_REPORT, None)


@pytest.mark.parametrize("body", [{"kind": ["badges"], "language": "en"}, ["badges"], {}])
def test_start_malformed_body_is_a_field_error(cast, programme, body):
    client = token_client(cast["admin"], programme, write=True)
    response = post_json(client, jobs_url(programme), body)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert not programme.jobs.exists()


def test_start_refuses_kinds_the_api_does_not_start(cast, programme):
    client = token_client(cast["admin"], programme, write=True)
    response = post_json(client, jobs_url(programme), {"kind": "visa_letters", "language": "en"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["kind"])


def test_start_needs_a_token_that_may_write(cast, programme):
    client = token_client(cast["admin"], programme)
    response = post_json(client, jobs_url(programme), {"kind": "certificates", "language": "en"})
    assert response.status_code == 403
    assert not programme.jobs.exists()
