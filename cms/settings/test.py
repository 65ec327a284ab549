"""Test settings: real PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set (CI)."""

import os
import tempfile


os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SERVE_MEDIA", "true")
if "NEWSROOM_VAR_DIR" not in os.environ:
    # One of its own per test run (tests/conftest.py removes it at the end), inherited by the
    # processes the tests start.
    os.environ["NEWSROOM_VAR_DIR"] = tempfile.mkdtemp(prefix="newsroom-test-var-")

from cms.settings.base import *  # noqa: F403


ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

# The real-worker tests give the worker they start a short sweep and short deadlines.
NEWSROOM_STUCK_FLOOR = env.float("NEWSROOM_STUCK_FLOOR", default=None)
NEWSROOM_STUCK_FACTOR = env.float("NEWSROOM_STUCK_FACTOR", default=None)
