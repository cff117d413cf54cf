"""Django settings, read from the environment.

Development works with no variables set (PostgreSQL and Redis on 127.0.0.1).
With DEBUG off the process refuses to start on a default or missing secret.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver"}
if SECRET_KEY == _DEV_SECRET_KEY and set(ALLOWED_HOSTS) - _LOCAL_HOSTS:
    # A public host name with the development key (DEBUG forgotten, say) would let anyone
    # forge sessions and signed links: refuse, whatever DEBUG says.
    raise ImproperlyConfigured("SECRET_KEY must be set when ALLOWED_HOSTS names a public host.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address printed in QR codes on packaging.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "graphene_django",
    "marketplace",
    "marketplace.accounts",
    "marketplace.shop",
    "vendors.registry",
    "vendors.onboarding",
    "vendors.listings",
    "storefront_adapter",
    "storefront_adapter.payments",
    "marketplace.cart",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # Serves collected static files in production; runserver serves them in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.actor",
                "marketplace.cart.context_processors.cart",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ocop_marketplace"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ocop"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"

# Vietnamese first; English is the second language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Applicants' documents: never under MEDIA_URL, served only by a view that checks access.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Registry lists of a whole province stay well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REGISTRY_IMPORT_MAX_BYTES = int(os.environ.get("REGISTRY_IMPORT_MAX_BYTES", 20 * 1024 * 1024))

# Email: the console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP Marketplace <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Saleor and Stripe: used from the Saleor App issue on; empty means not configured.
SALEOR_API_URL = os.environ.get("SALEOR_API_URL", "")
SALEOR_ALLOWED_API_URLS = env_list("SALEOR_ALLOWED_API_URLS", SALEOR_API_URL)
# The App's identifier in its manifest; Saleor refuses a second app with the same one.
SALEOR_APP_ID = os.environ.get("SALEOR_APP_ID", "ocop.marketplace")
# How long a Saleor's published signing keys (JWKS) are trusted before fetching them again;
# an unknown key id fetches them again at once, so Saleor rotating its key costs nothing.
SALEOR_JWKS_CACHE_SECONDS = int(os.environ.get("SALEOR_JWKS_CACHE_SECONDS", "300"))
# Encrypts secrets at rest (the Saleor app token): a Fernet key, made with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
# Several keys separated by commas rotate it: the first encrypts, every one decrypts.
# Unset, it is derived from SECRET_KEY (strong in production, see above); then changing
# SECRET_KEY makes stored tokens unreadable, so set this before rotating SECRET_KEY
# (to the old derived value, first in the list) or re-install the app afterwards.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or base64.urlsafe_b64encode(
    hashlib.sha256(f"ocop-marketplace/field-encryption/{SECRET_KEY}".encode()).digest()
).decode()
# Card payments (storefront_adapter.payments). All three empty in development: card
# payment is then simply unavailable and the checkout offers cash on delivery only.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
# How old a Stripe-Signature timestamp may be (seconds): Stripe's own default, against replays.
STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))

# Celery: Redis is broker and result backend; one beat schedule, here.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Minutes the admission count holds a checkout's stock before it is completed (card payments).
CHECKOUT_HOLD_MINUTES = int(os.environ.get("CHECKOUT_HOLD_MINUTES", "15"))
CELERY_BEAT_SCHEDULE = {
    "registry-expiry-sweep": {
        "task": "vendors.registry.tasks.sweep_certificate_expiry",
        "schedule": crontab(hour=1, minute=0),
    },
    "listings-daily-recheck": {
        "task": "vendors.listings.tasks.recheck_all_listings",
        "schedule": crontab(hour=1, minute=30),
    },
    # Catch-up for outbox rows whose on-commit sync task was lost (Saleor down, worker restart).
    "saleor-drain-outbox": {
        "task": "storefront_adapter.sync_tasks.drain_outbox",
        "schedule": 60.0,
    },
    # Card payments: Stripe events whose report to Saleor was not sent (task lost, Saleor down).
    "payments-report-stripe-events": {
        "task": "storefront_adapter.payments.tasks.report_unreported_stripe_events",
        "schedule": 300.0,
    },
    # The catalogue read model's catch-up for a lost webhook or refresh (storefront_adapter.catalogue).
    "catalogue-rebuild": {
        "task": "storefront_adapter.catalogue_tasks.rebuild_catalogue",
        "schedule": 10 * 60.0,
    },
    # Stock held for checkouts never completed (a card payment abandoned) goes back on sale.
    "checkout-release-expired-holds": {
        "task": "storefront_adapter.order_tasks.release_expired_holds",
        "schedule": 60.0,
    },
    "saleor-gate-sweep": {
        "task": "storefront_adapter.gate_tasks.gate_sweep",
        "schedule": crontab(hour=2, minute=0),
    },
}

# OCOP: the days before expiry at which producers are warned (OCOP_RULES.md, flow 4).
OCOP_EXPIRY_WARNING_DAYS = tuple(
    int(day) for day in env_list("OCOP_EXPIRY_WARNING_DAYS", "90,30,7")
)

GRAPHENE = {"SCHEMA": "marketplace.schema.schema"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Saleor calls the app inside the deployment's private network (compose: http://web:8080):
    # a redirect to https would make it drop the install handshake and the webhooks.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^saleor/"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # Behind our proxy every request comes from the proxy's address; the client's is the
        # last X-Forwarded-For entry, the one our proxy appended (earlier ones are the client's word).
        CLIENT_ADDRESS_FROM_PROXY = True
