"""Programme, team and delegation pages: what they show and what they change."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from programs.models import Delegation, Programme, ProgrammeMembership, Province
from tests.conftest import client_for
from tests.factories import (
    ColomboProgrammeFactory,
    DelegationFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
    member_country,
)
from tests.uploads import bomb_upload

from .conftest import png_upload, text_upload
from .test_forms import delegation_data, programme_data

MANAGERS = {"organiser", "admin"}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _jpeg_bytes(width: int = 300, height: int = 100) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def _url(name: str, programme, *args) -> str:
    return reverse(f"programs:{name}", args=[programme.slug, *args])


# What each permitted role gets; who may reach each view is in tests/permission_table.py.


def test_programme_create_page_proposes_the_jakarta_time_zone(cast):
    response = client_for(cast["admin"]).get(reverse("programs:create"))
    assert 'value="Asia/Jakarta" selected' in response.content.decode()


def test_programme_create_leads_to_the_new_dashboard(cast):
    response = client_for(cast["admin"]).post(reverse("programs:create"), programme_data())
    created = Programme.objects.get(short_name_en="KSP Digital 2025")
    assert response["Location"] == reverse("participants:dashboard", args=[created.slug])


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_programme_detail_shows_manager_buttons_to_managers_only(cast, programme, role):
    content = client_for(cast[role]).get(_url("detail", programme)).content.decode()
    assert (_url("edit", programme) in content) == (role in MANAGERS)
    assert (_url("archive", programme) in content) == (role in MANAGERS)


def test_programme_edit_page_shows_the_programme(cast, programme):
    response = client_for(cast["organiser"]).get(_url("edit", programme))
    assert f'value="{programme.title_en}"' in response.content.decode()


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_programme_edit_saves(cast, programme, role):
    data = programme_data(title_en="Renamed programme", short_name_en=programme.short_name_en)
    response = client_for(cast[role]).post(_url("edit", programme), data)
    programme.refresh_from_db()
    assert response["Location"] == _url("detail", programme)
    assert programme.title_en == "Renamed programme"


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_programme_archive_archives(cast, programme, role):
    response = client_for(cast[role]).post(_url("archive", programme), {"action": "archive"})
    programme.refresh_from_db()
    assert response["Location"] == _url("detail", programme)
    assert programme.is_archived


def test_programme_logo_is_served_as_stored(cast, programme):
    programme.logo.save("logo.jpg", ContentFile(_jpeg_bytes()))
    response = client_for(cast["staff"]).get(_url("logo", programme))
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == _jpeg_bytes()


def test_team_page_lists_the_team(cast, programme):
    response = client_for(cast["organiser"]).get(_url("team", programme))
    assert cast["staff"].email in response.content.decode()


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_team_add_adds_a_member(cast, programme, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            _url("team", programme), {"email": "new.staff@example.org", "role": "staff"}
        )
    assert response["Location"] == _url("team", programme)
    added = programme.memberships.get(user__email="new.staff@example.org")
    assert added.role == "staff"


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_team_remove_removes_the_member(cast, programme, role):
    staff = programme.memberships.get(user=cast["staff"])
    response = client_for(cast[role]).post(_url("team_remove", programme, staff.pk))
    assert response["Location"] == _url("team", programme)
    assert not ProgrammeMembership.objects.filter(pk=staff.pk).exists()


def test_delegations_page_lists_the_delegations(cast, programme):
    DelegationFactory(programme=programme, country=member_country("LA"), seats=2)
    response = client_for(cast["organiser"]).get(_url("delegations", programme))
    assert "Laos" in response.content.decode()


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_delegation_add_adds_it(cast, programme, role):
    laos = member_country("LA")
    response = client_for(cast[role]).post(
        _url("delegations", programme), delegation_data(country=laos.pk)
    )
    assert response["Location"] == _url("delegations", programme)
    assert list(programme.delegations.values_list("country", flat=True)) == [laos.pk]


def test_delegation_edit_page_names_the_delegation(cast, programme):
    delegation = DelegationFactory(programme=programme, country=member_country("LA"))
    response = client_for(cast["organiser"]).get(_url("delegation_edit", programme, delegation.pk))
    assert "Delegation of Laos" in response.content.decode()


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_delegation_edit_saves(cast, programme, role):
    laos = member_country("LA")
    delegation = DelegationFactory(programme=programme, country=laos, seats=1)
    response = client_for(cast[role]).post(
        _url("delegation_edit", programme, delegation.pk),
        delegation_data(country=laos.pk, seats="4"),
    )
    delegation.refresh_from_db()
    assert response["Location"] == _url("delegations", programme)
    assert delegation.seats == 4


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_delegation_delete_deletes_it(cast, programme, role):
    delegation = DelegationFactory(programme=programme)
    response = client_for(cast[role]).post(
        _url("delegation_delete", programme, delegation.pk), {"confirmed": "1"}
    )
    assert response["Location"] == _url("delegations", programme)
    assert not Delegation.objects.filter(pk=delegation.pk).exists()


def test_child_objects_of_another_programme_are_not_found(cast, programme):
    other = ProgrammeFactory()
    membership = MembershipFactory(programme=other, role="staff")
    delegation = DelegationFactory(programme=other)
    client = client_for(cast["organiser"])
    assert client.post(_url("team_remove", programme, membership.pk)).status_code == 404
    assert client.get(_url("delegation_edit", programme, delegation.pk)).status_code == 404
    assert client.post(_url("delegation_delete", programme, delegation.pk)).status_code == 404
    assert ProgrammeMembership.objects.filter(pk=membership.pk).exists()
    assert Delegation.objects.filter(pk=delegation.pk).exists()


# Creating and editing programmes.


def test_programme_create_makes_the_creator_an_organiser(cast):
    admin = cast["admin"]
    client_for(admin).post(reverse("programs:create"), programme_data())
    programme = Programme.objects.get(short_name_en="KSP Digital 2025")
    assert programme.slug == "ksp-digital-2025"
    assert list(programme.memberships.values_list("user", "role")) == [(admin.pk, "organiser")]
    assert (programme.start_date, programme.end_date) == (date(2025, 3, 10), date(2025, 3, 14))
    assert programme.time_zone == "Asia/Jakarta"


def test_programme_create_allowed_by_the_add_programme_permission(db):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_programme"))
    client = client_for(user)
    assert client.get(reverse("programs:create")).status_code == 200
    response = client.post(reverse("programs:create"), programme_data())
    programme = Programme.objects.get(short_name_en="KSP Digital 2025")
    assert response["Location"] == reverse("participants:dashboard", args=[programme.slug])
    assert programme.memberships.get().user == user
    # As its organiser they may now manage it.
    assert client.get(_url("edit", programme)).status_code == 200


def test_programme_create_slug_gets_a_number_when_taken(cast):
    ProgrammeFactory(slug="ksp-digital-2025")
    client_for(cast["admin"]).post(reverse("programs:create"), programme_data())
    assert Programme.objects.get(short_name_en="KSP Digital 2025").slug == "ksp-digital-2025-2"


def test_programme_create_invalid_shows_errors_and_saves_nothing(cast):
    response = client_for(cast["admin"]).post(
        reverse("programs:create"),
        {**programme_data(start_date="2025-03-14", end_date="2025-03-10"), "logo": text_upload()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "end_date": ["The last day cannot be before the first day."],
        "logo": ["The file is not an image (JPEG, PNG, WebP or GIF)."],
    }
    assert not Programme.objects.filter(short_name_en="KSP Digital 2025").exists()


def test_programme_create_stores_the_logo_as_a_jpeg_of_600_pixels(cast):
    client_for(cast["admin"]).post(
        reverse("programs:create"), {**programme_data(), "logo": png_upload(900, 1800)}
    )
    programme = Programme.objects.get(short_name_en="KSP Digital 2025")
    assert programme.logo.name == "programmes/ksp-digital-2025/logo.jpg"
    with Image.open(programme.logo.path) as image:
        assert (image.format, image.size) == ("JPEG", (300, 600))


def test_programme_edit_replaces_the_logo_and_deletes_the_old_file(
    cast, programme, django_capture_on_commit_callbacks
):
    programme.logo.save("logo.jpg", ContentFile(_jpeg_bytes()))
    old_path = Path(programme.logo.path)
    data = programme_data(short_name_en=programme.short_name_en, title_en=programme.title_en)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["organiser"]).post(
            _url("edit", programme), {**data, "logo": png_upload(800, 800)}
        )
    programme.refresh_from_db()
    assert not old_path.exists()
    with Image.open(programme.logo.path) as image:
        assert (image.format, image.size) == ("JPEG", (600, 600))
    # Saving without a new file keeps the logo.
    client_for(cast["organiser"]).post(_url("edit", programme), data)
    programme.refresh_from_db()
    assert Path(programme.logo.path).exists()


def test_programme_edit_invalid_keeps_the_saved_title_in_the_header(cast, programme):
    data = programme_data(title_en="", short_name_en=programme.short_name_en)
    response = client_for(cast["organiser"]).post(_url("edit", programme), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"title_en": ["This field is required."]}
    assert response.context["programme"].title_en == programme.title_en


def test_programme_archive_then_restore(cast, programme):
    client = client_for(cast["organiser"])
    response = client.post(_url("archive", programme), {"action": "archive"})
    assert _messages(response) == [
        f"{programme.short_name_en} is archived: it no longer appears on the start page."
    ]
    # A second "archive" (a double click) does not undo the first.
    client.post(_url("archive", programme), {"action": "archive"})
    programme.refresh_from_db()
    assert programme.is_archived
    # Archived programmes stay reachable, and say so.
    page = client.get(_url("detail", programme)).content.decode()
    assert "This programme was archived on" in page
    assert "Restore programme" in page
    response = client.post(_url("archive", programme), {"action": "restore"})
    assert _messages(response) == [f"{programme.short_name_en} is restored."]
    programme.refresh_from_db()
    assert not programme.is_archived


def test_programme_archive_without_an_action_toggles(cast, programme):
    client = client_for(cast["admin"])
    client.post(_url("archive", programme))
    programme.refresh_from_db()
    assert programme.is_archived
    client.post(_url("archive", programme))
    programme.refresh_from_db()
    assert not programme.is_archived


def test_programme_logo_missing_is_not_found(cast, programme):
    response = client_for(cast["organiser"]).get(_url("logo", programme))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_about_page_shows_the_logo_and_expected_counts(cast, programme):
    programme.logo.save("logo.jpg", ContentFile(_jpeg_bytes()))
    Programme.objects.filter(pk=programme.pk).update(
        expected_international=24, expected_domestic=38, expected_other=12
    )
    content = client_for(cast["staff"]).get(_url("detail", programme)).content.decode()
    assert f'src="{_url("logo", programme)}"' in content
    assert f'alt="Logo of {programme.short_name_en}"' in content
    for number, label in [
        (24, "international delegates"),
        (38, "domestic representatives"),
        (12, "speakers, observers and staff"),
        (74, "in total"),
    ]:
        assert f'<span class="stat-number">{number}</span> {label}' in content


# Team.


def test_team_page_lists_organisers_and_staff(cast, programme):
    response = client_for(cast["organiser"]).get(_url("team", programme))
    members = [(m.user.email, m.role) for m in response.context["members"]]
    assert members == [(cast["organiser"].email, "organiser"), (cast["staff"].email, "staff")]
    content = response.content.decode()
    assert cast["organiser"].get_full_name() in content
    assert cast["other_organiser"].email not in content


def test_team_add_new_person_creates_an_account_and_emails_them(
    cast, programme, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["organiser"]).post(
            _url("team", programme), {"email": "Budi.Santoso@Example.org", "role": "organiser"}
        )
    user = get_user_model().objects.get(email="budi.santoso@example.org")
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "budi.santoso@example.org",
        False,
        True,
    )
    assert programme.memberships.get(user=user).role == "organiser"
    assert _messages(response) == [
        "An account was created for budi.santoso@example.org, who is now Organiser; they have "
        "been e-mailed how to sign in."
    ]
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["budi.santoso@example.org"]
    # In English, then in Indonesian.
    assert message.subject.startswith(
        f"[TPBIS] You have joined the team of {programme.short_name_en} / "
    )
    assert f"You have been added to the team of “{programme.title_en}”" in message.body
    assert "with the role “Organiser”" in message.body
    assert "Send me a sign-in code" in message.body
    assert f"http://testserver{reverse('account_login')}" in message.body


def test_team_add_existing_user_creates_no_account(
    cast, programme, mailoutbox, django_capture_on_commit_callbacks
):
    existing = cast["other_organiser"]
    users = get_user_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast["admin"]).post(
            _url("team", programme), {"email": existing.email, "role": "staff"}
        )
    assert get_user_model().objects.count() == users
    assert programme.memberships.get(user=existing).role == "staff"
    assert mailoutbox[0].to == [existing.email]
    assert "Send me a sign-in code" not in mailoutbox[0].body


def test_team_add_someone_already_in_the_team_is_a_field_error(cast, programme, mailoutbox):
    response = client_for(cast["organiser"]).post(
        _url("team", programme), {"email": cast["staff"].email, "role": "organiser"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [f"{cast['staff'].email} is already in this programme's team."]
    }
    assert programme.memberships.get(user=cast["staff"]).role == "staff"
    assert mailoutbox == []


def test_team_add_with_nothing_filled_in_says_what_is_missing(cast, programme):
    response = client_for(cast["organiser"]).post(_url("team", programme), {})
    assert response.context["form"].errors == {
        "email": ["This field is required."],
        "role": ["This field is required."],
    }


def test_team_remove_the_last_organiser_is_refused(cast, programme):
    organiser = programme.memberships.get(user=cast["organiser"])
    response = client_for(cast["admin"]).post(_url("team_remove", programme, organiser.pk))
    assert response["Location"] == _url("team", programme)
    assert _messages(response) == [
        f"{cast['organiser'].get_full_name()} is the programme's only organiser and cannot be "
        "removed. Add another organiser first."
    ]
    assert ProgrammeMembership.objects.filter(pk=organiser.pk).exists()


def test_team_remove_an_organiser_when_another_remains(cast, programme):
    second = MembershipFactory(programme=programme, role="organiser")
    response = client_for(cast["organiser"]).post(_url("team_remove", programme, second.pk))
    assert _messages(response) == [f"{second.user.get_full_name()} has been removed from the team."]
    assert not ProgrammeMembership.objects.filter(pk=second.pk).exists()
    # The account stays.
    assert get_user_model().objects.filter(pk=second.user_id).exists()


def test_team_remove_yourself_leads_home(cast, programme):
    MembershipFactory(programme=programme, role="organiser")
    own = programme.memberships.get(user=cast["organiser"])
    response = client_for(cast["organiser"]).post(_url("team_remove", programme, own.pk))
    assert response["Location"] == reverse("home")
    assert not programme.memberships.filter(user=cast["organiser"]).exists()


# Delegations.


@pytest.fixture
def delegations(programme):
    provinces = {p.name: p for p in Province.objects.all()}
    return [
        DelegationFactory(
            programme=programme,
            country=member_country("VN"),
            seats=2,
            nominating_agency="National Library of Vietnam",
            contact_name="Nguyen Thi Lan",
            contact_email="lan@example.vn",
            contact_phone="+84 24 3825 5397",
        ),
        DelegationFactory(programme=programme, country=member_country("BT"), seats=1),
        DelegationFactory(
            programme=programme,
            country=None,
            province=provinces["Jawa Barat"],
            locality="Kota Bandung",
        ),
        DelegationFactory(programme=programme, country=None, province=provinces["Aceh"], seats=2),
    ]


def test_delegations_page_shows_both_tables_with_totals(cast, programme, delegations):
    response = client_for(cast["organiser"]).get(_url("delegations", programme))
    assert [str(d) for d in response.context["international"]] == ["Bhutan", "Vietnam"]
    assert [str(d) for d in response.context["domestic"]] == ["Aceh", "Kota Bandung (Jawa Barat)"]
    assert (response.context["international_seats"], response.context["domestic_seats"]) == (3, 3)
    content = response.content.decode()
    assert '<span class="stat-number">3</span> international seats, 2 countries' in content
    assert '<span class="stat-number">3</span> domestic seats, 2 regions' in content
    assert 'href="mailto:lan@example.vn"' in content
    assert _url("delegation_edit", programme, delegations[0].pk) in content


def test_delegation_add_duplicate_shows_the_error_and_keeps_the_input(cast, programme, delegations):
    response = client_for(cast["organiser"]).post(
        _url("delegations", programme),
        delegation_data(country=member_country("VN").pk, contact_name="Tran Van Minh"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "country": ["Vietnam already has a delegation in this programme."]
    }
    assert 'value="Tran Van Minh"' in response.content.decode()
    assert programme.delegations.count() == 4


def test_delegation_add_domestic_seats(cast, programme):
    jatim = Province.objects.get(name="Jawa Timur")
    response = client_for(cast["organiser"]).post(
        _url("delegations", programme),
        delegation_data(kind="domestic", region=jatim.code, locality="Kota Surabaya", seats="3"),
    )
    assert _messages(response) == ["The delegation of Kota Surabaya (Jawa Timur) was added."]
    delegation = programme.delegations.get()
    assert (delegation.province, delegation.locality, delegation.seats) == (
        jatim,
        "Kota Surabaya",
        3,
    )


def test_delegations_of_a_programme_hosted_in_sri_lanka_offer_its_provinces(db):
    programme = ColomboProgrammeFactory()
    organiser = MembershipFactory(programme=programme).user
    client = client_for(organiser)
    response = client.post(
        _url("delegations", programme),
        delegation_data(kind="domestic", region="LK-1", locality="Gampaha", seats="4"),
    )
    assert _messages(response) == ["The delegation of Gampaha (Western Province) was added."]
    delegation = programme.delegations.get()
    assert (delegation.province, delegation.subdivision, delegation.locality) == (
        None,
        "LK-1",
        "Gampaha",
    )
    content = client.get(_url("delegations", programme)).content.decode()
    assert '<option value="LK-2">Central Province</option>' in content
    assert "Region of Sri Lanka" in content
    assert "Seats offered to regions of Sri Lanka" in content
    assert '<th scope="row">Western Province</th>' in content
    assert "Aceh" not in content
    detail = client.get(_url("detail", programme)).content.decode()
    assert "<dt>Host country</dt><dd>Sri Lanka</dd>" in detail
    # An Indonesian province is no region of Sri Lanka.
    response = client.post(
        _url("delegations", programme),
        delegation_data(kind="domestic", region="11", seats="1"),
    )
    assert response.context["form"].errors == {
        "region": ["Select a valid choice. 11 is not one of the available choices."]
    }


def test_delegation_edit_invalid_keeps_the_saved_origin_in_the_heading(
    cast, programme, delegations
):
    vietnam = delegations[0]
    response = client_for(cast["organiser"]).post(
        _url("delegation_edit", programme, vietnam.pk),
        delegation_data(country=member_country("BT").pk),
    )
    assert response.context["form"].errors == {
        "country": ["Bhutan already has a delegation in this programme."]
    }
    assert "<h1>Delegation of Vietnam</h1>" in response.content.decode()


def test_delegation_delete_says_what_was_deleted(cast, programme, delegations):
    response = client_for(cast["organiser"]).post(
        _url("delegation_delete", programme, delegations[0].pk), {"confirmed": "1"}
    )
    assert _messages(response) == ["The delegation of Vietnam was deleted."]
    assert programme.delegations.count() == 3
    assert not programme.delegations.filter(country__country="VN").exists()


# Query counts: the list pages run a fixed number of queries whatever their size.


@pytest.mark.parametrize("size", [10, 500])
def test_team_page_query_count(cast, programme, size, django_assert_num_queries):
    users = get_user_model().objects.bulk_create(UserFactory.build_batch(size))
    ProgrammeMembership.objects.bulk_create(
        MembershipFactory.build(programme=programme, user=user, role="staff") for user in users
    )
    client = client_for(cast["organiser"])
    # session, user, programme, own membership (role), memberships with their users (the
    # table), the user's memberships and participations (navigation).
    with django_assert_num_queries(7):
        response = client.get(_url("team", programme))
    assert len(response.context["members"]) == size + 2


@pytest.mark.parametrize("size", [10, 500])
def test_delegations_page_query_count(cast, programme, size, django_assert_num_queries):
    provinces = list(Province.objects.all())
    Delegation.objects.bulk_create(
        DelegationFactory.build(
            programme=programme,
            country=None,
            province=provinces[n % len(provinces)],
            locality=f"Kota {n}",
        )
        for n in range(size)
    )
    client = client_for(cast["organiser"])
    # session, user, programme, own membership (role), delegations with countries and
    # provinces (both tables), member countries and provinces (the form's selects), the
    # user's memberships and participations (navigation).
    with django_assert_num_queries(9):
        response = client.get(_url("delegations", programme))
    assert len(response.context["domestic"]) == size


@pytest.mark.parametrize("role", ["staff", "organiser"])
def test_programme_detail_tells_managers_when_personal_data_goes(cast, programme, role):
    programme.personal_data_kept_until = date(2024, 2, 29)
    programme.save()
    page = client_for(cast[role]).get(_url("detail", programme)).content.decode()
    told = "Passport details, travel, needs and emergency contacts are kept until 29 February 2024"
    assert (told in page) == (role in MANAGERS)
    personal_data = reverse("reports:personal_data", args=[programme.slug])
    assert (personal_data in page) == (role in MANAGERS)


def test_programme_logo_decompression_bomb_is_a_form_error_and_the_form_stays_filled(cast):
    response = client_for(cast["admin"]).post(
        reverse("programs:create"), {**programme_data(), "logo": bomb_upload()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"logo": ["The image has too many pixels."]}
    assert 'value="KSP Digital 2025"' in response.content.decode()
    assert not Programme.objects.filter(short_name_en="KSP Digital 2025").exists()


def test_programme_logo_over_its_limit_is_a_form_error_naming_the_limit(cast, programme):
    data = programme_data(short_name_en=programme.short_name_en, title_en=programme.title_en)
    big = SimpleUploadedFile("logo.png", b"0" * (5 * 1024 * 1024 + 1), content_type="image/png")
    response = client_for(cast["organiser"]).post(_url("edit", programme), {**data, "logo": big})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "logo": ["The file is 5.0\xa0MB, over the 5 MB limit for logos."]
    }


def test_programme_page_names_the_host_with_its_short_name_once(cast, programme):
    programme.host_institution = "National Library of Indonesia (Perpustakaan Nasional RI)"
    programme.host_short_name = "Perpusnas"
    programme.save()
    page = client_for(cast["organiser"]).get(reverse("programs:detail", args=[programme.slug]))
    assert (
        "National Library of Indonesia (Perpustakaan Nasional RI, Perpusnas)"
        in page.content.decode()
    )
