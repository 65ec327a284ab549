"""Production: everything from the environment (see deploy/env.example).

Production refuses to start without what it cannot run safely without: a Celery broker (or
ffmpeg would run inside web requests), a shared Redis cache (or each gunicorn worker would
count log-in failures on its own) and the number of proxies in front (or every visitor would
share nginx's address for the throttles).
"""

from django.core.exceptions import ImproperlyConfigured

from cms.settings.base import *  # noqa: F403
from cms.settings.base import (
    ALLAUTH_TRUSTED_PROXY_COUNT,
    DATABASES,
    SECURE_HSTS_PRELOAD,
    env,
)


def required(name: str, why: str) -> str:
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(
            "%s is not set. %s See deploy/env.example." % (name, why)
        )
    return value


# Video processing runs on Celery workers, never inline in a web request.
required(
    "CELERY_BROKER_URL",
    "Production needs a Redis broker for video processing and e-mail "
    "(e.g. redis://127.0.0.1:6379/0); without it ffmpeg would run inside web requests.",
)

# Log-in throttles, rate limits and Wagtail's caches must be shared by every worker.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
_cache_url = required(
    "CACHE_URL",
    "Production needs a cache shared by all web workers, in Redis "
    "(e.g. redis://127.0.0.1:6379/1), so that log-in throttles count for the whole site.",
)
if not _cache_url.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        "CACHE_URL must point at Redis (redis:// or rediss://), not %r: a per-process "
        "cache lets each web worker count log-in failures on its own. "
        "See deploy/env.example." % _cache_url.split("://", 1)[0]
    )
CACHES = {"default": env.cache("CACHE_URL")}

# Throttles key on the client's address as given by our own proxies (nginx overwrites
# X-Forwarded-For with the address it sees: 1 proxy). Explicit, never the default of 0.
# https://docs.allauth.org/en/latest/common/configuration.html
required(
    "ALLAUTH_TRUSTED_PROXY_COUNT",
    "Set it to the number of proxies in front of gunicorn (1 behind deploy/nginx.conf); "
    "with 0 behind a proxy every visitor shares its address and one person's wrong "
    "passwords lock everyone out.",
)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        "ALLAUTH_TRUSTED_PROXY_COUNT must be a number of proxies (1 behind "
        "deploy/nginx.conf), not %d." % ALLAUTH_TRUSTED_PROXY_COUNT
    )

# Persistent database connections (checked before reuse): opening one costs a request 5 to
# 15 ms, more than all of a signed download link's queries (benchmarked in bench/clips.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

# `manage.py check --deploy` gives no warning but these two, each a deliberate choice:
SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: Wagtail's page preview shows the page in an
    # iframe of the admin, on the same origin.
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # HSTS preload is hard to undo (browsers ship the list): the operator opts in with
    # SECURE_HSTS_PRELOAD=true once the whole domain is HTTPS-only.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
