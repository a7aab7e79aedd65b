"""The reference programme's call for nominations and the candidates the countries put forward.

The news release says nothing of how the delegates were nominated: all of this is invented
sample data. The eight international delegates (`data.INTERNATIONAL`) are the selected
candidates, with the same names, e-mail addresses, genders, positions and institutions; the
reserves and the candidates not selected are invented beside them. Domestic representatives
were named by their regions, outside the call.

Dates and times are in the programme's time zone (Asia/Jakarta), as (year, month, day, hour,
minute).
"""

OPENED_AT = (2023, 8, 1, 9, 0)
FOCAL_POINTS_INVITED_AT = (2023, 8, 1, 10, 0)
# The call closed by itself at its deadline, eight weeks before the programme.
DEADLINE = (2023, 9, 15, 23, 59)
DECIDED_AT = (2023, 9, 29, 10, 0)

CALL = {
    "eligibility_en": (
        "Librarians and library managers of national, public or community libraries in the "
        "invited Colombo Plan member countries, with at least three years in library service, "
        "who lead services to communities and can follow and present in English. Each country's "
        "focal point nominates up to its seats and reserves, with the candidate's CV and an "
        "official nomination letter. (Sample text.)"
    ),
    "eligibility_local": (
        "Pustakawan dan pengelola perpustakaan nasional, umum atau komunitas di negara anggota "
        "Colombo Plan yang diundang, dengan pengalaman paling sedikit tiga tahun di bidang "
        "perpustakaan, yang memimpin layanan bagi masyarakat dan mampu mengikuti serta "
        "menyampaikan presentasi dalam bahasa Inggris. Focal point setiap negara mengusulkan "
        "calon sebanyak-banyaknya sejumlah kursi dan cadangannya, dengan CV calon dan surat "
        "pencalonan resmi. (Teks contoh.)"
    ),
    "requires_cv": True,
    "requires_nomination_letter": True,
}

# Candidates kept in reserve per invited member country (the seats are in data.py).
RESERVES = {"LA": 1, "MY": 1, "NP": 1, "LK": 1, "MM": 1, "VN": 1}

# The nominating agency's focal point of each invited country (sample people), who all sign in
# with the same demo password: country: (e-mail, first name, last name).
FOCAL_POINT_PASSWORD = "tpbis-focal-2023"  # noqa: S105 (a documented demo password)
FOCAL_POINTS = {
    "LA": ("focal.laos@example.org", "Khamphet", "Sayavong (sample)"),
    "MY": ("focal.malaysia@example.org", "Siti Zubaidah", "Osman (sample)"),
    "NP": ("focal.nepal@example.org", "Bikash", "Karki (sample)"),
    "LK": ("focal.srilanka@example.org", "Dilani", "Wickramasinghe (sample)"),
    "MM": ("focal.myanmar@example.org", "Thida", "Aye (sample)"),
    "VN": ("focal.vietnam@example.org", "Tran Van", "Minh (sample)"),
}

YEARS = ["Less than 3 years", "3 to 10 years", "More than 10 years"]
# (English, Indonesian, kind, choices): a choice question's answer is one of its lines.
QUESTIONS = [
    (
        "How long have you worked in libraries?",
        "Berapa lama Anda telah bekerja di perpustakaan?",
        "choice",
        "\n".join(YEARS),
    ),
    (
        "Describe one activity of your library that includes people it did not reach before.",
        "Jelaskan satu kegiatan perpustakaan Anda yang menjangkau masyarakat yang sebelumnya "
        "belum terlayani.",
        "text",
        "",
    ),
]

