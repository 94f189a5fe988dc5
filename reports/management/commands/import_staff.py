"""manage.py import_staff FILE [--user USERNAME] [--check] [--links CSV]: staff and their roles."""

import csv

from django.utils.translation import gettext as _

from registry.accounts import activation_url, is_activated, record_links_issued
from reports.imports.command import ImportCommand
from reports.imports.staff import STAFF


class Command(ImportCommand):
    help = (
        "Import staff with their roles from an .xlsx or .csv file with the template's columns: accounts are "
        "found by phone number or created without a password, roles assigned (audited). New accounts with an "
        "e-mail get their activation link by e-mail; --links writes every new account's link to a CSV file "
        "to print and hand out."
    )
    kind = STAFF

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--links", metavar="CSV", help="Write the activation links of the accounts created to this file."
        )

    def handle(self, *args, links=None, **options):
        self.links_path = links
        return super().handle(*args, **options)

    def after_write(self, report, counts, *, actor) -> None:
        if not self.links_path:
            return
        from django.contrib.auth import get_user_model

        phones = {plan.phone for plan in report.new if plan.user_id is None}
        users = [
            u
            for u in get_user_model().objects.filter(username__in=phones).order_by("username")
            if not is_activated(u)
        ]
        roles = {}
        for plan in report.new:
            roles.setdefault(plan.phone, []).append(f"{plan.role}@{plan.unit.code}")
        with open(self.links_path, "w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["Họ và tên", "Tên đăng nhập", "Vai trò", "Đường dẫn kích hoạt"])
            for user in users:
                writer.writerow(
                    [
                        user.first_name,
                        user.username,
                        "; ".join(roles.get(user.username, [])),
                        activation_url(user),
                    ]
                )
        record_links_issued(users, actor=actor, how="command")
        self.stdout.write(
            _("%(n)s activation links written to %(path)s.") % {"n": len(users), "path": self.links_path}
        )

    def done_message(self, counts: dict) -> str:
        return (
            _("Imported: %(created)s roles assigned, %(linked)s new accounts, %(existing)s left unchanged.")
            % counts
        )
