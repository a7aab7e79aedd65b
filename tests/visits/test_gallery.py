import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import client_for
from tests.factories import (
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    SessionPhotoFactory,
)
from tests.uploads import bomb_upload
from visits.models import SessionPhoto

# Who may reach each view is in tests/permission_table.py; these are what the team gets.
TEAM = ["staff", "organiser", "admin"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def item(programme):
    return SessionFactory(programme=programme, title_en="Opening ceremony")


def image_upload(name="photo.png", size=(2400, 1200), image_format="PNG") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", size, "#0b5d7a").save(output, image_format)
    return SimpleUploadedFile(name, output.getvalue(), content_type=f"image/{image_format.lower()}")


def stored_photo(item, **fields) -> SessionPhoto:
    return SessionPhotoFactory(session=item, **fields)


def _upload_url(programme, item) -> str:
    return reverse("visits:photo_upload", args=[programme.slug, item.pk])


# Upload ---------------------------------------------------------------------------------------


def test_upload_reencodes_and_keeps_the_details(cast, programme, item):
    response = client_for(cast["staff"]).post(
        _upload_url(programme, item),
        {
            "image": image_upload(),
            "caption": "Ribbon cutting",
            "photographer": "Dewi Lestari",
            "taken_at": "2023-11-13T23:30",
            "consent_to_publish": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _upload_url(programme, item)
    photo = SessionPhoto.objects.get()
    assert (photo.session, photo.caption, photo.photographer, photo.consent_to_publish) == (
        item,
        "Ribbon cutting",
        "Dewi Lestari",
        True,
    )
    assert photo.uploaded_by == cast["staff"]
    # 23:30 in Jakarta (UTC+7), wherever the uploader's browser is.
    assert photo.taken_at == datetime(2023, 11, 13, 16, 30, tzinfo=UTC)
    assert photo.image.name.startswith(f"sessions/{item.pk}/photos/")
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image) as stored:
        assert (stored.format, stored.size) == ("JPEG", (1600, 800))


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            SimpleUploadedFile("holiday.jpg", b"#!/bin/sh\necho not a photo\n", "image/jpeg"),
            "The file is not an image (JPEG, PNG, WebP or GIF).",
        ),
        (
            SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1), "image/jpeg"),
            "The file is 10.0\xa0MB, over the 10 MB limit for photos.",
        ),
    ],
    ids=["not-an-image", "too-large"],
)
def test_upload_refuses_bad_files_with_a_field_error(cast, programme, item, upload, error):
    response = client_for(cast["organiser"]).post(
        _upload_url(programme, item), {"image": upload, "caption": "Kept caption"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"image": [error]}
    assert 'value="Kept caption"' in response.content.decode()
    assert not SessionPhoto.objects.exists()


def test_upload_refuses_a_decompression_bomb(cast, programme, item):
    output = io.BytesIO()
    Image.new("1", (8000, 5001)).save(output, "PNG")  # 40 million pixels, a few kB on disk
    upload = SimpleUploadedFile("bomb.png", output.getvalue(), "image/png")
    response = client_for(cast["staff"]).post(_upload_url(programme, item), {"image": upload})
    assert response.context["form"].errors == {"image": ["The image has too many pixels."]}
    assert not SessionPhoto.objects.exists()


def test_upload_requires_a_file_and_a_valid_time(cast, programme, item):
    response = client_for(cast["staff"]).post(
        _upload_url(programme, item), {"taken_at": "yesterday"}
    )
    errors = response.context["form"].errors
    assert errors == {
        "image": ["This field is required."],
        "taken_at": ["Enter a valid date/time."],
    }


def test_upload_page_shows_the_form_in_programme_time(cast, programme, item):
    stored_photo(item, caption="Earlier photo")
    response = client_for(cast["staff"]).get(_upload_url(programme, item))
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "In the programme's time zone (Asia/Jakarta)." in page
    assert "Monday, 13 November 2023, 09:00" in page
    assert "Earlier photo" in page
    assert response.context["form"]["photographer"].value() == cast["staff"].get_full_name()


def test_upload_to_an_item_of_another_programme_is_not_found(cast, programme):
    foreign = SessionFactory(programme=ProgrammeFactory())
    response = client_for(cast["organiser"]).post(
        _upload_url(programme, foreign), {"image": image_upload()}
    )
    assert response.status_code == 404
    assert not SessionPhoto.objects.exists()


def test_upload_page_names_the_item(cast, programme, item):
    response = client_for(cast["staff"]).get(_upload_url(programme, item))
    assert "Opening ceremony" in response.content.decode()


@pytest.mark.parametrize("role", TEAM)
def test_upload_records_the_uploader(cast, programme, item, role):
    response = client_for(cast[role]).post(
        _upload_url(programme, item), {"image": image_upload(size=(20, 20))}
    )
    assert response.status_code == 302
    assert SessionPhoto.objects.get().uploaded_by == cast[role]


# Gallery --------------------------------------------------------------------------------------


def test_gallery_groups_photos_by_programme_day(cast, programme, item):
    tuesday = SessionFactory(
        programme=programme,
        title_en="Library visit",
        starts_at=programme.local_datetime(programme.start_date + timedelta(days=1), 9),
    )
    late = stored_photo(
        item,
        caption="Late dinner",
        taken_at=datetime(2023, 11, 13, 16, 30, tzinfo=UTC),  # 23:30 Monday in Jakarta
    )
    after_midnight = stored_photo(
        item,
        caption="After midnight",
        taken_at=datetime(2023, 11, 13, 17, 30, tzinfo=UTC),  # 00:30 Tuesday in Jakarta
    )
    untimed = stored_photo(tuesday, caption="No time given", photographer="Budi")
    morning = stored_photo(
        item, caption="Morning", taken_at=datetime(2023, 11, 13, 2, 0, tzinfo=UTC)
    )

    response = client_for(cast["staff"]).get(reverse("visits:gallery", args=[programme.slug]))

    assert response.context["days"] == [
        (programme.start_date, [morning, late]),
        (programme.start_date + timedelta(days=1), [after_midnight, untimed]),
    ]
    page = response.content.decode()
    assert "Monday, 13 November 2023" in page
    assert "Tuesday, 14 November 2023" in page
    assert "Photo: Budi" in page
    assert reverse("visits:photo", args=[programme.slug, untimed.pk]) in page
    assert "23:30" in page


def test_gallery_marks_photos_not_for_publication(cast, programme, item):
    stored_photo(item, caption="Agreed", consent_to_publish=True)
    stored_photo(item, caption="Not agreed", consent_to_publish=False)
    response = client_for(cast["staff"]).get(reverse("visits:gallery", args=[programme.slug]))
    figures = response.content.decode().split("<figure")[1:]
    marked = {
        caption: "Not for publication" in figure
        for figure in figures
        for caption in ["Agreed", "Not agreed"]
        if f"<p>{caption}</p>" in figure
    }
    assert marked == {"Agreed": False, "Not agreed": True}
    assert response.context["private_count"] == 1


def test_gallery_is_marked_in_the_menu(cast, programme):
    response = client_for(cast["staff"]).get(reverse("visits:gallery", args=[programme.slug]))
    assert 'aria-current="page">Gallery' in response.content.decode()


def test_gallery_query_count_is_fixed(cast, programme, item, django_assert_num_queries):
    client = client_for(cast["staff"])
    url = reverse("visits:gallery", args=[programme.slug])

    def add(size: int) -> None:
        start = datetime(2023, 11, 13, 2, 0, tzinfo=UTC)
        SessionPhoto.objects.bulk_create(
            SessionPhotoFactory.build(
                session=item,
                image=f"sessions/{item.pk}/photos/{size}-{n}.jpg",
                caption=f"Photo {size}-{n}",
                taken_at=start + timedelta(minutes=5 * n),
            )
            for n in range(size)
        )

    add(10)
    # Session, user, programme, staff role, photos with their items, agenda items with their
    # sites (for the upload links), the menu's membership and delegate checks.
    with django_assert_num_queries(8):
        assert client.get(url).context["photo_count"] == 10
    add(190)
    with django_assert_num_queries(8):
        assert client.get(url).context["photo_count"] == 200


# Serving and deleting -------------------------------------------------------------------------


def test_photo_is_served_privately(cast, programme, item):
    photo = stored_photo(item)
    response = client_for(cast["staff"]).get(
        reverse("visits:photo", args=[programme.slug, photo.pk])
    )
    assert response["Content-Type"] == "image/jpeg"
    # Pictures of people: no copy is kept by the browser (tpbis.security).
    assert response["Cache-Control"] == "private, max-age=0, no-cache, no-store, must-revalidate"
    assert b"".join(response.streaming_content) == photo.image.open("rb").read()


def test_photo_of_another_programme_is_not_found(cast, programme):
    foreign = stored_photo(SessionFactory(programme=ProgrammeFactory()))
    client = client_for(cast["organiser"])
    assert client.get(reverse("visits:photo", args=[programme.slug, foreign.pk])).status_code == 404
    response = client.post(reverse("visits:photo_delete", args=[programme.slug, foreign.pk]))
    assert response.status_code == 404
    assert SessionPhoto.objects.filter(pk=foreign.pk).exists()


@pytest.mark.parametrize("role", TEAM)
def test_photo_delete_deletes_row_and_file(
    cast, programme, item, role, tmp_path, django_capture_on_commit_callbacks
):
    photo = stored_photo(item)
    path = tmp_path / photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast[role]).post(
            reverse("visits:photo_delete", args=[programme.slug, photo.pk]), {"confirmed": "1"}
        )
    assert response["Location"] == reverse("visits:gallery", args=[programme.slug])
    assert not SessionPhoto.objects.exists()
    assert not path.exists()


