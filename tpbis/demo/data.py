"""The reference programme: TPBIS, Jakarta, 13–17 November 2023.

Facts about the programme itself (title, host, dates, countries, the 16 November visit to
Perpustakaan Mutiara Rawa Binong, the closing by Ofy Sofiana, the KSST framework, the credits)
come from Perpusnas's news release about it. Participants' names, the other visits, session
titles and times of day are invented sample data, marked as such.
"""

from datetime import date

PROGRAMME = {
    "slug": "tpbis-2023",
    # Content in English and Indonesian, the host's language.
    "content_language": "id",
    "title_en": "Knowledge Sharing Programme on Social Inclusion-Based Library Transformation",
    "title_local": (
        "Program Berbagi Pengetahuan tentang Transformasi Perpustakaan Berbasis Inklusi Sosial"
    ),
    "short_name_en": "TPBIS 2023",
    "short_name_local": "TPBIS 2023",
    "theme_en": "Social Inclusion-Based Library Transformation (TPBIS)",
    "theme_local": "Transformasi Perpustakaan Berbasis Inklusi Sosial (TPBIS)",
    "start_date": date(2023, 11, 13),
    "end_date": date(2023, 11, 17),
    "time_zone": "Asia/Jakarta",
    "host_institution": "National Library of the Republic of Indonesia (Perpustakaan Nasional RI)",
    "host_short_name": "Perpusnas",
    "host_address": "Jl. Medan Merdeka Selatan, Jakarta",
    "partners": "The Colombo Plan\n"
    "Ministry of State Secretariat of the Republic of Indonesia (Kemensetneg)",
    "cooperation_framework": (
        "Indonesia's South-South and Triangular Cooperation (Kerja Sama Selatan-Selatan dan "
        "Triangular, KSST), represented by the Ministry of State Secretariat (Kemensetneg), in "
        "partnership with the Colombo Plan, as part of Indonesia's contribution to the 2030 "
        "Agenda for Sustainable Development."
    ),
    "venue_city": "Jakarta",
    "expected_international": 8,
    "expected_domestic": 10,
    "expected_other": 0,
}

# (e-mail, password, role): role is "admin", a programme role, or "delegate".
ACCOUNTS = [
    ("admin@example.org", "tpbis-admin-2023", "admin"),
    ("organiser@example.org", "tpbis-organiser-2023", "organiser"),
    ("staff@example.org", "tpbis-staff-2023", "staff"),
    ("delegate@example.org", "tpbis-delegate-2023", "delegate"),
]
ACCOUNT_NAMES = {
    "admin@example.org": ("Admin", "TPBIS"),
    "organiser@example.org": ("Rahma", "Organiser (sample)"),
    "staff@example.org": ("Budi", "Staff (sample)"),
}
DELEGATE_EMAIL = "delegate@example.org"

SAMPLE = "Sample data."

# Eight international participants from six member countries (sample names).
INTERNATIONAL = [
    (
        "LA",
        "ສົມພອນ ພົມມະວົງ",
        "Somphone Phommavong",
        "male",
        "Deputy Director",
        "National Library of Laos",
        "somphone.phommavong@example.org",
    ),
    (
        "LA",
        "ວັນນະພອນ ສີສຸວັນ",
        "Vannaphone Sisouvanh",
        "female",
        "Librarian",
        "National Library of Laos",
        "vannaphone.sisouvanh@example.org",
    ),
    (
        "MY",
        "Nurul Aina binti Ahmad",
        "",
        "female",
        "Librarian",
        "Perpustakaan Negara Malaysia",
        "nurul.aina@example.org",
    ),
    (
        "NP",
        "सीता श्रेष्ठ",
        "Sita Shrestha",
        "female",
        "Chief Librarian",
        "Nepal National Library",
        "sita.shrestha@example.org",
    ),
    (
        "LK",
        "නිමල් පෙරේරා",
        "Nimal Perera",
        "male",
        "Director",
        "National Library and Documentation Services Board",
        "nimal.perera@example.org",
    ),
    (
        "LK",
        "கவிதா இராஜேந்திரன்",
        "Kavitha Rajendran",
        "female",
        "Librarian",
        "Jaffna Public Library",
        "kavitha.rajendran@example.org",
    ),
    (
        "MM",
        "အောင်ကျော်မိုး",
        "Aung Kyaw Moe",
        "male",
        "Assistant Director",
        "National Library of Myanmar",
        "aung.kyaw.moe@example.org",
    ),
    (
        "VN",
        "Nguyễn Thị Thu Hà",
        "Nguyen Thi Thu Ha",
        "female",
        "Librarian",
        "National Library of Vietnam",
        DELEGATE_EMAIL,
    ),
]

