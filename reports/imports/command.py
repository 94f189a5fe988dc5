"""Running an import from the command line (manage.py import_villages / import_staff): the same kinds, checks
and writer as the pages, in one process; a file with any problem writes nothing and the problems are listed
with their row numbers."""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record_event

from .base import ImportKind, Report, RowRejected
from .messages import render
from .parsing import FileRejected, read_sheet


class ImportCommand(BaseCommand):
    """A manage.py command for one import kind (the subclass sets `kind`)."""

    kind: ImportKind

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file (the template's columns).")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Import as this user (their area and roles apply, and the audit log names them); "
            "by default the import is the system's, over the whole registry.",
        )
        parser.add_argument("--check", action="store_true", help="Only check the file; write nothing.")

    def actor(self, username):
        from django.contrib.auth import get_user_model

        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        if not self.kind.allows(user):
            raise CommandError(_("%(name)s may not import this kind of file.") % {"name": username})
        return user

    def handle(self, *args, file, user=None, check=False, **options):
        self.verbosity = options.get("verbosity", 1)
        actor = self.actor(user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        data = path.read_bytes()
        try:
            sheet = read_sheet(data, self.kind)
        except FileRejected as rejected:
            raise CommandError(render(rejected.code, rejected.params)) from rejected
        scope = self.kind.scope(actor) if actor is not None else None
        report = self.kind.validate(sheet, scope=scope, actor=actor)
        if not report.ok:
            self.list_problems(report)
            raise CommandError(_("Nothing was imported: fix the rows above and run the command again."))
        self.stdout.write(
            _("%(rows)s rows checked: %(new)s new, %(existing)s already registered.")
            % {"rows": report.rows, "new": len(report.new), "existing": report.existing}
        )
        if check:
            return
        try:
            with transaction.atomic():
                counts = self.kind.write(report, actor=actor, progress=self.progress(len(report.new)))
                record_event(
                    f"import:cli:{hashlib.sha256(data).hexdigest()[:16]}",
                    self.kind.event_type,
                    actor=actor,
                    data={"kind": self.kind.key, "file": path.name, "rows": report.rows, **counts},
                )
                self.after_write(report, counts, actor=actor)
        except RowRejected as rejected:
            self.stderr.write(
                _("Row %(row)s: %(problem)s")
                % {"row": rejected.row, "problem": render(rejected.code, rejected.params)}
            )
            raise CommandError(_("Nothing was imported.")) from rejected
        self.stdout.write(self.style.SUCCESS(self.done_message(counts)))

    def list_problems(self, report: Report) -> None:
        for error in report.errors:
            self.stderr.write(
                _("Row %(row)s: %(problem)s")
                % {"row": error["row"], "problem": render(error["code"], error["params"])}
            )

    def progress(self, total: int):
        def show(done: int) -> None:
            if self.verbosity > 1:
                self.stdout.write(f"  {done}/{total}")

        return show

    def after_write(self, report: Report, counts: dict, *, actor) -> None:
        """The kind's own output once the records are written (inside the transaction)."""

    def done_message(self, counts: dict) -> str:
        return _("Imported: %(created)s new, %(existing)s left unchanged.") % counts
