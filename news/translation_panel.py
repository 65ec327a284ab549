"""The translator's dashboard panel: what is not yet translated into their language.

A translator's page permissions cover their own language's tree only, so Wagtail's explorer
does not lead them to the English sources. This panel does: the newest releases and the records
(videos, speakers, topics) that have no version in the translator's language yet, each with
"Translate" (wagtail-localize's own submit view, which `news.locale_access` lets translators use
into their language only) and a link to the source to read it. Constant queries: two per kind (the rows
shown, the count).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component
from wagtail.models import Locale

from news.roles import allowed_locales


SHOWN = 8
# A sentence per language (French writes language names in lower case mid-sentence).
HEADINGS = {
    "en": _("Waiting for a translation into English"),
    "fr": _("Waiting for a translation into French"),
}


@dataclass
class Waiting:
    title: str
    language: str
    translate_url: str
    read_url: str


@dataclass
class Kind:
    label: str
    items: list[Waiting]
    count: int


def _untranslated(queryset, locale):
    """Rows of `queryset` in other languages that have no version in `locale`."""
    model = queryset.model
    translated = model._default_manager.filter(
        translation_key=OuterRef("translation_key"), locale=locale
    )
    return queryset.exclude(locale=locale).exclude(Exists(translated))


def _kinds(locale) -> list[Kind]:
    from media_assets.models import Video
    from news.models import NewsReleasePage, Speaker, Topic

    kinds = []
    # wagtail-localize's form opens with the translator's language ticked.
    select = "?" + urlencode({"select_locale": locale.language_code})
    releases = _untranslated(
        NewsReleasePage.objects.filter(alias_of__isnull=True), locale
    ).select_related("locale")
    rows = list(releases.order_by("-release_date", "-pk")[:SHOWN])
    kinds.append(
        Kind(
            label=_("Releases"),
            items=[
                Waiting(
                    title=page.title,
                    language=page.locale.get_display_name(),
                    translate_url=reverse(
                        "wagtail_localize:submit_page_translation", args=[page.pk]
                    )
                    + select,
                    read_url=(page.get_url() or "") if page.live else "",
                )
                for page in rows
            ],
            count=releases.count(),
        )
    )
    for model, label, name_field in (
        (Video, _("Videos"), "title"),
        (Speaker, _("Speakers"), "name"),
        (Topic, _("Topics"), "name"),
    ):
        queryset = _untranslated(model.objects.all(), locale).select_related("locale")
        rows = list(queryset.order_by("-pk")[:SHOWN])
        opts = model._meta
        viewset = model.snippet_viewset
        inspect = viewset.inspect_view_enabled and viewset.get_url_name("inspect")
        kinds.append(
            Kind(
                label=label,
                items=[
                    Waiting(
                        title=getattr(row, name_field),
                        language=row.locale.get_display_name(),
                        translate_url=reverse(
                            "wagtail_localize:submit_snippet_translation",
                            args=[opts.app_label, opts.model_name, row.pk],
                        )
                        + select,
                        read_url=reverse(inspect, args=[row.pk]) if inspect else "",
                    )
                    for row in rows
                ],
                count=queryset.count(),
            )
        )
    return kinds


class ToTranslatePanel(Component):
    name = "to_translate"
    template_name = "news/admin/to_translate_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        languages = sorted(allowed_locales(self.user) or ())
        return {
            "targets": [
                (
                    locale,
                    HEADINGS.get(locale.language_code, locale.get_display_name()),
                    _kinds(locale),
                )
                for locale in Locale.objects.filter(language_code__in=languages)
            ]
        }
