from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Registers the tasks with Celery's app in every process: the pipeline sends them by
        # name (`reports.jobs`), so that it need not import the module that imports it.
        from . import tasks  # noqa: F401
