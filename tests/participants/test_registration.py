"""Adding, editing, viewing and moving participants along the status workflow."""

import re
from datetime import UTC, date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from participants.models import Participant, StatusChange
from programs.models import Province

from ..conftest import client_for
from ..factories import (
    ColomboProgrammeFactory,
    DelegationFactory,
    InvitationFactory,
    MembershipFactory,
    ParticipantFactory,
    member_country,
)
from ..uploads import bomb_upload


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _png(width: int = 40, height: int = 50) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png")


def _form_data(**overrides) -> dict:
    data = {
        "category": Participant.Category.INTERNATIONAL,
        "status": Participant.Status.INVITED,
        "full_name": "ສົມພອນ ພົມມະວົງ",
        "full_name_latin": "Somphone Phommavong",
        "certificate_name": "",
        "gender": Participant.Gender.MALE,
        "country": member_country("LA").pk,
        "host_region": "",
        "region": "",
        "position": "Librarian",
        "institution": "National Library of Laos",
        "email": "somphone@example.org",
        "phone": "+856 21 000 000",
        "nationality": "LA",
        "passport_number": "",
        "passport_expiry": "",
        "arrival_at": "",
        "arrival_details": "",
        "departure_at": "",
        "departure_details": "",
        "accommodation": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "emergency_contact_relation": "",
    }
    data.update(overrides)
    return data


def _create(cast, programme, **overrides):
    return client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]), _form_data(**overrides)
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Permissions


def test_create_page_asks_for_the_passport(cast, programme):
    response = client_for(cast["organiser"]).get(
        reverse("participants:create", args=[programme.slug])
    )
    page = response.content.decode()
    assert "<legend>Passport</legend>" in page
    assert 'name="status"' in page


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_create_post_creates_and_shows_the_participant(cast, programme, role):
    response = client_for(cast[role]).post(
        reverse("participants:create", args=[programme.slug]), _form_data()
    )
    created = programme.participants.get(email="somphone@example.org")
    assert response["Location"] == reverse("participants:detail", args=[programme.slug, created.pk])


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_edit_post_saves(cast, programme, role):
    participant = ParticipantFactory(programme=programme, full_name="Before")
    response = client_for(cast[role]).post(
        reverse("participants:edit", args=[programme.slug, participant.pk]),
        _form_data(full_name="After", email=participant.email),
    )
    participant.refresh_from_db()
    assert response.status_code == 302
    assert participant.full_name == "After"


@pytest.mark.parametrize("role", ["staff", "organiser", "admin"])
def test_detail_shows_private_details_to_managers_only(cast, programme, role):
    participant = ParticipantFactory(
        programme=programme,
        full_name="Aung Kyaw",
        passport_number="MA1234567",
        emergency_contact_name="Daw Hla",
    )
    response = client_for(cast[role]).get(
        reverse("participants:detail", args=[programme.slug, participant.pk])
    )
    page = response.content.decode()
    assert "Aung Kyaw" in page
    # Passport and emergency contact are for organisers and admins only.
    is_manager = role in ("organiser", "admin")
    assert ("MA1234567" in page) == is_manager
    assert ("Daw Hla" in page) == is_manager
    assert ("Mark as Confirmed" in page) == is_manager


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_status_post_changes_the_status(cast, programme, role):
    participant = ParticipantFactory(programme=programme)
    response = client_for(cast[role]).post(
        reverse("participants:status", args=[programme.slug, participant.pk]),
        {"status": Participant.Status.CONFIRMED},
    )
    participant.refresh_from_db()
    assert response.status_code == 302
    assert participant.status == Participant.Status.CONFIRMED


def test_child_of_another_programme_is_not_found(cast, programme):
    stranger = ParticipantFactory()
    client = client_for(cast["organiser"])
    for name in ("detail", "edit", "status", "photo"):
        url = reverse(f"participants:{name}", args=[programme.slug, stranger.pk])
        response = client.post(url) if name == "status" else client.get(url)
        assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == Participant.Status.INVITED
    assert not stranger.status_changes.exists()


