from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from wagtail.models import Page


register = template.Library()


@register.inclusion_tag("navigation/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in every language: the live translation of a Wagtail page, or the same view."""
    request = context.get("request")
    page = context.get("page")
    current = get_language()
    urls = {}
    if isinstance(page, Page) and page.pk:
        translations = (
            Page.objects.translation_of(page, inclusive=True)
            .live()
            .public()
            .select_related("locale")
        )
        for translation in translations:
            urls[translation.locale.language_code] = translation.get_url(request)
    elif request is not None:
        for code, _name in settings.LANGUAGES:
            urls[code] = translate_url(request.get_full_path(), code)
    links = []
    for code, _name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                # Each language is named in itself: a French reader looks for "Français" on any page.
                "name": get_language_info(code)["name_local"],
                "url": urls.get(code) or "/%s/" % code,
                "is_current": code == current,
                "is_same_page": code in urls,
            }
        )
    return {"links": links, "current": current}
