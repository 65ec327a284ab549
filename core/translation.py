"""Translate an object through wagtail-localize, so the translation stays synced with its source."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import ObjectDoesNotExist

from wagtail.models import DraftStateMixin, Locale, Page
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.operations import translate_object


class MissingTranslation(KeyError):
    pass


def translate_with(
    instance,
    locale: Locale,
    strings: Mapping[str, str] | Callable[[str], str],
    *,
    publish: bool = False,
    user=None,
):
    """Create (or update) the `locale` translation of `instance` with the given strings.

    `strings` maps each source string to its translation (or is a function doing so). Objects
    the instance points to (speakers, topics, videos) must already be translated into `locale`,
    or are created as untranslated copies by wagtail-localize. Returns the translated instance.

    A page (or draftable snippet) translation is saved as a draft, and a live translation keeps
    its public content, unless `publish` is set: only set-up code (the site tree, demo content)
    publishes without review.

    Deliberately not wrapped in a transaction: wagtail-localize publishes a new translation in an
    on_commit callback holding the page as it was then; deferred to the end of an outer transaction,
    that stale copy would overwrite the tree counters and the translated text saved since.
    """
    if isinstance(instance, Page):
        instance = instance.specific
    translate = strings if callable(strings) else _lookup(strings)

    source, _created = TranslationSource.get_or_create_from_instance(instance)
    if not _created:
        source.update_from_db()
    if not Translation.objects.filter(source=source, target_locale=locale).exists():
        translate_object(instance, [locale], user=user)
    translation = Translation.objects.get(source=source, target_locale=locale)

    for segment in source.stringsegment_set.select_related("string", "context"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={
                "data": translate(segment.string.data),
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "last_translated_by": user,
            },
        )
    has_drafts = isinstance(instance, DraftStateMixin)  # pages and draftable snippets
    if has_drafts:
        save_translation_draft(translation, user=user)
    else:
        translation.save_target(user=user, publish=True)
    target = instance.get_translation(locale)
    if publish and has_drafts:
        # Publish from a revision loaded afresh, so the tree fields come from the database.
        type(target).objects.get(pk=target.pk).get_latest_revision().publish(user=user)
        target.refresh_from_db()
    return target


def save_translation_draft(translation, *, user=None):
    """A new revision of the target with the current translated strings, and nothing live.

    wagtail-localize's `save_target(publish=False)` also saves the page row, which for a live page
    *is* the public content: a draft would go live without review. For a live target we build
    the translated page in memory and save only a revision (Wagtail's `save_revision` writes
    just the revision bookkeeping columns of the row); approval publishes it.
    """
    from wagtail_localize.fields import copy_synchronised_fields
    from wagtail_localize.segments.ingest import ingest_segments

    source = translation.source
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        target = None
    if target is None or not target.live:
        translation.save_target(user=user, publish=False)
        return translation.get_target_instance()
    original = source.as_instance()
    copy_synchronised_fields(original, target)
    # The same segments save_target uses (fallback: untranslated strings stay in the source
    # language, which the reviewer sees).
    segments = source._get_segments_for_translation(
        translation.target_locale, fallback=True
    )
    ingest_segments(
        original, target, source.locale, translation.target_locale, segments
    )
    target.save_revision(user=user)
    return target


def _lookup(mapping: Mapping[str, str]) -> Callable[[str], str]:
    def translate(text: str) -> str:
        try:
            return mapping[text]
        except KeyError:
            raise MissingTranslation(text) from None

    return translate
