from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from cases import panels as case_panels

        from .steps.panel import work_panel

        case_panels.register("workflows/panel_work.html", work_panel, order=10)

        from notifications import kinds

        from . import flows  # noqa: F401  (builds the flow and registers its step table)
        from .deadlines import notices, workdays  # noqa: F401  (connect the signal listeners)
        from .engine import receivers  # noqa: F401

        kinds.register("deadline_reminder", _("Steps due soon"), render=notices.reminder)
        kinds.register(
            "deadline_escalation", _("Overdue steps in my units"), digest=True, render=notices.escalation
        )
        kinds.register(
            "deadline_stalled", _("Stalled steps in my units"), digest=True, render=notices.stalled
        )
