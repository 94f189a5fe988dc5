import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "private")
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def world(db):
    from tests.builders import build_world

    return build_world()


@pytest.fixture
def requires_postgres():
    """Tests that need PostgreSQL skip on SQLite; in CI (REQUIRE_SERVICES=1) a missing service fails instead."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
