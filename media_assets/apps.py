from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaAssetsConfig(AppConfig):
    name = "media_assets"
    verbose_name = _("media assets")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_delete, pre_delete

        from wagtail.permission_policies.collections import (
            CollectionOwnershipPermissionPolicy,
        )
        from wagtail.permissions import register_permission_policy

        from core.permissions import superuser_deletes_policy
        from media_assets.downloads import anonymise_downloads_of
        from media_assets.signal_handlers import delete_unused_files

        video = self.get_model("Video")
        post_delete.connect(
            delete_unused_files,
            sender=video,
            dispatch_uid="media_assets.delete_unused_files",
        )
        # wagtailmedia's policy (collection "change" implies delete), except that only
        # superusers delete. exact_class: it wins over the one wagtailmedia registers for its
        # media model in its own ready(), which runs after ours.
        register_permission_policy(
            video,
            superuser_deletes_policy(
                video,
                CollectionOwnershipPermissionPolicy,
                auth_model="wagtailmedia.Media",
                owner_field_name="uploaded_by_user",
            ),
            exact_class=True,
        )
        # A deleted account's downloads stay in the log, without the address.
        pre_delete.connect(
            anonymise_downloads_of,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="media_assets.anonymise_downloads",
        )
