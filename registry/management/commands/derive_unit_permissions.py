"""manage.py derive_unit_permissions [--check] [--on DATE]: re-derive guardian's unit permissions from the
role assignments and list every difference; with --check, change nothing and exit with status 1 on any."""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.services import derive_unit_permissions


class Command(BaseCommand):
    help = (
        "Recompute django-guardian's permissions on units (role groups, their members and grants) from the "
        "role assignments active on the day, and report what differed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the differences; exit status 1 if there are any.",
        )
        parser.add_argument(
            "--on", metavar="YYYY-MM-DD", help="The day whose assignments count (default today)."
        )

    def handle(self, *args, check=False, on=None, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise CommandError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": on}) from exc
        drift = derive_unit_permissions(on=day, apply=not check)
        for line in drift.lines():
            self.stdout.write(f"  {line}")
        if not drift:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Guardian's unit permissions equal the role assignments of %(day)s.")
                    % {"day": drift.day}
                )
            )
            return
        if check:
            self.stderr.write(
                _("%(count)s difference(s) between guardian and the role assignments of %(day)s.")
                % {"count": len(drift), "day": drift.day}
            )
            self.stderr.flush()
            self.stdout.flush()
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                _("Corrected %(count)s difference(s) to the role assignments of %(day)s.")
                % {"count": len(drift), "day": drift.day}
            )
        )
