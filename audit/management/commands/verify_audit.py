"""manage.py verify_audit [--against FILE]: verify the whole audit log; exit status 1 when anything fails."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.models import VerificationRun
from audit.runs import run_verification

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Verify every hash chain, stream head and checkpoint of the audit log (exit status 1 on failure)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="A checkpoint file kept off the server (audit_checkpoint --out) to verify the log against.",
        )

    def handle(self, *args, against=None, **options):
        document = None
        if against:
            try:
                document = json.loads(Path(against).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise CommandError(
                    _("Cannot read the checkpoint file %(file)s: %(error)s") % {"file": against, "error": exc}
                ) from exc
        result = run_verification(trigger=VerificationRun.Trigger.COMMAND, against=document).result
        self.stdout.write(
            _(
                "Checked %(events)s events in %(streams)s streams and %(checkpoints)s checkpoints "
                "in %(seconds).2f s."
            )
            % {
                "events": result.events_checked,
                "streams": result.streams_checked,
                "checkpoints": result.checkpoints_checked,
                "seconds": result.elapsed,
            }
        )
        if result.ok:
            self.stdout.write(self.style.SUCCESS(_("The audit log verifies.")))
            return
        first = result.first_problem
        self.stderr.write(
            _("VERIFICATION FAILED: %(count)s problem(s). First broken link: %(location)s [%(kind)s]")
            % {"count": result.problem_count, "location": first.location(), "kind": first.kind}
        )
        for problem in result.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(f"  {problem.location()} [{problem.kind}] {problem.message}")
        if result.problem_count > SHOWN_PROBLEMS:
            self.stderr.write(_("  ... and %(more)s more.") % {"more": result.problem_count - SHOWN_PROBLEMS})
        self.stderr.flush()
        self.stdout.flush()
        sys.exit(1)