@pytest.mark.parametrize("role", ["delegate", "staff", "organiser", "admin"])
def test_photo_is_served_as_stored(cast, programme, role, media):
    owner = programme.participants.get(user=cast["delegate"])
    owner.photo.save("photo.jpg", ContentFile(b"\xff\xd8jpeg-bytes"), save=True)
    response = client_for(cast[role]).get(
        reverse("participants:photo", args=[programme.slug, owner.pk])
    )
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == b"\xff\xd8jpeg-bytes"


def test_photo_of_another_delegate_is_not_found(cast, programme, media):
    other = programme.participants.get(user=cast["delegate_b"])
    other.photo.save("photo.jpg", ContentFile(b"\xff\xd8b"), save=True)
    url = reverse("participants:photo", args=[programme.slug, other.pk])
    assert client_for(cast["delegate"]).get(url).status_code == 404
    response = client_for(cast["delegate_b"]).get(url)
    assert b"".join(response.streaming_content) == b"\xff\xd8b"


def test_photo_missing_is_not_found(cast, programme):
    participant = ParticipantFactory(programme=programme)
    response = client_for(cast["organiser"]).get(
        reverse("participants:photo", args=[programme.slug, participant.pk])
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# Creating and editing


def test_create_saves_every_field_and_records_initial_status(cast, programme):
    response = _create(
        cast,
        programme,
        status=Participant.Status.CONFIRMED,
        passport_number="p 123 456",
        passport_expiry="2030-01-31",
        passport_locked="on",
        dietary_needs="Vegetarian",
        emergency_contact_name="Noy",
    )
    participant = programme.participants.get(email="somphone@example.org")
    assert response["Location"] == reverse(
        "participants:detail", args=[programme.slug, participant.pk]
    )
    assert (participant.full_name_latin, participant.country.code) == ("Somphone Phommavong", "LA")
    assert participant.status == Participant.Status.CONFIRMED
    assert participant.passport_number == "P123456"
    assert participant.passport_expiry == date(2030, 1, 31)
    assert participant.passport_locked is True
    assert participant.dietary_needs == "Vegetarian"
    assert participant.emergency_contact_name == "Noy"
    change = StatusChange.objects.get(participant=participant)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        Participant.Status.CONFIRMED,
        cast["organiser"],
    )
    assert _messages(response) == ["Somphone Phommavong (ສົມພອນ ພົມມະວົງ) was added."]


def test_create_status_defaults_to_invited(cast, programme):
    response = client_for(cast["organiser"]).get(
        reverse("participants:create", args=[programme.slug])
    )
    assert response.context["form"]["status"].value() == Participant.Status.INVITED


def test_edit_form_has_no_status_field_and_keeps_status(cast, programme):
    participant = ParticipantFactory(programme=programme, status=Participant.Status.CONFIRMED)
    url = reverse("participants:edit", args=[programme.slug, participant.pk])
    client = client_for(cast["organiser"])
    assert "status" not in client.get(url).context["form"].fields
    client.post(url, _form_data(status=Participant.Status.DECLINED, email=participant.email))
    participant.refresh_from_db()
    assert participant.status == Participant.Status.CONFIRMED
    assert not StatusChange.objects.filter(participant=participant).exists()


def _errors(response) -> dict:
    assert response.status_code == 200, "the form should be shown again with errors"
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_international_delegate_needs_a_member_country(cast, programme):
    response = _create(cast, programme, country="")
    assert _errors(response) == {"country": ["An international delegate needs a country."]}
    assert not programme.participants.filter(email="somphone@example.org").exists()


def test_domestic_representative_needs_a_province_or_region(cast, programme):
    response = _create(cast, programme, category=Participant.Category.DOMESTIC, country="")
    assert _errors(response) == {
        "region": ["A domestic representative needs a region of the host country."]
    }


def test_domestic_representative_with_a_province_only_is_accepted(cast, programme):
    province = Province.objects.get(name="Jawa Timur")
    response = _create(
        cast,
        programme,
        category=Participant.Category.DOMESTIC,
        country="",
        host_region=province.code,
    )
    assert response.status_code == 302
    participant = programme.participants.get(email="somphone@example.org")
    assert (participant.province, participant.country.code) == (province, "ID")


