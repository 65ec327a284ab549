from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("news")

    def ready(self):
        from wagtail.permissions import register_permission_policy

        from core.permissions import superuser_deletes_policy

        # Before the snippet viewsets are registered (wagtail_hooks), which would otherwise
        # create Wagtail's default policy, where holding "delete" is enough.
        for name in ("Speaker", "Topic"):
            model = self.get_model(name)
            register_permission_policy(model, superuser_deletes_policy(model))

        from news import publicity

        publicity.connect()

        from core.listings import register_person_languages
        from news.roles import allowed_locales

        # Listings of other apps (the video library) open on a translator's language.
        register_person_languages(allowed_locales)
