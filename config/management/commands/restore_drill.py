"""manage.py restore_drill: prove that last night's backup can be restored and that the restored log verifies.

The drill an operator runs (and CI runs on a copy of the demo data): dump the database with `pg_dump`, restore
the dump into a new database with `pg_restore`, then, against the restored copy and in processes of their own,
check that its schema is the code's (`migrate --check`), that its audit log verifies against a checkpoint
file kept off the server (`verify_audit --against`) and that it is consistent (`check_consistency`). The
restored database is dropped afterwards unless `--keep` is given. Exit status 1 when any stage fails, with
the stage named.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.checkpoints import checkpoint_file_bytes
from audit.models import Checkpoint

TOOLS = ("pg_dump", "pg_restore")


class DrillFailed(Exception):
    """A stage of the drill failed; the message says which and why."""


class Command(BaseCommand):
    help = (
        "Restore drill: dump the database, restore the dump into a new database, and verify the restored "
        "copy (schema and audit log against a checkpoint file)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="The checkpoint file kept off the server (audit_checkpoint --out). Default: the latest "
            "checkpoint in the database, written to a temporary file.",
        )
        parser.add_argument(
            "--dump",
            metavar="FILE",
            help="Restore this existing dump (pg_dump --format=custom) instead of taking a new one.",
        )
        parser.add_argument(
            "--keep", action="store_true", help="Keep the restored database (its name is printed)."
        )

    def handle(self, *args, checkpoint=None, dump=None, keep=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError(_("The restore drill needs PostgreSQL (pg_dump and pg_restore)."))
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise CommandError(
                _("Not installed: %(tools)s (Debian package postgresql-client).")
                % {"tools": ", ".join(missing)}
            )
        if dump and not Path(dump).is_file():
            raise CommandError(_("No such dump file: %(file)s") % {"file": dump})
        if checkpoint and not Path(checkpoint).is_file():
            raise CommandError(_("No such checkpoint file: %(file)s") % {"file": checkpoint})

        work = Path(tempfile.mkdtemp(prefix="restore-drill-"))
        target = f"{connection.settings_dict['NAME']}_drill_{timezone.now():%Y%m%d%H%M%S}"
        created = False
        try:
            checkpoint = checkpoint or self._latest_checkpoint_file(work)
            if not dump:
                dump = str(work / "backup.dump")
                self._stage(
                    _("Dump"), self._run, ["pg_dump", "--format=custom", "--no-owner", "--file", dump]
                )
            self._stage(_("Create database %(name)s") % {"name": target}, self._create, target)
            created = True
            self._stage(
                _("Restore"),
                self._run,
                ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", target, dump],
                dbname=None,
            )
            self._stage(_("Schema matches the code"), self._manage, target, ["migrate", "--check"])
            self._stage(
                _("Audit log verifies against the checkpoint file"),
                self._manage,
                target,
                ["verify_audit", "--against", checkpoint],
            )
            self._stage(_("Consistency check"), self._manage, target, ["check_consistency"])
        except DrillFailed as exc:
            self.stderr.write(self.style.ERROR(_("RESTORE DRILL FAILED: %(why)s") % {"why": exc}))
            self.stderr.flush()
            self._cleanup(work, target if created and not keep else None)
            sys.exit(1)
        self._cleanup(work, target if not keep else None)
        if keep:
            self.stdout.write(_("The restored database is kept: %(name)s") % {"name": target})
        self.stdout.write(self.style.SUCCESS(_("Restore drill passed.")))

    # --- stages -------------------------------------------------------------------------------------------

    def _stage(self, label, action, *args, **kwargs):
        started = time.monotonic()
        action(*args, **kwargs)
        self.stdout.write(
            _("%(stage)s: done in %(seconds).1f s") % {"stage": label, "seconds": time.monotonic() - started}
        )

    def _latest_checkpoint_file(self, work: Path) -> str:
        latest = Checkpoint.objects.order_by("-day").first()
        if latest is None:
            raise CommandError(
                _("No audit checkpoint yet: write one first (manage.py audit_checkpoint --now --out FILE).")
            )
        path = work / f"checkpoint-{latest.day.isoformat()}.json"
        path.write_bytes(checkpoint_file_bytes(latest))
        self.stdout.write(
            _("Checking against the checkpoint of %(day)s (%(events)s events).")
            % {"day": latest.day.isoformat(), "events": latest.event_count}
        )
        return str(path)

    def _create(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')

    def _cleanup(self, work: Path, drop: str | None) -> None:
        shutil.rmtree(work, ignore_errors=True)
        if drop:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{drop}"')

    def _run(self, argv: list[str], dbname: str | None = "") -> None:
        """A PostgreSQL client tool against this server; `dbname=""` appends the source database's name."""
        db = connection.settings_dict
        if dbname == "":
            argv = [*argv, db["NAME"]]
        env = {
            **os.environ,
            "PGHOST": db["HOST"] or "",
            "PGPORT": str(db["PORT"] or ""),
            "PGUSER": db["USER"] or "",
        }
        if db["PASSWORD"]:
            env["PGPASSWORD"] = db["PASSWORD"]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise DrillFailed(f"{argv[0]}: {done.stderr.strip() or done.stdout.strip()}")

    def _manage(self, name: str, command: list[str]) -> None:
        """A manage.py command in its own process, with DATABASE_URL naming the restored database."""
        db = connection.settings_dict
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        env = {**os.environ, "DATABASE_URL": f"postgres://{auth}@{host}{port}/{name}"}
        argv = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *command]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.stdout.strip():
            self.stdout.write(done.stdout.rstrip())
        if done.returncode != 0:
            raise DrillFailed(f"{' '.join(command)}: {(done.stderr or done.stdout).strip()}")
