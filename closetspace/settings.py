"""Closetspace settings: one module, every knob read from the environment.

Unset variables give the embedded default: SQLite, Celery tasks run in-process,
media and index files under the project folder. See the README for each variable.
"""

import math
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envfloat(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def envlist(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "closetspace",
    "wardrobe",
    "recommender",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "closetspace.urls"
WSGI_APPLICATION = "closetspace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (runserver, eager tasks) write at once; wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "wardrobe:closet"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Uploads: per-photo limits, checked by the forms before anything is stored.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 15 * 1024 * 1024)
UPLOAD_MAX_PIXELS = envint("UPLOAD_MAX_PIXELS", 40_000_000)
UPLOAD_MIN_SIDE = envint("UPLOAD_MIN_SIDE", 32)
UPLOAD_MAX_ASPECT = envfloat("UPLOAD_MAX_ASPECT", 8.0)
PHOTO_MAX_SIDE = envint("PHOTO_MAX_SIDE", 1600)
THUMBNAIL_SIDE = envint("THUMBNAIL_SIDE", 400)
# A request carries at most this many photos (the upload page and the API).
UPLOAD_MAX_FILES = envint("UPLOAD_MAX_FILES", 20)
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Embeddings: the image and text parts are L2-normalised, weighted and concatenated.
EMBED_IMAGE_WEIGHT = envfloat("EMBED_IMAGE_WEIGHT", math.sqrt(0.5))
if not 0.0 <= EMBED_IMAGE_WEIGHT <= 1.0:
    raise ImproperlyConfigured("EMBED_IMAGE_WEIGHT must lie between 0 and 1.")
EMBED_TEXT_WEIGHT = math.sqrt(1.0 - EMBED_IMAGE_WEIGHT**2)
EMBED_IMAGE_BATCH = envint("EMBED_IMAGE_BATCH", 16)
EMBED_TEXT_BATCH = envint("EMBED_TEXT_BATCH", 64)
# Products per Celery task when a catalogue is imported.
EMBED_TASK_CHUNK = envint("EMBED_TASK_CHUNK", 64)
TORCH_THREADS = envint("TORCH_THREADS", 0)
# Catalogue photos given as web addresses are fetched by a Celery task.
IMAGE_FETCH_TIMEOUT = envfloat("IMAGE_FETCH_TIMEOUT", 10.0)
IMAGE_FETCH_RETRIES = envint("IMAGE_FETCH_RETRIES", 3)  # 0: cores divided by worker concurrency

# The Annoy index of the inventory.
INDEX_DIR = Path(os.environ.get("INDEX_DIR", BASE_DIR / "var" / "index"))
INDEX_TREES = envint("INDEX_TREES", 50)
INDEX_KEEP_VERSIONS = envint("INDEX_KEEP_VERSIONS", 3)
# Rebuild a stale or missing index in-process when a page needs it (the embedded
# default, which has no beat). Production leaves this to the beat task.
INDEX_REBUILD_IN_PROCESS = envbool("INDEX_REBUILD_IN_PROCESS", None)
INDEX_REBUILD_SECONDS = envint("INDEX_REBUILD_SECONDS", 300)
# A row pending this long has lost its task (say, the broker was down); the sweep resends it.
STALE_PENDING_SECONDS = envint("STALE_PENDING_SECONDS", 120)
SWEEP_SECONDS = envint("SWEEP_SECONDS", 60)

# Recommendations: the spread (in cosine similarity) of the Gaussian noise added to each
# candidate's score, so that each refresh brings a different, still fitting set.
RECOMMEND_NOISE = envfloat("RECOMMEND_NOISE", 0.03)
RECOMMEND_COUNT = envint("RECOMMEND_COUNT", 12)
RECOMMEND_MAX = envint("RECOMMEND_MAX", 50)

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died unacknowledged is redelivered after this long (tasks are idempotent).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 300)}
CELERY_BEAT_SCHEDULE = {
    "rebuild-index-when-inventory-changed": {
        "task": "recommender.tasks.rebuild_index",
        "schedule": float(INDEX_REBUILD_SECONDS),
    },
    "embed-stale-products": {"task": "recommender.tasks.embed_stale", "schedule": float(SWEEP_SECONDS)},
    "embed-stale-wardrobe-items": {"task": "wardrobe.tasks.embed_stale_items", "schedule": float(SWEEP_SECONDS)},
}
# Fail fast when the broker is down: the request goes on and the sweep resends the task.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = envfloat("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0)
if INDEX_REBUILD_IN_PROCESS is None:
    INDEX_REBUILD_IN_PROCESS = CELERY_TASK_ALWAYS_EAGER

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Closetspace API",
    "DESCRIPTION": "Your wardrobe, recommendations from the shop, and product search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per task is noise in the embedded default, where tasks run in-process.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        "sentence_transformers": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
