"""shebao settings: one module, configured by environment variables.

Safe by default: without ``SHEBAO_ENV`` the settings are production's (DEBUG off, the demo
secret refused, secure cookies, HSTS, the public address required). The demo and the tests say
so explicitly (``SHEBAO_ENV=demo`` in ``make demo``, ``SHEBAO_ENV=test`` in ``make test``); any
other value refuses to start, so a typo (``prod``, ``Production``) never runs as a demo.
Production also sets ``SHEBAO_SECRET_KEY``, ``SHEBAO_PUBLIC_URL``, ``DATABASE_URL``
(PostgreSQL) and ``REDIS_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


ENVIRONMENTS = ("demo", "test", "production")
ENV = env_str("SHEBAO_ENV", "production")
if ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"SHEBAO_ENV 只能是 demo、test 或 production（现为 {ENV!r}）。 / "
        f"SHEBAO_ENV must be exactly one of demo, test, production (got {ENV!r})."
    )
DEMO_SECRET_KEY = "shebao-demo-secret-key-not-for-production-use-0123456789"  # noqa: S105 - the known demo key production refuses
SECRET_KEY = env_str("SHEBAO_SECRET_KEY", DEMO_SECRET_KEY)
if ENV == "production" and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured(
        "生产环境不能使用演示密钥，请设置 SHEBAO_SECRET_KEY。 / "
        "Refusing to start in production with the demo secret: set SHEBAO_SECRET_KEY."
    )
DEBUG = env_bool("SHEBAO_DEBUG", ENV == "demo")


def public_url(value: str) -> str:
    """The agency's public address as printed on paper: ``http(s)://host[:port]``, no path."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ImproperlyConfigured(
            f"SHEBAO_PUBLIC_URL 应为 https://主机名[:端口]（现为 {value!r}）。 / "
            f"SHEBAO_PUBLIC_URL must be http(s)://host[:port] with no path (got {value!r})."
        )
    return f"{parts.scheme}://{parts.netloc}"


# The address citizens reach shebao at, printed on every document (its verification link and
# QR code): production must name it; the demo and tests print their own local address.
if ENV == "production" and not env_str("SHEBAO_PUBLIC_URL").strip():
    raise ImproperlyConfigured(
        "生产环境须设置 SHEBAO_PUBLIC_URL（经办机构对外公布的网址，打印在文书和二维码上）。 / "
        "Refusing to start in production without SHEBAO_PUBLIC_URL, the agency's public address "
        "printed on documents and in their QR codes."
    )
PUBLIC_URL = public_url(env_str("SHEBAO_PUBLIC_URL") or "http://127.0.0.1:8000")
# Production answers to its public host only, unless told otherwise.
_DEFAULT_HOSTS = urlsplit(PUBLIC_URL).hostname if ENV == "production" else "127.0.0.1,localhost,testserver"
ALLOWED_HOSTS = env_str("SHEBAO_ALLOWED_HOSTS", str(_DEFAULT_HOSTS)).split(",")