def test_photo_delete_returns_to_a_local_page_only(cast, programme, item):
    client = client_for(cast["staff"])
    here = _upload_url(programme, item)
    first, second = stored_photo(item), stored_photo(item)
    response = client.post(
        reverse("visits:photo_delete", args=[programme.slug, first.pk]),
        {"next": here, "confirmed": "1"},
    )
    assert response["Location"] == here
    response = client.post(
        reverse("visits:photo_delete", args=[programme.slug, second.pk]),
        {"next": "https://evil.example/", "confirmed": "1"},
    )
    assert response["Location"] == reverse("visits:gallery", args=[programme.slug])
    assert not SessionPhoto.objects.exists()


def test_photo_delete_requires_post(cast, programme, item):
    photo = stored_photo(item)
    response = client_for(cast["admin"]).get(
        reverse("visits:photo_delete", args=[programme.slug, photo.pk])
    )
    assert response.status_code == 405
    assert SessionPhoto.objects.exists()


# Photo consent of the people shown ---------------------------------------------------------------


def test_photo_showing_someone_who_refused_photos_is_absent_from_the_gallery(cast, programme, item):
    agreed = ParticipantFactory(programme=programme, photo_consent=True)
    refused = ParticipantFactory(programme=programme, photo_consent=False)
    shown = stored_photo(item, caption="Agreed smiles")
    shown.people.set([agreed])
    hidden = stored_photo(item, caption="Group picture")
    hidden.people.set([agreed, refused])
    untagged = stored_photo(item, caption="The venue")

    response = client_for(cast["staff"]).get(reverse("visits:gallery", args=[programme.slug]))
    listed = [photo for _day, photos in response.context["days"] for photo in photos]
    assert sorted(photo.pk for photo in listed) == sorted([shown.pk, untagged.pk])
    assert (response.context["photo_count"], response.context["withheld_count"]) == (2, 1)
    page = response.content.decode()
    assert "Group picture" not in page
    assert reverse("visits:photo", args=[programme.slug, hidden.pk]) not in page
    assert "1 photo is left out: someone shown in it did not agree to photos." in page