# The selected candidates, by the e-mail address of the delegate they became:
# (nominated on (month, day), institution type, motivation, answers, decision note).
SELECTED = {
    "somphone.phommavong@example.org": (
        (8, 21),
        "national_library",
        "Leads the national library's support to provincial and village libraries.",
        (YEARS[2], "Mobile library visits to villages in Vientiane Province, twice a month."),
        "Senior role in national outreach; first of Laos's two seats.",
    ),
    "vannaphone.sisouvanh@example.org": (
        (8, 21),
        "national_library",
        "Runs the children's and young people's services of the national library.",
        (YEARS[1], "Weekend reading clubs for children of migrant workers in Vientiane."),
        "Youth services; keeps the delegation balanced.",
    ),
    "nurul.aina@example.org": (
        (9, 4),
        "national_library",
        "Coordinates inclusive services for rural libraries across Malaysia.",
        (YEARS[1], "Digital skills classes for older people in rural libraries of Pahang."),
        "Meets every criterion; national responsibility for inclusive services.",
    ),
    "sita.shrestha@example.org": (
        (9, 11),
        "national_library",
        "Heads the national library and its work with community libraries.",
        (YEARS[2], "Literacy classes for women in community libraries of the Kathmandu Valley."),
        "Head of the national library; Nepal's one seat.",
    ),
    "nimal.perera@example.org": (
        (8, 28),
        "national_library",
        "Directs the public library development programme of the national board.",
        (YEARS[2], "Library services in Sinhala and Tamil for estate communities."),
        "Directs public library development nationally.",
    ),
    "kavitha.rajendran@example.org": (
        (8, 28),
        "public_library",
        "Runs the community services of the Jaffna Public Library.",
        (YEARS[1], "A reading room and story hours in Tamil for families returning to Jaffna."),
        "Public library practice in the Northern Province; balance of the delegation.",
    ),
    "aung.kyaw.moe@example.org": (
        (9, 14),
        "national_library",
        "Plans the national library's training for township libraries.",
        (YEARS[2], "Training for township librarians in community information services."),
        "Trains township librarians; can pass on what he learns.",
    ),
    "delegate@example.org": (
        (9, 8),
        "national_library",
        "Works on the national library's services for people with disabilities.",
        (YEARS[1], "Audio books and a Braille corner with the Hanoi blind association."),
        "Services for people with disabilities; Vietnam's one seat.",
    ),
}

# The other candidates: reserves and candidates not selected (sample people).
OTHERS = [
    {
        "country": "LA",
        "full_name": "ບຸນມີ ແກ້ວມະນີ",
        "full_name_latin": "Bounmy Keomany",
        "email": "bounmy.keomany@example.org",
        "gender": "female",
        "position": "Librarian",
        "institution": "Vientiane Capital Public Library",
        "institution_type": "public_library",
        "nominated_on": (8, 21),
        "motivation": "Runs the public library's reading programme for factory workers.",
        "answers": (YEARS[1], "Evening reading sessions at two garment factories."),
        "status": "reserve",
        "decision_note": "First reserve for Laos.",
    },
    {
        "country": "MY",
        "full_name": "Muhammad Hafiz bin Ismail",
        "full_name_latin": "",
        "email": "hafiz.ismail@example.org",
        "gender": "male",
        "position": "Library Officer",
        "institution": "Perbadanan Perpustakaan Awam Selangor",
        "institution_type": "public_library",
        "nominated_on": (9, 4),
        "motivation": "Started the state public library's services for refugees.",
        "answers": (YEARS[0], "Homework help for refugee children in Klang."),
        "status": "not_selected",
        "decision_note": "Fewer than three years in library service, which the call requires.",
    },
    {
        "country": "NP",
        "full_name": "राम बहादुर थापा",
        "full_name_latin": "Ram Bahadur Thapa",
        "email": "ram.thapa@example.org",
        "gender": "male",
        "position": "Librarian",
        "institution": "Kaiser Library",
        "institution_type": "public_library",
        "nominated_on": (9, 11),
        "motivation": "Manages the library's outreach to schools in Kathmandu.",
        "answers": (YEARS[1], "A book box service for public schools without a library."),
        "status": "reserve",
        "decision_note": "First reserve for Nepal.",
    },
    {
        "country": "LK",
        "full_name": "චාමිලා ජයසිංහ",
        "full_name_latin": "Chamila Jayasinghe",
        "email": "chamila.jayasinghe@example.org",
        "gender": "female",
        "position": "Assistant Librarian",
        "institution": "Colombo Public Library",
        "institution_type": "public_library",
        "nominated_on": (8, 30),
        "motivation": "Coordinates the library's services for older readers.",
        "answers": (YEARS[1], "Large-print collection and home delivery for older readers."),
        "status": "reserve",
        "decision_note": "First reserve for Sri Lanka.",
    },
    {
        "country": "MM",
        "full_name": "ခင်မာဝင်း",
        "full_name_latin": "Khin Mar Win",
        "email": "khin.mar.win@example.org",
        "gender": "female",
        "position": "Library Assistant",
        "institution": "Yangon City Library",
        "institution_type": "public_library",
        "nominated_on": (9, 14),
        "motivation": "Helps run the library's reading corner in a market.",
        "answers": (YEARS[0], "A reading corner at a Yangon market."),
        "status": "not_selected",
        "decision_note": "Fewer than three years in library service; Myanmar's one seat goes "
        "to a trainer of township librarians.",
    },
]
