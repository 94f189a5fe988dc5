"""manage.py check_consistency: what must hold across the apps; exit 1 with a report when anything is off."""

from django.core.management.base import BaseCommand, CommandError

from audit.models import ConsistencyRun
from workflows.consistency import CHECKS, run_consistency_check


class Command(BaseCommand):
    help = (
        "Check that every open case has exactly one open step matching its state, every change of state "
        "its audit event, decision and register numbers no gap or repeat, the audit chains verify, no "
        "claimed step is held without the role, and evidence bytes match their recorded hashes. "
        "Exits 1 when anything is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", choices=CHECKS, help="Run only this check (repeatable)."
        )

    def handle(self, *args, only=None, **options):
        checks = tuple(only) if only else CHECKS
        run, problems = run_consistency_check(trigger=ConsistencyRun.Trigger.COMMAND, checks=checks)
        for problem in problems:
            self.stdout.write(f"[{problem.check}] {problem.subject}: {problem.message}")
        if problems:
            raise CommandError(
                f"{len(problems)} problem(s) found by checks {', '.join(checks)} (run #{run.pk})."
            )
        self.stdout.write(self.style.SUCCESS(f"0 problems: checks {', '.join(checks)} (run #{run.pk})."))
