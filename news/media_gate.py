"""Posters and previews of a video are as private as its releases until one of them is live.

Wagtail serves images, and wagtailmedia previews, straight from MEDIA_URL, so an embargoed
release's video would leak to anyone who guesses a file name (`previews/…/preview-12.mp4`).
These views sit on the very same URLs (`/media/previews/…`, `/media/images/…`,
`/media/original_images/…`), ahead of the plain file serving: templates keep using
`video.preview.url` and `{% image %}`. A file is served when no video uses it, when a live,
public release links the video (or one of its translations), or to someone with admin access
(editors preview drafts). Otherwise it is a 404, like the release itself.

In production, nginx passes these three prefixes to Django and serves the answer itself from
an `internal` location named by NEWS_PROTECTED_MEDIA_PREFIX (X-Accel-Redirect); the rest of
/media/ stays static.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse

from wagtail.images import get_image_model

from media_assets.models import Video
from news.models import NewsReleasePage, ReleaseVideo


def public_videos(videos):
    """Those of `videos` that a live, public release shows (in any language)."""
    live_releases = NewsReleasePage.objects.live().public().values("pk")
    shown_keys = Video.objects.filter(
        pk__in=ReleaseVideo.objects.filter(page_id__in=live_releases).values("video_id")
    ).values("translation_key")
    return videos.filter(translation_key__in=shown_keys)


def serve_preview(request, name: str):
    path = "previews/%s" % name
    videos = Video.objects.filter(preview=path)
    return _serve_if_allowed(request, path, videos)


def serve_image(request, kind: str, name: str):
    path = "%s/%s" % (kind, name)
    image_model = get_image_model()
    if kind == "images":
        image_ids = (
            image_model.get_rendition_model()
            .objects.filter(file=path)
            .values("image_id")
        )
    else:
        image_ids = image_model.objects.filter(file=path).values("pk")
    return _serve_if_allowed(
        request, path, Video.objects.filter(poster_id__in=image_ids)
    )


def _serve_if_allowed(request, path: str, videos):
    if not videos.exists() or public_videos(videos).exists():
        cache_control = "public, max-age=300"
    elif request.user.is_authenticated and request.user.has_perm(
        "wagtailadmin.access_admin"
    ):
        cache_control = "private, no-store"
    else:
        raise Http404
    prefix = getattr(settings, "NEWS_PROTECTED_MEDIA_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type="")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + path
    else:
        try:
            handle = default_storage.open(path, "rb")
        except (OSError, SuspiciousFileOperation):
            raise Http404 from None
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = cache_control
    return response