def test_item_page_still_lists_a_withheld_photo_to_delete_it(cast, programme, item):
    refused = ParticipantFactory(programme=programme, photo_consent=False)
    hidden = stored_photo(item, caption="Group picture")
    hidden.people.set([refused])
    response = client_for(cast["staff"]).get(_upload_url(programme, item))
    assert [(photo.pk, photo.withheld) for photo in response.context["photos"]] == [
        (hidden.pk, True)
    ]
    assert "Left out: someone shown refused photos" in response.content.decode()


def test_upload_records_the_people_shown_and_warns_about_a_refusal(cast, programme, item):
    agreed = ParticipantFactory(programme=programme, full_name="Siti Rahma", photo_consent=True)
    refused = ParticipantFactory(programme=programme, full_name="Budi Santoso", photo_consent=False)
    client = client_for(cast["staff"])
    form = client.get(_upload_url(programme, item)).context["form"]
    labels = dict(form.fields["people"].choices)
    assert "Budi Santoso (refused photos)" in labels.values()
    assert "Siti Rahma" in labels.values()
    response = client.post(
        _upload_url(programme, item),
        {"image": image_upload(), "people": [agreed.pk, refused.pk]},
        follow=True,
    )
    photo = SessionPhoto.objects.get()
    assert set(photo.people.all()) == {agreed, refused}
    assert [str(message) for message in response.context["messages"]] == [
        "The photo was added to “Opening ceremony”.",
        "Budi Santoso did not agree to photos: this photo stays out of the gallery and the "
        "closing report.",
    ]


