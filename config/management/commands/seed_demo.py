"""Seed a demo province (real Bắc Ninh communes, synthetic people and cases made through the services)."""

import contextlib
import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from config.demo import DEMO_PASSWORD, demo_counts, demo_present, logins, seed_demo


@contextlib.contextmanager
def eager_celery():
    """Run the notification tasks the services queue in-process, so seeding needs no broker or worker."""
    from config.celery import app

    previous = app.conf.task_always_eager
    trace_logger = logging.getLogger("celery.app.trace")  # one "Task ... succeeded" line per task otherwise
    previous_level = trace_logger.level
    app.conf.task_always_eager = True
    trace_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        app.conf.task_always_eager = previous
        trace_logger.setLevel(previous_level)


def embedded_database() -> bool:
    """The embedded default of `make run`: SQLite, not a server database that production would use."""
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not settings.PRODUCTION


class Command(BaseCommand):
    help = (
        "Create a demo: the real province Bắc Ninh with three real communes/wards, invented villages, "
        "synthetic households, clans, organisations, citizens and communities, one account per role and "
        "unit, and recognition cases in every state produced through the case services. Does nothing if "
        "the demo exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=300, help="Number of households (default 300).")
        parser.add_argument(
            "--year", type=int, default=None, help="Assessment year (default: the current year)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed although the database is not the embedded SQLite one (never a production database: "
            "the demo accounts have a public password).",
        )

    def handle(self, *args, **options):
        households = options["households"]
        self.verbosity = options["verbosity"]
        if households < 1:
            raise CommandError(_("--households must be at least 1."))
        if not embedded_database() and not options["force"]:
            raise CommandError(
                _(
                    "The demo creates accounts with a public password; it runs only on the embedded SQLite "
                    "database. To seed this database anyway (a test server), add --force."
                )
            )
        if demo_present():
            self.stdout.write(_("Demo already present; nothing changed."))
            self._print_logins()
            return
        started = time.monotonic()
        with translation.override(settings.LANGUAGE_CODE), eager_celery():
            seeder = seed_demo(households=households, year=options["year"], log=self._log)
        elapsed = time.monotonic() - started
        counts = demo_counts()
        self.stdout.write(
            _("Demo for %(year)s created in %(seconds).1f s.") % {"year": seeder.year, "seconds": elapsed}
        )
        for key in (
            "units",
            "households",
            "members",
            "clans",
            "organisations",
            "persons",
            "communities",
            "users",
            "cases",
            "audit_events",
        ):
            self.stdout.write(f"  {key}: {counts[key]}")
        for label, values in (
            ("cases_by_title", counts["cases_by_title"]),
            ("cases_by_state", counts["cases_by_state"]),
        ):
            self.stdout.write(f"  {label}: " + ", ".join(f"{k}={v}" for k, v in sorted(values.items())))
        self._print_logins()

    def _log(self, message: str):
        if self.verbosity >= 2:
            self.stdout.write(message)

    def _print_logins(self):
        rows = [(_("Username"), _("Role"), _("Unit"))] + logins()
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(_("Password for every demo account: %(password)s") % {"password": DEMO_PASSWORD})
