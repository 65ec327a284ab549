"""Keep translators to their own language in the admin.

Wagtail's page permissions already follow the locale trees (a translator's group holds them on its
language's tree only). Snippet permissions and wagtail-localize's translation views are per model,
not per locale, so this middleware narrows them: a user limited to some locales (see
`news.roles.allowed_locales`) is refused any admin URL that would change a page, snippet or
translation of another locale, or any source (translators translate; they don't author).

Deny by default: a translator's POST (or PUT, PATCH, DELETE) reaches only the admin views listed in
`TRANSLATION_WORK`, so a new admin view (reports, clips, ...) stays closed to translators until
someone opens it here on purpose. Refusals are the admin's own page with a sentence saying why.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wagtail.models import Locale, Page

from news.roles import allowed_locales


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# The admin views a translator may write through (then only in the translator's language, below).
# Anything else is refused: add a view here only once it is known to be translation work.
TRANSLATION_WORK = {
    ("wagtail_localize", "submit_page_translation"),
    ("wagtail_localize", "submit_snippet_translation"),
    ("wagtail_localize", "update_translations"),
    ("wagtail_localize", "edit_string_translation"),
    ("wagtail_localize", "edit_override"),
    ("wagtail_localize", "upload_pofile"),
    ("wagtail_localize", "machine_translate"),
    ("wagtail_localize", "preview_translation"),
    ("wagtailadmin_pages", "edit"),
    ("wagtailadmin_pages", "preview_on_edit"),
    ("", "news_submit_translation_for_review"),
    # The translator's own account and session, and the admin's "dismiss this tip".
    ("", "wagtailadmin_account"),
    ("", "wagtailadmin_logout"),
    ("", "wagtailadmin_dismissibles"),
}
# Snippet views (of translatable snippets) that translators write through.
SNIPPET_TRANSLATION_WORK = {"edit", "preview_on_edit"}


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
        if match is None:
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return (
                None  # the public site (accounts, search, pages) never needs the check
            )
        if request.method in SAFE_METHODS and not match.namespace:
            return None  # reading the dashboard, explorer, account... (no language to check)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if match.namespace == "wagtail_localize":
            reason = _publishing_refusal(request, match)
            if reason:
                return refusal(request, reason)
        if (allowed := allowed_locales(user)) is None:
            return None
        if request.method not in SAFE_METHODS and not _is_translation_work(match):
            return refusal(
                request,
                _(
                    "Translators may only translate: this page of the admin is not "
                    "translation work."
                ),
            )
        for language in _languages_touched(request, match):
            if language not in allowed:
                return refusal(
                    request,
                    _locale_refusal(language, allowed),
                    links=_translation_links(match, allowed),
                )
        return None


def refusal(request, reason, links=()) -> TemplateResponse:
    """The admin's own page (403) saying why the person may not do this, in the admin's language."""
    from wagtail.users.models import UserProfile

    language = UserProfile.get_for_user(request.user).get_preferred_language()
    with translation.override(language):
        response = TemplateResponse(
            request,
            "news/admin/refused.html",
            {
                "reason": str(reason),
                "links": [(url, str(label)) for url, label in links],
                "header_title": _("Not allowed"),
                "page_title": _("Not allowed"),
            },
            status=403,
        )
        return response.render()


def _translation_links(match, allowed: set[str]) -> list[tuple[str, object]]:
    """Where the translator can go instead: the translation into their language, or its start."""
    if match.namespace == "wagtailadmin_pages" and "page_id" in match.kwargs:
        instance = Page.objects.filter(pk=match.kwargs["page_id"]).first()
        edit_url = lambda target: reverse("wagtailadmin_pages:edit", args=[target.pk])  # noqa: E731
        start_url = (
            reverse("wagtail_localize:submit_page_translation", args=[instance.pk])
            if instance is not None
            else None
        )
    elif (
        model := _snippet_model(match.namespace)
    ) is not None and "pk" in match.kwargs:
        instance = model._default_manager.filter(
            pk=unquote(str(match.kwargs["pk"]))
        ).first()
        edit_url = lambda target: reverse(  # noqa: E731
            "%s:edit" % match.namespace, args=[target.pk]
        )
        start_url = reverse(
            "wagtail_localize:submit_snippet_translation",
            args=[model._meta.app_label, model._meta.model_name, match.kwargs["pk"]],
        )
    else:
        return []
    if instance is None:
        return []
    links = []
    for code in sorted(allowed):
        locale = Locale.objects.filter(language_code=code).first()
        if locale is None or locale.pk == instance.locale_id:
            continue
        target = instance.get_translation_or_none(locale)
        name = locale.get_display_name()
        if target is not None:
            links.append(
                (
                    edit_url(target),
                    _LazyFormat(_("Open the %(language)s translation"), name),
                )
            )
        else:
            links.append(
                (start_url, _LazyFormat(_("Translate into %(language)s"), name))
            )
    return links


class _LazyFormat:
    def __init__(self, message, language):
        self.message, self.language = message, language

    def __str__(self):
        name = str(self.language)
        if (translation.get_language() or "").startswith("fr"):
            name = name.lower()  # « Traduire en français »
        return str(self.message) % {"language": name}


def _locale_refusal(language: str, allowed: set[str]) -> str:
    if language == NOT_A_TRANSLATION:
        return _(
            "Translators translate: this is an original, not a translation. Start its "
            "translation with “Translate” instead."
        )
    return _LocaleRefusal(language, allowed)


class _LocaleRefusal:
    """The sentence, translated when the refusal page is rendered in the person's language."""

    def __init__(self, language: str, allowed: set[str]):
        self.language, self.allowed = language, allowed

    def __str__(self):
        names = ", ".join(
            sorted(
                str(Locale(language_code=code).get_display_name())
                for code in self.allowed
            )
        )
        return str(
            _(
                "You translate into %(languages)s only: this belongs to the "
                "%(language)s version."
            )
        ) % {
            "languages": names,
            "language": str(Locale(language_code=self.language).get_display_name()),
        }