# Ten domestic participants representing provinces, regencies and cities (sample names).
DOMESTIC = [
    (
        "Provinsi Jawa Barat",
        "Siti Rahmawati",
        "female",
        "Pustakawan Ahli Madya",
        "Dinas Perpustakaan dan Kearsipan Daerah Provinsi Jawa Barat",
    ),
    (
        "Provinsi Sulawesi Selatan",
        "Andi Pratama",
        "male",
        "Kepala Bidang Layanan",
        "Dinas Perpustakaan Provinsi Sulawesi Selatan",
    ),
    (
        "Provinsi Bali",
        "I Made Suartana",
        "male",
        "Pustakawan Ahli Muda",
        "Dinas Perpustakaan dan Kearsipan Provinsi Bali",
    ),
    (
        "Provinsi Kalimantan Timur",
        "Nur Aisyah",
        "female",
        "Pustakawan Ahli Pertama",
        "Dinas Perpustakaan dan Kearsipan Provinsi Kalimantan Timur",
    ),
    (
        "Kabupaten Banyuwangi",
        "Dewi Lestari Wulandari",
        "female",
        "Kepala Seksi Pengembangan",
        "Dinas Perpustakaan dan Kearsipan Kabupaten Banyuwangi",
    ),
    (
        "Kabupaten Kulon Progo",
        "Rina Marlina",
        "female",
        "Pustakawan",
        "Dinas Perpustakaan dan Kearsipan Kabupaten Kulon Progo",
    ),
    (
        "Kabupaten Kupang",
        "Yohanes Kristianto",
        "male",
        "Pustakawan",
        "Dinas Perpustakaan dan Arsip Daerah Kabupaten Kupang",
    ),
    (
        "Kota Padang",
        "Muhammad Fadli",
        "male",
        "Kepala Bidang Perpustakaan",
        "Dinas Kearsipan dan Perpustakaan Kota Padang",
    ),
    (
        "Kota Surabaya",
        "Fitri Handayani",
        "female",
        "Pustakawan Ahli Muda",
        "Dinas Perpustakaan dan Kearsipan Kota Surabaya",
    ),
    ("Kota Pontianak", "Agus Setiawan", "male", "Pustakawan", "Dinas Perpustakaan Kota Pontianak"),
]

# The province of each represented region above.
PROVINCE_OF_REGION = {
    "Provinsi Jawa Barat": "Jawa Barat",
    "Provinsi Sulawesi Selatan": "Sulawesi Selatan",
    "Provinsi Bali": "Bali",
    "Provinsi Kalimantan Timur": "Kalimantan Timur",
    "Kabupaten Banyuwangi": "Jawa Timur",
    "Kabupaten Kulon Progo": "DI Yogyakarta",
    "Kabupaten Kupang": "Nusa Tenggara Timur",
    "Kota Padang": "Sumatera Barat",
    "Kota Surabaya": "Jawa Timur",
    "Kota Pontianak": "Kalimantan Barat",
}

# Seats per invited member country, and the nominating agency (sample contacts).
INTERNATIONAL_SEATS = {
    "LA": (2, "National Library of Laos"),
    "MY": (1, "Perpustakaan Negara Malaysia"),
    "NP": (1, "Nepal National Library"),
    "LK": (2, "National Library and Documentation Services Board"),
    "MM": (1, "National Library of Myanmar"),
    "VN": (1, "National Library of Vietnam"),
}

