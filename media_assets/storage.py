import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InvalidStorageError, storages


PRIVATE_ALIAS = "private"


class PrivateMediaStorage(FileSystemStorage):
    """Storage for broadcast masters: outside MEDIA_ROOT and without a public URL.

    Files leave only through the download view, which checks who asks. The location is read
    from settings.PRIVATE_MEDIA_ROOT at each use, so override_settings applies to it.
    """

    def __init__(self, **kwargs):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL: a master must never get a URL.
        raise ValueError("Broadcast masters have no public URL; use the download view.")


private_storage = PrivateMediaStorage()


def get_storage(alias: str):
    """The STORAGES alias (``private`` defaults to PrivateMediaStorage when not configured).

    Object storage is a settings change: point ``STORAGES["private"]`` at django-storages.
    """
    try:
        return storages[alias]
    except InvalidStorageError:
        if alias == PRIVATE_ALIAS:
            return private_storage
        raise


def get_private_storage():
    return get_storage(PRIVATE_ALIAS)
