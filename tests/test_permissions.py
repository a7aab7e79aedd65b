"""Every view of the foundation, for every role of the fixed cast."""

import pytest
from django.urls import reverse

from reports.models import GenerationJob

from .conftest import client_for

ROLES = ["anonymous", "delegate", "staff", "other_organiser", "organiser", "admin"]

# Expected status per role: 302 means "sent to the login page".
TEAM_PAGE = {
    "anonymous": 302,
    "delegate": 404,
    "staff": 200,
    "other_organiser": 404,
    "organiser": 200,
    "admin": 200,
}
ADMIN_PAGE = {
    "anonymous": 302,
    "delegate": 404,
    "staff": 403,
    "other_organiser": 404,
    "organiser": 403,
    "admin": 200,
}


def _expect(response, expected: int) -> None:
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["programs:detail", "participants:list", "visits:agenda"])
def test_programme_team_pages(cast, programme, view, role):
    response = client_for(cast[role]).get(reverse(view, args=[programme.slug]))
    _expect(response, TEAM_PAGE[role])
    if response.status_code == 200:
        assert programme.short_name_en in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_home(cast, programme, role):
    response = client_for(cast[role]).get(reverse("home"))
    _expect(response, 302 if role == "anonymous" else 200)
    if role != "anonymous":
        # Delegates see the programme they attend; outsiders never see it.
        shown = programme.title_en in response.content.decode()
        assert shown == (role != "other_organiser")


@pytest.mark.parametrize("role", ROLES)
def test_my_agenda(cast, programme, role):
    response = client_for(cast[role]).get(reverse("visits:my_agenda"))
    expected = {"anonymous": 302, "delegate": 200}.get(role, 404)
    _expect(response, expected)


@pytest.mark.parametrize("role", ROLES)
def test_report_list(cast, programme, role):
    response = client_for(cast[role]).get(reverse("reports:list", args=[programme.slug]))
    _expect(response, ADMIN_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_report_generate(cast, programme, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("reports:generate", args=[programme.slug]),
            {"kind": "programme_overview", "language": "en"},
        )
    if role == "admin":
        assert response.status_code == 302
        assert response["Location"] == reverse("reports:list", args=[programme.slug])
        assert GenerationJob.objects.get(programme=programme).status == GenerationJob.Status.DONE
    else:
        _expect(response, ADMIN_PAGE[role])
        assert not GenerationJob.objects.filter(programme=programme).exists()


@pytest.mark.parametrize("role", ROLES)
def test_report_download(cast, programme, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["admin"]).post(
            reverse("reports:generate", args=[programme.slug]),
            {"kind": "programme_overview", "language": "en"},
        )
    document = GenerationJob.objects.get(programme=programme)
    response = client_for(cast[role]).get(reverse("reports:job_combined", args=[document.pk]))
    # Generated files are not even admitted to: members without the role get 404 too.
    _expect(response, {**ADMIN_PAGE, "staff": 404, "organiser": 404}[role])
    if role == "admin":
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_generate_requires_post(cast, programme):
    response = client_for(cast["admin"]).get(reverse("reports:generate", args=[programme.slug]))
    assert response.status_code == 405