def test_participant_form_of_a_programme_hosted_in_sri_lanka_offers_its_provinces(db):
    programme = ColomboProgrammeFactory()
    organiser = MembershipFactory(programme=programme).user
    url = reverse("participants:create", args=[programme.slug])
    page = client_for(organiser).get(url).content.decode()
    assert "Region of Sri Lanka" in page
    assert '<option value="LK-7">North Central Province</option>' in page
    assert re.search(r'<label for="id_region"[^>]*>Locality', page)
    response = client_for(organiser).post(
        url,
        _form_data(
            category=Participant.Category.DOMESTIC,
            country="",
            host_region="LK-7",
            region="Anuradhapura",
            nationality="LK",
        ),
    )
    assert response.status_code == 302
    participant = programme.participants.get(email="somphone@example.org")
    assert (
        participant.province,
        participant.subdivision,
        participant.region,
        participant.country.code,
        participant.origin,
    ) == (None, "LK-7", "Anuradhapura", "LK", "Anuradhapura")
    detail = client_for(organiser).get(
        reverse("participants:detail", args=[programme.slug, participant.pk])
    )
    assert "<dt>Region of Sri Lanka</dt><dd>North Central Province</dd>" in detail.content.decode()


def test_email_must_be_unique_in_the_programme_whatever_the_case(cast, programme):
    ParticipantFactory(programme=programme, email="Somphone@Example.org")
    response = _create(cast, programme, email="somphone@EXAMPLE.org")
    assert _errors(response) == {
        "email": ["Another participant of this programme has this address."]
    }


def test_email_may_repeat_in_another_programme(cast, programme):
    elsewhere = ParticipantFactory(email="somphone@example.org")
    assert _create(cast, programme).status_code == 302
    emails = Participant.objects.filter(email="somphone@example.org")
    assert sorted(emails.values_list("programme", flat=True)) == sorted(
        [programme.pk, elsewhere.programme_id]
    )


def test_editing_keeps_own_email_and_passport(cast, programme):
    participant = ParticipantFactory(programme=programme, passport_number="AB123")
    response = client_for(cast["organiser"]).post(
        reverse("participants:edit", args=[programme.slug, participant.pk]),
        _form_data(email=participant.email.upper(), passport_number="ab 123"),
    )
    assert response.status_code == 302
    email = participant.email
    participant.refresh_from_db()
    # Saved as typed; the passport number in its stored form.
    assert (participant.email, participant.passport_number) == (email.upper(), "AB123")


def test_passport_number_unique_after_normalising(cast, programme):
    ParticipantFactory(programme=programme, passport_number="P 123456")
    response = _create(cast, programme, passport_number=" p123 456 ")
    assert _errors(response) == {
        "passport_number": ["Another participant of this programme has this passport number."]
    }


def test_passport_must_not_expire_before_the_last_day(cast, programme):
    response = _create(cast, programme, passport_expiry="2023-11-16")
    assert _errors(response) == {
        "passport_expiry": ["The passport expires before the programme ends (Nov. 17, 2023)."]
    }
    assert _create(cast, programme, passport_expiry="2023-11-17").status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("arrival_at", "2023-11-06T00:00", True),
        ("arrival_at", "2023-11-05T23:59", False),
        ("departure_at", "2023-11-24T23:59", True),
        ("departure_at", "2023-11-25T00:00", False),
    ],
)
def test_travel_within_a_week_of_the_programme(cast, programme, field, value, accepted):
    response = _create(cast, programme, **{field: value})
    if accepted:
        assert response.status_code == 302
    else:
        assert _errors(response) == {
            field: ["Choose a day between Nov. 6, 2023 and Nov. 24, 2023."]
        }


def test_departure_must_come_after_arrival(cast, programme):
    response = _create(
        cast, programme, arrival_at="2023-11-12T10:00", departure_at="2023-11-12T09:00"
    )
    assert _errors(response) == {"departure_at": ["The departure must come after the arrival."]}


def test_datetimes_are_entered_and_shown_in_programme_time(cast, programme):
    _create(cast, programme, arrival_at="2023-11-12T08:30", departure_at="2023-11-18T20:15")
    participant = programme.participants.get(email="somphone@example.org")
    assert participant.arrival_at == datetime(2023, 11, 12, 1, 30, tzinfo=UTC)
    assert participant.departure_at == datetime(2023, 11, 18, 13, 15, tzinfo=UTC)
    client = client_for(cast["organiser"])
    form_page = client.get(
        reverse("participants:edit", args=[programme.slug, participant.pk])
    ).content.decode()
    assert 'value="2023-11-12T08:30"' in form_page
    detail = client.get(
        reverse("participants:detail", args=[programme.slug, participant.pk])
    ).content.decode()
    assert "Sunday 12 November 2023, 08:30" in detail


