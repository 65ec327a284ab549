"""Keep the archive index in step with Wagtail and the domain models.

Each handler only enqueues an idempotent task once the transaction commits (STYLE.md §3);
the tasks read the database as it is then. Connected in `SearchConfig.ready()`; nothing else
imports `search`.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from media_assets.models import Shot, Video
from news.models import NewsReleasePage, Speaker, Topic
from search import tasks


def _enqueue(task, *args) -> None:
    # robust: with the job service down, the change that was saved must still answer (the
    # failure is logged; `rebuild_archive_index` catches the index up).
    # (a function, not a partial: Django names it in the log)
    def send() -> None:
        task.delay(*args)

    transaction.on_commit(send, robust=True)


def _release_changed(sender, instance, **kwargs) -> None:
    _enqueue(tasks.index_release_task, instance.pk)


def _release_deleted(sender, instance, **kwargs) -> None:
    from search.documents import video_ids_of_release

    # The links to videos go with the page: read them before they do.
    _enqueue(tasks.remove_release_task, instance.pk, video_ids_of_release(instance.pk))


def _subtree_changed(page: Page) -> None:
    ids = list(
        NewsReleasePage.objects.descendant_of(page, inclusive=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        _enqueue(tasks.index_releases_task, ids)


def _page_moved(sender, instance, **kwargs) -> None:
    _subtree_changed(instance)


def _restriction_changed(sender, instance, **kwargs) -> None:
    _subtree_changed(instance.page)


def _video_changed(sender, instance, **kwargs) -> None:
    _enqueue(tasks.index_video_task, instance.pk)


def _shot_changed(sender, instance, **kwargs) -> None:
    _enqueue(tasks.index_video_task, instance.video_id)


def _speaker_changed(sender, instance, **kwargs) -> None:
    ids = list(
        NewsReleasePage.objects.filter(quotes__speaker=instance)
        .values_list("pk", flat=True)
        .distinct()
    )
    if ids:
        _enqueue(tasks.index_releases_task, ids)


def _topic_changed(sender, instance, **kwargs) -> None:
    ids = list(
        NewsReleasePage.objects.filter(topics__topic=instance)
        .values_list("pk", flat=True)
        .distinct()
    )
    if ids:
        _enqueue(tasks.index_releases_task, ids)


def connect() -> None:
    uid = "search-archive-"
    for model in (NewsReleasePage,):
        page_published.connect(_release_changed, sender=model, dispatch_uid=uid + "pub")
        page_unpublished.connect(
            _release_changed, sender=model, dispatch_uid=uid + "unpub"
        )
        pre_delete.connect(_release_deleted, sender=model, dispatch_uid=uid + "del")
    post_page_move.connect(_page_moved, dispatch_uid=uid + "move")
    post_save.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid=uid + "pvr-s"
    )
    post_delete.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid=uid + "pvr-d"
    )
    post_save.connect(_video_changed, sender=Video, dispatch_uid=uid + "video")
    post_delete.connect(_video_changed, sender=Video, dispatch_uid=uid + "video-d")
    post_save.connect(_shot_changed, sender=Shot, dispatch_uid=uid + "shot")
    post_delete.connect(_shot_changed, sender=Shot, dispatch_uid=uid + "shot-d")
    post_save.connect(_speaker_changed, sender=Speaker, dispatch_uid=uid + "speaker")
    post_save.connect(_topic_changed, sender=Topic, dispatch_uid=uid + "topic")
