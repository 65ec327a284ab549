from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaAssetsConfig(AppConfig):
    name = "media_assets"
    verbose_name = _("media assets")

    def ready(self):
        from django.db.models.signals import post_delete

        from media_assets.signal_handlers import delete_unused_files

        post_delete.connect(
            delete_unused_files,
            sender=self.get_model("Video"),
            dispatch_uid="media_assets.delete_unused_files",
        )