def _is_translation_work(match) -> bool:
    if (match.namespace, match.url_name) in TRANSLATION_WORK:
        return True
    return (
        _snippet_model(match.namespace) is not None
        and match.url_name in SNIPPET_TRANSLATION_WORK
    )


def _publishing_refusal(request, match) -> str | None:
    """wagtail-localize can publish pages without asking: why this person may not, if so.

    "Sync translated pages" with "publish" and "convert to alias" put content live; without this
    check an officer could publish a translation without review, and a reviewer could publish a
    translation that nobody reviewed (a new translation is a draft until a reviewer approves it).
    """
    from wagtail_localize.models import TranslationSource

    if request.method != "POST":
        return None
    if match.url_name == "convert_to_alias":
        page = Page.objects.filter(pk=match.kwargs.get("page_id")).first()
        if page is None or page.permissions_for_user(request.user).can_publish():
            return None
        return _("Only a reviewer may replace a translation with the original page.")
    if match.url_name == "update_translations" and request.POST.get(
        "publish_translations"
    ):
        source = TranslationSource.objects.filter(
            pk=match.kwargs.get("translation_source_id")
        ).first()
        if source is None or not issubclass(
            source.specific_content_type.model_class(), Page
        ):
            return None
        targets = Page.objects.filter(
            translation_key=source.object_id,
            locale_id__in=source.translations.filter(enabled=True).values(
                "target_locale_id"
            ),
        )
        if not all(
            page.permissions_for_user(request.user).can_publish() for page in targets
        ):
            return _("Only a reviewer may publish translations.")
        if not all(page.live for page in targets):
            return _(
                "A translation that no reviewer has approved yet cannot be published "
                "from here: sync without publishing, then submit it for review."
            )
    return None


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
