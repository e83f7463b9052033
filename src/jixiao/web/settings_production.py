"""Production settings: HTTPS only, secrets from the environment, no debug.

``DJANGO_SETTINGS_MODULE=jixiao.web.settings_production``; needs
``JIXIAO_SECRET_KEY`` and ``JIXIAO_ALLOWED_HOSTS`` (and normally ``DATABASE_URL``).
``python -m jixiao.web check --deploy`` is clean with these.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403

if not os.environ.get("JIXIAO_SECRET_KEY"):
    raise ImproperlyConfigured("生产环境须设置环境变量 JIXIAO_SECRET_KEY（至少 50 个随机字符，"
                               "例如 python3 -c 'import secrets; print(secrets.token_urlsafe(60))' 的输出）")
JIXIAO_PRODUCTION = True
"""Production: ``jixiao serve`` never loads the demo (not even with ``--demo``) and collects the static files."""
SECRET_KEY = os.environ["JIXIAO_SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "jixiao.web.staticstorage.StaticStorage"},
}
# `jixiao serve` collects the static files at start (and `pip install` needs no step): a deployment that
# runs gunicorn itself should run `python -m jixiao.web collectstatic` once per release; without it pages
# still work (StaticStorage falls back to the package's files instead of answering 500).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = Path(os.environ.get("JIXIAO_STATIC_ROOT", DATA_DIR / "static"))
