"""Keep `Video.public_since` true to the releases: the one place that says which videos are public.

A video is public while a live, public release (in any language) shows it. Publishing,
unpublishing, deleting or moving a release and changing a page's privacy can change that: the
signal handlers below only note, once the transaction commits, that it must be recomputed (a
small idempotent task); the recompute hands `media_assets` the set of shown translation keys.
"""

from __future__ import annotations

from django.db import transaction

from media_assets.models import Video
from media_assets.services import set_public_videos


def shown_video_keys():
    """The translation keys of the videos that a live, public release shows (a subquery)."""
    from news.models import NewsReleasePage, ReleaseVideo

    live = NewsReleasePage.objects.live().public().values("pk")
    return (
        Video.objects.filter(
            pk__in=ReleaseVideo.objects.filter(page_id__in=live).values("video_id")
        )
        .values("translation_key")
        .distinct()
    )


def refresh_public_videos(keys=None) -> tuple[int, int]:
    """Recompute `public_since` (for the videos with these translation keys, or all)."""
    return set_public_videos(shown_keys=shown_video_keys(), keys=keys)


def video_keys_under(page) -> list[str]:
    """The translation keys of the videos linked by `page` and the releases below it."""
    from news.models import ReleaseVideo

    pages = page.get_descendants(inclusive=True).values("pk")
    return [
        str(key)
        for key in Video.objects.filter(
            pk__in=ReleaseVideo.objects.filter(page_id__in=pages).values("video_id")
        )
        .values_list("translation_key", flat=True)
        .distinct()
    ]


def schedule_refresh(keys=None) -> None:
    """Enqueue the recompute once the current transaction commits (never on a rollback)."""
    from news.tasks import refresh_public_videos_task

    keys = None if keys is None else sorted({str(key) for key in keys})
    # robust: a publish that was saved must still answer with the job service down (the
    # failure is logged; `manage.py refresh_public_videos` recomputes every video).
    transaction.on_commit(lambda: refresh_public_videos_task.delay(keys), robust=True)


def on_page_published(sender, instance, **kwargs):
    schedule_refresh(video_keys_under(instance))


def on_page_changed(sender, instance, **kwargs):
    # Unpublished, moved or privacy changed: the videos below it may be shown or hidden.
    schedule_refresh(video_keys_under(instance))


def on_page_deleted(sender, instance, **kwargs):
    # The release's links are gone with it: the recompute withdraws what nothing shows any more.
    schedule_refresh([])


def on_view_restriction_changed(sender, instance, **kwargs):
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    # None: the page itself is being deleted; the recompute withdraws what it showed.
    schedule_refresh(video_keys_under(page) if page else [])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_page_published, dispatch_uid="news.publicity.published")
    page_unpublished.connect(on_page_changed, dispatch_uid="news.publicity.unpublished")
    post_page_move.connect(on_page_changed, dispatch_uid="news.publicity.moved")
    post_delete.connect(
        on_page_deleted, sender=Page, dispatch_uid="news.publicity.deleted"
    )
    from news.models import NewsReleasePage

    post_delete.connect(
        on_page_deleted,
        sender=NewsReleasePage,
        dispatch_uid="news.publicity.release_deleted",
    )
    for signal, name in ((post_save, "saved"), (post_delete, "removed")):
        signal.connect(
            on_view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid="news.publicity.restriction_" + name,
        )
