from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Reviews, decisions and audits")

    def ready(self):
        from cases import lists

        from .selectors import open_lists_holding

        lists.register(open_lists_holding)