SITES = {
    "perpusnas": {
        "name": "Perpustakaan Nasional Republik Indonesia",
        "kind": "national",
        "address": "Jl. Medan Merdeka Selatan No. 11",
        "district": "Gambir",
        "city": "Jakarta Pusat",
        "latitude": "-6.181300",
        "longitude": "106.827200",
        "description": "The host institution, which leads the TPBIS programme nationwide.",
        "capacity": 300,
        "host_contact_name": "Protocol office, Perpusnas (sample)",
        "host_contact_phone": "+62 21 0000 0001",
        "accessibility_notes": "Step-free entrance and lifts to every floor (sample).",
    },
    "rawa_binong": {
        "name": "Perpustakaan Mutiara Rawa Binong",
        "kind": "reading_house",
        "address": "Rawa Binong",
        "district": "",
        "city": "Jakarta Timur",
        "description": (
            "Community library in East Jakarta where TPBIS has been put into practice: "
            "the programme's last site visit."
        ),
        "capacity": 30,
        "host_contact_name": "Library manager (sample)",
        "host_contact_phone": "+62 21 0000 0002",
        "accessibility_notes": "Ground-floor reading room; narrow access lane (sample).",
    },
    "jakarta_library": {
        "name": "Perpustakaan Jakarta – Cikini",
        "kind": "provincial",
        "address": "Jl. Cikini Raya No. 73",
        "district": "Menteng",
        "city": "Jakarta Pusat",
        "description": f"Provincial library of DKI Jakarta. {SAMPLE}",
        "capacity": 60,
        "host_contact_name": "Visitor services (sample)",
        "host_contact_phone": "+62 21 0000 0003",
    },
    "bogor_library": {
        "name": "Perpustakaan Kota Bogor",
        "kind": "city",
        "address": "Jl. Kapten Muslihat",
        "district": "Bogor Tengah",
        "city": "Bogor",
        "description": f"City library with community literacy programmes. {SAMPLE}",
        "capacity": 40,
        "host_contact_name": "Head of services (sample)",
        "host_contact_phone": "+62 251 0000 004",
    },
}

CLOSING_SPEAKER = "Ofy Sofiana, Principal Secretary (Sekretaris Utama) of Perpusnas"

# (day of November 2023, start, end, kind, English title, Indonesian title, site, room, speakers)
AGENDA = [
    (
        13,
        "09:00",
        "10:00",
        "opening",
        "Opening ceremony",
        "Upacara pembukaan",
        "perpusnas",
        "Auditorium",
        "Perpusnas leadership and the Colombo Plan Secretariat (sample)",
    ),
    (13, "10:00", "10:30", "break", "Coffee break", "Rehat kopi", "perpusnas", "Foyer", ""),
    (
        13,
        "10:30",
        "12:00",
        "lecture",
        "Social inclusion-based library transformation: the Indonesian experience",
        "Transformasi perpustakaan berbasis inklusi sosial: pengalaman Indonesia",
        "perpusnas",
        "Auditorium",
        "Resource person, Perpusnas (sample)",
    ),
    (
        13,
        "13:00",
        "15:00",
        "panel",
        "TPBIS strategies and projects: from national policy to village libraries",
        "Strategi dan proyek TPBIS: dari kebijakan nasional hingga perpustakaan desa",
        "perpusnas",
        "Meeting room, 2nd floor",
        "Panel of TPBIS facilitators (sample)",
    ),
    (
        13,
        "15:30",
        "17:00",
        "site_visit",
        "Tour of the National Library",
        "Tur Perpustakaan Nasional",
        "perpusnas",
        "",
        "",
    ),
    (
        14,
        "09:00",
        "12:00",
        "workshop",
        "Designing community-based library programmes",
        "Merancang program perpustakaan berbasis komunitas",
        "perpusnas",
        "Meeting room, 2nd floor",
        "TPBIS facilitators (sample)",
    ),
    (
        14,
        "13:30",
        "16:30",
        "site_visit",
        "Site visit: Jakarta provincial library",
        "Kunjungan lapangan: Perpustakaan Provinsi DKI Jakarta",
        "jakarta_library",
        "",
        "",
    ),
    (
        15,
        "09:00",
        "12:00",
        "lecture",
        "Measuring the impact of inclusive libraries",
        "Mengukur dampak perpustakaan inklusif",
        "perpusnas",
        "Auditorium",
        "Resource person, Perpusnas (sample)",
    ),
    (
        15,
        "13:00",
        "16:30",
        "site_visit",
        "Site visit: Bogor city library",
        "Kunjungan lapangan: Perpustakaan Kota Bogor",
        "bogor_library",
        "",
        "",
    ),
    (
        15,
        "19:00",
        "21:00",
        "cultural",
        "Cultural evening",
        "Malam budaya",
        "perpusnas",
        "Auditorium",
        "",
    ),
    (
        16,
        "08:30",
        "12:30",
        "site_visit",
        "Site visit: Perpustakaan Mutiara Rawa Binong",
        "Kunjungan lapangan: Perpustakaan Mutiara Rawa Binong",
        "rawa_binong",
        "",
        "",
    ),
    (
        16,
        "14:00",
        "16:30",
        "workshop",
        "Country action plans",
        "Rencana aksi negara",
        "perpusnas",
        "Meeting room, 2nd floor",
        "TPBIS facilitators (sample)",
    ),
    (
        17,
        "09:00",
        "11:30",
        "panel",
        "Presentation of country action plans",
        "Presentasi rencana aksi negara",
        "perpusnas",
        "Auditorium",
        "Every delegation",
    ),
    (
        17,
        "13:30",
        "15:00",
        "ceremony",
        "Closing ceremony",
        "Upacara penutupan",
        "perpusnas",
        "Auditorium",
        CLOSING_SPEAKER,
    ),
]

