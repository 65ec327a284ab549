"""The gate in front of every file under MEDIA_URL: posters, renditions and previews.

Wagtail and wagtailmedia link these files by their storage URL, so the gate sits on those very
URLs (`/media/...`): templates keep using `video.preview.url` and `{% image %}`.

Deny by default. The request path is normalised first (`//`, `/./`, `%2e`, `..`), then the
file is looked up by what owns it:

- ``previews/…``: the video whose preview it is;
- ``original_images/…`` and ``images/…``: the image (or the image of the rendition); an image
  that is a video's poster, or that sits in the posters' collection, follows its videos.

A file is served when a public video (``Video.public_since``) owns it, or when it is an
ordinary image (a speaker's photo). Anything else under MEDIA_URL, a file no row owns (the
preview or poster of a deleted video) or the files of a video not public yet are a 404, except
to someone with admin access (editors preview drafts), who gets them uncached.

The bytes leave through `media_assets.serving` (Range on every server, X-Accel-Redirect behind
nginx).
"""

from __future__ import annotations

import posixpath

from django.http import Http404, HttpRequest, HttpResponse

from wagtail.images import get_image_model

from media_assets import conf
from media_assets.models import Video
from media_assets.serving import serve_file


PUBLIC = "public, max-age=300"
PRIVATE = "private, no-store"


def normalise(path: str) -> str | None:
    """The storage name the path designates, or None when it leaves MEDIA_ROOT.

    `path` is already percent-decoded by Django (``%2e`` is ``.``).
    """
    if "\x00" in path or "\\" in path:
        return None
    name = posixpath.normpath("/" + path).lstrip("/")
    if name in ("", ".") or name.startswith("..") or "/../" in "/" + name + "/":
        return None
    return name


class MediaGate:
    """Decides whether, and how cacheably, a file under MEDIA_URL may be served."""

    protected_prefixes = ("previews", "images", "original_images")

    def __call__(self, request: HttpRequest, path: str) -> HttpResponse:
        name = normalise(path)
        if name is None:
            raise Http404
        prefix = name.split("/", 1)[0]
        if prefix not in self.protected_prefixes or "/" not in name:
            raise Http404
        videos = self.owning_videos(prefix, name)
        if videos is None:
            raise Http404
        if videos is True or any(video.public_since for video in videos):
            cache_control = PUBLIC
        elif self.may_see_unpublished(request):
            cache_control = PRIVATE
        else:
            raise Http404
        try:
            return serve_file(request, name, cache_control=cache_control)
        except FileNotFoundError:
            raise Http404 from None

    def may_see_unpublished(self, request) -> bool:
        user = request.user
        return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")

    def owning_videos(self, prefix: str, name: str):
        """The videos whose file this is; True for an ordinary image; None when nothing owns it."""
        if prefix == "previews":
            videos = list(Video.objects.filter(preview=name).only("public_since"))
            return videos or None
        image_model = get_image_model()
        if prefix == "images":
            image_id = (
                image_model.get_rendition_model()
                .objects.filter(file=name)
                .values_list("image_id", flat=True)
                .first()
            )
        else:
            image_id = (
                image_model.objects.filter(file=name)
                .values_list("pk", flat=True)
                .first()
            )
        if image_id is None:
            return None
        videos = list(Video.objects.filter(poster_id=image_id).only("public_since"))
        if videos:
            return videos
        is_poster = image_model.objects.filter(
            pk=image_id, collection__name=conf.poster_collection_name()
        ).exists()
        # A poster no video uses any more (its video was deleted) is never served.
        return None if is_poster else True


serve_media = MediaGate()
