from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("news")

    def ready(self):
        from core.listings import register_person_languages
        from news.roles import allowed_locales

        # Listings of other apps (the video library) open on a translator's language.
        register_person_languages(allowed_locales)
