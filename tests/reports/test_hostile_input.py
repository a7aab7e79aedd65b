"""Hostile text and files: certificates print markup literally, embed nothing, fetch nothing."""

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from participants.models import Participant
from programs.uploads import LOGO
from reports.certificates import template_for, verification_url
from reports.jobs import start_job
from reports.models import Certificate, GenerationJob
from reports.pdf import make_url_fetcher
from tests.conftest import client_for
from tests.factories import (
    AssignmentFactory,
    ParticipantFactory,
    SessionFactory,
    SignatoryFactory,
    UserFactory,
)

from .test_documents import pdf_text

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="attachment" href="file:///etc/passwd">'
STYLE = "<style>@import url(file:///etc/passwd)</style>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.requests.append(self.path)
        # Anything fetched from here would be sent on to the local password file.
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A local HTTP server that records every request and answers with a redirect."""
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()
    server.server_close()


def _certificate_pdf(programme, admin, capture) -> bytes:
    with capture(execute=True):
        job = start_job(programme=programme, kind="certificates", language="en", by=admin)
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.DONE, job.error
    return Certificate.objects.get().file.read()


def _assert_inert(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    # The one image is the QR code made for the certificate: nothing named in the text.
    [page] = reader.pages
    [image] = page.images
    [qr] = zxingcpp.read_barcodes(image.image)
    assert qr.text == verification_url(Certificate.objects.get().code)
    assert "root:" not in text
    assert b"root:x:0:0" not in data
    return text.replace("\n", "")  # long literals wrap across lines


def test_markup_in_a_participant_is_printed_literally_and_embeds_nothing(
    programme, admin, listener, django_capture_on_commit_callbacks
):
    origin, requests = listener
    participant = ParticipantFactory(
        programme=programme,
        status=Participant.Status.COMPLETED,
        full_name=IMG,
        full_name_latin=f'<img src="{origin}/latin.png">',
        institution=f"{LINK} {STYLE}",
    )
    AssignmentFactory(
        session=SessionFactory(programme=programme), participant=participant, attended=True
    )

    text = _assert_inert(_certificate_pdf(programme, admin, django_capture_on_commit_callbacks))

    assert IMG in text
    assert f'<img src="{origin}/latin.png">' in text
    assert LINK in text
    assert STYLE in text
    assert requests == []


def test_markup_in_the_template_and_signatories_is_printed_literally(
    programme, admin, listener, django_capture_on_commit_callbacks
):
    origin, requests = listener
    participant = ParticipantFactory(programme=programme, status=Participant.Status.COMPLETED)
    AssignmentFactory(
        session=SessionFactory(programme=programme), participant=participant, attended=True
    )
    template = template_for(programme)
    template.heading_en = STYLE
    template.wording_en = f'<object data="{origin}/object"></object>'
    template.save()
    SignatoryFactory(template=template, name=LINK, title=IMG, position=1)

    text = _assert_inert(_certificate_pdf(programme, admin, django_capture_on_commit_callbacks))

    for literal in [STYLE, f'<object data="{origin}/object"></object>', LINK, IMG]:
        assert literal in text
    assert requests == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/logo.png",
        "ftp://example.org/logo.png",
        "data:text/plain;base64,cm9vdDp4OjA6MA==",
        "data:image/svg+xml,<svg/>",
        "https://document.tpbis.invalid/media/certificates/1/other.jpg",
        "https://document.tpbis.invalid/static/../../../etc/passwd",
        "https://document.tpbis.invalid/static/css/pdf.css?redirect=file:///etc/passwd",
        "https://document.tpbis.invalid.example.org/static/css/pdf.css",
        "https://user@document.tpbis.invalid/static/css/pdf.css",
    ],
)
def test_fetcher_refuses_other_schemes_hosts_and_files(url):
    with pytest.raises(ValueError, match="Refused"):
        make_url_fetcher(allowed_media=["certificates/1/mine.jpg"]).fetch(url)


def test_fetcher_opens_no_connection_and_follows_no_redirect(listener):
    origin, requests = listener
    fetcher = make_url_fetcher()
    for url in [f"{origin}/logo.png", f"{origin}/redirect", origin.replace("http", "https")]:
        with pytest.raises(ValueError, match="Refused"):
            fetcher.fetch(url)
    assert requests == []


def test_fetcher_serves_only_the_media_named_for_the_document(settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("certificates/1/mine.jpg", ContentFile(b"mine"))
    default_storage.save("certificates/1/other.jpg", ContentFile(b"other"))
    fetcher = make_url_fetcher(allowed_media=["certificates/1/mine.jpg"])
    response = fetcher.fetch("https://document.tpbis.invalid/media/certificates/1/mine.jpg")
    assert response.read() == b"mine"
    with pytest.raises(ValueError, match="Refused"):
        fetcher.fetch("https://document.tpbis.invalid/media/certificates/1/other.jpg")


# --- Uploaded images ------------------------------------------------------------------------


def _post_logo(client, programme, upload):
    return client.post(
        reverse("reports:certificate_template", args=[programme.slug]),
        {
            "heading_en": "Certificate of Participation",
            "heading_local": "Sertifikat Keikutsertaan",
            "wording_en": "participated in",
            "orientation": "landscape",
            "minimum_attendance": "80",
            "partner_logo": upload,
            "signatories-TOTAL_FORMS": "0",
            "signatories-INITIAL_FORMS": "0",
            "signatories-MIN_NUM_FORMS": "0",
            "signatories-MAX_NUM_FORMS": "4",
        },
    )


def _png(size, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("passwd.png", b"root:x:0:0:root:/root:/bin/bash\n", "The file is not an image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            "The file is not an image",
        ),
        ("bomb.png", None, "The image has too many pixels."),
        ("huge.jpg", b"\xff\xd8" + b"0" * (LOGO.max_bytes + 1), "the 5 MB limit for logos"),
    ],
)
def test_uploads_are_judged_by_content_size_and_pixels(cast, programme, name, content, message):
    if content is None:
        content = _png((9000, 5000), mode="1")  # 45 million pixels in a few kilobytes
    response = _post_logo(
        client_for(cast["organiser"]), programme, SimpleUploadedFile(name, content)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not template_for(programme).partner_logo


def test_an_accepted_upload_is_reencoded_without_its_extras(cast, programme):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 800), "navy").save(buffer, "PNG")
    payload = buffer.getvalue() + b"<script>trailing payload</script>"
    response = _post_logo(
        client_for(cast["organiser"]), programme, SimpleUploadedFile("logo.png", payload)
    )
    assert response.status_code == 302
    stored = template_for(programme).partner_logo
    assert stored.name.endswith(".jpg")
    data = stored.read()
    assert b"trailing payload" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size) == ("JPEG", (600, 300))
