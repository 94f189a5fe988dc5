"""manage.py audit_checkpoint [--day YYYY-MM-DD] [--now] [--out FILE]: write a checkpoint (and its file)."""

import argparse
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.checkpoints import checkpoint_file_bytes, default_period, make_checkpoint
from audit.models import Checkpoint


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("Not a date (YYYY-MM-DD): %(value)s") % {"value": value}) from exc


class Command(BaseCommand):
    help = (
        "Write the audit checkpoint of a day (default: yesterday, cut-off at the start of today, local time) "
        "and optionally the checkpoint file to keep off the server."
    )

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--day", type=_day, metavar="YYYY-MM-DD", help="The day to checkpoint (cut-off: its end)."
        )
        when.add_argument("--now", action="store_true", help="Checkpoint today with the cut-off now.")
        parser.add_argument(
            "--out",
            metavar="FILE",
            help="Write the checkpoint file here (also when the day's checkpoint already exists).",
        )

    def handle(self, *args, day=None, now=False, out=None, **options):
        cutoff = timezone.now() if now else None
        day, cutoff = default_period(day=day, cutoff=cutoff)
        try:
            checkpoint = make_checkpoint(day=day, cutoff=cutoff)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            checkpoint = Checkpoint.objects.get(day=day)
            self.stdout.write(_("The checkpoint of %(day)s already exists.") % {"day": day.isoformat()})
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Checkpoint of %(day)s written: %(streams)s streams, %(events)s events.")
                    % {
                        "day": day.isoformat(),
                        "streams": checkpoint.stream_count,
                        "events": checkpoint.event_count,
                    }
                )
            )
        self.stdout.write(_("Hash: %(hash)s") % {"hash": checkpoint.hash})
        if out:
            try:
                Path(out).write_bytes(checkpoint_file_bytes(checkpoint))
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s") % {"file": out, "error": exc}
                ) from exc
            self.stdout.write(
                _("Checkpoint file written to %(file)s; keep a copy off the server.") % {"file": out}
            )
