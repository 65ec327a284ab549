"""Production: everything from the environment (see deploy/)."""

from cms.settings.base import *  # noqa: F403
from cms.settings.base import env


CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
