"""manage.py restore_drill on a copy of the demo data: a dump restores into a new database that verifies."""

import io
import json

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from audit.models import AuditEvent
from cases.models import Case
from tests.conftest import _restore_shipped_criteria

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def demo(requires_postgres, transactional_db, settings, tmp_path, monkeypatch):
    """The demo, committed (pg_dump reads from its own connection), with a checkpoint file kept aside; the
    drill's own processes read the evidence files where this test stored them."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", settings.MEDIA_ROOT)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _restore_shipped_criteria()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    checkpoint = tmp_path / "checkpoint.json"
    call_command("audit_checkpoint", now=True, out=str(checkpoint), stdout=io.StringIO())
    return checkpoint


def drill(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("restore_drill", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def databases_like(prefix: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        return [row[0] for row in cursor.fetchall()]


def counts_in(dbname: str) -> tuple[int, int]:
    db = connection.settings_dict
    params = {"host": db["HOST"], "port": db["PORT"] or None, "user": db["USER"], "dbname": dbname}
    with psycopg.connect(**params, password=db["PASSWORD"] or None) as other:
        cases = other.execute(f"SELECT count(*) FROM {Case._meta.db_table}").fetchone()[0]
        events = other.execute(f"SELECT count(*) FROM {AuditEvent._meta.db_table}").fetchone()[0]
    return cases, events


def test_the_demo_restores_verifies_and_holds_the_same_data_and_a_foreign_checkpoint_fails(demo):
    prefix = connection.settings_dict["NAME"] + "_drill_"
    before = databases_like(prefix)  # a copy an earlier, interrupted run kept is not this run's
    code, out, err = drill("--checkpoint", str(demo), "--keep")
    assert (code, err) == (0, ""), err
    stages = (
        "Dump",
        "Restore",
        "Schema matches the code",
        "Audit log verifies against the checkpoint file",
        "Consistency check",
    )
    for stage in stages:
        assert f"{stage}: done in" in out
    assert "Restore drill passed." in out
    name = out.split("The restored database is kept: ")[1].split()[0]
    try:
        assert Case.objects.count() > 0
        assert counts_in(name) == (Case.objects.count(), AuditEvent.objects.count())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    # without --keep, the restored copy is dropped once it has verified
    code, out, err = drill("--checkpoint", str(demo))
    assert (code, err) == (0, "") and "Restore drill passed." in out
    assert databases_like(prefix) == before

    # a checkpoint the restored log does not match fails the drill, and the copy is dropped all the same
    # (one test: seeding the demo is the expensive part)
    document = json.loads(demo.read_text(encoding="utf-8"))
    document["hash"] = "0" * len(document["hash"])
    demo.write_text(json.dumps(document), encoding="utf-8")
    code, _out, err = drill("--checkpoint", str(demo))
    assert code == 1
    assert "RESTORE DRILL FAILED: verify_audit" in err
    assert databases_like(prefix) == before


def test_without_a_checkpoint_the_drill_says_how_to_make_one(requires_postgres, transactional_db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="audit_checkpoint --now --out"):
        call_command("restore_drill", stdout=io.StringIO())
