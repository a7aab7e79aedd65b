"""A sample programme hosted outside Indonesia: Colombo, 2–6 September 2024.

Everything here is invented sample data, marked as such: the programme, its participants,
agenda and texts. It shows a programme in another time zone (Asia/Colombo, UTC+5:30) and
language (Sinhala), with the host's own nationals as domestic participants from Sri Lankan
provinces, and a delegate who withdrew during the programme and was replaced.
"""

from datetime import date

SAMPLE = "Sample data."

PROGRAMME = {
    "slug": "colombo-sample-2024",
    "host_country": "LK",
    "content_language": "si",
    "title_en": (
        "Knowledge Sharing Programme on Community Libraries for Lifelong Learning (sample)"
    ),
    "title_local": ("ජීවිත කාලය පුරා ඉගෙනීම සඳහා ප්‍රජා පුස්තකාල පිළිබඳ දැනුම බෙදාගැනීමේ වැඩසටහන (නිදර්ශන)"),
    "short_name_en": "Community Libraries 2024 (sample)",
    "short_name_local": "ප්‍රජා පුස්තකාල 2024 (නිදර්ශන)",
    "theme_en": "Community libraries for lifelong learning",
    "theme_local": "ජීවිත කාලය පුරා ඉගෙනීම සඳහා ප්‍රජා පුස්තකාල",
    "start_date": date(2024, 9, 2),
    "end_date": date(2024, 9, 6),
    "time_zone": "Asia/Colombo",
    "host_institution": "National Library and Documentation Services Board of Sri Lanka",
    "host_short_name": "NLDSB",
    "host_address": "No. 14, Independence Avenue, Colombo 07",
    "partners": "The Colombo Plan (sample)",
    "cooperation_framework": (
        "Sample programme for trying the application: invented data, not a real event. "
        "Knowledge sharing among Colombo Plan member countries, hosted by Sri Lanka."
    ),
    "venue_city": "Colombo",
    "expected_international": 7,
    "expected_domestic": 4,
    "expected_other": 0,
    "visa_issuing_authority": "National Library and Documentation Services Board of Sri Lanka",
    "visa_signatory_name": "Director General, NLDSB (sample)",
    "visa_signatory_title": "Director General",
    "visa_funding_statement": (
        "The National Library and Documentation Services Board of Sri Lanka covers the "
        "delegate's accommodation, meals and local transport in Sri Lanka; the nominating "
        "institution covers the international travel. (Sample wording.)"
    ),
    "visa_show_stay_dates": True,
    "visa_show_birth_details": True,
}
PRACTICAL_INFORMATION = {
    "venue_details": (
        "National Library of Sri Lanka, No. 14, Independence Avenue, Colombo 07 (sample).\n"
        "Sessions take place in the auditorium and the seminar room."
    ),
    "hotel_details": "Delegates stay at a hotel in Colombo 07 (sample).",
    "contacts": "Programme secretariat (sample): +94 11 000 0100\nsecretariat@example.org",
    "emergency_numbers": "Police 119\nAmbulance 1990\nFire 110",
    "dress_code": "Smart casual; national dress welcome at the closing ceremony.",
}

# Seats per invited member country, and the nominating agency (sample contacts).
INTERNATIONAL_SEATS = {
    "BD": (2, "Department of Public Libraries, Bangladesh"),
    "BT": (1, "National Library and Archives of Bhutan"),
    "ID": (1, "Perpustakaan Nasional Republik Indonesia"),
    "MV": (1, "National Library of Maldives"),
    "NP": (1, "Nepal National Library"),
    "TH": (1, "National Library of Thailand"),
}

# International delegates, who all completed the programme (sample names):
# (country, name, name in Latin script, gender, position, institution, e-mail, passport).
INTERNATIONAL = [
    (
        "BD",
        "ফারহানা ইসলাম",
        "Farhana Islam",
        "female",
        "Deputy Director",
        "Department of Public Libraries, Bangladesh",
        "farhana.islam@example.org",
        ("BD", "EB0123456", "2030-05-31"),
    ),
    (
        "BD",
        "মোহাম্মদ রফিকুল হাসান",
        "Mohammad Rafiqul Hasan",
        "male",
        "Librarian",
        "Central Public Library, Dhaka",
        "rafiqul.hasan@example.org",
        ("BD", "EB7654321", "2029-11-30"),
    ),
    (
        "BT",
        "Karma Choden",
        "",
        "female",
        "Librarian",
        "National Library and Archives of Bhutan",
        "karma.choden@example.org",
        ("BT", "PB123456", "2031-03-15"),
    ),
    (
        "MV",
        "Aishath Shifa",
        "",
        "female",
        "Senior Librarian",
        "National Library of Maldives",
        "aishath.shifa@example.org",
        ("MV", "LA1234567", "2030-07-01"),
    ),
    (
        "TH",
        "สุภาพร ศรีสุข",
        "Supaporn Srisuk",
        "female",
        "Librarian",
        "National Library of Thailand",
        "supaporn.srisuk@example.org",
        ("TH", "AA1234567", "2029-12-31"),
    ),
    (
        "ID",
        "Dewi Anggraini",
        "",
        "female",
        "Librarian",
        "Perpustakaan Nasional Republik Indonesia",
        "dewi.anggraini@example.org",
        ("ID", "X1234567", "2031-08-17"),
    ),
]

