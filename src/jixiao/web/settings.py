"""Settings of the web platform.

Everything that differs between a laptop and production comes from the
environment:

* ``DATABASE_URL``: ``postgresql://user@host:5432/name``; without it, SQLite at
  ``$JIXIAO_DATA_DIR/jixiao.sqlite3`` (default ``./jixiao-data``).
* ``JIXIAO_SECRET_KEY``: required by :mod:`.settings_production`; here a key is
  generated once per data directory and kept in it.
* ``JIXIAO_DEBUG=1``: Django's debug pages (never in production).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from .logs import private_dir

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JIXIAO_DATA_DIR", "jixiao-data")).resolve()


def _secret_key() -> str:
    if os.environ.get("JIXIAO_SECRET_KEY"):
        return os.environ["JIXIAO_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except OSError:
        key = secrets.token_urlsafe(50)
        try:
            private_dir(DATA_DIR)
            key_file.write_text(key)
            key_file.chmod(0o600)
        except OSError:
            pass  # a read-only place: a key for this process only (sessions end with it)
        return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("JIXIAO_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("JIXIAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "jixiao.web.orgs",
    "jixiao.web.evaluations",
    "jixiao.web.dashboards",
    "jixiao.web.publication",
    "jixiao.web.jobs",
    "jixiao.web.indicators",
    "jixiao.web.api",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's interactive docs from its own bundled files, never a CDN
]

MIDDLEWARE = [
    "jixiao.web.security.SecurityHeadersMiddleware",  # CSP and companions, on static files too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jixiao.web.limits.InputPolicyMiddleware",  # one body size, nesting, number and character policy
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jixiao.web.urls"
WSGI_APPLICATION = "jixiao.web.wsgi.application"

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
                "jixiao.web.access.context",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"],
                                                conn_max_age=int(os.environ.get("JIXIAO_CONN_MAX_AGE", "60")))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "jixiao.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every server process (the login throttle counts failures across them): a table in the same
# database, created by the migration orgs/0002.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jixiao_cache"}}

# Background jobs (batch import, rendering a department's reports): Django's tasks framework (the
# django-tasks backport on Django 5.2) with its database backend. Jobs wait in a table of the same
# database; `python -m jixiao.web db_worker` runs them, and any number of workers on any number of
# machines share the queue through the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Sign-in names NFKC-normalised and case-folded (full-width letters are the same account): orgs/backends.py
AUTHENTICATION_BACKENDS = ["jixiao.web.orgs.backends.NormalisedBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the editor reads the token from the page, not the cookie

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic needed for `jixiao serve`
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: a report or an evidence file is at most 20 MB (the readers' own limit). A body that is not a
# file upload (the editor's and the API's JSON, forms) is at most 5 MB: jixiao.web.limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
JIXIAO_MAX_UPLOAD = 20 * 1024 * 1024
# Evidence (证明材料) per evaluation: at most this many files and bytes (views/editing._over_quota).
JIXIAO_EVIDENCE_FILES = int(os.environ.get("JIXIAO_EVIDENCE_FILES", "200"))
JIXIAO_EVIDENCE_BYTES = int(os.environ.get("JIXIAO_EVIDENCE_MB", "200")) * 1024 * 1024
# A batch import may be a folder of many files (the jobs app caps a job at 1000 files and 200 MB).
DATA_UPLOAD_MAX_NUMBER_FILES = 1000

# Server errors (500s, with their traceback) go to standard error and to $JIXIAO_LOG_FILE (default
# DATA_DIR/jixiao-errors.log, rotated at 10 MB, 5 kept); the platform's own messages to standard error.
LOG_FILE = os.environ.get("JIXIAO_LOG_FILE") or str(DATA_DIR / "jixiao-errors.log")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "errors": {"class": "jixiao.web.logs.ErrorFileHandler", "filename": LOG_FILE, "level": "ERROR",
                   "formatter": "plain", "maxBytes": 10 * 1024 * 1024, "backupCount": 5},
    },
    "loggers": {
        "jixiao": {"handlers": ["console", "errors"], "level": os.environ.get("JIXIAO_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console", "errors"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