AGENDA_YEAR_MONTH = (2023, 11)

# Site visits leave from the host's lobby by bus (sample logistics); the tour of the host's
# own building does not.
HOST_SITE = "perpusnas"
DEPARTURE_POINT = "Perpustakaan Nasional RI, main lobby"
VISIT_CAPACITY = 25
VEHICLE = {
    "name": "Bus 1",
    "kind": "bus",
    "seats": 30,
    "plate": "B 7123 TPB",
    "driver_name": "Slamet Riyadi (sample)",
    "driver_phone": "+62 812 0000 0101",
}
# The visit to Perpustakaan Mutiara Rawa Binong was split into two groups with a guide each.
GROUPS_AT = "rawa_binong"
GROUPS = [
    ("Group A", 10, "Guide A (sample)", "+62 812 0000 0201"),
    ("Group B", 10, "Guide B (sample)", "+62 812 0000 0202"),
]
# Attendance as recorded (sample): everyone attended everything except these
# (agenda title, participant e-mail) pairs.
ABSENCES = [
    ("Cultural evening", "aung.kyaw.moe@example.org"),
    ("Site visit: Bogor city library", "yohanes.kristianto@example.org"),
    ("Measuring the impact of inclusive libraries", "muhammad.fadli@example.org"),
]
ATTENDANCE_RECORDED_BY = "staff@example.org"

PRACTICAL_INFORMATION = {
    "venue_details": (
        "Perpustakaan Nasional RI, Jl. Medan Merdeka Selatan No. 11, Gambir, Jakarta Pusat.\n"
        "Sessions take place in the auditorium and the 2nd-floor meeting room."
    ),
    "hotel_details": "Delegates stay at a hotel near Medan Merdeka (sample).",
    "contacts": "Programme secretariat (sample): +62 21 0000 0100\nsecretariat@example.org",
    "emergency_numbers": "Police 110\nAmbulance 118 / 119\nFire 113",
    "dress_code": "Smart casual; batik welcome at the closing ceremony.",
}
ANNOUNCEMENTS = [
    (
        "Bus leaves at 08:30 for Perpustakaan Mutiara Rawa Binong",
        "Please be in the main lobby by 08:15 on Thursday 16 November. (Sample announcement.)",
        16,
    ),
]
EVALUATION_QUESTIONS = [
    (
        "How useful was the programme for your work?",
        "Seberapa bermanfaat program ini bagi pekerjaan Anda?",
        "rating",
        "",
    ),
    (
        "Which site visit inspired you most?",
        "Kunjungan lapangan mana yang paling menginspirasi Anda?",
        "choice",
        "Perpustakaan Jakarta – Cikini\nPerpustakaan Kota Bogor\nPerpustakaan Mutiara Rawa Binong",
    ),
    (
        "What will you do differently at home?",
        "Apa yang akan Anda lakukan secara berbeda di negara Anda?",
        "text",
        "",
    ),
]

