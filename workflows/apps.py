from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases import panels as case_panels

        from .panels import work_panel

        case_panels.register("workflows/panel_work.html", work_panel, order=10)

        from . import receivers, workdays  # noqa: F401  (connect the signal listeners)
