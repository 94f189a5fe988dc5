"""Production settings (PRODUCTION=1) refuse to start unsafe, and `manage.py check --deploy` is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(60)


def run(*args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' conftest in this process, never in a deployment
    unset = ("SECRET_KEY", "DEBUG", "PRODUCTION", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update(DJANGO_SETTINGS_MODULE="config.settings", ALLOWED_HOSTS="hoctap.example.vn", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"PRODUCTION": "1", "SECRET_KEY": GOOD_KEY, "DEBUG": "1"}, "DEBUG"),
        ({"PRODUCTION": "1"}, "SECRET_KEY"),
        ({"PRODUCTION": "1", "SECRET_KEY": "embedded-demo-only-not-secret"}, "SECRET_KEY"),
        ({"PRODUCTION": "1", "SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_unsafe(env, says):
    result = run("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and says in result.stderr


def test_check_deploy_prints_no_warning():
    result = run("check", "--deploy", "--fail-level", "WARNING", PRODUCTION="1", SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_demo_starts_without_any_of_it():
    result = run("check")
    assert result.returncode == 0, result.stderr
