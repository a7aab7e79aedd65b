"""Uploaded workbooks are unpacked under a cap before openpyxl reads them."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import spreadsheets
from participants.models import ImportBatch

from ..conftest import client_for

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
GIB = 1024**3
REFUSED = (
    "The workbook unpacks to more than 32 MB, far more than a participant list needs. Copy "
    "the participant rows into a new workbook and upload that."
)
# Peak memory allowed while reading (and refusing) the bomb.
MEMORY_LIMIT = 300 * 1024 * 1024


def write_bomb(path: Path) -> None:
    """A ~2.6 MB workbook whose shared strings unpack to 1 GiB and whose main part is not at
    xl/workbook.xml; written part by part, so building it takes no more than a chunk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{CONTENT_TYPES}">'
            f'<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/book/main.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/book/sheet.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/book/strings.xml" '
            f'ContentType="{SHEET_TYPE}.sharedStrings+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="book/main.xml"/></Relationships>',
        )
        archive.writestr(
            "book/main.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Participants" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "book/_rels/main.xml.rels",
            f'<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="sheet.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="strings.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "book/sheet.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
            '<c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
        # Incompressible filler, as images would be: it counts towards the cap as well.
        archive.writestr("book/media/image1.bin", os.urandom(1536 * 1024))
        chunk = b"<si><t>" + b"a" * (1024 * 1024 - 16) + b"</t></si>"
        with archive.open("book/strings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for _ in range(GIB // len(chunk)):
                part.write(chunk)
            part.write(b"</sst>")


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "participants.xlsx"
    write_bomb(path)
    return path


def test_bomb_is_small_packed_and_huge_unpacked(bomb):
    assert 2 * 1024 * 1024 < bomb.stat().st_size < spreadsheets.MAX_UPLOAD_BYTES
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("book/strings.xml").file_size > GIB - 1024 * 1024
        assert "xl/workbook.xml" not in archive.namelist()


def test_import_refuses_the_shared_strings_bomb(cast, programme, bomb):
    client = client_for(cast["organiser"])
    file = SimpleUploadedFile("participants.xlsx", bomb.read_bytes())
    response = client.post(reverse("participants:import", args=[programme.slug]), {"file": file})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [REFUSED]
    assert not ImportBatch.objects.exists()


MEASURE = """
import json, sys, tracemalloc
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from participants.transfer_views import ImportUploadForm


def kib(key):
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(key + ":"))
    return int(line.split()[1])


content = open(sys.argv[1], "rb").read()
# Resets the peak resident size to the current one (the peak of the parent that started
# this process would otherwise carry over).
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
rss_before = kib("VmRSS")
tracemalloc.start()
form = ImportUploadForm(data={}, files={"file": SimpleUploadedFile("list.xlsx", content)})
valid = form.is_valid()
traced_peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(
    json.dumps(
        {
            "valid": valid,
            "errors": form.errors.get("file"),
            "traced_peak": traced_peak,
            "rss_before": rss_before * 1024,
            "rss_peak": kib("VmHWM") * 1024,
        }
    )
)
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_refusing_the_bomb_stays_under_300_mb(bomb):
    # A fresh process, so that its peak resident size is this upload's and nothing else's:
    # the form is the whole of what the upload view does with a file before saving anything.
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(bomb)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tpbis.settings"},
        timeout=120,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["valid"] is False
    assert outcome["errors"] == [REFUSED]
    # Python allocations while the form read and refused the file.
    assert 0 < outcome["traced_peak"] < MEMORY_LIMIT
    # The process's highest resident size during the upload, C libraries and Django itself
    # included: reading the 1 GiB part would have taken it far beyond the limit.
    assert outcome["rss_before"] <= outcome["rss_peak"] < MEMORY_LIMIT


def test_check_archive_counts_every_member_together():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * 600)
        archive.writestr("xl/sharedStrings.xml", b"b" * 600)
    spreadsheets.check_archive(data.getvalue(), limit=1200)
    with pytest.raises(ValidationError) as refusal:
        spreadsheets.check_archive(data.getvalue(), limit=1199)
    assert refusal.value.messages == [
        "The workbook unpacks to more than 0 MB, far more than a participant list needs. "
        "Copy the participant rows into a new workbook and upload that."
    ]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+62 21", "'+62 21"),
        ("-5", "'-5"),
        ("@sum", "'@sum"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Fine", "Fine"),
        (4, 4),
        ("", ""),
    ],
)
def test_neutralise_formula(value, safe):
    assert spreadsheets.neutralise_formula(value) == safe


def test_neutralised_text_reads_back_as_written():
    assert spreadsheets.cell_text("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert spreadsheets.cell_text("'quoted") == "'quoted"
