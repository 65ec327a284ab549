"""Developer laptop: no services needed; everything under var/."""

import os


os.environ.setdefault("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("SERVE_MEDIA", "true")

from cms.settings.base import *  # noqa: F403


ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