VAR_DIR = Path(env_str("SHEBAO_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",  # its own Swagger UI files, served from here: /api/v1/docs loads nothing from a CDN
    "shebao.core",
    "shebao.catalog",
    "shebao.content",
    "shebao.cases",
    "shebao.registry",
    "shebao.contributions",
    "shebao.pensions",
    "shebao.pensions.transfers",
    "shebao.medical",
    "shebao.unemployment",
    "shebao.cards",
    "shebao.hotline",
    "shebao.statements",
    "shebao.statements.mailing",
    "shebao.web",
    "shebao.mobile",
    "shebao.devtools",
]

MIDDLEWARE = [
    "shebao.web.middleware.ApiJsonErrorsMiddleware",  # outermost: sees every answer under /api/
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # before any view, after the language and the user are known (its error page shows both)
    "shebao.web.middleware.RefuseBadTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shebao.web.middleware.SecurityHeadersMiddleware",
    "shebao.web.middleware.LargeTextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shebao.urls"
WSGI_APPLICATION = "shebao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shebao.web.context.shebao",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shebao.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("SHEBAO_DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # transactions never both read the audit chain's tail before either writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if ENV == "test" and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test run, so concurrent runs on one server never clobber each other.
    DATABASES["default"]["TEST"] = {"NAME": f"test_shebao_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With a shared cache (Redis) a session is read from the cache and written through to the
# database; without one (the demo, tests) from the database only: a per-process memory cache
# would keep a signed-out session alive in the other processes.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")
SESSION_COOKIE_AGE = env_int("SHEBAO_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SHEBAO_SECURE_COOKIES", ENV == "production")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ENV == "production":
    SECURE_HSTS_SECONDS = env_int("SHEBAO_HSTS_SECONDS", 31536000)
    SECURE_SSL_REDIRECT = env_bool("SHEBAO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "core.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shebao.core.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
# Failed sign-ins are throttled by django-axes (shebao.core.throttle.LoginThrottle), counted
# three ways within AXES_COOLOFF_TIME hours: 5 for one username from one address, 10 for one
# username from any address, 30 from one address over any usernames (a hall behind one NAT
# address has room for its staff's typos). Whichever limit is reached, the same lockout page.
AXES_HANDLER = "shebao.core.throttle.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("SHEBAO_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_GROUP_FAILURE_LIMITS = {
    "username": env_int("SHEBAO_LOGIN_ACCOUNT_FAILURE_LIMIT", 10),
    "ip_address": env_int("SHEBAO_LOGIN_ADDRESS_FAILURE_LIMIT", 30),
}
AXES_COOLOFF_TIME = 0.25  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shebao.web.views.lockout"
AXES_VERBOSE = False
# Behind N trusted reverse proxies the client's address is read from X-Forwarded-For.
AXES_TRUSTED_PROXY_COUNT = env_int("SHEBAO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "shebao.core.throttle.client_ip"
# The audit chain's checkpoints are signed with a key kept outside the database (derived from
# the secret key only in the demo and tests; production refuses to start without it) and
# appended to a file (tests set their own; none by default there).
AUDIT_KEY = env_str("SHEBAO_AUDIT_KEY", "")
_AUDIT_FILE_DEFAULT = "" if ENV == "test" else str(VAR_DIR / "audit" / "checkpoints.jsonl")
AUDIT_CHECKPOINT_FILE = env_str("SHEBAO_AUDIT_CHECKPOINT_FILE", _AUDIT_FILE_DEFAULT) or None
# Signed documents (core.documents.signing): their own key, derived from the secret key only in
# the demo and tests; earlier keys, comma-separated, keep already issued paper verifiable.
DOCUMENT_KEY = env_str("SHEBAO_DOCUMENT_KEY", "")
DOCUMENT_KEY_FALLBACKS = [k for k in env_str("SHEBAO_DOCUMENT_KEY_FALLBACKS", "").split(",") if k.strip()]
OTP_TOTP_ISSUER = "shebao 社保"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# --- Jobs and notifications -----------------------------------------------------------
# local: chunks run in local worker processes (the embedded default); celery: chunks are
# sent to Celery workers through CELERY_BROKER_URL.
JOB_EXECUTOR = env_str("SHEBAO_JOB_EXECUTOR", "local")
JOB_LOCAL_PROCESSES = env_int("SHEBAO_JOB_PROCESSES", 2)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "redis://127.0.0.1:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Periodic work for `celery -A shebao beat`: the outbox every minute, the deadline scan every
# four hours (it is idempotent: a case is warned once and escalated once per level).
CELERY_BEAT_SCHEDULE = {
    "notifications-deliver": {"task": "shebao.core.tasks.notifications_deliver_task", "schedule": 60.0},
    "cases-sla-scan": {"task": "shebao.cases.tasks.sla_scan_task", "schedule": 4 * 3600.0},
    "contributions-arrears-mark": {"task": "shebao.contributions.tasks.arrears_mark_task", "schedule": 24 * 3600.0},
    "audit-checkpoint": {"task": "shebao.core.tasks.audit_checkpoint_task", "schedule": 600.0},
    "pension-transfers-tick": {"task": "shebao.pensions.transfers.tasks.platform_tick_task", "schedule": 3600.0},
    # a mailing run started on the web pages has nobody at a shell to run it: picked up here
    "statements-mailing-runs": {
        "task": "shebao.statements.mailing.tasks.mailing_runs_pending_task",
        "schedule": 20.0,
    },
}
# The national pension-transfer platform (部级网上转移平台): "simulated" answers as the other
# agencies would, after the working days below (demo, tests); "national" is the real platform,
# which this installation cannot reach yet: sending refuses, the outbox waits. Production may
# not simulate another province's funds.
PENSION_TRANSFER_PLATFORM = env_str("SHEBAO_TRANSFER_PLATFORM", "national" if ENV == "production" else "simulated")
PENSION_TRANSFER_SIMULATED_DAYS = env_int("SHEBAO_TRANSFER_SIMULATED_DAYS", 5)
if ENV == "production" and PENSION_TRANSFER_PLATFORM != "national":
    raise ImproperlyConfigured(
        "生产环境只能使用部级转移平台（SHEBAO_TRANSFER_PLATFORM=national）。 / "
        "Production uses the national transfer platform only (SHEBAO_TRANSFER_PLATFORM=national)."
    )
NOTIFY_ADAPTERS = {
    "sms": env_str("SHEBAO_SMS_ADAPTER", "shebao.core.notify.ConsoleAdapter"),
    "push": env_str("SHEBAO_PUSH_ADAPTER", "shebao.core.notify.ConsoleAdapter"),
    "email": env_str("SHEBAO_EMAIL_ADAPTER", "shebao.core.notify.ConsoleAdapter"),
}
NOTIFY_MAX_ATTEMPTS = env_int("SHEBAO_NOTIFY_MAX_ATTEMPTS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "shebao": {"handlers": ["console"], "level": env_str("SHEBAO_LOG_LEVEL", "INFO")},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}
