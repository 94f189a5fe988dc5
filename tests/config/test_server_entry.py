"""The server entry points freeze what start-up built, so the collector's full collections skip it."""

import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_application_module_freezes_the_start_up_heap(module):
    probe = f"import gc, {module}; print(gc.get_freeze_count(), {module}.application.__class__.__name__)"
    result = subprocess.run(  # noqa: S603 (a fixed probe, run by this interpreter)
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    frozen, application = result.stdout.split()
    assert int(frozen) > 10_000  # Django, the apps, their models and URL patterns
    assert application in {"WSGIHandler", "ASGIHandler"}
