from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject


class PrivateMediaStorage(LazyObject):
    """Storage for broadcast masters: outside MEDIA_ROOT and without a public URL.

    Files leave only through the download view, which checks who asks.
    """

    def _setup(self):
        self._wrapped = FileSystemStorage(
            location=settings.PRIVATE_MEDIA_ROOT, base_url=None
        )


private_storage = PrivateMediaStorage()


def get_private_storage():
    return private_storage
