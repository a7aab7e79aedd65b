"""Benchmark the participant import: parse, validate and save a realistic XLSX file.

Usage: python benchmarks/import_participants.py [--rows 5000] [--keep] [--profile]

Runs against the configured database (run `manage.py migrate` first; set DATABASE_URL for
PostgreSQL). It creates its own programme and organiser, builds an XLSX file in memory with
varied names (several scripts), countries, provinces, passports and travel dates, and sends
it through exactly the code of the upload and confirm views: the upload form, then
`imports.stage_import`, then `imports.apply_import` on the batch read back from the
database. The programme and organiser are deleted afterwards unless --keep is given.

Prints each phase's time; the last line is the throughput, `<N> rows/s`.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "tpbis.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from participants import columns, imports  # noqa: E402
from participants.transfer_views import ImportUploadForm  # noqa: E402
from programs.models import Programme, ProgrammeMembership, Province  # noqa: E402

# (native name, Latin transliteration or "" when the name is already in Latin script)
NAMES_BY_COUNTRY = {
    "JP": [("山田 花子", "Yamada Hanako"), ("佐藤 健", "Sato Ken"), ("鈴木 結衣", "Suzuki Yui")],
    "KR": [("김민지", "Kim Min-ji"), ("이서준", "Lee Seo-jun"), ("박지민", "Park Ji-min")],
    "TH": [("สมชาย ใจดี", "Somchai Jaidee"), ("กมลวรรณ ศรีสุข", "Kamonwan Srisuk")],
    "SA": [("نورة العتيبي", "Noura Al-Otaibi"), ("فيصل القحطاني", "Faisal Al-Qahtani")],
    "AF": [("فرشته احمدی", "Fereshta Ahmadi"), ("احمد شاه", "Ahmad Shah")],
    "BD": [("তানভীর হাসান", "Tanvir Hasan"), ("নুসরাত জাহান", "Nusrat Jahan")],
    "NP": [("सीता श्रेष्ठ", "Sita Shrestha"), ("राम थापा", "Ram Thapa")],
    "IN": [("प्रिया शर्मा", "Priya Sharma"), ("Arjun Reddy", "")],
    "LK": [("නිමල් පෙරේරා", "Nimal Perera"), ("Tharushi Fernando", "")],
    "MN": [("Батбаяр Дорж", "Batbayar Dorj"), ("Сарангэрэл Бат", "Sarangerel Bat")],
    "MM": [("အောင်ကျော်", "Aung Kyaw"), ("Thandar Hlaing", "")],
    "LA": [("ສົມພອນ ແກ້ວ", "Somphone Keo"), ("Vilayphone Sisouk", "")],
    "MV": [("އަޙްމަދު ނަސީމް", "Ahmed Naseem"), ("Aishath Shiuna", "")],
    "VN": [("Nguyễn Thị Lan", ""), ("Trần Văn Hùng", ""), ("Lê Thu Hà", "")],
    "PH": [("Maria Clara Santos", ""), ("José Rizal Mercado", "")],
    "MY": [("Nurul Aisyah binti Ahmad", ""), ("Tan Wei Ming", "")],
    "PK": [("عائشہ خان", "Ayesha Khan"), ("Bilal Qureshi", "")],
    "FJ": [("Litia Waqa", ""), ("Ratu Josefa", "")],
    "PG": [("Grace Kila", ""), ("Peter Namaliu", "")],
    "BT": [("Karma Wangchuk", ""), ("Pema Choden", "")],
    "BN": [("Siti Nurhaliza binti Haji Ali", ""), ("Awang Hafiz", "")],
    "SG": [("陈美玲", "Tan Mei Ling"), ("Rajesh Kumar", "")],
    "AU": [("Olivia Brown", ""), ("Liam O'Connor", "")],
    "NZ": [("Aroha Ngata", ""), ("James Wilson", "")],
    "US": [("Emily Johnson", ""), ("Michael Chen", "")],
    "IR": [("مریم رضایی", "Maryam Rezaei"), ("علی محمدی", "Ali Mohammadi")],
}
# Some files name the country instead of giving its code, in English or Indonesian.
COUNTRY_SPELLINGS = {"JP": "Jepang", "KR": "South Korea", "VN": "Viet Nam", "NZ": "New Zealand"}
INDONESIAN_NAMES = [
    "Siti Rahmawati",
    "Budi Santoso",
    "Dewi Lestari",
    "I Gede Wirawan",
    "Ni Luh Putu Ayu",
    "Andi Mappanyukki",
    "Yohanes Kambu",
    "Rizky Pratama",
    "Nur Aini",
    "Hendra Gunawan",
]
REGIONS = ["Kota", "Kabupaten"]
INSTITUTIONS = [
    "National Library",
    "University Library",
    "Provincial Library and Archives Office",
    "Public Library",
    "Ministry of Education",
    "School Library Association",
]
POSITIONS = ["Director", "Head of Collections", "Librarian", "Senior Librarian", "Archivist"]
DIETS = ["Halal", "Vegetarian", "Vegan", "No pork", "Gluten-free", "Nut allergy"]
RELATIONS = ["Spouse", "Parent", "Sibling", "Colleague"]
FLIGHTS = ["GA 881", "SQ 966", "MH 711", "TG 433", "JL 725", "KE 627", "QR 956", "EK 356"]
HOTELS = ["Hotel Borobudur", "Hotel Sari Pacific", "Hotel Indonesia Kempinski"]


def build_workbook(rows: int, programme: Programme, seed: int = 2023) -> bytes:
    """An XLSX file of `rows` participants, as an organiser would fill the template."""
    rng = random.Random(seed)
    provinces = list(Province.objects.values_list("name", flat=True))
    codes = list(NAMES_BY_COUNTRY)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append([str(column.label) for column in columns.TEMPLATE_COLUMNS])
    start = datetime.combine(programme.start_date, datetime.min.time())
    for n in range(rows):
        draw = rng.random()
        values: dict = {}
        if draw < 0.6:
            code = rng.choice(codes)
            native, latin = rng.choice(NAMES_BY_COUNTRY[code])
            values.update(
                category=rng.choice(["international", "International delegate"]),
                country=COUNTRY_SPELLINGS.get(code, code) if rng.random() < 0.2 else code,
                nationality=code,
                passport_number=f"{chr(65 + n % 26)}{n:08d}",
                passport_expiry=datetime(2026 + n % 8, 1 + n % 12, 1 + n % 28),
                arrival_at=start - timedelta(days=1, hours=rng.randint(0, 20)),
                departure_at=start + timedelta(days=5, hours=rng.randint(6, 22)),
                arrival_details=rng.choice(FLIGHTS),
                departure_details=rng.choice(FLIGHTS),
                accommodation=rng.choice(HOTELS),
            )
        else:
            native, latin = rng.choice(INDONESIAN_NAMES), ""
            province = rng.choice(provinces)
            values.update(
                category="domestic" if draw < 0.9 else rng.choice(["speaker", "observer"]),
                province=province.upper() if rng.random() < 0.1 else province,
                region=f"{rng.choice(REGIONS)} {province.split()[-1]}",
                nationality="ID",
            )
            if rng.random() < 0.5:
                values["arrival_at"] = (start - timedelta(hours=10)).strftime("%Y-%m-%d %H:%M")
        values.update(
            full_name=f"{native} {n}",
            full_name_latin=f"{latin} {n}" if latin else None,
            gender=rng.choice(["female", "male", "F", "M"]),
            position=rng.choice(POSITIONS),
            institution=rng.choice(INSTITUTIONS),
            email=f"participant{n}@example.org",
            phone=f"+62 8{rng.randint(10, 99)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            emergency_contact_name=rng.choice(INDONESIAN_NAMES),
            emergency_contact_phone=f"+62 81{rng.randint(1000000, 9999999)}",
            emergency_contact_relation=rng.choice(RELATIONS),
        )
        if rng.random() < 0.2:
            values["dietary_needs"] = rng.choice(DIETS)
        if rng.random() < 0.05:
            values["accessibility_needs"] = "Wheelchair access"
        sheet.append([values.get(column.key) for column in columns.TEMPLATE_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the programme afterwards")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    options = parser.parse_args()
    # As in production: with DEBUG on, Django also formats and keeps every SQL statement.
    settings.DEBUG = False

    suffix = uuid.uuid4().hex[:8]
    programme = Programme.objects.create(
        slug=f"benchmark-{suffix}",
        title_en="Import benchmark",
        short_name_en="Benchmark",
        start_date=date(2023, 11, 13),
        end_date=date(2023, 11, 17),
        host_institution="National Library of the Republic of Indonesia",
        venue_city="Jakarta",
    )
    organiser = get_user_model().objects.create(email=f"benchmark-{suffix}@example.org")
    ProgrammeMembership.objects.create(
        programme=programme, user=organiser, role=ProgrammeMembership.Role.ORGANISER
    )
    try:
        content = build_workbook(options.rows, programme)
        print(f"database: {connection.vendor}")
        print(f"file: {options.rows} rows, {len(content) / 1024:.0f} KB")
        profiler = cProfile.Profile() if options.profile else None
        if profiler:
            profiler.enable()

        # The upload view: form validation parses the file, then the batch is staged.
        started = time.perf_counter()
        cpu_started = time.process_time()
        form = ImportUploadForm(
            data={}, files={"file": SimpleUploadedFile("participants.xlsx", content)}
        )
        if not form.is_valid():
            raise SystemExit(f"the upload was refused: {form.errors.as_text()}")
        parsed = time.perf_counter()
        batch = imports.stage_import(
            programme=programme, table=form.table, file_name="participants.xlsx", by=organiser
        )
        staged = time.perf_counter()
        # The confirm view: the batch is read back from the database and applied.
        batch = programme.import_batches.get(pk=batch.pk)
        outcome = imports.apply_import(batch=batch, by=organiser)
        saved = time.perf_counter()
        cpu = time.process_time() - cpu_started

        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        summary = imports.summarise(batch)
        if summary.error or outcome.created != options.rows:
            raise SystemExit(f"unexpected result: {summary}, {outcome}")
        total = saved - started
        print(f"parse (upload form):       {parsed - started:7.3f} s")
        print(f"validate and stage:        {staged - parsed:7.3f} s")
        print(f"confirm (revalidate, save): {saved - staged:6.3f} s")
        print(f"total:                     {total:7.3f} s for {outcome.created} participants")
        # On a busy machine the wall-clock time includes waiting for a core.
        print(f"cpu time of this process:  {cpu:7.3f} s ({round(options.rows / cpu)} rows/s)")
        print(f"{round(options.rows / total)} rows/s")
    finally:
        if not options.keep:
            programme.delete()
            organiser.delete()


if __name__ == "__main__":
    main()
