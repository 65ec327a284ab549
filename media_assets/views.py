"""The public video page, the download panel's actions and the signed download links."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wagtail.models import Locale, Page

from media_assets import downloads, terms
from media_assets.models import Shot, Video
from media_assets.serving import Unsatisfiable, parse_range, serve_file


def public_video_or_404(pk: int) -> Video:
    video = (
        Video.objects.public()
        .select_related("poster", "locale")
        .prefetch_related(
            Prefetch("shots", queryset=Shot.objects.order_by("sort_order"))
        )
        .filter(pk=pk)
        .first()
    )
    if video is None:
        raise Http404
    return video


def releases_showing(video: Video, locale=None) -> list[Page]:
    """The live, public releases of this language (any, without one) that show the video."""
    link_model = Video._meta.get_field("releases").related_model
    page_ids = link_model.objects.filter(
        video__translation_key=video.translation_key
    ).values("page_id")
    pages = Page.objects.live().public().filter(pk__in=page_ids)
    if locale is not None:
        pages = pages.filter(locale=locale)
    return list(pages.order_by("-first_published_at").specific())


def video_detail(request, pk: int, slug: str):
    video = public_video_or_404(pk)
    locale = Locale.get_active()
    if video.locale_id != locale.pk:
        translated = Video.objects.filter(
            translation_key=video.translation_key, locale=locale
        ).first()
        if translated is not None:
            return redirect(translated.get_public_url(), permanent=False)
    if slug != (slugify(video.title) or "video"):
        return redirect(video.get_public_url(), permanent=True)
    releases = releases_showing(video, locale)
    return render(
        request,
        "media_assets/video_page.html",
        {
            "video": video,
            "releases": releases,
            "panel": panel_context(request, video),
        },
    )


def panel_context(request, video: Video, release=None) -> dict:
    """What the download panel shows this person for this video (see the panel template)."""
    from accounts.services import download_access

    # Asked once per request, however many videos a release shows.
    cached = getattr(request, "_download_panel", None)
    if cached is None:
        access = download_access(request.user)
        current_terms = terms.current_terms() if access == "verified" else None
        accepted = current_terms is None or terms.has_accepted(
            request.user, current_terms
        )
        cached = request._download_panel = (access, current_terms, accepted)
    access, current_terms, accepted = cached
    return {
        "access": access,
        "video": video,
        "release": release,
        "terms": current_terms,
        "terms_accepted": accepted,
        "next": request.get_full_path(),
        "link_hours": downloads.link_max_age() // 3600,
    }


@require_POST
def request_download(request, pk: int, slug: str):
    """The panel's button: accept the terms if needed, then go to a fresh signed link."""
    from accounts.services import download_access

    video = public_video_or_404(pk)
    access = download_access(request.user)
    back = request.POST.get("next") or video.get_public_url()
    if not back.startswith("/") or back.startswith("//"):
        back = video.get_public_url()
    if access == "anonymous":
        return redirect("%s?next=%s" % (_url("account_login"), back))
    if access == "unverified":
        return redirect(back)
    release_id = _release_id(request.POST.get("release"))
    current_terms = terms.pending(request.user)
    if current_terms is not None and not terms.accept_if_ticked(
        request.user,
        current_terms,
        request.POST.get("accept_terms"),
        translation.get_language(),
    ):
        return render(
            request,
            "media_assets/accept_terms.html",
            {
                "video": video,
                "terms": current_terms,
                "release_id": release_id or "",
                "next": back,
                "error": "accept_terms" in request.POST
                or request.POST.get("confirm") == "1",
            },
            status=400 if request.POST.get("confirm") == "1" else 200,
        )
    retry_at = downloads.hourly_limit_reached(request.user)
    if retry_at is not None:
        return too_many(request, retry_at)
    if release_id:
        release = Page.objects.get(pk=release_id).specific
    else:  # from the video page: the release it first came with dates the file
        # (a release in another language still dates it better than today)
        shown_in = releases_showing(video, Locale.get_active()) or releases_showing(
            video
        )
        release = shown_in[-1] if shown_in else None
    link = downloads.make_link(
        user=request.user,
        kind="master",
        object_id=video.pk,
        filename=downloads.master_filename(video, release),
        language=translation.get_language(),
        release_id=release_id,
    )
    return _see_other(link)


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _release_id(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    link_model = Video._meta.get_field("releases").related_model
    return number if link_model.objects.filter(page_id=number).exists() else None


def too_many(request, retry_at) -> HttpResponse:
    response = render(
        request,
        "media_assets/too_many_downloads.html",
        {"retry_at": retry_at, "limit": downloads.downloads_per_hour()},
        status=429,
    )
    seconds = max(int((retry_at - timezone.now()).total_seconds()), 1)
    response["Retry-After"] = str(seconds)
    return response


@require_http_methods(["GET", "HEAD"])
def serve_download(request, signed: str, filename: str):
    """A signed link: check it, log the request, hand the file to the serving backend."""
    try:
        payload, user, target = downloads.read_link(signed, request.user)
    except downloads.LinkError as error:
        return refused(request, error)
    language = payload.get("l") or translation.get_language()
    storage_path_size = _size(target)
    if storage_path_size is None:
        raise Http404
    sent, counted = _planned_bytes(request, storage_path_size)
    try:
        downloads.record_request(
            payload=payload,
            user=user,
            target=target,
            size=storage_path_size,
            sent=sent,
            counted=counted,
        )
    except downloads.LimitReached as limit:
        with translation.override(language):
            return too_many(request, limit.retry_at)
    try:
        return serve_file(
            request,
            target.name,
            storage_alias=target.storage_alias,
            filename=target.filename,
            attachment=True,
            cache_control="private, no-store",
        )
    except FileNotFoundError:
        raise Http404 from None


def _size(target) -> int | None:
    from media_assets.storage import get_storage

    try:
        return get_storage(target.storage_alias).size(target.name)
    except (FileNotFoundError, OSError):
        return None


def _planned_bytes(request, size: int) -> tuple[int, bool]:
    """The bytes this request will get (Range honoured as the backends do), and if it counts."""
    if request.method == "HEAD":
        return 0, False
    header = request.headers.get("Range", "")
    if not header:
        return size, True
    try:
        byte_range = parse_range(header, size)
    except Unsatisfiable:
        return 0, True
    return (size, True) if byte_range is None else (byte_range.length, True)


def refused(request, error: downloads.LinkError) -> HttpResponse:
    payload = error.payload
    video = None
    if payload.get("k") == "master" and payload.get("o"):
        video = Video.objects.public().filter(pk=payload["o"]).first()
    language = payload.get("l") or translation.get_language()
    status = {"expired": 410, "other-person": 403, "account": 403}.get(
        error.reason, 404
    )
    with translation.override(language):
        messages = {
            "expired": _("This download link has expired."),
            "other-person": _("This download link was made for another account."),
            "account": _("This download link no longer works for this account."),
            "invalid": _("This download link is not valid."),
            "gone": _("This video is no longer available."),
        }
        return render(
            request,
            "media_assets/link_refused.html",
            {
                "message": messages[error.reason],
                "video_url": video.get_public_url() if video else "",
            },
            status=status,
        )
