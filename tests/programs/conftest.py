from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded logos go to a throw-away directory, never to the project's media folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def png_upload(width: int = 1200, height: int = 800, name: str = "logo.png") -> SimpleUploadedFile:
    image = Image.new("RGBA", (width, height), (11, 93, 122, 255))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_upload(name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"This is not an image at all.\n", content_type="image/png")