# The closing report: facts and remarks from the news release of 17 November 2023.
CLOSING_REPORT = {
    "summary_en": (
        "Over five full days, participants from six Colombo Plan member countries and from "
        "Indonesian provinces, regencies and cities travelled, learned and discovered the "
        "strategies and projects of social inclusion-based library transformation (TPBIS) "
        "pioneered by the National Library of Indonesia, through visits and exploration."
    ),
    "summary_local": (
        "Selama lima hari penuh, peserta dari enam negara anggota Colombo Plan dan dari "
        "provinsi/kabupaten/kota di Indonesia terlibat dalam perjalanan, pembelajaran, dan "
        "penemuan strategi dan proyek TPBIS yang dipelopori oleh Perpustakaan Nasional "
        "Indonesia melalui kunjungan dan eksplorasi."
    ),
    "outcomes_en": (
        "Participants take home not only new knowledge but a commitment to promote social "
        "inclusion through the library systems of their countries. The programme is not an "
        "end but a starting point for further collaboration."
    ),
    "outcomes_local": (
        "Peserta tidak hanya membawa pulang pengetahuan baru, tetapi juga komitmen untuk "
        "mendorong inklusi sosial melalui sistem perpustakaan di negara masing-masing. Hasil "
        "kegiatan ini bukanlah akhir, melainkan titik awal untuk kolaborasi lebih lanjut."
    ),
    "reporter": "Wara Merdeka",
    "photographer": "Prakas Agrestian",
}
QUOTES = [
    (
        "Ofy Sofiana",
        "Principal Secretary (Sekretaris Utama, Sestama), Perpusnas",
        "Ini juga menjadi bukti nyata kekuatan transformatif perpustakaan dalam meningkatkan "
        "kesejahteraan masyarakat.",
        "This is also real proof of the transformative power of libraries in improving "
        "people's welfare.",
    ),
    (
        "Ofy Sofiana",
        "Principal Secretary (Sekretaris Utama, Sestama), Perpusnas",
        "Kami dari Perpusnas, bersama mitra kami, akan memastikan bahwa pengetahuan dan "
        "pengalaman yang dibagikan di sini akan menjadi sumber inspirasi untuk inisiatif baru "
        "di negara dan wilayah asal Anda.",
        "We at Perpusnas, together with our partners, will make sure that the knowledge and "
        "experience shared here become a source of inspiration for new initiatives in your "
        "home countries and regions.",
    ),
    (
        "Ofy Sofiana",
        "Principal Secretary (Sekretaris Utama, Sestama), Perpusnas",
        "Marilah bersama-sama mengoptimalkan kekuatan perpustakaan sebagai katalisator "
        "perubahan sosial, membuka jalan bagi masyarakat yang lebih inklusif, terinformasi, "
        "dan tangguh.",
        "Let us together make the most of the power of libraries as catalysts of social "
        "change, opening the way to a more inclusive, informed and resilient society.",
    ),
]
SIGNATORIES = [
    ("Ofy Sofiana", "Principal Secretary", "Perpustakaan Nasional Republik Indonesia"),
    ("Signatory of the Colombo Plan (sample)", "Colombo Plan Secretariat", "The Colombo Plan"),
]

# Sample passport details of the international delegates (invented; for visa letters).
PASSPORTS = {
    "somphone.phommavong@example.org": ("LA", "P1234567", "2029-03-31"),
    "vannaphone.sisouvanh@example.org": ("LA", "P7654321", "2030-08-15"),
    "nurul.aina@example.org": ("MY", "A12345678", "2028-12-01"),
    "sita.shrestha@example.org": ("NP", "PA0123456", "2031-01-20"),
    "nimal.perera@example.org": ("LK", "N1234567", "2029-06-30"),
    "kavitha.rajendran@example.org": ("LK", "N7654321", "2030-02-28"),
    "aung.kyaw.moe@example.org": ("MM", "MA123456", "2028-09-09"),
    "delegate@example.org": ("VN", "C1234567", "2032-04-04"),
}