# The Nepali delegate who attended the first two days and withdrew, and the Nepali librarian,
# then in Colombo on a study visit, whom the organisers booked in their place.
WITHDRAWN = (
    "NP",
    "हरि प्रसाद अधिकारी",
    "Hari Prasad Adhikari",
    "male",
    "Chief Librarian",
    "Nepal National Library",
    "hari.adhikari@example.org",
    ("NP", "PA1234567", "2030-01-14"),
)
WITHDRAWAL_EFFECTIVE_ON = date(2024, 9, 4)
WITHDRAWAL_REASON = "Recalled to Kathmandu by his ministry (sample)"
REPLACEMENT = (
    "NP",
    "सुनिता गुरुङ",
    "Sunita Gurung",
    "female",
    "Librarian",
    "Nepal National Library",
    "sunita.gurung@example.org",
    ("NP", "PA7654321", "2031-02-28"),
)

# Sri Lankan librarians representing provinces, each with its district typed as the locality:
# (ISO 3166-2 province, district, name, name in Latin script, gender, position, institution).
DOMESTIC = [
    (
        "LK-1",
        "Gampaha",
        "කුමාරි ජයසිංහ",
        "Kumari Jayasinghe",
        "female",
        "Librarian",
        "Gampaha Municipal Public Library",
    ),
    (
        "LK-2",
        "Kandy",
        "චමින්ද බණ්ඩාර",
        "Chaminda Bandara",
        "male",
        "Chief Librarian",
        "Kandy Municipal Public Library",
    ),
    (
        "LK-3",
        "Galle",
        "සඳුනි වීරසේකර",
        "Sanduni Weerasekara",
        "female",
        "Librarian",
        "Galle Municipal Public Library",
    ),
    (
        "LK-4",
        "Jaffna",
        "தர்ஷினி சிவகுமார்",
        "Tharshini Sivakumar",
        "female",
        "Librarian",
        "Jaffna Public Library",
    ),
]

SITES = {
    "nldsb": {
        "name": "National Library of Sri Lanka",
        "kind": "national",
        "address": "No. 14, Independence Avenue",
        "district": "Colombo 07",
        "city": "Colombo",
        "latitude": "6.904000",
        "longitude": "79.866000",
        "description": (
            f"The host institution, which supports public libraries nationwide. {SAMPLE}"
        ),
        "capacity": 200,
        "host_contact_name": "Protocol office, NLDSB (sample)",
        "host_contact_phone": "+94 11 000 0001",
    },
    "colombo_public": {
        "name": "Colombo Public Library",
        "kind": "city",
        "address": "Colombo 07",
        "district": "Colombo 07",
        "city": "Colombo",
        "description": f"The city's public library, with reading programmes for all ages. {SAMPLE}",
        "capacity": 40,
        "host_contact_name": "Chief librarian's office (sample)",
        "host_contact_phone": "+94 11 000 0002",
    },
    "gampaha_community": {
        "name": "Gampaha community reading house (sample)",
        "kind": "reading_house",
        "address": "Gampaha",
        "district": "Gampaha",
        "city": "Gampaha",
        "description": f"A community reading house run with the village's volunteers. {SAMPLE}",
        "capacity": 20,
        "host_contact_name": "Volunteer coordinator (sample)",
        "host_contact_phone": "+94 33 000 0003",
    },
}

