"""Keep translators to their own language in the admin.

Wagtail's page permissions already follow the locale trees (a translator's group holds them on its
language's tree only). Snippet permissions and wagtail-localize's translation views are per model,
not per locale, so this middleware narrows them: a user limited to some locales (see
`news.roles.allowed_locales`) gets 403 on any admin URL that would change a page, snippet or
translation of another locale, or any source (translators translate; they don't author).
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wagtail.models import Locale, Page

from news.roles import allowed_locales


# Views that only read stay open: seeing the source is part of translating.
READ_ONLY_SNIPPET_VIEWS = {
    "list",
    "list_results",
    "inspect",
    "usage",
    "history",
    "history_results",
    "revisions_compare",
    "revisions_view",
}
READ_ONLY_PAGE_VIEWS = {
    "preview_on_edit",
    "view_draft",
    "usage",
    "revisions_index",
    "revisions_view",
    "revisions_compare",
    "workflow_history",
    "workflow_history_detail",
    "workflow_preview",
    "history",
    "history_results",
    "search",
    "search_results",
    "type_use",
    "type_use_results",
    "choose_parent",
}
# Stands for "not a translation": a translator may not create or edit sources in any language.
NOT_A_TRANSLATION = "(source)"


class TranslatorLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.namespace:
            return
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return  # the public site (accounts, search, pages) never needs the check
        user = getattr(request, "user", None)
        if user is None:
            return
        if match.namespace == "wagtail_localize" and not _may_publish_through_localize(
            request, match
        ):
            raise PermissionDenied
        if (allowed := allowed_locales(user)) is None:
            return
        for language in _languages_touched(request, match):
            if language not in allowed:
                raise PermissionDenied
        return


def _may_publish_through_localize(request, match) -> bool:
    """wagtail-localize can publish pages without asking: only for those who may publish them.

    "Sync translated pages" with "publish" and "convert to alias" put content live; without this
    check an officer could publish a translation without review.
    """
    from wagtail_localize.models import TranslationSource

    if request.method != "POST":
        return True
    if match.url_name == "convert_to_alias":
        page = Page.objects.filter(pk=match.kwargs.get("page_id")).first()
        return page is None or page.permissions_for_user(request.user).can_publish()
    if match.url_name == "update_translations" and request.POST.get(
        "publish_translations"
    ):
        source = TranslationSource.objects.filter(
            pk=match.kwargs.get("translation_source_id")
        ).first()
        if source is None or not issubclass(
            source.specific_content_type.model_class(), Page
        ):
            return True
        targets = Page.objects.filter(
            translation_key=source.object_id,
            locale_id__in=source.translations.filter(enabled=True).values(
                "target_locale_id"
            ),
        )
        return all(
            page.permissions_for_user(request.user).can_publish() for page in targets
        )
    return True


def _languages_touched(request, match) -> list[str]:
    namespace, url_name, kwargs = match.namespace, match.url_name, match.kwargs
    if namespace == "wagtail_localize":
        return _localize_languages(request, url_name, kwargs)
    if namespace == "wagtailadmin_pages":
        if url_name in READ_ONLY_PAGE_VIEWS:
            return []
        if "page_id" in kwargs:
            page = (
                Page.objects.filter(pk=kwargs["page_id"])
                .select_related("locale")
                .first()
            )
            return _instance_languages(page)
        if "parent_page_id" in kwargs:
            return [NOT_A_TRANSLATION]
        return []
    if namespace == "wagtailmedia":
        # wagtailmedia's own views of the video library
        if "media_id" in kwargs and url_name in {"edit", "delete"}:
            from media_assets.models import Video

            video = (
                Video.objects.filter(pk=kwargs["media_id"])
                .select_related("locale")
                .first()
            )
            return _instance_languages(video)
        return [NOT_A_TRANSLATION] if url_name in {"add", "chooser_upload"} else []
    model = _snippet_model(namespace)
    if model is None or url_name in READ_ONLY_SNIPPET_VIEWS:
        return []
    if "pk" in kwargs:
        instance = (
            model._default_manager.filter(pk=unquote(str(kwargs["pk"])))
            .select_related("locale")
            .first()
        )
        return _instance_languages(instance)
    if url_name == "add":
        return [NOT_A_TRANSLATION]
    return []


def _instance_languages(instance) -> list[str]:
    """The instance's language if it is a synced translation (what translators edit), else a refusal."""
    from wagtail_localize.models import Translation

    if instance is None:
        return []
    is_translation = Translation.objects.filter(
        source__object_id=instance.translation_key,
        target_locale_id=instance.locale_id,
        enabled=True,
    ).exists()
    return [instance.locale.language_code if is_translation else NOT_A_TRANSLATION]


def _localize_languages(request, url_name, kwargs) -> list[str]:
    from wagtail_localize.models import Translation, TranslationSource

    if "translation_id" in kwargs:
        translation = (
            Translation.objects.filter(pk=kwargs["translation_id"])
            .select_related("target_locale")
            .first()
        )
        return (
            [translation.target_locale.language_code] if translation is not None else []
        )
    if (
        url_name in {"submit_page_translation", "submit_snippet_translation"}
        and request.method == "POST"
    ):
        locale_ids = [
            value for value in request.POST.getlist("locales") if value.isdigit()
        ]
        return list(
            Locale.objects.filter(pk__in=locale_ids).values_list(
                "language_code", flat=True
            )
        )
    if url_name == "update_translations":
        # Syncing rewrites every translation of the source: all of them must be the user's.
        source = TranslationSource.objects.filter(
            pk=kwargs.get("translation_source_id")
        ).first()
        if source is None:
            return []
        return list(
            source.translations.filter(enabled=True).values_list(
                "target_locale__language_code", flat=True
            )
        )
    return []


def _snippet_model(namespace: str):
    if not namespace.startswith("wagtailsnippets_"):
        return None
    from wagtail.snippets.models import get_snippet_models

    for model in get_snippet_models():
        if namespace == "wagtailsnippets_%s_%s" % (
            model._meta.app_label,
            model._meta.model_name,
        ):
            return model if hasattr(model, "locale") else None
    return None
