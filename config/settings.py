"""Settings for the recognition system, read only from the environment.

The defaults give the embedded set-up (SQLite in WAL mode, Celery on the filesystem broker, console
e-mail); production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, EMAIL_URL and storage variables.
"""

import datetime
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
DEMO_SECRET_KEY = "embedded-demo-only-not-secret"  # noqa: S105 - public on purpose; PRODUCTION refuses it
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
# PRODUCTION=1 turns on the checks and protections of the "security" block below (README: Production settings)
PRODUCTION = env.bool("PRODUCTION", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "axes",  # login throttling and lockout
    "django.contrib.sessions",
    "django.contrib.messages",
    "config.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles without viewflow's npm trees
    "django.contrib.humanize",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files, no CDN
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
    # floor 7: the REST API and the public pages for households and citizens
    "api",
    "portal",
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
    "config.middleware.BoundedIdsMiddleware",  # ids past any integer column: 404, not a database error
    "viewflow.middleware.HotwireTurboMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "config.logs.LogUserMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
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
    "config.auth.AxesBackend",  # first: every web login is counted (django-axes), whatever the login page
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "config.passwords.MinimumLengthValidator",  # Django's, with Vietnamese texts
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
# staff activation links (registry.accounts): single-use, valid this many days
ACTIVATION_LINK_DAYS = env.int("ACTIVATION_LINK_DAYS", default=14)

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
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (JSON in production)
# No task runs for ever: past the soft limit it gets SoftTimeLimitExceeded (an import then ends "failed,
# nothing written"), past the hard limit the worker process is killed and replaced. A worker process that
# has grown past the memory ceiling (KiB) is replaced after its task.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=16 * 60)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_KIB", default=1024 * 1024)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # guardian's unit permissions re-derived from the role assignments of the new day (registry.services)
    "registry-derive-unit-permissions": {
        "task": "registry.tasks.sync_role_groups",
        "schedule": crontab(hour=0, minute=15),
    },
    # steps claimed under a role that ended by date go back to the queue (workflows.engine.roles)
    "workflows-return-steps-of-ended-roles": {
        "task": "workflows.tasks.return_steps_of_ended_roles",
        "schedule": crontab(hour=0, minute=20),
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

# --- the public pages (portal/): "Where is my case?" attempts per address and failures per case number ----
PUBLIC_LOOKUP = {
    "PER_ADDRESS": env.int("PUBLIC_LOOKUP_PER_ADDRESS", default=20),
    "WINDOW_SECONDS": env.int("PUBLIC_LOOKUP_WINDOW_SECONDS", default=600),
    "FAILURES_PER_CASE": env.int("PUBLIC_LOOKUP_FAILURES_PER_CASE", default=10),
    "CASE_WINDOW_SECONDS": env.int("PUBLIC_LOOKUP_CASE_WINDOW_SECONDS", default=24 * 3600),
}
# Households sign in with a code sent to the phone they gave (portal/): the channel is a class with
# send(phone, text): notifications.sms.ConsoleChannel (embedded default) or notifications.sms.HttpSmsChannel.
PUBLIC_SIGN_IN = {
    "CHANNEL": env.str("SMS_CHANNEL", default="notifications.sms.ConsoleChannel"),
    "SMS_URL": env.str("SMS_URL", default=""),
    "SMS_TOKEN": env.str("SMS_TOKEN", default=""),
    "CODE_MINUTES": env.int("SIGN_IN_CODE_MINUTES", default=10),
    "MAX_ATTEMPTS": 5,  # wrong codes before the code is spent
    "CODES_PER_PHONE": env.int("SIGN_IN_CODES_PER_PHONE", default=3),
    "CODES_PER_ADDRESS": env.int("SIGN_IN_CODES_PER_ADDRESS", default=10),
    "WINDOW_SECONDS": 900,
    "SESSION_MINUTES": env.int("SIGN_IN_SESSION_MINUTES", default=30),
}
# Attempt counters (the lookup, the API's throttle) live in this cache: Redis in production, so every web
# process counts together (e.g. CACHE_URL=rediscache://127.0.0.1:6379/2); one process's memory by default.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- REST API (api/): session auth for the browser, tokens for integrations; problem+json errors ---------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # with Django's CSRF check
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_THROTTLE_RATE", default="1200/min")},
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Học tập suốt đời — API",
    "DESCRIPTION": "Hồ sơ công nhận danh hiệu học tập suốt đời / Recognition of lifelong-learning titles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "approvals.models.ReviewSession.Status",
        "DecisionStatusEnum": "approvals.models.Decision.Status",
        "StepStatusEnum": "viewflow.workflow.status.STATUS",
    },
}

# --- logging ----------------------------------------------------------------------------------------------
# LOG_FORMAT=json (the production default): one JSON object a line with the request id and the user; "text"
# for a console. Secrets are redacted from every record whatever the format (config/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "config.logs.ContextFilter"},
        "redact": {"()": "config.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint logs every layout step and fontTools every subset at INFO: ~1,100 lines for the demo
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # a line per failed login at INFO; lockouts are warnings
    },
}

# --- security ---------------------------------------------------------------------------------------------
# Sessions end when the browser closes and after SESSION_IDLE_MINUTES without a request
# (config.middleware.IdleSessionMiddleware renews the expiry at most once a minute).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The client's IP is read from X-Forwarded-For only when the request comes from one of these proxies
# (addresses or networks); otherwise REMOTE_ADDR. audit.middleware.client_ip; the audit log and axes use it.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Login throttling (django-axes) on every login, staff pages and admin alike: LOGIN_FAILURE_LIMIT failures
# for one username from one address lock that pair out for LOGIN_LOCKOUT_MINUTES; a success resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"
AXES_VERBOSE = False  # no banner at every start; failed logins and lockouts are still logged (warnings)
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"  # a translated page, status 429
# Content-Security-Policy (django-csp): scripts only from this site (no inline script or handler anywhere);
# styles allow inline attributes, which the Material components and the progress bars set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=1 refuses DEBUG=1: debug pages show settings and data.")
    if SECRET_KEY == DEMO_SECRET_KEY or "SECRET_KEY" not in env.ENVIRON:
        raise ImproperlyConfigured("PRODUCTION=1 needs its own SECRET_KEY (the demo's is public).")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if TRUSTED_PROXIES:  # the proxy terminates TLS and says so
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
elif env.bool("HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
