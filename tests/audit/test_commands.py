"""manage.py verify_audit and audit_checkpoint."""

import datetime
import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from audit.models import Checkpoint
from audit.services import record_event
from tests.audit.test_verify import delete_events, update_event


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever LANGUAGE_CODE is."""
    with translation.override("en"):
        yield


@pytest.fixture
def stream(db):
    for i in range(4):
        record_event("test:cmd", "test.event", data={"i": i})
    return "test:cmd"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command(*args, stdout=out, stderr=err)
    return excinfo.value.code, out.getvalue(), err.getvalue()


def test_verify_audit_passes_on_a_clean_log(stream):
    out, err = run("verify_audit")
    assert "Checked 4 events in 1 streams and 0 checkpoints" in out
    assert "verifies" in out and err == ""


def test_verify_audit_fails_and_names_the_first_broken_link(stream):
    update_event(stream, 3, "reason", "changed")
    delete_events(stream, 4)  # a second problem, after the first
    code, out, err = run_failing("verify_audit")
    assert code == 1
    assert "Checked 3 events" in out
    assert "First broken link: stream test:cmd, seq 3 [hash_mismatch]" in err
    assert "stream test:cmd, seq 4 [head_mismatch]" in err


def test_audit_checkpoint_now_writes_the_file_and_verify_against_accepts_it(stream, tmp_path):
    path = tmp_path / "checkpoint.json"
    out, _err = run("audit_checkpoint", "--now", "--out", str(path))
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.day == timezone.localdate()
    assert checkpoint.hash in out and str(path) in out
    assert json.loads(path.read_text())["hash"] == checkpoint.hash

    record_event(stream, "test.event")
    out, err = run("verify_audit", "--against", str(path))
    assert "Checked 5 events in 1 streams and 1 checkpoints" in out and err == ""


def test_verify_audit_rejects_an_edited_checkpoint_file(stream, tmp_path):
    path = tmp_path / "checkpoint.json"
    run("audit_checkpoint", "--now", "--out", str(path))
    document = json.loads(path.read_text())
    document["heads_digest"] = "0" * 64
    path.write_text(json.dumps(document))
    code, _out, err = run_failing("verify_audit", "--against", str(path))
    assert code == 1
    assert "checkpoint_file_mismatch" in err and "the file was edited" in err


def test_verify_audit_with_an_unreadable_file_is_an_error(stream, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read the checkpoint file"):
        run("verify_audit", "--against", str(path))
    with pytest.raises(CommandError, match="Cannot read the checkpoint file"):
        run("verify_audit", "--against", str(tmp_path / "missing.json"))


def test_audit_checkpoint_is_idempotent_and_rewrites_the_file(stream, tmp_path):
    run("audit_checkpoint", "--now")
    path = tmp_path / "again.json"
    out, _err = run("audit_checkpoint", "--now", "--out", str(path))
    assert "already exists" in out
    assert Checkpoint.objects.count() == 1
    assert json.loads(path.read_text())["hash"] == Checkpoint.objects.get().hash


def test_audit_checkpoint_for_a_past_day(stream):
    out, _err = run("audit_checkpoint", "--day", "2025-12-31")
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.day == datetime.date(2025, 12, 31)
    assert checkpoint.event_count == 0  # the events were written after that day
    assert "Checkpoint of 2025-12-31 written" in out


def test_audit_checkpoint_default_is_yesterday(stream):
    run("audit_checkpoint")
    assert Checkpoint.objects.get().day == timezone.localdate() - datetime.timedelta(days=1)


def test_audit_checkpoint_refuses_a_day_not_over_yet(stream):
    with pytest.raises(CommandError, match="future"):
        run("audit_checkpoint", "--day", timezone.localdate().isoformat())
    with pytest.raises(CommandError, match="Not a date"):
        run("audit_checkpoint", "--day", "31/12/2025")
    assert not Checkpoint.objects.exists()


def test_manage_py_exit_status(tmp_path):
    """The real process: exit status 0 on a genuine log, 1 once a row is altered (own SQLite database)."""
    database = tmp_path / "audit.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "VAR_DIR": str(tmp_path / "var")}

    def manage(*args):
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert manage("migrate", "-v0").returncode == 0
    code = "from audit.services import record_event\nfor i in range(4): record_event('test:proc', 't')"
    assert manage("shell", "-c", code).returncode == 0
    assert manage("verify_audit").returncode == 0

    db = sqlite3.connect(database)
    with db:
        db.execute("UPDATE audit_auditevent SET reason = 'x' WHERE stream = 'test:proc' AND seq = 2")
    db.close()
    result = manage("verify_audit")
    assert result.returncode == 1
    assert "test:proc" in result.stderr and " 2 [hash_mismatch]" in result.stderr
