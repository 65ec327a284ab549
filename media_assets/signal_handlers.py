"""Files of deleted videos go only when no video row uses them any more, after the commit.

Every translation of a video is a row of its own that shares the master, the replacement, the
preview and the poster (``TECHNICAL_FIELDS``). wagtailmedia's own ``post_delete`` handler deletes
``instance.file`` (and its thumbnail) for any deleted row, so deleting one translation took the
master every language shares.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q

from media_assets import conf


logger = logging.getLogger(__name__)


def delete_unused_files(sender, instance, **kwargs) -> None:
    """post_delete of a video: after the commit, delete the files no remaining row uses."""
    files = [
        (field.storage, field.name)
        for field in (instance.file, instance.replacement, instance.preview)
        if field
    ]
    if instance.thumbnail:
        files.append((instance.thumbnail.storage, instance.thumbnail.name))
    poster_id = instance.poster_id
    # wagtailmedia's handler reads instance.file and instance.thumbnail when the transaction
    # commits: with their names cleared here, it has nothing left to delete.
    instance.file.name = ""
    instance.thumbnail.name = ""
    transaction.on_commit(lambda: _delete_if_unused(sender, files, poster_id))


def _delete_if_unused(model, files, poster_id) -> None:
    from wagtail.images.models import Image

    for storage, name in files:
        in_use = model.objects.filter(
            Q(file=name) | Q(replacement=name) | Q(preview=name) | Q(thumbnail=name)
        ).exists()
        if not in_use:
            storage.delete(name)
    if poster_id and not model.objects.filter(poster_id=poster_id).exists():
        # Posters made by processing live in their own collection; an image an editor chose
        # from the library stays. Deleting the image deletes its renditions and their files.
        Image.objects.filter(
            pk=poster_id, collection__name=conf.poster_collection_name()
        ).delete()