def test_photo_is_reencoded_to_jpeg(cast, programme, media):
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]),
        {**_form_data(), "photo": _png(1200, 900)},
    )
    assert response.status_code == 302
    participant = programme.participants.get(email="somphone@example.org")
    assert participant.photo.name == f"participants/{programme.pk}/{participant.pk}/photo.jpg"
    with Image.open(participant.photo.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", (600, 450))


def test_new_photo_replaces_the_old_file(cast, programme, media):
    participant = ParticipantFactory(programme=programme)
    url = reverse("participants:edit", args=[programme.slug, participant.pk])
    client = client_for(cast["organiser"])
    client.post(url, {**_form_data(email=participant.email), "photo": _png(30, 30)})
    client.post(url, {**_form_data(email=participant.email), "photo": _png(20, 40)})
    participant.refresh_from_db()
    folder = media / "participants" / str(programme.pk) / str(participant.pk)
    assert [path.name for path in folder.iterdir()] == ["photo.jpg"]
    with Image.open(participant.photo.path) as stored:
        assert stored.size == (20, 40)


def test_edit_form_links_the_photo_through_the_checked_view(cast, programme, media):
    participant = ParticipantFactory(programme=programme)
    url = reverse("participants:edit", args=[programme.slug, participant.pk])
    client = client_for(cast["organiser"])
    client.post(url, {**_form_data(email=participant.email), "photo": _png()})
    page = client.get(url).content.decode()
    photo_url = reverse("participants:photo", args=[programme.slug, participant.pk])
    assert f'href="{photo_url}"' in page
    assert "/media/" not in page
    # Saving again without a new file keeps the photo.
    client.post(url, _form_data(email=participant.email, full_name="Renamed"))
    participant.refresh_from_db()
    assert participant.photo.name.endswith("photo.jpg")


def test_photo_can_be_removed(cast, programme, media):
    participant = ParticipantFactory(programme=programme)
    url = reverse("participants:edit", args=[programme.slug, participant.pk])
    client = client_for(cast["organiser"])
    client.post(url, {**_form_data(email=participant.email), "photo": _png()})
    participant.refresh_from_db()
    path = participant.photo.path
    client.post(url, {**_form_data(email=participant.email), "photo-clear": "on"})
    participant.refresh_from_db()
    assert not participant.photo
    assert not (media / path).exists()


def test_text_file_named_like_an_image_is_refused(cast, programme, media):
    fake = SimpleUploadedFile("face.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]), {**_form_data(), "photo": fake}
    )
    assert _errors(response) == {"photo": ["The file is not an image (JPEG, PNG, WebP or GIF)."]}
    assert not programme.participants.filter(email="somphone@example.org").exists()


def test_over_quota_delegation_is_warned_but_saved(cast, programme):
    laos = member_country("LA")
    DelegationFactory(programme=programme, country=laos, seats=1)
    ParticipantFactory(programme=programme, country=laos)
    response = _create(cast, programme)
    assert response.status_code == 302
    assert programme.participants.filter(country=laos).count() == 2
    assert _messages(response)[-1] == ("The delegation “Laos” now has 2 participants for 1 seats.")


def test_within_quota_no_warning(cast, programme):
    DelegationFactory(programme=programme, country=member_country("LA"), seats=2)
    response = _create(cast, programme)
    assert _messages(response) == ["Somphone Phommavong (ສົມພອນ ພົມມະວົງ) was added."]


# Status workflow


def _set_status(cast, programme, participant, status):
    return client_for(cast["organiser"]).post(
        reverse("participants:status", args=[programme.slug, participant.pk]), {"status": status}
    )


def test_allowed_status_move_is_recorded_with_who_and_when(cast, programme):
    participant = ParticipantFactory(programme=programme, full_name="Ha")
    response = _set_status(cast, programme, participant, Participant.Status.CONFIRMED)
    assert response["Location"] == reverse(
        "participants:detail", args=[programme.slug, participant.pk]
    )
    participant.refresh_from_db()
    assert participant.status == Participant.Status.CONFIRMED
    change = StatusChange.objects.get(participant=participant)
    assert (change.from_status, change.to_status, change.changed_by) == (
        Participant.Status.INVITED,
        Participant.Status.CONFIRMED,
        cast["organiser"],
    )
    assert change.changed_at is not None
    assert _messages(response) == ["Ha is now “Confirmed”."]
    detail = client_for(cast["organiser"]).get(response["Location"]).content.decode()
    when = change.changed_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert re.search(
        r"<td>Invited → Confirmed</td>\s*<td>"
        + re.escape(str(cast["organiser"]))
        + r"</td>\s*<td>"
        + re.escape(f"{when.day} {when:%b %Y, %H:%M}")
        + "</td>",
        detail,
    )


def test_disallowed_status_move_is_refused_and_changes_nothing(cast, programme):
    participant = ParticipantFactory(programme=programme)
    response = _set_status(cast, programme, participant, Participant.Status.COMPLETED)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.status == Participant.Status.INVITED
    assert not StatusChange.objects.filter(participant=participant).exists()
    assert _messages(response) == ["A participant cannot go from “Invited” to “Completed”."]


@pytest.mark.parametrize("value", ["", "lost", "INVITED"])
def test_unknown_status_is_refused_with_a_message(cast, programme, value):
    participant = ParticipantFactory(programme=programme)
    response = _set_status(cast, programme, participant, value)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.status == Participant.Status.INVITED
    assert _messages(response) == ["Choose one of the statuses offered."]


def test_detail_offers_only_allowed_next_statuses(cast, programme):
    participant = ParticipantFactory(programme=programme, status=Participant.Status.CONFIRMED)
    response = client_for(cast["organiser"]).get(
        reverse("participants:detail", args=[programme.slug, participant.pk])
    )
    assert [value for value, _label in response.context["next_statuses"]] == [
        Participant.Status.ARRIVED,
        Participant.Status.WITHDRAWN,
    ]


# Invitation box


def test_invitation_box_without_invitation(cast, programme):
    participant = ParticipantFactory(programme=programme)
    page = (
        client_for(cast["organiser"])
        .get(reverse("participants:detail", args=[programme.slug, participant.pk]))
        .content.decode()
    )
    assert "No invitation has been sent." in page
    assert reverse("participants:invite", args=[programme.slug, participant.pk]) in page
    assert ">Send invitation</button>" in page


def test_invitation_box_with_invitation(cast, programme):
    participant = ParticipantFactory(programme=programme, email="ha@example.org")
    InvitationFactory(
        participant=participant,
        sent_to="ha@example.org",
        sent_at=datetime(2023, 10, 1, 2, 0, tzinfo=UTC),
        send_count=2,
        expires_at=datetime(2023, 10, 15, 2, 0, tzinfo=UTC),
    )
    url = reverse("participants:detail", args=[programme.slug, participant.pk])
    page = client_for(cast["organiser"]).get(url).content.decode()
    assert "ha@example.org" in page
    assert "1 Oct 2023, 09:00" in page  # 02:00 UTC in Jakarta
    assert "<dt>Times sent</dt><dd>2</dd>" in page
    assert ">Re-send invitation</button>" in page
    staff_page = client_for(cast["staff"]).get(url).content.decode()
    assert "<dt>Times sent</dt><dd>2</dd>" in staff_page
    assert "Re-send invitation" not in staff_page


def test_no_invitation_form_without_email(cast, programme):
    participant = ParticipantFactory(programme=programme, email="")
    page = (
        client_for(cast["organiser"])
        .get(reverse("participants:detail", args=[programme.slug, participant.pk]))
        .content.decode()
    )
    assert reverse("participants:invite", args=[programme.slug, participant.pk]) not in page
    assert "Add an e-mail address to send an invitation." in page


def test_participant_photo_decompression_bomb_is_a_form_error_and_the_form_stays_filled(
    cast, programme, media
):
    response = client_for(cast["organiser"]).post(
        reverse("participants:create", args=[programme.slug]),
        {**_form_data(), "photo": bomb_upload()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"photo": ["The image has too many pixels."]}
    assert 'value="Somphone Phommavong"' in response.content.decode()
    assert not programme.participants.filter(email="somphone@example.org").exists()
