from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaAssetsConfig(AppConfig):
    name = "media_assets"
    verbose_name = _("media assets")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import pre_delete

        from media_assets.downloads import anonymise_downloads_of

        pre_delete.connect(
            anonymise_downloads_of,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="media_assets.anonymise_downloads",
        )
