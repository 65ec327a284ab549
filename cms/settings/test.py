"""Test settings: real PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set (CI)."""

import atexit
import os
import re
import shutil
import tempfile


os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SERVE_MEDIA", "true")
# Each pytest process (the run, or each pytest-xdist worker "gw0", "gw1"...) gets a var directory
# of its own (tests/conftest.py removes it at the end) and, under xdist, a Redis database of its
# own, so that one worker's real Celery workers never take another's tasks. The processes the
# tests start (gunicorn, Celery workers) inherit both through the environment and keep them.
# A script run on these settings (the benchmarks) removes its var directory when it exits.
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _remove_var_dir(path: str, owner: int) -> None:
    # Only in the process that made it: a forked child exiting must not take it away.
    if os.getpid() == owner:
        shutil.rmtree(path, ignore_errors=True)


if os.environ.get("NEWSROOM_TEST_PROCESS") != _TEST_PROCESS:
    os.environ["NEWSROOM_TEST_PROCESS"] = _TEST_PROCESS
    os.environ["NEWSROOM_VAR_DIR"] = tempfile.mkdtemp(prefix="newsroom-test-var-")
    atexit.register(_remove_var_dir, os.environ["NEWSROOM_VAR_DIR"], os.getpid())
    _broker = os.environ.get("CELERY_BROKER_URL", "")
    _match = re.fullmatch(r"(redis://[^/]+)/(\d+)", _broker)
    if _TEST_PROCESS != "main" and _match:
        _number = int(_match.group(2)) + 1 + int(_TEST_PROCESS.removeprefix("gw"))
        os.environ["CELERY_BROKER_URL"] = "%s/%d" % (_match.group(1), _number)

from cms.settings.base import *  # noqa: E402, F403


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
