from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inspection"
    verbose_name = _("Inspection")

    def ready(self):
        from cases import panels as case_panels

        from . import receivers  # noqa: F401  (connects the audit signals)
        from .panels import inspection_panel

        case_panels.register("inspection/panel_case.html", inspection_panel, order=90)
