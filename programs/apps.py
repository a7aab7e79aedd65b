from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # Registers the tasks with Celery's app in every process: webhooks send them by name
        # (`programs.webhooks`), so that it need not import the module that imports it.
        from . import tasks  # noqa: F401
