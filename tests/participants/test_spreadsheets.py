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
from openpyxl import Workbook

from participants import spreadsheets
from participants.models import ImportBatch
from programs.uploads import IMPORT

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
TOO_MUCH = (
    "The workbook holds far more than a participant list needs. Copy the participant rows "
    "into a new workbook and upload that."
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


def with_sheet(sheet_parts: list[bytes], repeat: int) -> bytes:
    """A workbook made by openpyxl whose sheet is `sheet_parts[1]` written `repeat` times
    between `sheet_parts[0]` and `sheet_parts[2]`."""
    workbook = Workbook()
    workbook.active.title = "Participants"
    workbook.active.append(["Category"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, source.read(info))
                continue
            with archive.open(info.filename, "w") as part:
                part.write(sheet_parts[0])
                for _ in range(repeat):
                    part.write(sheet_parts[1])
                part.write(sheet_parts[2])
    return out.getvalue()


SHEET_START = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_END = b"</sheetData></worksheet>"
HEADER_ROW = b'<row r="1"><c r="A1" t="inlineStr"><is><t>Category</t></is></c></row>'
# 2,097,152 cells in one row: openpyxl would hold a dict per cell (about 700 MB).
WIDE_ROW = (SHEET_START + b'<row r="1">', b"<c/>" * 8192, b"</row>" + SHEET_END)
# 2,000,000 elements outside rows, which openpyxl keeps (about 200 MB), and its time.
HELD_ELEMENTS = (SHEET_START + HEADER_ROW, b"<a/>" * 10_000, SHEET_END)


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "participants.xlsx"
    write_bomb(path)
    return path


@pytest.fixture(scope="session")
def wide_row(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wide") / "participants.xlsx"
    path.write_bytes(with_sheet(WIDE_ROW, 256))
    return path


@pytest.fixture(scope="session")
def held_elements(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("held") / "participants.xlsx"
    path.write_bytes(with_sheet(HELD_ELEMENTS, 200))
    return path


def test_bomb_is_small_packed_and_huge_unpacked(bomb):
    assert 2 * 1024 * 1024 < bomb.stat().st_size < IMPORT.max_bytes
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
@pytest.mark.parametrize(
    ("bomb_name", "message"),
    [("bomb", REFUSED), ("wide_row", TOO_MUCH), ("held_elements", TOO_MUCH)],
)
def test_refusing_a_bomb_stays_under_300_mb(request, bomb_name, message):
    bomb = request.getfixturevalue(bomb_name)
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
    assert outcome["errors"] == [message]
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


@pytest.mark.parametrize("bomb_name", ["wide_row", "held_elements"])
def test_small_files_that_openpyxl_would_blow_up_are_refused(cast, programme, request, bomb_name):
    bomb = request.getfixturevalue(bomb_name)
    assert bomb.stat().st_size < 20_000
    client = client_for(cast["organiser"])
    file = SimpleUploadedFile("participants.xlsx", bomb.read_bytes())
    response = client.post(reverse("participants:import", args=[programme.slug]), {"file": file})
    assert response.context["form"].errors["file"] == [TOO_MUCH]
    assert not ImportBatch.objects.exists()


SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="m"><sheetData>'
    b'<row r="1" spans="1:2" note="a > b"><c r="A1"><v>1</v></c></row>'
    b"<!-- <row> <c/> --><row/><x/></sheetData></worksheet>"
)


def test_count_tags_counts_every_tag_but_comments():
    # worksheet, sheetData, x and two closing tags; six in the first row, one in the empty.
    assert spreadsheets.count_tags(SHEET, max_tags_per_row=6) == spreadsheets.TagCount(
        in_rows=7, outside_rows=5
    )
    with pytest.raises(ValidationError) as refusal:
        spreadsheets.count_tags(SHEET, max_tags_per_row=5)
    assert refusal.value.messages == [TOO_MUCH]


def test_count_tags_ignores_parts_that_are_not_xml():
    nothing = spreadsheets.TagCount()
    assert spreadsheets.count_tags(b"\x89PNG\r\n\x1a\n<<<<", max_tags_per_row=1) == nothing
    # Printer settings start with the printer's name in UTF-16.
    printer = "Printer <x>".encode("utf-16-le")
    assert spreadsheets.count_tags(printer, max_tags_per_row=1) == nothing


@pytest.mark.parametrize(
    "content",
    [
        SHEET.decode().encode("utf-16"),  # another encoding
        SHEET.decode().encode("utf-16-be"),
        SHEET.replace(b"<row/>", b"<row><row/></row>"),  # nested rows
        SHEET.replace(b"<row/>", b"</row>"),  # a row closed that was not open
        SHEET.replace(b"<row/>", b"<p:row/>"),  # rows under two prefixes
        SHEET.replace(b"</row>", b""),  # a row never closed
        SHEET.replace(b"<x/>", b"<!DOCTYPE x>"),
        SHEET.replace(b"-->", b""),  # a comment never closed
    ],
)
def test_count_tags_refuses_what_openpyxl_might_read_otherwise(content):
    with pytest.raises(ValidationError) as refusal:
        spreadsheets.count_tags(content, max_tags_per_row=100)
    assert refusal.value.messages == [str(spreadsheets.NOT_A_WORKBOOK)]


def test_check_archive_counts_tags_of_every_member_together():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET)
        archive.writestr("xl/worksheets/sheet2.xml", SHEET)
    for limit, total in [("max_tags_in_rows", 14), ("max_other_tags", 10)]:
        spreadsheets.check_archive(data.getvalue(), **{limit: total})
        with pytest.raises(ValidationError) as refusal:
            spreadsheets.check_archive(data.getvalue(), **{limit: total - 1})
        assert refusal.value.messages == [TOO_MUCH]


SHARED_STRINGS = (
    f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>Ana</t></si>'
    '<si><r><rPr><b/></rPr><t>山田</t></r><rPh sb="0" eb="1"><t>ヤ</t></rPh></si></sst>'
).encode()


def test_shared_strings_count_against_their_own_limit():
    assert spreadsheets.count_tags(SHARED_STRINGS, max_tags_per_row=1) == spreadsheets.TagCount(
        outside_rows=19, is_list=True
    )
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", SHARED_STRINGS)
    spreadsheets.check_archive(data.getvalue(), max_list_tags=19, max_other_tags=0)
    with pytest.raises(ValidationError):
        spreadsheets.check_archive(data.getvalue(), max_list_tags=18)


def test_shared_strings_with_other_elements_are_refused():
    # Styles (or merged cells) built by openpyxl take far more memory per tag than strings.
    content = SHARED_STRINGS.replace(b"</sst>", b"<cellXfs><xf/></cellXfs></sst>")
    with pytest.raises(ValidationError) as refusal:
        spreadsheets.count_tags(content, max_tags_per_row=1)
    assert refusal.value.messages == [str(spreadsheets.NOT_A_WORKBOOK)]


@pytest.mark.parametrize(
    "item",
    [
        "<si><t>Plain</t></si>",
        '<si><t xml:space="preserve">  spaced  </t></si>',
        "<si><t/></si>",
        "<si></si>",
        "<si><t>first</t><t>last</t></si>",
        "<si><r><rPr><b/></rPr><t>山田</t></r><r><t> 花子</t></r>"
        '<rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>',
        "<si><t>lead</t><r><t>run</t><t>run again</t></r><r><rPr/></r></si>",
        '<si xmlns:x="urn:other"><x:t>other namespace</x:t><x:r><x:t> too</x:t></x:r></si>',
    ],
)
def test_plain_text_is_what_openpyxl_rich_text_gives(item):
    from openpyxl.cell.text import Text
    from openpyxl.xml.functions import fromstring

    from participants.xlsx_reader import plain_text

    node = fromstring(f'<sst xmlns="{MAIN}">{item}</sst>')[0]
    assert plain_text(node) == Text.from_tree(node).content


def test_rows_are_read_as_openpyxl_reads_them_without_a_declared_size():
    from openpyxl import load_workbook

    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Category</t></is></c>'
        '<c r="C1" t="inlineStr"><is><r><t>Full </t></r><r><t>name</t></r></is></c></row>'
        # Row 2 absent, row 3 empty, cells without references, a row out of order.
        '<row r="3"/><row r="4"><c t="inlineStr"><is><t>a</t></is></c><c><v>2.5</v></c>'
        '<c t="b"><v>0</v></c><c t="e"><v>#N/A</v></c><c t="inlineStr"/></row>'
        '<row r="2"><c r="A2"><v>9</v></c></row>'
        '<row r="6"><c r="D6" t="str"><v>text</v></c><c r="B6"><v>1</v></c></row>'
    )
    content = with_sheet([SHEET_START, rows.encode(), SHEET_END], 1)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    expected = list(enumerate(workbook.active.iter_rows(values_only=True), start=1))
    workbook.close()
    assert list(spreadsheets.xlsx_rows(content)) == [
        (number, tuple(row)) for number, row in expected
    ]
    assert [tuple(row) for _number, row in expected] == [
        ("Category", None, "Full name"),
        (),
        (),
        ("a", 2.5, False, "#N/A", None),
        (),
        (None, 1),  # the last cell sets the length, as openpyxl reads it
    ]
