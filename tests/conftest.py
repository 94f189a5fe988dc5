import os

import pytest
from django.db import connection


@pytest.fixture(autouse=True, scope="session")
def _plain_static_files():
    """Pages link the source static files: the tests need no collectstatic (production's hashed storage)."""
    from django.conf import settings
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _fresh_authorities():
    """Each test reads the recognition authorities of its own database (its rows roll back with it)."""
    from criteria.authority import forget_authorities

    forget_authorities()
    yield
    forget_authorities()


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "private")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # PBKDF2 costs ~0.3 s per user; the suite creates hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A rolled-back test's calendar days and step deadlines must not outlive it in the process cache.
    from workflows.deadlines import workdays

    workdays.forget()
    yield
    workdays.forget()


def _restore_shipped_criteria():
    """Transactional tests flush the database, data migrations included; put the shipped sets back."""
    import importlib

    from django.apps import apps

    from criteria.models import RecognitionAuthority, TitleType

    if not TitleType.objects.exists():
        migration = importlib.import_module("criteria.migrations.0002_title_types_and_shipped_criteria_sets")
        migration.forwards(apps, None)
        importlib.import_module(
            "criteria.migrations.0004_criteria_set_adoption_and_sample_values"
        ).mark_shipped_samples(apps, None)
        importlib.import_module(
            "criteria.migrations.0005_computed_share_items_with_bands"
        ).compute_shipped_share_items(apps, None)
    if not RecognitionAuthority.objects.exists():
        migration = importlib.import_module("criteria.migrations.0008_national_recognition_authorities")
        migration.forwards(apps, None)
    if not TitleType.objects.filter(code="CDHT_XA").exists():  # the commune's and the province's own titles
        migration = importlib.import_module("criteria.migrations.0009_commune_and_province_titles")
        migration.forwards(apps, None)
    # read once here, as a running process has them: a page's query count does not include the first read
    from criteria.authority import authorities_in

    authorities_in("")


@pytest.fixture
def world(db):
    from tests.builders import build_world

    _restore_shipped_criteria()

    return build_world()


@pytest.fixture
def requires_postgres():
    """Skip on SQLite; in CI (REQUIRE_SERVICES=1) a missing PostgreSQL fails the test instead."""
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