def test_people_shown_are_participants_of_the_programme_only(cast, programme, item):
    stranger = ParticipantFactory(programme=ProgrammeFactory())
    response = client_for(cast["staff"]).post(
        _upload_url(programme, item), {"image": image_upload(), "people": [stranger.pk]}
    )
    assert response.status_code == 200
    assert "people" in response.context["form"].errors
    assert not SessionPhoto.objects.exists()


@pytest.mark.parametrize("role", TEAM)
def test_people_shown_in_an_uploaded_photo_are_corrected(cast, programme, item, role):
    agreed = ParticipantFactory(programme=programme, full_name="Siti Rahma", photo_consent=True)
    refused = ParticipantFactory(programme=programme, full_name="Budi Santoso", photo_consent=False)
    photo = stored_photo(item, caption="Group picture")
    photo.people.set([agreed])
    url = reverse("visits:photo_people", args=[programme.slug, photo.pk])
    client = client_for(cast[role])
    assert list(client.get(url).context["form"]["people"].value()) == [agreed.pk]

    response = client.post(url, {"people": [agreed.pk, refused.pk]}, follow=True)
    assert response.redirect_chain == [(_upload_url(programme, item), 302)]
    assert set(photo.people.all()) == {agreed, refused}
    assert [str(message) for message in response.context["messages"]] == [
        "The people shown in the photo have been saved.",
        "Budi Santoso did not agree to photos: this photo stays out of the gallery and the "
        "closing report.",
    ]
    gallery = client.get(reverse("visits:gallery", args=[programme.slug]))
    assert gallery.context["photo_count"] == 0

    # Untagging the person who refused brings the photo back.
    client.post(url, {"people": [agreed.pk]})
    assert list(photo.people.all()) == [agreed]
    gallery = client.get(reverse("visits:gallery", args=[programme.slug]))
    assert gallery.context["photo_count"] == 1


def test_people_of_a_photo_of_another_programme_are_404(cast, programme):
    foreign = stored_photo(SessionFactory(programme=ProgrammeFactory()))
    person = ParticipantFactory(programme=programme)
    url = reverse("visits:photo_people", args=[programme.slug, foreign.pk])
    client = client_for(cast["organiser"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"people": [person.pk]}).status_code == 404
    assert not foreign.people.exists()


def test_gallery_photo_decompression_bomb_is_a_form_error_and_the_form_stays_filled(
    cast, programme, item
):
    response = client_for(cast["staff"]).post(
        _upload_url(programme, item), {"image": bomb_upload(), "caption": "Kept caption"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"image": ["The image has too many pixels."]}
    assert 'value="Kept caption"' in response.content.decode()
    assert not SessionPhoto.objects.exists()
