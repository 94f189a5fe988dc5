from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Recognition cases")

    def ready(self):
        from notifications import kinds

        kinds.register("case_event", _("Changes to cases I nominated or follow"))
