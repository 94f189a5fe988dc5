"""A real Celery worker and a separate beat, on Redis and PostgreSQL, deliver a deadline reminder by mail."""

import datetime
import os
import signal
import subprocess
import sys
import time
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.db import connection

from notifications.models import Notification
from workflows import services

from .walk import open_case

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parents[2]


def _services_or_skip() -> str:
    broker = os.environ.get("CELERY_BROKER_URL", "")
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not broker.startswith("redis://"):
        missing.append("Redis (CELERY_BROKER_URL)")
    if missing:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but missing: " + ", ".join(missing))
        pytest.skip("needs " + " and ".join(missing))
    # a Redis database of its own, so that nothing else's messages are consumed
    parts = urlsplit(broker)
    return urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))


def _database_url() -> str:
    s = connection.settings_dict
    user = s["USER"] or "postgres"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_deliver_a_reminder(world, tmp_path):
    broker = _services_or_skip()
    import redis

    redis.Redis.from_url(broker).flushdb()
    officer = world.user("officer_a1")
    officer.email = "chihoi.dong@example.vn"
    officer.save()
    with time_machine.travel(datetime.datetime(2026, 3, 9, 10, tzinfo=HCM), tick=False):
        case = open_case(world)
        services.claim_task(services.open_task(case, "collect"), actor=officer)  # reminder due since 20/03

    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEADLINE_SWEEP_SECONDS": "1",
        "EMAIL_URL": f"filemail:///{mail_dir}",  # django-environ drops one leading slash of the path
    }
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    log = (tmp_path / "celery.log").open("w")
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [*celery, "worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    beat = subprocess.Popen(  # noqa: S603
        [*celery, "beat", "--loglevel=INFO", f"--schedule={tmp_path / 'beat-schedule'}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            mails = list(mail_dir.glob("*.log")) if mail_dir.exists() else []
            if mails and Notification.objects.filter(kind="deadline_reminder").exists():
                break
            time.sleep(0.5)
    finally:
        for process in (beat, worker):
            process.send_signal(signal.SIGTERM)
        for process in (beat, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    output = (tmp_path / "celery.log").read_text()
    reminder = Notification.objects.filter(kind="deadline_reminder").first()
    assert reminder is not None, output[-3000:]
    assert reminder.user == officer and reminder.emailed_at is not None
    mail = "".join(p.read_text() for p in mail_dir.glob("*.log"))
    assert "chihoi.dong@example.vn" in mail and case.reference in mail
    assert "workflows.tasks.sweep_deadlines" in output  # sent by beat, run by the worker
