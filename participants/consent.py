"""A participant's consent: to the programme's privacy notice, and to photos showing them."""

from django.utils import timezone

from .models import Participant


def record_consent(*, participant: Participant, photo_consent: bool) -> Participant:
    """The participant accepts the privacy notice and answers whether photos may show them.

    Side effects: sets privacy_consent_at (kept when already set: the first acceptance is the
    one that counts), photo_consent and photo_consent_at on the participant and saves them.
    """
    now = timezone.now()
    participant.privacy_consent_at = participant.privacy_consent_at or now
    participant.photo_consent = photo_consent
    participant.photo_consent_at = now
    participant.save(
        update_fields=["privacy_consent_at", "photo_consent", "photo_consent_at", "updated_at"]
    )
    return participant


def change_photo_consent(*, participant: Participant, photo_consent: bool) -> bool:
    """Give or withdraw photo consent; returns whether it changed.

    Side effects: when the answer differs from the stored one, sets photo_consent and
    photo_consent_at and saves them. Photos showing a participant who refused stay out of the
    gallery and the closing report from then on.
    """
    if participant.photo_consent is photo_consent:
        return False
    participant.photo_consent = photo_consent
    participant.photo_consent_at = timezone.now()
    participant.save(update_fields=["photo_consent", "photo_consent_at", "updated_at"])
    return True
