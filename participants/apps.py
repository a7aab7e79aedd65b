from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self) -> None:
        # Registers the tasks with Celery's app in every process: group messages send them by
        # name (`participants.group_messages`), so that it need not import the module that
        # imports it.
        from . import tasks  # noqa: F401
