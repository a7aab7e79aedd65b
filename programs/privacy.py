"""The default privacy notice of a programme, in English and Indonesian.

Organisers may rewrite it for their programme (`Programme.privacy_notice_en` / `_local`); a new
programme starts with this text (the local one only when its content is in Indonesian). It is
content in two languages, like the programme's title, not an interface string: the page shows
the version of the reader's language.
"""

DEFAULT_PRIVACY_NOTICE_EN = """\
The host institution of this programme collects your personal data to organise your \
participation: your name, contact details, country and institution; your passport number and \
expiry, and your date and place of birth where given, for visa support letters; your travel \
details, dietary and accessibility needs and an emergency contact for your care during the \
programme; your photo for your badge.

Only the programme's organisers see your passport details; the programme team sees what it \
needs to run the agenda. Every view or export of passport data is recorded, and the record is \
kept for one year.

Passport, travel and care details are deleted after the programme, once the period of \
retention set by the organisers has passed. Your name, country, institution, attendance and \
certificate are kept, so that your certificate can still be verified.

You may ask the organisers at any time to see, correct or erase your data. You choose below \
whether photos showing you may be used in the programme's gallery and closing report; you can \
change this choice on your profile at any time.

This notice follows Indonesia's Personal Data Protection Law (Law No. 27 of 2022) and the \
European Union's General Data Protection Regulation."""

DEFAULT_PRIVACY_NOTICE_LANGUAGE = "id"

DEFAULT_PRIVACY_NOTICE_ID = """\
Institusi penyelenggara program ini mengumpulkan data pribadi Anda untuk mengatur keikutsertaan \
Anda: nama, kontak, negara, dan institusi Anda; nomor dan masa berlaku paspor Anda, serta \
tanggal dan tempat lahir bila diisi, untuk surat dukungan visa; rincian perjalanan, kebutuhan \
makanan dan aksesibilitas, serta kontak darurat untuk pendampingan Anda selama program; serta \
foto Anda untuk kartu identitas peserta.

Hanya penyelenggara program yang dapat melihat data paspor Anda; tim program melihat data yang \
diperlukan untuk menjalankan agenda. Setiap kali data paspor dilihat atau diekspor, hal itu \
dicatat, dan catatan tersebut disimpan selama satu tahun.

Data paspor, perjalanan, dan pendampingan dihapus setelah program, setelah masa penyimpanan \
yang ditetapkan oleh penyelenggara berakhir. Nama, negara, institusi, kehadiran, dan sertifikat \
Anda tetap disimpan agar sertifikat Anda tetap dapat diverifikasi.

Anda dapat meminta penyelenggara kapan saja untuk melihat, memperbaiki, atau menghapus data \
Anda. Di bawah ini Anda memilih apakah foto yang menampilkan Anda boleh digunakan dalam galeri \
dan laporan penutupan program; pilihan ini dapat Anda ubah kapan saja di profil Anda.

Pemberitahuan ini mengikuti Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi \
dan General Data Protection Regulation Uni Eropa."""


def default_privacy_notice_en() -> str:
    return DEFAULT_PRIVACY_NOTICE_EN


def default_privacy_notice_id() -> str:
    return DEFAULT_PRIVACY_NOTICE_ID
