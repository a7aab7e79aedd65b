"""Stored files are streamed by the permission-checked views alike from local disk and from an
S3-compatible bucket, with the same headers."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from programs.files import open_stored, write_stored
from tests.conftest import client_for
from tests.factories import SessionFactory, SessionMaterialFactory

JPEG = b"\xff\xd8\xff\xe0 not really a JPEG, but stored and served as one"


def test_logo_is_streamed_inline_with_its_type_and_length(cast, programme, file_storage):
    programme.logo.save("logo.jpg", ContentFile(JPEG))

    response = client_for(cast["staff"]).get(reverse("programs:logo", args=[programme.slug]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'inline; filename="logo.jpg"'
    assert response["Content-Length"] == str(len(JPEG))
    # A signed-in user's responses are never stored, files included.
    assert "no-store" in response["Cache-Control"].split(", ")
    file_storage.assert_only_in_bucket()


def test_material_is_an_attachment_named_after_its_file(cast, programme, file_storage):
    item = SessionFactory(programme=programme)
    material = SessionMaterialFactory(
        session=item, url="", file=ContentFile(b"%PDF-1.7 slides", name="Slides day 1.pdf")
    )

    response = client_for(cast["staff"]).get(
        reverse("visits:material_download", args=[programme.slug, item.pk, material.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 slides"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Slides_day_1.pdf"'
    assert response["Content-Length"] == "15"
    file_storage.assert_only_in_bucket()


def test_a_stored_file_gone_from_storage_is_not_found(cast, programme, file_storage):
    programme.logo.save("logo.jpg", ContentFile(JPEG))
    default_storage.delete(programme.logo.name)

    response = client_for(cast["staff"]).get(reverse("programs:logo", args=[programme.slug]))

    assert response.status_code == 404


def test_an_outsider_gets_nothing_from_the_bucket(cast, programme, file_storage):
    programme.logo.save("logo.jpg", ContentFile(JPEG))

    response = client_for(cast["other_organiser"]).get(
        reverse("programs:logo", args=[programme.slug])
    )

    assert response.status_code == 404
    assert default_storage.exists(programme.logo.name)


def test_writing_a_name_again_replaces_the_one_file(file_storage):
    for content in (b"first render", b"second render, longer"):
        assert write_stored("jobs/7/badges/job/badges-en.pdf", ContentFile(content)) == (
            "jobs/7/badges/job/badges-en.pdf"
        )

    assert default_storage.listdir("jobs/7/badges/job") == ([], ["badges-en.pdf"])
    stream, _size = open_stored("jobs/7/badges/job/badges-en.pdf")
    with stream:
        assert stream.read() == b"second render, longer"
    file_storage.assert_only_in_bucket()


def test_opening_a_missing_name_is_file_not_found(file_storage):
    with pytest.raises(FileNotFoundError):
        open_stored("jobs/7/badges/job/never-written.pdf")
