"""One size limit per kind of upload, and images checked before Pillow decodes them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.images import reencode_image
from programs.uploads import (
    IMPORT,
    LARGEST_UPLOAD_BYTES,
    LOGO,
    MATERIAL,
    MB,
    PHOTO,
    check_upload_size,
)
from tests.uploads import bomb_png, bomb_upload


def _messages(call) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.messages


def test_the_bomb_is_tiny_and_claims_ten_billion_pixels():
    data = bomb_png()
    assert len(data) < 80
    assert data[16:24] == (100_000).to_bytes(4, "big") * 2


@pytest.mark.parametrize("kind", [LOGO, PHOTO])
def test_a_decompression_bomb_is_a_validation_error(kind):
    assert _messages(lambda: reencode_image(bomb_upload(), kind=kind)) == [
        "The image has too many pixels."
    ]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (LOGO, "The file is 5.0\xa0MB, over the 5 MB limit for logos."),
        (PHOTO, "The file is 10.0\xa0MB, over the 10 MB limit for photos."),
        (MATERIAL, "The file is 20.0\xa0MB, over the 20 MB limit for session materials."),
        (IMPORT, "The file is 5.0\xa0MB, over the 5 MB limit for participant lists."),
    ],
    ids=["logo", "photo", "material", "import"],
)
def test_each_kind_refuses_a_byte_over_its_limit_and_names_it(kind, message):
    check_upload_size(SimpleUploadedFile("at-the-limit", b"0" * kind.max_bytes), kind=kind)
    too_big = SimpleUploadedFile("over", b"0" * (kind.max_bytes + 1))
    assert _messages(lambda: check_upload_size(too_big, kind=kind)) == [message]


def test_an_oversized_image_is_refused_before_it_is_opened():
    # Not an image at all: the size alone decides.
    upload = SimpleUploadedFile("huge.png", b"0" * (LOGO.max_bytes + 1))
    assert _messages(lambda: reencode_image(upload, kind=LOGO)) == [
        "The file is 5.0\xa0MB, over the 5 MB limit for logos."
    ]


def test_largest_upload_is_the_material_limit():
    assert LARGEST_UPLOAD_BYTES == MATERIAL.max_bytes == 20 * MB
