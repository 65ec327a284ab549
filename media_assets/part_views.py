"""The part chooser's server side: ask for a part, follow its preparation, download it.

Works without JavaScript: the chooser is a form (typed timecodes at the video's rate, shots,
the cut), the status page refreshes itself until the part is ready, and a ready part
downloads like a master: a signed link (`media_assets.downloads`, target "part": Range,
resumable outside the session, X-Accel behind nginx), logged as a `Download` row of kind
"part". The video page embeds the same form.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from media_assets import clips, downloads, terms
from media_assets.choices import ClipCut, ClipState
from media_assets.models import Clip, Video
from media_assets.timecode import TimecodeError, frames_to_timecode, timecode_to_frames


def _may_download(user) -> bool:
    """The rule of whole downloads: an active account with a verified e-mail address."""
    from accounts.services import download_access

    return download_access(user) == "verified"


def _refused(request):
    return render(request, "media_assets/parts/refused.html", status=403)


def _accepts_now(request, current) -> bool:
    """The person ticked the current terms in this request: their acceptance is recorded."""
    return terms.accept_if_ticked(
        request.user,
        current,
        request.POST.get("accept_terms"),
        translation.get_language(),
    )


def _terms_refusal() -> str:
    return _("Please accept the usage terms to download a part of this video.")


def _public_video(pk: int) -> Video:
    # deny by default: only videos a live, public release shows
    return get_object_or_404(Video, pk=pk, public_since__isnull=False)


def _timecode(value: str, video: Video, *, is_in: bool) -> int:
    try:
        return timecode_to_frames(value, video.fps)
    except TimecodeError:
        if is_in:
            message = _(
                "“%(value)s” is not a valid in-point timecode at %(rate)s frames per second."
            )
        else:
            message = _(
                "“%(value)s” is not a valid out-point timecode at %(rate)s frames per second."
            )
        raise clips.PartRequestError(
            message % {"value": value, "rate": video.frame_rate_label or "25"}
        ) from None


def _spans_from_form(video: Video, data) -> tuple[list[tuple[int, int]], list[int]]:
    shot_ids = data.getlist("shots")
    if shot_ids:
        try:
            ids = [int(value) for value in shot_ids]
        except ValueError:
            raise clips.PartRequestError(
                _("One of the chosen shots belongs to another video.")
            ) from None
        return clips.shot_spans(video, ids), ids
    start = _timecode(data.get("in", ""), video, is_in=True)
    end = _timecode(data.get("out", ""), video, is_in=False)
    return [(start, end)], []


@login_required
@require_http_methods(["GET", "POST"])
def choose_part(request, pk: int):
    video = _public_video(pk)
    if not _may_download(request.user):
        return _refused(request)
    pending_terms = terms.pending(request.user)
    context = {
        "video": video,
        "shots": video.shots.all(),
        "cuts": ClipCut.choices,
        "terms": pending_terms,
    }
    if request.method == "GET":
        return render(request, "media_assets/parts/choose.html", context)
    if pending_terms is not None:
        if not _accepts_now(request, pending_terms):
            # nothing is queued before the terms are accepted
            context.update(error=_terms_refusal(), data=request.POST)
            return render(
                request, "media_assets/parts/choose.html", context, status=400
            )
        context["terms"] = None
    try:
        spans, shot_ids = _spans_from_form(video, request.POST)
        clip = clips.request_part(
            video=video,
            spans=spans,
            cut=request.POST.get("cut", ClipCut.FAST),
            per_shot=request.POST.get("layout") == "per_shot",
            shots=shot_ids,
            user=request.user,
            language=translation.get_language() or "",
        )
    except clips.PartRequestError as error:
        context.update(error=str(error), data=request.POST)
        return render(request, "media_assets/parts/choose.html", context, status=400)
    return redirect("parts:status", pk=clip.pk)


def _own_clip(request, pk: int) -> Clip:
    """The part, if this person asked for it (the account's list and the status page)."""
    clip = (
        Clip.objects.select_related("video")
        .filter(pk=pk, requests__user=request.user)
        .first()
    )
    if clip is None:
        raise Http404
    return clip


def _real_bounds(clip: Clip) -> dict:
    """Where a fast part really starts and ends, for the person to read."""
    video = clip.video
    if not clip.real_spans or video is None:
        return {}
    fps = video.fps
    real_in, real_out = clip.real_spans[0][0], clip.real_spans[-1][1]
    return {
        "real_in": frames_to_timecode(real_in, fps),
        "real_out": frames_to_timecode(real_out, fps),
        "earlier": "%.2f" % float(Fraction(clip.in_frame - real_in) / fps),
        "exact_start": real_in == clip.in_frame,
        "later": "%.2f" % float(Fraction(real_out - clip.out_frame) / fps),
    }


def _download_name(clip: Clip) -> str:
    """The file's name after the video's title in the reader's language, and the timecodes."""
    stored = clip.file.name.rsplit("/", 1)[-1]
    if clip.video is None:
        return stored
    return clips.file_name(clip.video.localized, clip) + Path(stored).suffix


def _time_left(clip: Clip) -> int | None:
    if clip.state != ClipState.RUNNING or not clip.started_at or clip.progress <= 0:
        return None
    spent = (timezone.now() - clip.started_at).total_seconds()
    return max(0, round(spent * (1 - clip.progress) / clip.progress))


def _progress_label(percent: int, time_left: int | None) -> str:
    if time_left is None:
        return _("%(percent)d %%") % {"percent": percent}
    return ngettext(
        "%(percent)d %% · about %(seconds)d second left",
        "%(percent)d %% · about %(seconds)d seconds left",
        time_left,
    ) % {"percent": percent, "seconds": time_left}


@login_required
def part_status(request, pk: int):
    clip = _own_clip(request, pk)
    time_left = _time_left(clip)
    status = {
        "state": clip.state,
        "state_label": capfirst(clip.get_state_display()),
        "percent": clip.percent,
        "time_left": time_left,
        "progress_label": _progress_label(clip.percent, time_left),
        "error": clip.error_message,
    }
    if request.GET.get("format") == "json":
        return JsonResponse(status)
    # one part serves every translation of its video (they share the master)
    video = clip.video.localized if clip.video is not None else None
    return render(
        request,
        "media_assets/parts/status.html",
        {"clip": clip, "video": video, "status": status, "bounds": _real_bounds(clip)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def part_download(request, pk: int):
    """A fresh signed link to the ready part (like a master's: Range, resumable, nginx).

    Terms published since the part was asked for are accepted first (a form that posts here).
    """
    if not _may_download(request.user):
        return _refused(request)
    clip = _own_clip(request, pk)
    if clip.state != ClipState.READY or not clip.file:
        raise Http404
    pending_terms = terms.pending(request.user)
    if pending_terms is not None and not (
        request.method == "POST" and _accepts_now(request, pending_terms)
    ):
        return render(
            request,
            "media_assets/parts/accept_terms.html",
            {
                "clip": clip,
                "terms": pending_terms,
                "error": _terms_refusal() if request.method == "POST" else "",
            },
            status=400 if request.method == "POST" else 200,
        )
    clips.mark_downloaded(clip)
    link = downloads.make_link(
        user=request.user,
        kind="part",
        object_id=clip.pk,
        filename=_download_name(clip),
        language=translation.get_language() or "",
    )
    response = HttpResponse(status=303)
    response["Location"] = link
    return response
