from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Agenda and site visits")

    def ready(self) -> None:
        # The participants app announces withdrawals; the agenda releases their bookings.
        from participants.signals import participant_left

        from .withdrawals import release_bookings_of_leaver

        participant_left.connect(release_bookings_of_leaver, dispatch_uid="visits.release_bookings")
