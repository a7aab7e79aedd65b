"""The visas of the reference programme's international delegates (sample records).

Indonesia admits ASEAN nationals without a visa; the others obtained theirs before the
opening day, 13 November 2023.
"""

from datetime import date

from participants.models import Participant, Visa
from programs.models import Programme

from . import data

S = Visa.Status
# E-mail address: status, applied on, decided on, visa or application number.
VISAS = {
    "somphone.phommavong@example.org": (S.NOT_REQUIRED, None, None, ""),
    "vannaphone.sisouvanh@example.org": (S.NOT_REQUIRED, None, None, ""),
    "nurul.aina@example.org": (S.NOT_REQUIRED, None, None, ""),
    "aung.kyaw.moe@example.org": (S.NOT_REQUIRED, None, None, ""),
    "delegate@example.org": (S.NOT_REQUIRED, None, None, ""),
    "sita.shrestha@example.org": (S.ISSUED, date(2023, 10, 2), date(2023, 10, 16), "B211A-0231"),
    "nimal.perera@example.org": (S.ISSUED, date(2023, 9, 25), date(2023, 10, 9), "B211A-0198"),
    "kavitha.rajendran@example.org": (S.ON_ARRIVAL, None, None, ""),
}


def load_visas(programme: Programme) -> None:
    """Create or correct each delegate's visa; a visa already as listed is left untouched
    (its "updated" time included), so loading the demo again changes nothing."""
    delegates = programme.participants.filter(
        category=Participant.Category.INTERNATIONAL, email__in=VISAS
    ).select_related("visa")
    for participant in delegates:
        status, applied_on, decided_on, reference = VISAS[participant.email]
        wanted = {
            "status": status,
            "applied_on": applied_on,
            "decided_on": decided_on,
            "reference": reference,
            "note": data.SAMPLE,
        }
        visa = getattr(participant, "visa", None) or Visa(participant=participant)
        if visa.pk and all(getattr(visa, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(visa, name, value)
        visa.save()
