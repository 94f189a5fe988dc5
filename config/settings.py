"""Settings for the recognition system, read only from the environment.

The defaults give the embedded set-up (SQLite in WAL mode, Celery on the filesystem broker, console
e-mail); production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, EMAIL_URL and storage variables.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="embedded-demo-only-not-secret")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles without viewflow's npm trees
    "django.contrib.humanize",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "django_filters",
    # floor 1
    "audit",
    "registry",
    # floor 2
    "notifications",
    "criteria",
    # floor 3
    "cases",
    # floor 4
    "approvals",
    "inspection",
    # floor 5
    "workflows",
    # floor 6
    "reports",
    # top floor: settings, URLs, Celery, the demo seeder
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files leave here, already compressed
    "config.middleware.PageGZipMiddleware",  # pages ~5x smaller on a slow connection
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.RequestContextMiddleware",
]

# viewflow would append its own SiteMiddleware (403 for anonymous users instead of the login redirect)
VIEWFLOW = {"AUTOREGISTER": False}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes a read->write upgrade wait for the write lock instead of failing with
    # "database is locked"; WAL lets readers continue while one writer works.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Server-side parameter binding lets psycopg prepare the statements a connection runs again and again
    # (the same few dozen for every step completed; prepared from the 5th run, psycopg's default, which
    # Django turns off unless asked), so PostgreSQL stops re-planning them: planning the step's task read
    # (six joined tables) took 0.6 ms, executing it 0.07 ms; a step's statements took half the time.
    # Behind a transaction-mode pooler without prepared-statement support (PgBouncer < 1.21), set
    # DB_PREPARED_STATEMENTS=0. Restart the processes after a migration that changes tables (as for a deploy):
    # a statement prepared before it may fail once the columns it returns change.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -------------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- i18n -------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# viewflow ships no "vi": its catalogue lives apart so makemessages --no-obsolete can't drop it.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "viewflow"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- files ------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders unless collectstatic has been run (production sets it False).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
# After `collectstatic` (production; `make run` does it) pages link content-hashed, pre-compressed (gzip +
# brotli) files that WhiteNoise serves with a ten-year "immutable" cache header, so a returning browser asks
# for no stylesheet, script or font again. The tests and benchmarks use the plain storage.
STATICFILES_BACKEND = env.str("STATICFILES_BACKEND", default="config.staticfiles.HashedStaticFilesStorage")
# source maps are only fetched by developer tools; compressing them would double collectstatic's time
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Evidence is personal data: it lives outside any web root and is only served through a permission-checked
# view. MEDIA_URL is deliberately not routed.
MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "default_acl": "private",
        "querystring_auth": True,
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# --- e-mail -----------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hoctap@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")  # links in e-mails

# --- celery -----------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# a worker killed mid-task (SIGKILL, OOM) gives its message back to the queue instead of acknowledging it
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# background jobs (audit.jobs): re-driven with back-off doubling from BACKOFF, given up after MAX_ATTEMPTS
BACKGROUND_JOB_MAX_ATTEMPTS = env.int("BACKGROUND_JOB_MAX_ATTEMPTS", default=6)
BACKGROUND_JOB_BACKOFF_SECONDS = env.int("BACKGROUND_JOB_BACKOFF_SECONDS", default=60)
BACKGROUND_JOB_STALE_SECONDS = env.int("BACKGROUND_JOB_STALE_SECONDS", default=30 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # guardian's unit permissions re-derived from the role assignments of the new day (registry.services)
    "registry-derive-unit-permissions": {
        "task": "registry.tasks.sync_role_groups",
        "schedule": crontab(hour=0, minute=15),
    },
    "audit-nightly-verification": {
        "task": "audit.tasks.verify_audit_log",
        "schedule": crontab(hour=2, minute=30),
    },
    "workflows-deadline-sweep": {
        "task": "workflows.tasks.sweep_deadlines",
        # state-based and idempotent: a missed run is caught up by the next one
        "schedule": env.float("DEADLINE_SWEEP_SECONDS", default=60.0),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "audit-daily-checkpoint": {
        "task": "audit.tasks.make_daily_checkpoint",
        "schedule": 3600.0,  # idempotent per day: the first run after midnight writes it
    },
    # background jobs not done yet (broker down at enqueue, a worker died, a failure): sent again (audit.jobs)
    "audit-redrive-background-jobs": {
        "task": "audit.tasks.redrive_background_jobs",
        "schedule": 60.0,
    },
    # every cross-app invariant (workflows.consistency); the integrity page shows the latest run
    "workflows-nightly-consistency-check": {
        "task": "workflows.tasks.check_consistency",
        "schedule": crontab(hour=3, minute=0),
    },
}

# --- workflow knobs: one namespaced dict, read through cases.conf.setting() -------------------------------
RECOGNITION = {
    "EVIDENCE_MAX_BYTES": env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024),
    "EVIDENCE_CONTENT_TYPES": ["application/pdf", "image/jpeg", "image/png"],
    "CASE_LIST_PAGE_SIZE": 25,
    # collective steps (approvals/conf.py has the same defaults)
    "POSTING_DAYS": env.int("POSTING_DAYS", default=10),  # public posting of a village meeting's list
    "AUDIT_SAMPLE_SHARE": env.str("AUDIT_SAMPLE_SHARE", default="0.10"),  # share of a decision's cases
    "AUDIT_SAMPLE_MINIMUM": env.int("AUDIT_SAMPLE_MINIMUM", default=5),
    "AUDIT_RISK_SCORE_MARGIN": "5",  # points above the threshold that count as "just above"
    "AUDIT_RISK_ASSESSOR_CASES": 30,  # an assessor scoring this many of a decision's cases is a signal
    "AUDIT_RISK_MAX_PICKS": 10,  # risk-based picks added to the random sample
    "AUDIT_FINDING_FILES_MAX": 5,  # files attached to one finding at a time
}

# --- logging ----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_CONTENT_TYPE_NOSNIFF = True
if env.bool("HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