# (day of September 2024, start, end, kind, English title, Sinhala title, site, room, speakers)
AGENDA = [
    (
        2,
        "09:00",
        "10:00",
        "opening",
        "Opening ceremony",
        "සමාරම්භක උත්සවය",
        "nldsb",
        "Auditorium",
        "NLDSB leadership (sample)",
    ),
    (2, "10:00", "10:30", "break", "Tea break", "තේ විවේකය", "nldsb", "Foyer", ""),
    (
        2,
        "10:30",
        "12:00",
        "lecture",
        "Community libraries in Sri Lanka: reaching every village",
        "ශ්‍රී ලංකාවේ ප්‍රජා පුස්තකාල: සෑම ගමකටම ළඟා වීම",
        "nldsb",
        "Auditorium",
        "Resource person, NLDSB (sample)",
    ),
    (
        2,
        "14:00",
        "16:00",
        "site_visit",
        "Tour of the National Library",
        "ජාතික පුස්තකාලය නැරඹීම",
        "nldsb",
        "",
        "",
    ),
    (
        3,
        "09:00",
        "12:00",
        "workshop",
        "Designing lifelong learning programmes",
        "ජීවිත කාලය පුරා ඉගෙනීමේ වැඩසටහන් සැලසුම් කිරීම",
        "nldsb",
        "Seminar room",
        "Facilitators, NLDSB (sample)",
    ),
    (
        3,
        "13:30",
        "16:30",
        "site_visit",
        "Site visit: Colombo Public Library",
        "ක්ෂේත්‍ර චාරිකාව: කොළඹ මහජන පුස්තකාලය",
        "colombo_public",
        "",
        "",
    ),
    (
        4,
        "08:30",
        "13:00",
        "site_visit",
        "Site visit: Gampaha community reading house",
        "ක්ෂේත්‍ර චාරිකාව: ගම්පහ ප්‍රජා කියවීම් නිවස",
        "gampaha_community",
        "",
        "",
    ),
    (
        4,
        "19:00",
        "21:00",
        "cultural",
        "Cultural evening",
        "සංස්කෘතික සන්ධ්‍යාව",
        "nldsb",
        "Auditorium",
        "",
    ),
    (
        5,
        "09:00",
        "12:00",
        "workshop",
        "Country action plans",
        "රටවල ක්‍රියාකාරී සැලසුම්",
        "nldsb",
        "Seminar room",
        "Facilitators, NLDSB (sample)",
    ),
    (
        6,
        "09:00",
        "11:30",
        "panel",
        "Presentation of country action plans",
        "රටවල ක්‍රියාකාරී සැලසුම් ඉදිරිපත් කිරීම",
        "nldsb",
        "Auditorium",
        "Every delegation",
    ),
    (
        6,
        "13:30",
        "15:00",
        "ceremony",
        "Closing ceremony",
        "සමාප්ති උත්සවය",
        "nldsb",
        "Auditorium",
        "Director General, NLDSB (sample)",
    ),
]
AGENDA_YEAR_MONTH = (2024, 9)

# Visits away from the host go by minibus; the tour of the National Library does not.
HOST_SITE = "nldsb"
DEPARTURE_POINT = "National Library of Sri Lanka, main entrance"
VISIT_CAPACITY = 15
VEHICLE = {
    "name": "Minibus 1",
    "kind": "minibus",
    "seats": 15,
    "plate": "WP NB-0000 (sample)",
    "driver_name": "Driver (sample)",
    "driver_phone": "+94 77 000 0101",
}
# The visit to the Colombo Public Library went in two groups with a guide each.
GROUPS_AT = "colombo_public"
GROUPS = [
    ("Group A", 6, "Guide A (sample)", "+94 77 000 0201"),
    ("Group B", 6, "Guide B (sample)", "+94 77 000 0202"),
]

CLOSING_REPORT = {
    "summary_en": (
        "Over five days in Colombo, librarians from four provinces of Sri Lanka and from six "
        "Colombo Plan member countries shared how community libraries support learning "
        f"throughout life, through lectures, workshops and visits. {SAMPLE}"
    ),
    "summary_local": (
        "කොළඹ දී දින පහක් පුරා, ශ්‍රී ලංකාවේ පළාත් හතරක සහ කොළඹ සැලැස්මේ සාමාජික රටවල් හයක "
        "පුස්තකාලයාධිපතිවරු, දේශන, වැඩමුළු සහ ක්ෂේත්‍ර චාරිකා හරහා ජීවිත කාලය පුරා ඉගෙනීමට "
        "ප්‍රජා පුස්තකාල දායක වන ආකාරය පිළිබඳ අත්දැකීම් බෙදා ගත්හ. (නිදර්ශන දත්ත.)"
    ),
    "outcomes_en": (
        f"Each delegation presented an action plan for its community libraries. {SAMPLE}"
    ),
    "outcomes_local": ("සෑම නියෝජිත කණ්ඩායමක්ම තම ප්‍රජා පුස්තකාල සඳහා ක්‍රියාකාරී සැලැස්මක් ඉදිරිපත් කළේය. (නිදර්ශන දත්ත.)"),
    "reporter": "Reporter (sample)",
    "photographer": "Photographer (sample)",
}
CERTIFICATE = {
    "heading_local": "සහභාගීත්ව සහතිකය",
    "wording_local": "පහත සඳහන් වැඩසටහනට සහභාගී වූ බව සහතික කරමු",
}
SIGNATORIES = [
    (
        "Director General, NLDSB (sample)",
        "Director General",
        "National Library and Documentation Services Board of Sri Lanka",
    ),
    ("Signatory of the Colombo Plan (sample)", "Colombo Plan Secretariat", "The Colombo Plan"),
]
